# METADATA
# title: Cease communication
# description: >-
#   When the debtor asked the creditor to stop communicating (flags.cease_communication), no
#   message reaches the debtor any more: every communication candidate is denied, also when the
#   flag is missing or not a boolean (fail closed). Escalations that do not write to the debtor
#   (handover, bureau report) are not communications and are left to the other rules. For US
#   debt collectors the statutory version of this rule is US-REGF-1006.6-c; elsewhere no statute
#   gives a general right to silence a creditor, so this is fairdun's policy.
# related_resources:
#   - ref: policies_rego/README.md#the-rules
#     description: fairdun policy
# custom:
#   id: FD-CEASE-COMMUNICATION
#   jurisdiction: "* (except US debt collectors)"
#   citation: "fairdun principle: a request to stop communicating is honoured"
#   severity: high
package rules.contact.cease_communication

import rego.v1

import data.fairdun.lib

rule_id := "FD-CEASE-COMMUNICATION"

citations := {"*": "fairdun principle: a request to stop communicating is honoured"}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": reason} if {
	not lib.flags.cease_communication == false
	not lib.us_debt_collector
	some c in lib.communicating
}

citation := lib.cite(citations)

reason := "the debtor asked not to be contacted any more" if {
	lib.flags.cease_communication == true
} else := "whether the debtor asked not to be contacted is unknown"
