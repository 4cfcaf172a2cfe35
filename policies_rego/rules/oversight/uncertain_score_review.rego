# METADATA
# title: Uncertain risk score
# description: >-
#   When the case was profiled and the model's bagged uncertainty exceeds
#   data.parameters.oversight.max_uncertainty, every candidate except "none" gets a
#   human_review obligation. A profiled case whose uncertainty is missing or not a number counts
#   as uncertain (fail closed); a case that was not profiled (the debtor objected) has no score
#   to doubt.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
#     description: Regulation (EU) 2024/1689 (AI Act) Art. 14(4)
# custom:
#   id: FD-OVERSIGHT-UNCERTAIN-SCORE
#   jurisdiction: "*"
#   citation: "Regulation (EU) 2024/1689 (AI Act) Art. 14(4); fairdun principle in dubio pro debitore"
#   severity: medium
package rules.oversight.uncertain_score_review

import rego.v1

import data.fairdun.lib

rule_id := "FD-OVERSIGHT-UNCERTAIN-SCORE"

citations := {"*": "Regulation (EU) 2024/1689 (AI Act) Art. 14(4); fairdun principle: in dubio pro debitore"}

obligations contains {"candidate": c.id, "kind": "human_review", "rule": rule_id, "citation": citation, "params": {"reason": "uncertain_score"}} if {
	uncertain
	some c in lib.acting
}

citation := lib.cite(citations)

uncertain if {
	not lib.risk.profiling == false
	not certain
}

# Only a number is compared with the threshold: across types Rego compares by its total order
# (null sorts before every number), so a null uncertainty would pass for certain.
certain if {
	is_number(lib.risk.uncertainty)
	lib.risk.uncertainty <= data.parameters.oversight.max_uncertainty
}
