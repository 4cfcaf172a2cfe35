# METADATA
# title: Uncertain risk score
# description: >-
#   When the case was profiled and the model cannot vouch for its score, every candidate except
#   "none" gets a human_review obligation: when the score's safeguard interval reaches into more
#   than one risk band (reason uncertain_score: the band, and with it the tone, a pre-due reminder
#   or a payment-plan offer, could as well be another), or when an input lies outside the range
#   the model was trained on (reason input_out_of_range). The interval is set in the approved
#   model for a stated target review rate. A profiled case whose interval_bands or out_of_range is
#   missing or not a list counts as both (fail closed); a case that was not profiled (the debtor
#   objected) has no score to doubt.
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

obligations contains {"candidate": c.id, "kind": "human_review", "rule": rule_id, "citation": citation, "params": {"reason": reason}} if {
	some reason in reasons
	some c in lib.acting
}

citation := lib.cite(citations)

profiled if not lib.risk.profiling == false

reasons contains "uncertain_score" if {
	profiled
	not one_band
}

reasons contains "input_out_of_range" if {
	profiled
	not in_range
}

# Exactly one band: the interval lies within it. Anything else (several bands, none, a missing
# or malformed list) is doubt.
one_band if {
	is_array(lib.risk.interval_bands)
	count(lib.risk.interval_bands) == 1
}

in_range if {
	is_array(lib.risk.out_of_range)
	count(lib.risk.out_of_range) == 0
}
