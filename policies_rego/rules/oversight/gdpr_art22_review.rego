# METADATA
# title: GDPR automated decisions with significant effect
# description: >-
#   For debtors in the EU/EEA, a collection handover or credit-bureau report decided by fairdun
#   would be a decision based solely on automated processing, including profiling, with legal or
#   similarly significant effect. It is therefore never executed automatically: a human_review
#   obligation secures the human intervention and the right to contest, until a person has
#   completed the review (invoice.human_review_completed == true): the decision is then no longer
#   based solely on automated processing. Applies to business debtors too, since sole traders
#   are natural persons.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj
#     description: GDPR Art. 22(1), (3)
# custom:
#   id: EU-GDPR-22
#   jurisdiction: EU/EEA
#   citation: "GDPR Art. 22(1), (3)"
#   severity: medium
package rules.oversight.gdpr_art22_review

import rego.v1

import data.fairdun.lib

rule_id := "EU-GDPR-22"

citations := {"*": "GDPR Art. 22(1), (3)"}

obligations contains {"candidate": c.id, "kind": "human_review", "rule": rule_id, "citation": citation, "params": {"reason": "significant_effect"}} if {
	lib.in_eu_eea
	not lib.invoice.human_review_completed == true
	some c in lib.significant
}

citation := lib.cite(citations)
