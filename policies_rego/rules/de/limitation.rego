# METADATA
# title: No threat of court action on a time-barred German claim
# description: >-
#   A claim on an invoice becomes time-barred three years after the end of the year in which it
#   arose (BGB 195, 199(1)); a part payment acknowledges it and starts a new period from that
#   day (212(1) Nr. 1). A time-barred claim may still be reminded of, but the debtor may refuse
#   to pay (214(1)), so announcing court action would mislead: a message that threatens legal
#   action (legal_action_threat, missing counts as threatening) is denied once the period has
#   passed or cannot be computed. The ladder proposes the same message without the threat as
#   the fallback.
# related_resources:
#   - ref: https://www.gesetze-im-internet.de/bgb/__199.html
#     description: BGB sections 195, 199 (regular limitation period)
#   - ref: https://www.gesetze-im-internet.de/bgb/__212.html
#     description: BGB section 212 (new period after acknowledgement)
#   - ref: https://www.gesetze-im-internet.de/bgb/__214.html
#     description: BGB section 214 (effect of limitation)
# custom:
#   id: DE-BGB-195-199
#   jurisdiction: DE
#   citation: "BGB §§ 195, 199(1), 212(1) Nr. 1, 214(1)"
#   severity: high
package rules.de.limitation

import rego.v1

import data.fairdun.lib
import data.fairdun.lib.limitation

rule_id := "DE-BGB-195-199"

citations := {"*": "BGB §§ 195, 199(1), 212(1) Nr. 1, 214(1)"}

applies if {
	lib.in_de
	count(lib.threatening) > 0
	not limitation.enforceable
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.threatening
}

citation := lib.cite(citations)

message := sprintf("the claim is time-barred since %v: no threat of court action", [limitation.expires]) if {
	limitation.expired
} else := "the limitation of the claim cannot be established: no threat of court action"
