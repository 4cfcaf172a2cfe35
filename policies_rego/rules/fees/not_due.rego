# METADATA
# title: No fees before the due date
# description: >-
#   Nothing is owed for a delay that has not happened: on or before the due date (today not
#   after invoice.due_on, or either date missing: fail closed) every fee a candidate carries is
#   capped at zero, so a pre-due reminder goes out without charges. In Germany a fee is a
#   damage for delay, which requires default after the due date (BGB 280(2), 286).
# related_resources:
#   - ref: https://www.gesetze-im-internet.de/bgb/__286.html
#     description: BGB section 286 (default)
# custom:
#   id: FD-FEE-NOT-DUE
#   jurisdiction: "*"
#   citation: "BGB §§ 280(2), 286 (DE); fairdun principle: no fee before the due date (elsewhere)"
#   severity: high
package rules.fees.not_due

import rego.v1

import data.fairdun.lib

rule_id := "FD-FEE-NOT-DUE"

citations := {
	"DE": "BGB §§ 280(2), 286",
	"*": "fairdun principle: no fee before the due date",
}

applies if {
	count(lib.charging) > 0
	not overdue
}

obligations contains {
	"candidate": c.id, "kind": "fee_cap", "rule": rule_id, "citation": citation,
	"params": {"amount_minor": 0, "currency": lib.invoice.currency, "fee_kind": kind},
} if {
	applies
	some c in lib.charging
	some kind in object.keys(lib.fee[c.id])
}

citation := lib.cite(citations)

overdue if {
	is_string(lib.today)
	is_string(lib.invoice.due_on)
	lib.today > lib.invoice.due_on
}
