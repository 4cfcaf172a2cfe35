# METADATA
# title: FCRA seven-year reporting limit
# description: >-
#   A consumer reporting agency may not report an account placed for collection more than seven
#   years after a period of 180 days from the start of the delinquency (15 U.S.C. 1681c(a)(4),
#   (c)(1)). The limit binds the agencies; fairdun does not furnish what they could not report:
#   a credit-bureau report of a US claim whose due date (the start of the delinquency) lies
#   more than 180 days and seven years back, or cannot be read, is denied. Any creditor role.
# related_resources:
#   - ref: https://www.law.cornell.edu/uscode/text/15/1681c
#     description: 15 U.S.C. 1681c (FCRA section 605)
# custom:
#   id: US-FCRA-605
#   jurisdiction: US
#   citation: "15 U.S.C. § 1681c(a)(4), (c)(1) (FCRA § 605)"
#   severity: high
package rules.us.fcra_obsolete

import rego.v1

import data.fairdun.lib

rule_id := "US-FCRA-605"

citations := {"*": "15 U.S.C. § 1681c(a)(4), (c)(1) (FCRA § 605)"}

params := data.parameters.us_fcra

applies if {
	lib.in_us
	count(lib.significant) > 0
	not reportable
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.significant
	c.kind == "credit_bureau_report"
	message := "the delinquency is older than the seven years an account may be reported"
}

citation := lib.cite(citations)

reportable if {
	obsolete_from := time.add_date(lib.date_ns(lib.invoice.due_on), params.years, 0, params.days_after_delinquency)
	lib.today_ns < obsolete_from
}
