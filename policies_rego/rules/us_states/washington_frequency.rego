# METADATA
# title: Washington three communications per week
# description: >-
#   A licensed collection agency may not communicate with a Washington debtor (or spouse) more
#   than three times in a single week (RCW 19.16.250(13)). Original creditors are not collection
#   agencies (RCW 19.16.100), so the limit binds debt collectors. A communication candidate is
#   denied when the seven days ending on its send day already hold three messages or call
#   attempts.
# related_resources:
#   - ref: https://app.leg.wa.gov/RCW/default.aspx?cite=19.16.250
#     description: RCW 19.16.250
# custom:
#   id: US-WA-RCW-19.16.250
#   jurisdiction: US-WA (debt collectors)
#   citation: "RCW 19.16.250(13)"
#   severity: high
package rules.us_states.washington_frequency

import rego.v1

import data.fairdun.lib

rule_id := "US-WA-RCW-19.16.250"

citations := {"*": "RCW 19.16.250(13)"}

params := data.parameters.us_wa_communications

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	lib.jurisdiction == "US-WA"
	lib.debt_collector
	some c in lib.communicating
	count(recent[c.id]) >= params.max_communications
	message := sprintf("%v communications within seven days already", [count(recent[c.id])])
}

citation := lib.cite(citations)

recent := {c.id: [event |
	some events in [lib.contacts, lib.dunning]
	some event in events
	lib.age(event) + lib.days_ahead[c.id] < params.period_days
] | some c in lib.communicating}
