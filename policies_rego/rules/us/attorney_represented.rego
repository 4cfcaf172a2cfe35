# METADATA
# title: Regulation F no communication with a consumer represented by an attorney
# description: >-
#   A debt collector must not communicate with a consumer about a debt when it knows the consumer
#   is represented by an attorney about that debt and knows, or can readily ascertain, the
#   attorney's name and address, unless the attorney fails to respond within a reasonable time or
#   consents to direct communication (15 U.S.C. 1692c(a)(2); 12 CFR 1006.6(b)(2)). The request's
#   debtor.represented_by_attorney states exactly that; while it is true, or missing (fail
#   closed), every candidate that reaches the consumer is denied. FDCPA debts are consumer debts:
#   a known business debtor is outside the rule.
# related_resources:
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.6
#     description: 12 CFR 1006.6(b)(2)
#   - ref: https://www.law.cornell.edu/uscode/text/15/1692c
#     description: 15 U.S.C. 1692c(a)(2)
# custom:
#   id: US-REGF-1006.6-b2
#   jurisdiction: US (debt collectors)
#   citation: "15 U.S.C. § 1692c(a)(2); 12 CFR 1006.6(b)(2)"
#   severity: high
package rules.us.attorney_represented

import rego.v1

import data.fairdun.lib

rule_id := "US-REGF-1006.6-b2"

citations := {"*": "15 U.S.C. § 1692c(a)(2); 12 CFR 1006.6(b)(2)"}

applies if {
	lib.us_debt_collector
	not lib.debtor_kind == "business"
	not lib.debtor.represented_by_attorney == false
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.communicating
	message := "the consumer is represented by an attorney about this debt: communicate with the attorney only"
}

citation := lib.cite(citations)
