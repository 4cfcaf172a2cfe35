# METADATA
# title: Malformed input
# description: >-
#   The policy gate decides only on input it understands. A candidate whose kind or channel is
#   outside the contract vocabulary, whose fields have the wrong type, whose fees are malformed
#   or in another currency than the invoice, or a "none" candidate that communicates or charges
#   is denied; so is every acting candidate when the case lacks the debtor's kind, the
#   creditor's role or the consents object. Each deny names the offending field.
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

# Common path: one well-formedness test per candidate and one for the case; problems are only
# spelt out for what fails it.

deny contains lib.deny(rule_id, citations, c, message) if {
	some c in malformed
	messages := [problem[1] | some problem in candidate_problems; problem[0] == c.id]
	some message in or_generic(messages)
}

deny contains lib.deny(rule_id, citations, c, message) if {
	not case_wellformed
	some c in lib.acting
	some message in or_generic(case_problems)
}

# Should a check be added to a *_wellformed rule without its message, the deny still happens.
or_generic(messages) := messages if {
	count(messages) > 0
} else := ["the input does not match the decision contract"]

# ---- the candidate ----------------------------------------------------------------------------

malformed := [c | some c in input.candidates; not wellformed(c)]

wellformed(c) if {
	c.kind in contract.candidate_kinds
	is_boolean(c.communication)
	channel_wellformed(c)
	fees_wellformed(c)
	none_wellformed(c)
}

channel_wellformed(c) if lib.silent(c)

channel_wellformed(c) if c.channel in contract.channels

# A fee is a non-negative integer amount in minor units, in the invoice's currency.
fees_wellformed(c) if {
	is_array(c.fees)
	every fee in c.fees {
		is_string(fee.kind)
		is_number(fee.amount_minor)
		fee.amount_minor == round(fee.amount_minor)
		fee.amount_minor >= 0
		is_string(fee.currency)
		fee.currency == lib.invoice.currency
	}
}

# The no-op neither communicates nor charges.
none_wellformed(c) if not c.kind == "none"

none_wellformed(c) if {
	lib.silent(c)
	c.fees == []
}

candidate_problems contains [c.id, "candidate.kind is not a known kind"] if {
	some c in malformed
	not c.kind in contract.candidate_kinds
}

candidate_problems contains [c.id, "candidate.communication is not a boolean"] if {
	some c in malformed
	not is_boolean(c.communication)
}

candidate_problems contains [c.id, "candidate.channel is not a known channel"] if {
	some c in malformed
	not channel_wellformed(c)
}

candidate_problems contains [c.id, "candidate.fees are malformed or not in the invoice currency"] if {
	some c in malformed
	not fees_wellformed(c)
}

candidate_problems contains [c.id, "a \"none\" candidate communicates or charges fees"] if {
	some c in malformed
	not none_wellformed(c)
}

# ---- the case (checked for acting candidates only: doing nothing needs no facts) --------------

case_wellformed if {
	lib.debtor.kind in contract.debtor_kinds
	lib.creditor_role in contract.creditor_roles
	is_object(lib.consents)
	is_object(lib.flags)
}

case_problems contains "case.debtor.kind is not a known debtor kind" if {
	not lib.debtor.kind in contract.debtor_kinds
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
