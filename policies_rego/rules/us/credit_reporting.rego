# METADATA
# title: Regulation F no credit reporting before contacting the consumer
# description: >-
#   Before furnishing information about a debt to a consumer reporting agency, a debt collector
#   must have spoken to the consumer about it in person or by telephone, or have mailed or sent
#   electronically a message about it and waited a reasonable time for a notice that it could
#   not be delivered; 14 consecutive days is a safe harbour (12 CFR 1006.30(a)(1)). A report is
#   denied unless the history holds a connected call, or a letter, e-mail or text at least
#   data.parameters.us_regf_reporting.wait_days old (undelivered messages never reach the
#   history). The brief's "contacted and 14 days passed" is stricter than the rule for a
#   conversation, which needs no wait.
# related_resources:
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.30
#     description: 12 CFR 1006.30(a)
# custom:
#   id: US-REGF-1006.30-a
#   jurisdiction: US (debt collectors)
#   citation: "12 CFR 1006.30(a)(1)"
#   severity: high
package rules.us.credit_reporting

import rego.v1

import data.fairdun.lib

rule_id := "US-REGF-1006.30-a"

citations := {"*": "12 CFR 1006.30(a)(1)"}

params := data.parameters.us_regf_reporting

applies if {
	lib.us_debt_collector
	count(lib.significant) > 0
	not contacted
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.significant
	c.kind == "credit_bureau_report"
	message := "the consumer was neither spoken to nor sent a message at least 14 days ago"
}

citation := lib.cite(citations)

contacted if {
	some event in lib.contacts
	event.channel in params.spoken_channels
	event.connected == true
}

contacted if {
	some step in lib.dunning
	step.channel in params.mailed_channels
	lib.age(step) >= params.wait_days
}
