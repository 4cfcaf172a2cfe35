# METADATA
# title: German dunning fee no higher than its cost
# description: >-
#   A dunning fee is damage for delay (BGB 280(1), (2), 286) and may cover only the material
#   cost of a reminder sent after default (print, envelope, postage), not the creditor's staff
#   time or overheads (BGH VIII ZR 95/18, 26 June 2019). A dunning fee of a German case above
#   data.parameters.de_dunning_fee.cap_minor for the invoice currency (EUR 2.50 by default,
#   configurable to the documented cost; zero for another currency) is capped there.
# related_resources:
#   - ref: https://www.gesetze-im-internet.de/bgb/__280.html
#     description: BGB section 280
#   - ref: https://iww.de/fmp/quellenmaterial/abrufnummer/210113
#     description: BGH, judgment of 26 June 2019, VIII ZR 95/18
# custom:
#   id: DE-DUNNING-FEE-COST
#   jurisdiction: DE
#   citation: "BGB §§ 280(1), (2), 286; BGH, Urt. v. 26.6.2019, VIII ZR 95/18"
#   severity: medium
package rules.de.dunning_fee

import rego.v1

import data.fairdun.lib

rule_id := "DE-DUNNING-FEE-COST"

citations := {"*": "BGB §§ 280(1), (2), 286; BGH, Urt. v. 26.6.2019, VIII ZR 95/18"}

applies if {
	lib.in_de
	count(lib.charging) > 0
}

obligations contains {
	"candidate": c.id, "kind": "fee_cap", "rule": rule_id, "citation": citation,
	"params": {"amount_minor": cap, "currency": lib.invoice.currency, "fee_kind": "dunning_fee"},
} if {
	applies
	some c in lib.charging
	lib.fee[c.id].dunning_fee > cap
}

citation := lib.cite(citations)

default cap := 0

cap := object.get(data.parameters.de_dunning_fee.cap_minor, lib.invoice.currency, 0)
