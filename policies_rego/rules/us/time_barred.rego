# METADATA
# title: Regulation F time-barred debt
# description: >-
#   A debt collector must not sue or threaten to sue to collect a time-barred debt (12 CFR
#   1006.26(b)). fairdun never sues; a message that announces court action (legal_action_threat,
#   missing counts as announcing) is denied unless the claim is known to be enforceable under the
#   state's limitation period (data.parameters.limitation: New York, California, Washington); in a state
#   without a period on file the claim counts as time-barred (strict liability, fail closed).
# related_resources:
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-C/section-1006.26
#     description: 12 CFR 1006.26(b)
#   - ref: https://www.nysenate.gov/legislation/laws/CVP/214-I
#     description: N.Y. CPLR 214-i
#   - ref: https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=CCP&sectionNum=337
#     description: Cal. Code Civ. Proc. 337
#   - ref: https://app.leg.wa.gov/RCW/default.aspx?cite=4.16.040
#     description: RCW 4.16.040 (Washington, six years)
# custom:
#   id: US-REGF-1006.26-b
#   jurisdiction: US (debt collectors)
#   citation: "12 CFR 1006.26(b); state limitation period per data.parameters.limitation"
#   severity: high
package rules.us.time_barred

import rego.v1

import data.fairdun.lib
import data.fairdun.lib.limitation

rule_id := "US-REGF-1006.26-b"

citations := {"*": "12 CFR 1006.26(b)"}

applies if {
	lib.us_debt_collector
	count(lib.threatening) > 0
	not limitation.enforceable
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.threatening
}

citation := lib.cite(citations)

message := sprintf("the debt is time-barred under %v since %v: no threat of suit", [limitation.period.citation, limitation.expires]) if {
	limitation.expired
} else := "no limitation period of the state is on file: the debt counts as time-barred, no threat of suit"
