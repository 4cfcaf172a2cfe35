# METADATA
# title: GDPR restriction of processing
# description: >-
#   While processing is restricted (debtor.processing_restricted; missing counts as
#   restricted), for instance because the debtor contests the accuracy of the data and the
#   controller verifies it (Art. 18(1)(a)), the data may be processed only with consent or for
#   legal claims (Art. 18(2)). Reminders pursue the claim itself and continue; disclosures to a
#   third party (collection handover, credit-bureau report) are denied until the restriction is
#   lifted.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj
#     description: GDPR Art. 18(1), (2)
# custom:
#   id: EU-GDPR-18
#   jurisdiction: EU/EEA, GB
#   citation: "GDPR Art. 18(1)(a), (2) (EU/EEA); UK GDPR Art. 18(1)(a), (2) (GB)"
#   severity: high
package rules.gdpr.restriction

import rego.v1

import data.fairdun.lib

rule_id := "EU-GDPR-18"

citations := {
	"GB": "UK GDPR Art. 18(1)(a), (2)",
	"*": "GDPR Art. 18(1)(a), (2)",
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	lib.in_gdpr
	not lib.debtor.processing_restricted == false
	some c in lib.significant
	message := "processing is restricted while the debtor's data are verified: no escalation"
}

citation := lib.cite(citations)
