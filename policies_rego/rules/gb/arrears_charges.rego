# METADATA
# title: FCA arrears charges limited to cost
# description: >-
#   A firm must not impose charges on a customer in default or arrears difficulties unless they
#   are no higher than necessary to cover its reasonable costs (CONC 7.7.5R). A fee charged to a
#   UK consumer above data.parameters.gb_conc.cost_cap_minor for the invoice currency (the cost of
#   a posted reminder; zero for another currency) is capped there.
# related_resources:
#   - ref: https://www.handbook.fca.org.uk/handbook/CONC/7/7.html
#     description: FCA Handbook CONC 7.7.5R
# custom:
#   id: GB-FCA-CONC-7.7.5
#   jurisdiction: GB (consumers)
#   citation: "FCA CONC 7.7.5R"
#   severity: medium
package rules.gb.arrears_charges

import rego.v1

import data.fairdun.lib

rule_id := "GB-FCA-CONC-7.7.5"

citations := {"*": "FCA CONC 7.7.5R"}

applies if {
	lib.in_gb
	not lib.debtor_kind == "business"
	count(lib.charging) > 0
}

obligations contains {
	"candidate": c.id, "kind": "fee_cap", "rule": rule_id, "citation": citation,
	"params": {"amount_minor": cap, "currency": lib.invoice.currency, "fee_kind": kind},
} if {
	applies
	some c in lib.charging
	some kind in object.keys(lib.fee[c.id])
	lib.fee[c.id][kind] > cap
}

citation := lib.cite(citations)

default cap := 0

cap := object.get(data.parameters.gb_conc.cost_cap_minor, lib.invoice.currency, 0)
