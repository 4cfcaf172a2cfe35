# METADATA
# title: Regulation F medium the consumer asked not to be used
# description: >-
#   A debt collector must not communicate through a medium of communication the person asked it
#   not to use (12 CFR 1006.14(h)(1)). A candidate on a channel in debtor.opted_out_channels is
#   denied; a missing or malformed list counts as every channel refused (fail closed). Other
#   creditors are covered by FD-CHANNEL-OPT-OUT.
# related_resources:
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.14
#     description: 12 CFR 1006.14(h)
# custom:
#   id: US-REGF-1006.14-h
#   jurisdiction: US (debt collectors)
#   citation: "12 CFR 1006.14(h)(1)"
#   severity: high
package rules.us.medium_opt_out

import rego.v1

import data.fairdun.lib

rule_id := "US-REGF-1006.14-h"

citations := {"*": "12 CFR 1006.14(h)(1)"}

applies if {
	lib.us_debt_collector
	not lib.debtor.opted_out_channels == []
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	listed
	some c in lib.communicating
	channel := object.get(c, "channel", null)
	refused[channel]
	message := sprintf("the consumer asked the debt collector not to use %v", [channel])
}

# A missing or unreadable list counts as every medium refused.
deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	not listed
	some c in lib.communicating
	message := "the media the consumer refused are unknown: every medium counts as refused"
}

citation := lib.cite(citations)

listed if is_array(lib.debtor.opted_out_channels)

refused := {channel | some channel in lib.debtor.opted_out_channels}
