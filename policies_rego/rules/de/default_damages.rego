# METADATA
# title: German default (BGB 286) before damages for delay
# description: >-
#   Dunning fees, default interest and the EUR 40 lump sum are damages for delay: they are owed
#   only once the debtor is in default (BGB 280(2), 286). Default needs a reminder received after
#   the due date, or an agreed calendar due date (286(2) Nr. 1; a payment date the creditor put
#   on the invoice alone is not agreed), or 30 days after due date and receipt of the invoice
#   (286(3), for consumers only if the invoice pointed this out). So the reminder that creates
#   default carries no fee: while the debtor is not yet in default (lib de.in_default), each fee
#   of data.parameters.de_default.damage_fee_kinds is capped at zero.
# related_resources:
#   - ref: https://www.gesetze-im-internet.de/bgb/__286.html
#     description: BGB section 286 (Verzug des Schuldners)
#   - ref: https://www.gesetze-im-internet.de/bgb/__280.html
#     description: BGB section 280(2)
# custom:
#   id: DE-BGB-286
#   jurisdiction: DE
#   citation: "BGB §§ 280(1), (2), 286"
#   severity: high
package rules.de.default_damages

import rego.v1

import data.fairdun.lib
import data.fairdun.lib.de

rule_id := "DE-BGB-286"

citations := {"*": "BGB §§ 280(1), (2), 286"}

applies if {
	lib.in_de
	count(lib.charging) > 0
	not de.in_default
}

obligations contains {
	"candidate": c.id, "kind": "fee_cap", "rule": rule_id, "citation": citation,
	"params": {"amount_minor": 0, "currency": lib.invoice.currency, "fee_kind": kind},
} if {
	applies
	some c in lib.charging
	some kind in data.parameters.de_default.damage_fee_kinds
	lib.fee[c.id][kind]
}

citation := lib.cite(citations)
