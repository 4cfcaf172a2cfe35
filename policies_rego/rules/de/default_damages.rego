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

# Case-level conditions live in `applies`, which the rule body tests first: in a body that
# iterates, rego-cpp evaluates every condition that does not depend on the loop before the loop,
# whatever their order (see the rego-cpp caveats in policies_rego/README.md).
applies if {
	lib.in_de
	count(lib.charging) > 0
	not de.in_default
}

obligations contains lib.fee_cap(rule_id, citations, id, kind, 0) if {
	applies
	some id in lib.charging
	some kind in lib.fee_kinds[id]
	kind in data.parameters.de_default.damage_fee_kinds
}
