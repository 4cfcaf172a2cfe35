# METADATA
# title: Baseline outside the reviewed scope - no fees, no interest
# description: >-
#   Where no reviewed rule set covers the debtor's place and the creditor's role
#   (data.parameters.jurisdictions.reviewed), fairdun does not know which fees, costs or interest
#   the law allows, so it claims none: every fee of every candidate (dunning fee, interest, lump
#   sum, collection costs) is capped at 0. The cap names the place and role in the policy trace.
# related_resources:
#   - ref: policies_rego/README.md#scope
#     description: the reviewed scope and the conservative baseline
# custom:
#   id: FD-BASELINE-FEES
#   jurisdiction: "* outside the reviewed scope (every creditor role)"
#   citation: "fairdun principle: conservative baseline outside the reviewed scope (no fees, no interest)"
#   severity: high
package rules.baseline.baseline_fees

import rego.v1

import data.fairdun.lib
import data.fairdun.lib.scope

rule_id := "FD-BASELINE-FEES"

citations := {"*": "fairdun principle: conservative baseline outside the reviewed scope (no fees, no interest)"}

obligations contains {
	"candidate": c.id, "kind": "fee_cap", "rule": rule_id, "citation": citation,
	"params": {"amount_minor": 0, "currency": f.currency, "fee_kind": f.kind},
} if {
	scope.baseline
	some c in lib.charging
	some f in c.fees
}

citation := lib.cite(citations)
