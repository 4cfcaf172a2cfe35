# METADATA
# title: Regulation F call frequency
# description: >-
#   A debt collector is presumed to comply with the ban on harassing calls only if it places no
#   more than seven calls about a debt within seven consecutive days, and none within seven
#   consecutive days after a telephone conversation about it, the day of the conversation
#   counting as the first (12 CFR 1006.14(b)(2)). A call candidate is denied when the seven days
#   ending on its send day already hold seven call attempts, or a connected call. Limits in
#   data.parameters.us_regf_calls.
# related_resources:
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.14
#     description: 12 CFR 1006.14(b)(2)
#   - ref: https://www.law.cornell.edu/uscode/text/15/1692d
#     description: 15 U.S.C. 1692d(5)
# custom:
#   id: US-REGF-1006.14-b2
#   jurisdiction: US (debt collectors)
#   citation: "15 U.S.C. § 1692d(5); 12 CFR 1006.14(b)(2)"
#   severity: high
package rules.us.call_frequency

import rego.v1

import data.fairdun.lib

rule_id := "US-REGF-1006.14-b2"

citations := {"*": "15 U.S.C. § 1692d(5); 12 CFR 1006.14(b)(2)"}

params := data.parameters.us_regf_calls

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": "seven calls within seven days were already placed"} if {
	lib.us_debt_collector
	some c in calls
	count(recent[c.id]) >= params.max_calls
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	lib.us_debt_collector
	some c in calls
	some event in recent[c.id]
	event.connected == true
	message := conversation(event)
}

conversation(event) := sprintf("a telephone conversation about the debt took place on %v", [event.date]) if {
	is_string(event.date)
} else := "a telephone conversation about the debt took place within the last seven days"

citation := lib.cite(citations)

calls := [c | some c in lib.communicating; c.channel == "phone"]

# Past calls within the seven days that end on each call candidate's send day (an event without
# its age counts as recent).
recent := {c.id: [event |
	some event in lib.contacts
	event.channel == "phone"
	lib.age(event) + lib.days_ahead[c.id] < params.period_days
] | some c in calls}
