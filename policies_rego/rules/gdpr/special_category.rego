# METADATA
# title: Special-category data never drive an automated decision
# description: >-
#   A vulnerability flag may reveal data concerning health (Art. 9(1)). A decision with legal or
#   similar effect may not be based on such data unless the narrow exceptions of Art. 22(4)
#   apply, and fairdun relies on none. So when flags.vulnerable is set (or missing: fail
#   closed) no action is taken automatically: every candidate except "none" gets a human_review
#   obligation and a person decides. The model never sees the flag.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj
#     description: GDPR Art. 9(1), Art. 22(4)
#   - ref: https://www.legislation.gov.uk/ukpga/2025/18/section/80
#     description: UK GDPR Art. 22B (Data (Use and Access) Act 2025 s. 80)
# custom:
#   id: EU-GDPR-22-4
#   jurisdiction: EU/EEA, GB
#   citation: "GDPR Art. 9(1), 22(4) (EU/EEA); UK GDPR Art. 22B (GB)"
#   severity: high
package rules.gdpr.special_category

import rego.v1

import data.fairdun.lib

rule_id := "EU-GDPR-22-4"

citations := {
	"GB": "UK GDPR Art. 22B",
	"*": "GDPR Art. 9(1), 22(4)",
}

obligations contains {"candidate": c.id, "kind": "human_review", "rule": rule_id, "citation": citation, "params": {"reason": "special_category_data"}} if {
	lib.in_gdpr
	not lib.flags.vulnerable == false
	some c in lib.acting
}

citation := lib.cite(citations)
