# METADATA
# title: Dispute hold
# description: >-
#   No reminder, fee or escalation on a disputed invoice: every candidate except "none" is
#   denied while invoice.disputed is true, and also when the dispute status is missing or not a
#   boolean (fail closed). US debt collectors must stop collecting a disputed debt until they
#   have verified it (15 U.S.C. 1692g(b)); in Germany a disputed claim may not be reported to a
#   credit bureau (BDSG 31(2) sentence 1 no. 4 letter d, cited on credit-bureau reports only).
#   Holding reminders, fees and handovers elsewhere, Germany included, is fairdun's "in dubio
#   pro debitore" principle: no statute forbids reminding a debtor of a disputed claim (GDPR
#   Art. 18(1)(a) concerns contested personal data and Art. 18(2) still allows the exercise of
#   legal claims; Art. 21 needs an objection; both are rules of their own, EU-GDPR-18 and
#   EU-GDPR-21).
# related_resources:
#   - ref: https://www.law.cornell.edu/uscode/text/15/1692g
#     description: 15 U.S.C. 1692g(b) (FDCPA, disputed debts)
#   - ref: https://www.gesetze-im-internet.de/bdsg_2018/__31.html
#     description: BDSG section 31(2) sentence 1 no. 4 letter d (credit-bureau reports)
# custom:
#   id: FD-DISPUTE-HOLD
#   jurisdiction: "*"
#   citation: "15 U.S.C. § 1692g(b) (US debt collectors); BDSG § 31(2) Satz 1 Nr. 4 lit. d (DE credit-bureau reports); fairdun principle in dubio pro debitore (elsewhere)"
#   severity: high
package rules.disputes.dispute_hold

import rego.v1

import data.fairdun.lib

rule_id := "FD-DISPUTE-HOLD"

citations := {
	"US/debt_collector": "15 U.S.C. § 1692g(b)",
	"*": "fairdun principle: in dubio pro debitore (DESIGN.md)",
}

# A credit-bureau report of a disputed claim: the law that names the dispute.
report_citations := {
	"US/debt_collector": "15 U.S.C. § 1692g(b)",
	"DE": "BDSG § 31(2) Satz 1 Nr. 4 lit. d",
	"*": "fairdun principle: in dubio pro debitore (DESIGN.md)",
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": reason} if {
	not lib.invoice.disputed == false
	some c in lib.acting
	not c.kind == "credit_bureau_report"
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": report_citation, "message": reason} if {
	not lib.invoice.disputed == false
	some c in lib.acting
	c.kind == "credit_bureau_report"
}

citation := lib.cite(citations)

report_citation := lib.cite(report_citations)

reason := "the invoice is disputed: no reminder, fee or escalation until the dispute is resolved" if {
	lib.invoice.disputed == true
} else := "the dispute status of the invoice is unknown"
