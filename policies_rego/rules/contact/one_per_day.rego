# METADATA
# title: One communication per debt per day
# description: >-
#   At most one message or call per claim and local day: a communication candidate that would
#   be sent on a day on which the claim already had a message or a call attempt (the history
#   entries' age_days and the candidate's send_at_local.days_ahead) is denied. fairdun's
#   principle against harassment; stricter limits of particular places (Regulation F,
#   Massachusetts, Washington) are their own rules.
# related_resources:
#   - ref: policies_rego/README.md#the-rules
#     description: fairdun policy
# custom:
#   id: FD-ONE-PER-DAY
#   jurisdiction: "*"
#   citation: "fairdun principle: at most one communication per debt and day"
#   severity: medium
package rules.contact.one_per_day

import rego.v1

import data.fairdun.lib

rule_id := "FD-ONE-PER-DAY"

citations := {"*": "fairdun principle: at most one communication per debt and day"}

applies if count(today_or_later) > 0

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.communicating
	ahead := lib.days_ahead[c.id]
	some event in today_or_later
	days_between := lib.age(event) + ahead
	not days_between > 0
	message := already(event)
}

already(event) := sprintf("the claim already had a %v communication on %v", [event.channel, event.date]) if {
	is_string(event.channel)
	is_string(event.date)
} else := "the claim already had a communication on the send day"

citation := lib.cite(citations)

# Past events on today's date (an event without its age counts as today): the only ones a
# candidate can share its send day with.
today_or_later := [event |
	some events in [lib.dunning, lib.contacts]
	some event in events
	age := lib.age(event)
	not age > 0
]
