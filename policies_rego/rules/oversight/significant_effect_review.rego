# METADATA
# title: Human oversight of significant actions
# description: >-
#   Every candidate with a legal or similarly significant effect for the debtor (collection
#   handover, credit-bureau report; data.parameters.oversight.significant_effect_kinds) gets a
#   human_review obligation, whatever the debtor's jurisdiction: fairdun's "in dubio pro
#   debitore" principle, implemented as the human oversight of the EU AI Act. Once a person has
#   completed the review (invoice.human_review_completed == true) the action may run; a missing
#   status counts as not reviewed.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
#     description: Regulation (EU) 2024/1689 (AI Act) Art. 14
# custom:
#   id: FD-OVERSIGHT-SIGNIFICANT-EFFECT
#   jurisdiction: "*"
#   citation: "Regulation (EU) 2024/1689 (AI Act) Art. 14; fairdun principle in dubio pro debitore"
#   severity: medium
package rules.oversight.significant_effect_review

import rego.v1

import data.fairdun.lib

rule_id := "FD-OVERSIGHT-SIGNIFICANT-EFFECT"

citations := {"*": "Regulation (EU) 2024/1689 (AI Act) Art. 14; fairdun principle: in dubio pro debitore"}

obligations contains {"candidate": c.id, "kind": "human_review", "rule": rule_id, "citation": citation, "params": {"reason": "significant_effect"}} if {
	not lib.invoice.human_review_completed == true
	some c in lib.significant
}

citation := lib.cite(citations)
