# METADATA
# title: Malformed case
# description: >-
#   The policy gate decides only on input it understands. Every acting candidate is denied when
#   the case lacks the debtor's kind, the creditor's role, the consents or flags objects, the
#   local date (today) or the controls object, or holds a value outside the contract
#   vocabulary; each deny names the offending field. Candidates themselves (kind, channel,
#   communication flag, fees in the invoice currency, a silent and free "none") are checked by
#   the engine adapter before either engine evaluates, so a malformed candidate holds the case:
#   the same checks written in Rego cost rego-cpp about a tenth of a millisecond per evaluation.
# related_resources:
#   - ref: policies_rego/README.md#input
#     description: The decision input contract
# custom:
#   id: FD-INPUT-MALFORMED
#   jurisdiction: "*"
#   citation: "fairdun principle: fail closed (policies_rego/README.md#input)"
#   severity: critical
package rules.input.malformed_input

import rego.v1

import data.fairdun.lib

rule_id := "FD-INPUT-MALFORMED"

citations := {"*": "fairdun principle: fail closed (policies_rego/README.md#input)"}

contract := data.parameters.contract

# Common path: one well-formedness test for the case; problems are only spelt out when it fails.
# Case-level conditions live in `applies`, which the rule body tests first: in a body that
# iterates, rego-cpp evaluates every condition that does not depend on the loop before the loop,
# whatever their order (see the rego-cpp caveats in policies_rego/README.md).
applies if not case_wellformed

deny contains lib.deny(rule_id, citations, id, message) if {
	applies
	some id in lib.acting
	some message in or_generic(case_problems)
}

# Should a check be added to case_wellformed without its message, the deny still happens.
or_generic(messages) := messages if {
	count(messages) > 0
} else := {"the input does not match the decision contract"}

case_wellformed if {
	lib.debtor_kind in contract.debtor_kinds
	lib.creditor_role in contract.creditor_roles
	is_object(lib.consents)
	is_object(lib.flags)
	is_string(lib.today)
	is_object(lib.controls)
}

case_problems contains "case.debtor.kind is not a known debtor kind" if {
	not lib.debtor_kind in contract.debtor_kinds
}

case_problems contains "case.creditor.role is not a known creditor role" if {
	not lib.creditor_role in contract.creditor_roles
}

case_problems contains "case.debtor.consents is not an object" if {
	not is_object(lib.consents)
}

case_problems contains "case.debtor.flags is not an object" if {
	not is_object(lib.flags)
}

case_problems contains "case.today is not a date" if {
	not is_string(lib.today)
}

case_problems contains "case.controls is not an object" if {
	not is_object(lib.controls)
}
