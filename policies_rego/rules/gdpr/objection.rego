# METADATA
# title: GDPR objection to profiling
# description: >-
#   After the debtor objected (debtor.objected_to_profiling; missing counts as objected), the
#   controller may no longer process on the basis of its legitimate interests unless it
#   demonstrates compelling legitimate grounds that override the debtor's interests, or the
#   processing serves the establishment, exercise or defence of legal claims (Art. 21(1)).
#   So no candidate based on profiling is allowed, and no disclosure to a third party
#   (collection handover, credit-bureau report) until a person has documented such grounds
#   (debtor.compelling_grounds_documented == true). The legal-claims exception could carry a
#   handover; whether it does is exactly what that person documents, so the rule waits for it
#   too. Reminders without profiling remain (the non-profiling ladder).
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj
#     description: GDPR Art. 21(1)
#   - ref: https://www.legislation.gov.uk/eur/2016/679/article/21
#     description: UK GDPR Art. 21(1)
# custom:
#   id: EU-GDPR-21
#   jurisdiction: EU/EEA, GB
#   citation: "GDPR Art. 21(1) (EU/EEA); UK GDPR Art. 21(1) (GB)"
#   severity: high
package rules.gdpr.objection

import rego.v1

import data.fairdun.lib

rule_id := "EU-GDPR-21"

citations := {
	"GB": "UK GDPR Art. 21(1)",
	"*": "GDPR Art. 21(1)",
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": "the debtor objected to profiling: no decision based on it"} if {
	lib.in_gdpr
	objected
	some c in lib.acting
	not c.profiling == false
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	lib.in_gdpr
	objected
	not lib.debtor.compelling_grounds_documented == true
	some c in lib.significant
	message := "the debtor objected: no disclosure to a third party until a person documents compelling grounds"
}

citation := lib.cite(citations)

objected if not lib.debtor.objected_to_profiling == false
