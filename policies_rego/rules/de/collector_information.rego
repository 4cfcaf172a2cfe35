# METADATA
# title: German collection agency's information with the first demand to a private person
# description: >-
#   A collection service provider must, with the first demand of a claim from a private person,
#   state in text form its client's name and address, the basis of the claim (for a contract its
#   subject and date), an interest calculation (interest-bearing amount, rate and period), the
#   kind, amount and basis of its collection costs, a VAT declaration where VAT is claimed,
#   whether the debtor's address was researched rather than given by the creditor, and its
#   supervisory authority (RDG 13a(1)). A private person is a natural person whose debt is not
#   connected with a trade or self-employed profession (RDG 13a(5)), so business debtors are
#   exempt; an unknown kind or role counts as covered (fail closed). Until an earlier dunning
#   entry records the notice data.parameters.de_rdg_13a.notice, every e-mail and letter of a
#   German collector to such a debtor carries it (the message template prints the items and
#   refuses to render without them), SMS and calls are refused (a call is not text form; an SMS
#   cannot carry the items), and default interest is capped at zero, because fairdun's messages
#   print no interest calculation.
# related_resources:
#   - ref: https://www.gesetze-im-internet.de/rdg/__13a.html
#     description: RDG section 13a (Darlegungs- und Informationspflichten gegenüber Privatpersonen)
#   - ref: https://www.gesetze-im-internet.de/bgb/__126b.html
#     description: BGB section 126b (text form)
# custom:
#   id: DE-RDG-13A
#   jurisdiction: DE (collection agencies)
#   citation: "RDG § 13a(1), (5)"
#   severity: high
package rules.de.collector_information

import rego.v1

import data.fairdun.lib

rule_id := "DE-RDG-13A"

citations := {"*": "RDG § 13a(1), (5)"}

params := data.parameters.de_rdg_13a

# The first demand: no earlier dunning message recorded the notice.
applies if {
	lib.in_de
	lib.debt_collector
	not business_debtor
	not informed
}

business_debtor if lib.debtor_kind in params.business_kinds

informed if {
	some step in lib.dunning
	params.notice in object.get(step, "notices", [])
}

text_form contains c.id if {
	some c in lib.communicating
	c.channel in params.channels
}

obligations contains {"candidate": c.id, "kind": "notice", "rule": rule_id, "citation": citation, "params": {"notice": params.notice}} if {
	applies
	some c in lib.communicating
	text_form[c.id]
}

obligations contains {
	"candidate": c.id, "kind": "fee_cap", "rule": rule_id, "citation": citation,
	"params": {"amount_minor": 0, "currency": lib.invoice.currency, "fee_kind": params.interest_fee_kind},
} if {
	applies
	some c in lib.charging
	lib.fee[c.id][params.interest_fee_kind] > 0
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.communicating
	id := c.id
	not text_form[id]
	message := "the first demand of a collection agency to a private person must be a letter or e-mail carrying the information of RDG § 13a(1)"
}

citation := lib.cite(citations)
