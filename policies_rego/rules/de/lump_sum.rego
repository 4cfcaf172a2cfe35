# METADATA
# title: German EUR 40 default lump sum
# description: >-
#   A creditor of a payment claim against a debtor who is not a consumer is owed a lump sum of
#   EUR 40 on default (BGB 288(5) sentence 1). A consumer never owes it (cap zero). The lump sum
#   is credited against damages for the costs of pursuing the claim (sentence 3), which include
#   dunning costs: a candidate that claims both has its dunning fee capped at zero. Whether the
#   debtor is in default at all is DE-BGB-286's question.
# related_resources:
#   - ref: https://www.gesetze-im-internet.de/bgb/__288.html
#     description: BGB section 288(5)
# custom:
#   id: DE-BGB-288-5
#   jurisdiction: DE
#   citation: "BGB § 288(5)"
#   severity: medium
package rules.de.lump_sum

import rego.v1

import data.fairdun.lib

rule_id := "DE-BGB-288-5"

citations := {"*": "BGB § 288(5)"}

applies if {
	lib.in_de
	count(lib.charging) > 0
}

obligations contains {
	"candidate": c.id, "kind": "fee_cap", "rule": rule_id, "citation": citation,
	"params": {"amount_minor": lump_sum, "currency": lib.invoice.currency, "fee_kind": "default_lump_sum"},
} if {
	applies
	some c in lib.charging
	lib.fee[c.id].default_lump_sum > lump_sum
}

obligations contains {
	"candidate": c.id, "kind": "fee_cap", "rule": rule_id, "citation": citation,
	"params": {"amount_minor": 0, "currency": lib.invoice.currency, "fee_kind": "dunning_fee"},
} if {
	applies
	some c in lib.charging
	lib.fee[c.id].default_lump_sum
	lib.fee[c.id].dunning_fee
}

citation := lib.cite(citations)

default lump_sum := 0

lump_sum := object.get(data.parameters.de_lump_sum.amount_minor, lib.invoice.currency, 0) if {
	lib.debtor_kind == "business"
}
