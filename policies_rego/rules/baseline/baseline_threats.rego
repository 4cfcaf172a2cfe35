# METADATA
# title: Baseline outside the reviewed scope - no threats
# description: >-
#   Where no reviewed rule set covers the debtor's place and the creditor's role
#   (data.parameters.jurisdictions.reviewed), fairdun cannot tell whether court action is open to
#   the creditor (limitation, licensing, pre-action duties), so no message announces it
#   (legal_action_threat, missing counts as announcing). The ladder proposes the same message
#   without the threat as the fallback.
# related_resources:
#   - ref: policies_rego/README.md#scope
#     description: the reviewed scope and the conservative baseline
# custom:
#   id: FD-BASELINE-THREATS
#   jurisdiction: "* outside the reviewed scope (every creditor role)"
#   citation: "fairdun principle: conservative baseline outside the reviewed scope (no threat of court action)"
#   severity: high
package rules.baseline.baseline_threats

import rego.v1

import data.fairdun.lib
import data.fairdun.lib.scope

rule_id := "FD-BASELINE-THREATS"

citations := {"*": "fairdun principle: conservative baseline outside the reviewed scope (no threat of court action)"}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	scope.baseline
	some c in lib.threatening
}

citation := lib.cite(citations)

message := sprintf("%v: conservative baseline, no threat of court action", [scope.describe])
