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

applies if {
	count(lib.significant) > 0
	not large_enough
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.significant
}

citation := lib.cite(citations)

message := sprintf("open amount %v (minor units of %v) is below the minimum for an escalation",
	[lib.invoice.open_amount_minor, lib.invoice.currency]) if {
	is_number(lib.invoice.open_amount_minor)
	is_string(lib.invoice.currency)
} else := "the open amount is unknown: no escalation"

large_enough if {
	is_number(lib.invoice.open_amount_minor)
	lib.invoice.open_amount_minor >= data.parameters.escalation.min_open_amount_minor[lib.invoice.currency]
}
