# METADATA
# title: Minimum amount for escalation
# description: >-
#   A claim whose open amount is below data.parameters.escalation.min_open_amount_minor (about
#   EUR 100 in each currency) is neither handed to a collection agency nor reported to a credit
#   bureau: disclosing a debtor's data to a third party for a small claim is disproportionate. A
#   currency without a minimum, or an open amount that is not a number, denies the escalation
#   (fail closed).
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj
#     description: GDPR Art. 5(1)(c), Art. 6(1)(f) (data minimisation, balancing of interests)
# custom:
#   id: FD-ESCALATION-MIN-AMOUNT
#   jurisdiction: "*"
#   citation: "GDPR Art. 5(1)(c), 6(1)(f) (EU/EEA); fairdun principle of proportionality"
#   severity: medium
package rules.escalation.min_amount

import rego.v1

import data.fairdun.lib

rule_id := "FD-ESCALATION-MIN-AMOUNT"

citations := {
	"EU": "GDPR Art. 5(1)(c), 6(1)(f); fairdun principle of proportionality",
	"GB": "UK GDPR Art. 5(1)(c), 6(1)(f); fairdun principle of proportionality",
	"*": "fairdun principle of proportionality",
}

# Case-level conditions live in `applies`, which the rule body tests first: in a body that
# iterates, rego-cpp evaluates every condition that does not depend on the loop before the loop,
# whatever their order (see the rego-cpp caveats in policies_rego/README.md).
applies if {
	count(lib.significant) > 0
	not large_enough
}

deny contains lib.deny(rule_id, citations, id, message) if {
	applies
	some id in lib.significant
	message := sprintf("open amount %v (minor units of %v) is below the minimum for an escalation",
		[lib.invoice.open_amount_minor, lib.invoice.currency])
}

large_enough if {
	is_number(lib.invoice.open_amount_minor)
	lib.invoice.open_amount_minor >= data.parameters.escalation.min_open_amount_minor[lib.invoice.currency]
}
