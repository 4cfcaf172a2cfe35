# METADATA
# title: Unsupported jurisdiction
# description: >-
#   fairdun acts only where the catalogue has a reviewed rule set
#   (data.parameters.jurisdictions): EU/EEA member states, the United Kingdom and the US states.
#   Elsewhere, and when the jurisdiction is missing, inconsistent with the country or (for the
#   US) lacks its state, every candidate except "none" is denied.
# related_resources:
#   - ref: https://www.iso.org/iso-3166-country-codes.html
#     description: ISO 3166 country and subdivision codes
# custom:
#   id: FD-JURISDICTION-UNSUPPORTED
#   jurisdiction: "*"
#   citation: "fairdun principle: fail closed (no reviewed legal rule set for the debtor's jurisdiction)"
#   severity: high
package rules.jurisdiction.unsupported_jurisdiction

import rego.v1

import data.fairdun.lib

rule_id := "FD-JURISDICTION-UNSUPPORTED"

citations := {"*": "fairdun principle: fail closed (no reviewed legal rule set for the debtor's jurisdiction)"}

applies if not supported

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.acting
}

citation := lib.cite(citations)

message := sprintf("no reviewed rule set for jurisdiction %v (country %v)", [lib.jurisdiction, lib.country])

# The jurisdiction is a supported country, or a subdivision of one (ISO 3166-2: "US-NY"); where
# the country's law differs by subdivision, only a listed subdivision.
supported if {
	lib.country in data.parameters.jurisdictions.supported_countries
	lib.jurisdiction == lib.country
	not requires_subdivision
}

supported if {
	lib.country in data.parameters.jurisdictions.supported_countries
	is_string(lib.jurisdiction)
	startswith(lib.jurisdiction, concat("", [lib.country, "-"]))
	subdivisions := object.get(data.parameters.jurisdictions.required_subdivisions, lib.country, [lib.jurisdiction])
	lib.jurisdiction in subdivisions
}

requires_subdivision if data.parameters.jurisdictions.required_subdivisions[lib.country]
