# METADATA
# title: Regulation F cease communication
# description: >-
#   Once a consumer has notified a debt collector in writing to cease further communication
#   (flags.cease_communication; missing counts as notified), the collector must not communicate
#   further about the debt (15 U.S.C. 1692c(c); 12 CFR 1006.6(c)(1)); the narrow exceptions of
#   1006.6(c)(2) (telling the consumer that efforts end or that a specific remedy will be
#   invoked) are written by a person, not by the ladder. Every communication candidate is denied.
# related_resources:
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.6
#     description: 12 CFR 1006.6(c)
#   - ref: https://www.law.cornell.edu/uscode/text/15/1692c
#     description: 15 U.S.C. 1692c(c)
# custom:
#   id: US-REGF-1006.6-c
#   jurisdiction: US (debt collectors)
#   citation: "15 U.S.C. § 1692c(c); 12 CFR 1006.6(c)(1)"
#   severity: high
package rules.us.regf_cease_communication

import rego.v1

import data.fairdun.lib

rule_id := "US-REGF-1006.6-c"

citations := {"*": "15 U.S.C. § 1692c(c); 12 CFR 1006.6(c)(1)"}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": reason} if {
	lib.us_debt_collector
	not lib.flags.cease_communication == false
	some c in lib.communicating
}

citation := lib.cite(citations)

reason := "the consumer told the debt collector to cease communication" if {
	lib.flags.cease_communication == true
} else := "whether the consumer told the debt collector to cease communication is unknown"
