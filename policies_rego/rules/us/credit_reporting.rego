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

# Case-level conditions live in `applies`, which the rule body tests first: in a body that
# iterates, rego-cpp evaluates every condition that does not depend on the loop before the loop,
# whatever their order (see the rego-cpp caveats in policies_rego/README.md).
applies if {
	lib.us_debt_collector
	count(lib.significant) > 0
	not contacted
}

deny contains lib.deny(rule_id, citations, id, message) if {
	applies
	some id in lib.significant
	lib.kind[id] == "credit_bureau_report"
	message := "the consumer was neither spoken to nor sent a message at least 14 days ago"
}

contacted if {
	some event in lib.contacts
	event.channel in params.spoken_channels
	event.connected == true
}

contacted if {
	some step in lib.dunning
	step.channel in params.mailed_channels
	step.age_days >= params.wait_days
}
