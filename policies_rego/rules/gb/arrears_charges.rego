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

# Case-level conditions live in `applies`, which the rule body tests first: in a body that
# iterates, rego-cpp evaluates every condition that does not depend on the loop before the loop,
# whatever their order (see the rego-cpp caveats in policies_rego/README.md).
applies if {
	lib.in_gb
	not lib.debtor_kind == "business"
	count(lib.charging) > 0
}

obligations contains lib.fee_cap(rule_id, citations, id, kind, cap) if {
	applies
	some id in lib.charging
	some kind in lib.fee_kinds[id]
	lib.fee_above(id, kind, cap)
}

cap := object.get(data.parameters.gb_conc.cost_cap_minor, lib.invoice.currency, 0)
