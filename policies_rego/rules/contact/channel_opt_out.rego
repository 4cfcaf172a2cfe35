# METADATA
# title: Channel the debtor opted out of
# description: >-
#   A channel the debtor asked not to be used (debtor.opted_out_channels) is not used: a
#   candidate on it is denied. A missing or malformed list counts as every channel opted out
#   (fail closed). For US debt collectors the statutory version is US-REGF-1006.14-h. In the
#   EU/EEA and the UK a debtor who opts out of an electronic channel withdraws the consent that
#   channel rests on (GDPR Art. 7(3)); for letters it is fairdun's policy.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj
#     description: GDPR Art. 7(3)
# custom:
#   id: FD-CHANNEL-OPT-OUT
#   jurisdiction: "* (except US debt collectors)"
#   citation: "GDPR Art. 7(3) (EU/EEA); UK GDPR Art. 7(3) (GB); fairdun principle (elsewhere)"
#   severity: medium
package rules.contact.channel_opt_out

import rego.v1

import data.fairdun.lib

rule_id := "FD-CHANNEL-OPT-OUT"

citations := {
	"EU": "GDPR Art. 7(3); fairdun principle for letters",
	"GB": "UK GDPR Art. 7(3); fairdun principle for letters",
	"*": "fairdun principle: a channel the debtor refused is not used",
}

applies if {
	not lib.us_debt_collector
	not lib.debtor.opted_out_channels == []
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	listed
	some c in lib.communicating
	channel := object.get(c, "channel", null)
	opted_out[channel]
	message := sprintf("the debtor asked not to be contacted by %v", [channel])
}

# A missing or unreadable list counts as every channel refused.
deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	not listed
	some c in lib.communicating
	message := "the channels the debtor refused are unknown: every channel counts as refused"
}

citation := lib.cite(citations)

listed if is_array(lib.debtor.opted_out_channels)

opted_out := {channel | some channel in lib.debtor.opted_out_channels}
