# METADATA
# title: UK GDPR significant automated decisions
# description: >-
#   For debtors in the United Kingdom, a collection handover or credit-bureau report is a
#   significant decision (UK GDPR Art. 22A, as substituted by the Data (Use and Access) Act 2025
#   s. 80, in force since 5 February 2026). Art. 22C requires safeguards including human
#   intervention; fairdun secures it with a human_review obligation before execution, until a
#   person has completed the review (invoice.human_review_completed == true).
# related_resources:
#   - ref: https://www.legislation.gov.uk/ukpga/2025/18/section/80
#     description: Data (Use and Access) Act 2025 s. 80 (UK GDPR Arts. 22A-22D)
# custom:
#   id: GB-UKGDPR-22C
#   jurisdiction: GB
#   citation: "UK GDPR Art. 22A, 22C"
#   severity: medium
package rules.oversight.uk_gdpr_art22c_review

import rego.v1

import data.fairdun.lib

rule_id := "GB-UKGDPR-22C"

citations := {"*": "UK GDPR Art. 22A, 22C"}

obligations contains {"candidate": c.id, "kind": "human_review", "rule": rule_id, "citation": citation, "params": {"reason": "significant_effect"}} if {
	lib.in_gb
	not lib.invoice.human_review_completed == true
	some c in lib.significant
}

citation := lib.cite(citations)
