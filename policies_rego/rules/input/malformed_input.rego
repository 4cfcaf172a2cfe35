# METADATA
# title: Malformed case
# description: >-
#   The policy gate decides only on input it understands. Every acting candidate is denied when
#   the case lacks the debtor's kind, the creditor's role, the consents or flags objects, the
#   local date (today) or the controls object, has history entries that are not lists, or holds
#   a value outside the contract
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
applies if not case_wellformed

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.acting
	some message in or_generic(case_problems)
}

citation := lib.cite(citations)

# Should a check be added to case_wellformed without its message, the deny still happens.
or_generic(messages) := messages if {
	count(messages) > 0
} else := {"the input does not match the decision contract"}

# (The checks repeat those the problems below name one by one: one rule on the common path.)
case_wellformed if {
	lib.debtor_kind in contract.debtor_kinds
	lib.creditor_role in contract.creditor_roles
	is_object(lib.consents)
	is_object(lib.flags)
	is_string(lib.today)
	is_object(lib.controls)
	lib.history_lists
}

known_debtor_kind if lib.debtor_kind in contract.debtor_kinds

known_creditor_role if lib.creditor_role in contract.creditor_roles

consents_object if is_object(lib.consents)

flags_object if is_object(lib.flags)

today_string if is_string(lib.today)

controls_object if is_object(lib.controls)

case_problems contains "case.debtor.kind is not a known debtor kind" if not known_debtor_kind

case_problems contains "case.creditor.role is not a known creditor role" if not known_creditor_role

case_problems contains "case.debtor.consents is not an object" if not consents_object

case_problems contains "case.debtor.flags is not an object" if not flags_object

case_problems contains "case.today is not a date" if not today_string

case_problems contains "case.controls is not an object" if not controls_object

case_problems contains "case.history.dunning or case.history.contacts is not a list" if not lib.history_lists
