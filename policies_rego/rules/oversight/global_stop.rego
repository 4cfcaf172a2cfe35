# METADATA
# title: Global stop switch
# description: >-
#   The stop button of human oversight: while case.controls.global_stop is set (the GLOBAL_STOP
#   configuration of the installation), or when the flag is missing (fail closed), every
#   candidate except "none" gets a human_review obligation, so no decision is executed without a
#   person.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
#     description: Regulation (EU) 2024/1689 (AI Act) Art. 14(4)(e)
# custom:
#   id: FD-GLOBAL-STOP
#   jurisdiction: "*"
#   citation: "Regulation (EU) 2024/1689 (AI Act) Art. 14(4)(e)"
#   severity: critical
package rules.oversight.global_stop

import rego.v1

import data.fairdun.lib

rule_id := "FD-GLOBAL-STOP"

citations := {"*": "Regulation (EU) 2024/1689 (AI Act) Art. 14(4)(e)"}

obligations contains {"candidate": c.id, "kind": "human_review", "rule": rule_id, "citation": citation, "params": {"reason": "global_stop"}} if {
	not lib.controls.global_stop == false
	some c in lib.acting
}

citation := lib.cite(citations)
