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

# Case-level conditions live in `applies`, which the rule body tests first: in a body that
# iterates, rego-cpp evaluates every condition that does not depend on the loop before the loop,
# whatever their order (see the rego-cpp caveats in policies_rego/README.md).
applies if {
	not lib.us_debt_collector
	not lib.debtor.opted_out_channels == []
}

deny contains lib.deny(rule_id, citations, id, message) if {
	applies
	some id in lib.communicating
	channel := lib.channel[id]
	opted_out(channel)
	message := sprintf("the debtor asked not to be contacted by %v", [channel])
}

opted_out(channel) if channel in lib.debtor.opted_out_channels

opted_out(_) if not is_array(lib.debtor.opted_out_channels)
