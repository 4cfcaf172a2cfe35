# METADATA
# title: FDCPA debt collector disclosure
# description: >-
#   A debt collector must disclose in its initial communication with a consumer that it is
#   attempting to collect a debt and that any information obtained will be used for that
#   purpose, and in each subsequent communication that the communication is from a debt
#   collector (15 U.S.C. 1692e(11); 12 CFR 1006.18(e)(1), (2)). Every candidate that reaches the
#   consumer carries one of the two notices of data.parameters.us_regf_disclosure: the initial
#   one while the history holds no message and no call that connected (the collector has not yet
#   conveyed anything about the debt), the subsequent one after. Business debtors are outside the
#   FDCPA.
# related_resources:
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.18
#     description: 12 CFR 1006.18(e)
#   - ref: https://www.law.cornell.edu/uscode/text/15/1692e
#     description: 15 U.S.C. 1692e(11)
# custom:
#   id: US-REGF-1006.18-e
#   jurisdiction: US (debt collectors)
#   citation: "15 U.S.C. § 1692e(11); 12 CFR 1006.18(e)"
#   severity: high
package rules.us.debt_collector_disclosure

import rego.v1

import data.fairdun.lib

rule_id := "US-REGF-1006.18-e"

citations := {"*": "15 U.S.C. § 1692e(11); 12 CFR 1006.18(e)"}

params := data.parameters.us_regf_disclosure

applies if {
	lib.us_debt_collector
	not lib.debtor_kind == "business"
}

obligations contains {"candidate": c.id, "kind": "notice", "rule": rule_id, "citation": citation, "params": {"notice": params.initial_notice}} if {
	applies
	not communicated
	some c in lib.communicating
}

obligations contains {"candidate": c.id, "kind": "notice", "rule": rule_id, "citation": citation, "params": {"notice": params.subsequent_notice}} if {
	applies
	communicated
	some c in lib.communicating
}

citation := lib.cite(citations)

communicated if count(lib.dunning) > 0

communicated if {
	some e in lib.contacts
	e.connected == true
}
