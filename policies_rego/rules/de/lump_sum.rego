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

# Case-level conditions live in `applies`, which the rule body tests first: in a body that
# iterates, rego-cpp evaluates every condition that does not depend on the loop before the loop,
# whatever their order (see the rego-cpp caveats in policies_rego/README.md).
applies if {
	lib.in_de
	count(lib.charging) > 0
}

obligations contains lib.fee_cap(rule_id, citations, id, "default_lump_sum", lump_sum) if {
	applies
	some id in lib.charging
	lib.fee_above(id, "default_lump_sum", lump_sum)
}

obligations contains lib.fee_cap(rule_id, citations, id, "dunning_fee", 0) if {
	applies
	some id in lib.charging
	"default_lump_sum" in lib.fee_kinds[id]
	"dunning_fee" in lib.fee_kinds[id]
}

lump_sum := object.get(data.parameters.de_lump_sum.amount_minor, lib.invoice.currency, 0) if {
	lib.debtor_kind == "business"
} else := 0
