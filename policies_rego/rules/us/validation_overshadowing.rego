# METADATA
# title: Regulation F no overshadowing during the validation period
# description: >-
#   During the validation period a debt collector must not engage in collection activities or
#   communications that overshadow, or are inconsistent with, the disclosure of the consumer's
#   rights to dispute the debt and to request the name and address of the original creditor
#   (15 U.S.C. 1692g(b); 12 CFR 1006.38(b)). The period starts when the validation information
#   is provided and ends 30 days after the consumer receives it, receipt assumed five days after
#   sending without Saturdays, Sundays and legal public holidays (12 CFR 1006.34(b)(5)); the
#   pipeline gives invoice.validation_notice_receipt_age_days. Inside the period (on the
#   candidate's send day) a message announcing court action and a final notice
#   (data.parameters.us_regf_validation.overshadowing_kinds: a last demand with its own payment
#   deadline) are denied. No notice sent yet means the period starts with this very message;
#   an unknown receipt counts as inside the period (fail closed). Business debtors are outside
#   the FDCPA.
# related_resources:
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.38
#     description: 12 CFR 1006.38(b)
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.34
#     description: 12 CFR 1006.34(b)(5)
# custom:
#   id: US-REGF-1006.38-b
#   jurisdiction: US (debt collectors)
#   citation: "15 U.S.C. § 1692g(b); 12 CFR 1006.38(b), 1006.34(b)(5)"
#   severity: high
package rules.us.validation_overshadowing

import rego.v1

import data.fairdun.lib

rule_id := "US-REGF-1006.38-b"

citations := {"*": "15 U.S.C. § 1692g(b); 12 CFR 1006.38(b), 1006.34(b)(5)"}

params := data.parameters.us_regf_validation

applies if {
	lib.us_debt_collector
	not lib.debtor_kind == "business"
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.communicating
	overshadowing[c.id]
	id := c.id
	not after_period[id]
	message := "inside the validation period a threat of suit or a final demand would overshadow the consumer's right to dispute the debt"
}

citation := lib.cite(citations)

overshadowing contains c.id if {
	some c in lib.threatening
}

overshadowing contains c.id if {
	some c in lib.communicating
	c.kind in params.overshadowing_kinds
}

receipt_age := lib.invoice.validation_notice_receipt_age_days

# The candidate's send day lies after the validation period's last day.
after_period := {c.id |
	lib.is_date(lib.invoice.validation_notice_sent_on)
	is_number(receipt_age)
	some c in lib.communicating
	receipt_age + lib.days_ahead[c.id] > params.period_days
}
