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

# Case-level conditions live in `applies`, which the rule body tests first: in a body that
# iterates, rego-cpp evaluates every condition that does not depend on the loop before the loop,
# whatever their order (see the rego-cpp caveats in policies_rego/README.md).
applies if count(today_or_later) > 0

deny contains lib.deny(rule_id, citations, id, message) if {
	applies
	some id in lib.communicating
	some event in today_or_later
	not lib.days_before_send(event, id) > 0
	message := sprintf("the claim already had a %v communication on %v", [event.channel, event.date])
}

# Past events on today's date: the only ones a candidate sent today or later can share a day with.
today_or_later := [event |
	some events in [lib.dunning, lib.contacts]
	some event in events
	not event.age_days > 0
]
