# METADATA
# title: FCA forbearance for customers in difficulty
# description: >-
#   A firm must treat customers in default or arrears difficulties with forbearance and due
#   consideration (CONC 7.3.4R), and pay particular attention to vulnerable customers (CONC
#   7.2.1R, FG21/1), rules the FCA strengthened with PS24/2. A UK consumer flagged as vulnerable
#   or in financial difficulty (or with either flag missing: fail closed) gets no automated
#   action: every candidate except "none" carries a human_review obligation, so a person
#   chooses the forbearance. CONC binds consumer credit firms; fairdun applies it to every UK
#   consumer.
# related_resources:
#   - ref: https://www.handbook.fca.org.uk/handbook/CONC/7/3.html
#     description: FCA Handbook CONC 7.3 (treatment of customers in default or arrears)
# custom:
#   id: GB-FCA-CONC-7.3
#   jurisdiction: GB (consumers)
#   citation: "FCA CONC 7.2.1R, 7.3.4R (PS24/2)"
#   severity: high
package rules.gb.forbearance

import rego.v1

import data.fairdun.lib

rule_id := "GB-FCA-CONC-7.3"

citations := {"*": "FCA CONC 7.2.1R, 7.3.4R (PS24/2)"}

obligations contains {"candidate": c.id, "kind": "human_review", "rule": rule_id, "citation": citation, "params": {"reason": "forbearance"}} if {
	lib.in_gb
	not lib.debtor_kind == "business"
	in_difficulty
	some c in lib.acting
}

citation := lib.cite(citations)

in_difficulty if not lib.flags.vulnerable == false

in_difficulty if not lib.flags.financial_difficulty == false
