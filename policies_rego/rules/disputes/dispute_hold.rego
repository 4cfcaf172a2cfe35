# METADATA
# title: Dispute hold
# description: >-
#   No reminder, fee or escalation on a disputed invoice: every candidate except "none" is
#   denied while invoice.disputed is true, and also when the dispute status is missing or not a
#   boolean (fail closed). US debt collectors must stop collecting a disputed debt until they
#   have verified it; in Germany a disputed claim may not be reported to a credit bureau;
#   everywhere else the hold is fairdun's "in dubio pro debitore" principle.
# related_resources:
#   - ref: https://www.law.cornell.edu/uscode/text/15/1692g
#     description: 15 U.S.C. 1692g(b) (FDCPA, disputed debts)
#   - ref: https://www.gesetze-im-internet.de/bdsg_2018/__31.html
#     description: BDSG section 31(2) sentence 1 no. 4 letter d
# custom:
#   id: FD-DISPUTE-HOLD
#   jurisdiction: "*"
#   citation: "15 U.S.C. § 1692g(b) (US debt collectors); BDSG § 31(2) Satz 1 Nr. 4 lit. d (DE); fairdun principle in dubio pro debitore (elsewhere)"
#   severity: high
package rules.disputes.dispute_hold

import rego.v1

import data.fairdun.lib

rule_id := "FD-DISPUTE-HOLD"

citations := {
	"US/debt_collector": "15 U.S.C. § 1692g(b)",
	"DE": "BDSG § 31(2) Satz 1 Nr. 4 lit. d; fairdun principle: in dubio pro debitore",
	"*": "fairdun principle: in dubio pro debitore (DESIGN.md)",
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": reason} if {
	not lib.invoice.disputed == false
	some c in lib.acting
}

citation := lib.cite(citations)

reason := "the invoice is disputed: no reminder, fee or escalation until the dispute is resolved" if {
	lib.invoice.disputed == true
} else := "the dispute status of the invoice is unknown"
