# METADATA
# title: Baseline outside the reviewed scope - every escalation to a person
# description: >-
#   Where no reviewed rule set covers the debtor's place and the creditor's role
#   (data.parameters.jurisdictions.reviewed), every step beyond a reminder
#   (data.parameters.baseline.review_kinds: final notice, collection handover, credit-bureau
#   report) goes to a person each time, whether or not an earlier decision on the claim was
#   reviewed: human_review with the reason unreviewed_jurisdiction.
# related_resources:
#   - ref: policies_rego/README.md#scope
#     description: the reviewed scope and the conservative baseline
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
#     description: Regulation (EU) 2024/1689 (AI Act) Art. 14 (human oversight)
# custom:
#   id: FD-BASELINE-ESCALATION
#   jurisdiction: "* outside the reviewed scope (every creditor role)"
#   citation: "fairdun principle: conservative baseline outside the reviewed scope (no escalation without human review)"
#   severity: high
package rules.baseline.baseline_escalation

import rego.v1

import data.fairdun.lib
import data.fairdun.lib.scope

rule_id := "FD-BASELINE-ESCALATION"

citations := {"*": "fairdun principle: conservative baseline outside the reviewed scope (no escalation without human review)"}

review_kinds := {kind | some kind in scope.params.review_kinds}

obligations contains {
	"candidate": c.id, "kind": "human_review", "rule": rule_id, "citation": citation,
	"params": {"reason": scope.params.review_reason},
} if {
	scope.baseline
	some c in lib.acting
	review_kinds[c.kind]
}

citation := lib.cite(citations)
