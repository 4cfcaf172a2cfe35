# METADATA
# title: Massachusetts two calls or texts per week
# description: >-
#   In Massachusetts a creditor (940 CMR 7.04(1)(f), which covers creditors collecting their own
#   debts) and a debt collector (209 CMR 18.16(1)(d)) may initiate no more than two telephone
#   calls or text messages per debt in any seven-day period to the debtor's residence, mobile or
#   personal number. A call or text candidate is denied when the seven days ending on its send
#   day already hold two calls or texts (call attempts and text reminders; unanswered attempts
#   count, fail closed).
# related_resources:
#   - ref: https://regulations.justia.com/states/massachusetts/940-cmr/title-940-cmr-7-00/section-7-04
#     description: 940 CMR 7.04(1)(f)
#   - ref: https://www.law.cornell.edu/regulations/massachusetts/209-CMR-18-16
#     description: 209 CMR 18.16(1)(d)
# custom:
#   id: US-MA-940CMR-7.04-1-f
#   jurisdiction: US-MA
#   citation: "940 CMR 7.04(1)(f) (creditors); 209 CMR 18.16(1)(d) (debt collectors)"
#   severity: high
package rules.us_states.massachusetts_calls

import rego.v1

import data.fairdun.lib

rule_id := "US-MA-940CMR-7.04-1-f"

citations := {
	"US-MA/debt_collector": "209 CMR 18.16(1)(d)",
	"*": "940 CMR 7.04(1)(f)",
}

params := data.parameters.us_ma_calls

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	lib.jurisdiction == "US-MA"
	some c in calls_and_texts
	count(recent[c.id]) >= params.max_communications
	message := sprintf("%v calls or texts about this debt within seven days already", [count(recent[c.id])])
}

citation := lib.cite(citations)

calls_and_texts := [c | some c in lib.communicating; c.channel in params.channels]

# Calls and texts within the seven days that end on each candidate's send day (an event without
# its age counts as recent).
recent := {c.id: [event |
	some events in [lib.contacts, lib.dunning]
	some event in events
	event.channel in params.channels
	lib.age(event) + lib.days_ahead[c.id] < params.period_days
] | some c in calls_and_texts}
