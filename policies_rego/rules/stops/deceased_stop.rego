# METADATA
# title: Deceased debtor stop
# description: >-
#   No automated dunning of a deceased debtor: every candidate except "none" is denied while
#   flags.deceased is true, and also when the flag is missing or not a boolean (fail closed).
#   The claim passes to the estate; contacting the heirs or the personal representative is a
#   human task. In Germany the heirs answer for the estate's debts (BGB sections 1922, 1967).
# related_resources:
#   - ref: https://www.gesetze-im-internet.de/bgb/__1967.html
#     description: BGB section 1967 (liability of the heir for estate debts)
#   - ref: https://www.gesetze-im-internet.de/bgb/__1922.html
#     description: BGB section 1922 (universal succession)
# custom:
#   id: FD-DECEASED-STOP
#   jurisdiction: "*"
#   citation: "BGB §§ 1922, 1967 (DE); fairdun principle in dubio pro debitore (elsewhere)"
#   severity: high
package rules.stops.deceased_stop

import rego.v1

import data.fairdun.lib

rule_id := "FD-DECEASED-STOP"

citations := {
	"DE": "BGB §§ 1922, 1967",
	"*": "fairdun principle: in dubio pro debitore (DESIGN.md)",
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": reason} if {
	not lib.flags.deceased == false
	some c in lib.acting
}

citation := lib.cite(citations)

reason := "the debtor is deceased: the claim is handled with the estate by a person" if {
	lib.flags.deceased == true
} else := "whether the debtor is deceased is unknown"
