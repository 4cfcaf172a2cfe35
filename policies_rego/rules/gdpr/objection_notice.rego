# METADATA
# title: GDPR notice of the right to object
# description: >-
#   At the latest at the first communication with the data subject, the right to object must
#   be brought explicitly to the debtor's attention, clearly and separately from other
#   information (Art. 21(4)). fairdun cannot see whether the invoice carried it, so every
#   communication candidate of a claim without any earlier dunning message (history.dunning
#   empty, or missing: fail closed) carries the notice data.parameters.gdpr.objection_notice.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj
#     description: GDPR Art. 21(4)
# custom:
#   id: EU-GDPR-21-4
#   jurisdiction: EU/EEA, GB
#   citation: "GDPR Art. 21(4) (EU/EEA); UK GDPR Art. 21(4) (GB)"
#   severity: medium
package rules.gdpr.objection_notice

import rego.v1

import data.fairdun.lib

rule_id := "EU-GDPR-21-4"

citations := {
	"GB": "UK GDPR Art. 21(4)",
	"*": "GDPR Art. 21(4)",
}

obligations contains {"candidate": c.id, "kind": "notice", "rule": rule_id, "citation": citation, "params": {"notice": data.parameters.gdpr.objection_notice}} if {
	lib.in_gdpr
	count(lib.dunning) == 0
	some c in lib.communicating
}

citation := lib.cite(citations)
