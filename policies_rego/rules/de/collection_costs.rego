# METADATA
# title: German cap on collection costs at handover
# description: >-
#   The creditor may claim a collection agency's costs from the debtor only up to the fee a
#   lawyer would earn for the same work under the RVG (RDG 13e(1)). For an undisputed claim that
#   is a business fee of at most 0.9 (RVG VV Nr. 2300, note (2)) of the 1.0 fee for the open
#   amount in the table of RVG 13(1) (Annex 2), plus expenses of 20 % of the fee, at most EUR 20
#   (VV Nr. 7002). Where the debtor is not a consumer, the creditor is owed the EUR 40 lump sum
#   on default, and it is credited against damages for the costs of pursuing the claim (BGB
#   288(5) sentence 3), which collection costs are: the cap is that amount less the lump sum
#   (never below zero), so lump sum and collection costs together stay within the RVG amount.
#   The input cannot tell whether the lump sum was charged earlier, so it is always deducted
#   unless the debtor is known to be a consumer (fail closed). Every collection handover of a
#   German case carries that cap as a fee_cap obligation on "collection_costs", which the agency
#   must honour; an open amount above the table (data.parameters.de_collection_costs) or a
#   currency other than EUR gets a cap of zero until a person sets it (fail closed).
# related_resources:
#   - ref: https://www.gesetze-im-internet.de/rdg/__13e.html
#     description: RDG section 13e (Erstattungsfähigkeit der Kosten von Inkassodienstleistern)
#   - ref: https://www.gesetze-im-internet.de/rvg/__13.html
#     description: RVG section 13 and Annex 2 (fee table)
#   - ref: https://www.gesetze-im-internet.de/rvg/anlage_1.html
#     description: RVG Vergütungsverzeichnis Nr. 2300, 7002
#   - ref: https://www.gesetze-im-internet.de/bgb/__288.html
#     description: BGB section 288(5) sentence 3 (the lump sum is credited against costs of pursuit)
# custom:
#   id: DE-RDG-13E
#   jurisdiction: DE
#   citation: "RDG § 13e(1); RVG § 13, VV Nr. 2300, 7002; BGB § 288(5) Satz 3"
#   severity: high
package rules.de.collection_costs

import rego.v1

import data.fairdun.lib

rule_id := "DE-RDG-13E"

citations := {"*": "RDG § 13e(1); RVG § 13, VV Nr. 2300, 7002; BGB § 288(5) Satz 3"}

params := data.parameters.de_collection_costs

applies if {
	lib.in_de
	count(lib.significant) > 0
}

obligations contains {
	"candidate": c.id, "kind": "fee_cap", "rule": rule_id, "citation": citation,
	"params": {"amount_minor": cap, "currency": lib.invoice.currency, "fee_kind": "collection_costs"},
} if {
	applies
	some c in lib.significant
	c.kind == "collection_handover"
}

citation := lib.cite(citations)

# Nothing may be charged when the cap cannot be computed (another currency, an amount beyond the
# table).
default cap := 0

cap := lib.greater((business_fee + expenses) - lump_sum_credit, 0) if lib.invoice.currency == params.currency

# BGB 288(5) sentence 3: the lump sum owed by a debtor who is not a consumer is credited against
# the collection costs; deducted unless the debtor is known to be a consumer.
default lump_sum_credit := 0

lump_sum_credit := object.get(data.parameters.de_lump_sum.amount_minor, lib.invoice.currency, 0) if {
	not lib.debtor_kind == "consumer"
}

# The 1.0 fee of the first table row (value up_to_minor[i], fee fee_minor[i], ascending) whose
# value covers the open amount.
table_fee := params.fee_minor[rows[0]]

rows := [i |
	some i
	up_to := params.up_to_minor[i]
	is_number(lib.invoice.open_amount_minor)
	lib.invoice.open_amount_minor <= up_to
]

business_fee := floor((table_fee * params.business_fee_rate.numerator) / params.business_fee_rate.denominator)

expenses := lib.lesser(
	floor((business_fee * params.expenses_rate.numerator) / params.expenses_rate.denominator),
	params.expenses_max_minor,
)
