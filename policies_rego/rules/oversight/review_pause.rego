# METADATA
# title: Escalation pauses while a person reviews the claim
# description: >-
#   While a human review of the claim is open (the debtor contested a decision, GDPR Art. 22(3),
#   or a decision went to review automatically), and after a reviewer overturned a decision until
#   a person resumes automated escalation, the claim climbs no further up the ladder:
#   invoice.escalation_paused (a missing value counts as paused) denies every candidate whose
#   kind is an escalation (data.parameters.oversight.escalation_kinds: reminders, final notices,
#   collection handover, credit-bureau report). Waiting and a payment-plan offer remain.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj
#     description: GDPR Art. 22(3)
#   - ref: https://www.legislation.gov.uk/ukpga/2025/18/section/80
#     description: Data (Use and Access) Act 2025 s. 80 (UK GDPR Art. 22C)
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/1689/oj
#     description: Regulation (EU) 2024/1689 (AI Act) Art. 14(4)(d)
# custom:
#   id: FD-REVIEW-PAUSE
#   jurisdiction: "*"
#   citation: "GDPR Art. 22(3) (EU/EEA); UK GDPR Art. 22C (GB); AI Act Art. 14(4)(d) and fairdun principle elsewhere"
#   severity: high
package rules.oversight.review_pause

import rego.v1

import data.fairdun.lib

rule_id := "FD-REVIEW-PAUSE"

citations := {
	"EU": "GDPR Art. 22(3)",
	"GB": "UK GDPR Art. 22C",
	"*": "Regulation (EU) 2024/1689 (AI Act) Art. 14(4)(d); fairdun principle: in dubio pro debitore",
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.acting
	c.kind in data.parameters.oversight.escalation_kinds
	message := "a person is reviewing this claim: automated escalation waits for the outcome"
}

citation := lib.cite(citations)

applies if not lib.invoice.escalation_paused == false
