# METADATA
# title: Regulation F opt-out notice in electronic messages
# description: >-
#   Every e-mail and text message a debt collector sends about a debt must carry a clear and
#   conspicuous statement of a reasonable and simple way to opt out of further electronic
#   messages to that address or number (12 CFR 1006.6(e)). Each such candidate gets the notice
#   data.parameters.us_regf_opt_out.notice.
# related_resources:
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.6
#     description: 12 CFR 1006.6(e)
# custom:
#   id: US-REGF-1006.6-e
#   jurisdiction: US (debt collectors)
#   citation: "12 CFR 1006.6(e)"
#   severity: medium
package rules.us.electronic_opt_out_notice

import rego.v1

import data.fairdun.lib

rule_id := "US-REGF-1006.6-e"

citations := {"*": "12 CFR 1006.6(e)"}

params := data.parameters.us_regf_opt_out

obligations contains {"candidate": c.id, "kind": "notice", "rule": rule_id, "citation": citation, "params": {"notice": params.notice}} if {
	lib.us_debt_collector
	some c in lib.communicating
	c.channel in params.channels
}

citation := lib.cite(citations)
