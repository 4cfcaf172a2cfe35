# METADATA
# title: Regulation F no e-mail to a work address
# description: >-
#   A debt collector must not communicate or attempt to communicate with a consumer through an
#   e-mail address it knows or should know the consumer's employer provides, unless it knows the
#   consumer used that address to communicate with it about the debt (and has not opted out since)
#   or consented to its use directly (12 CFR 1006.22(f)(3)). E-mail candidates are denied when
#   debtor.email_is_work is true or missing (fail closed) and debtor.work_email_permitted is not
#   true. Business debtors are outside the FDCPA.
# related_resources:
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.22
#     description: 12 CFR 1006.22(f)(3)
# custom:
#   id: US-REGF-1006.22-f3
#   jurisdiction: US (debt collectors)
#   citation: "12 CFR 1006.22(f)(3)"
#   severity: medium
package rules.us.work_email

import rego.v1

import data.fairdun.lib

rule_id := "US-REGF-1006.22-f3"

citations := {"*": "12 CFR 1006.22(f)(3)"}

params := data.parameters.us_regf_work_email

applies if {
	lib.us_debt_collector
	not lib.debtor_kind == "business"
	not lib.debtor.email_is_work == false
	not lib.debtor.work_email_permitted == true
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.communicating
	object.get(c, "channel", null) in params.channels
	message := "the e-mail address is provided by the consumer's employer, and the consumer neither used it with the collector nor consented to it"
}

citation := lib.cite(citations)
