# METADATA
# title: Channel consent
# description: >-
#   No communication on a channel without the debtor's recorded consent. Postal letters are
#   exempt (data.parameters.consent.exempt_channels): a letter about a contractual claim rests on
#   GDPR Art. 6(1)(b)/(f) and needs no consent. E-mail, SMS and phone need consents[channel] ==
#   true; a missing consent, a missing channel or an unknown channel is denied.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj
#     description: GDPR Art. 6(1), Art. 7(3), Art. 21(1)
#   - ref: https://www.legislation.gov.uk/eur/2016/679/contents
#     description: UK GDPR Art. 6(1), Art. 7(3)
#   - ref: https://www.law.cornell.edu/uscode/text/47/227
#     description: 47 U.S.C. 227(b)(1)(A)(iii) (TCPA, prior express consent)
# custom:
#   id: FD-CONSENT-CHANNEL
#   jurisdiction: "*"
#   citation: "GDPR Art. 6(1)(a), Art. 7(3) (EU/EEA); UK GDPR Art. 6(1)(a), Art. 7(3) (GB); 47 U.S.C. § 227(b)(1)(A)(iii) (US calls and texts)"
#   severity: high
package rules.consent.channel_consent

import rego.v1

import data.fairdun.lib

rule_id := "FD-CONSENT-CHANNEL"

# Citations per channel, then per place (see lib.cite).
citations := {
	"email": {
		"EU": "GDPR Art. 6(1)(a), Art. 7(3)",
		"GB": "UK GDPR Art. 6(1)(a), Art. 7(3)",
		"*": "fairdun channel-consent policy (policies_rego/README.md#consent)",
	},
	"sms": {
		"EU": "GDPR Art. 6(1)(a), Art. 7(3)",
		"GB": "UK GDPR Art. 6(1)(a), Art. 7(3)",
		"US": "47 U.S.C. § 227(b)(1)(A)(iii)",
		"*": "fairdun channel-consent policy (policies_rego/README.md#consent)",
	},
	"phone": {
		"EU": "GDPR Art. 6(1)(a), Art. 7(3)",
		"GB": "UK GDPR Art. 6(1)(a), Art. 7(3)",
		"US": "47 U.S.C. § 227(b)(1)(A)(iii)",
		"*": "fairdun channel-consent policy (policies_rego/README.md#consent)",
	},
	"*": {"*": "fairdun channel-consent policy (policies_rego/README.md#consent)"},
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation[channel], "message": message[channel]} if {
	some c in lib.communicating
	channel := object.get(c, "channel", null)
	unconsented[channel]
}

# The channels of the case's communication candidates that need a consent the debtor did not
# give (a missing channel, or one outside the contract, counts as one), each with its citation
# and message: worked out once per channel, not once per candidate.
unconsented := {channel |
	some c in lib.communicating
	channel := object.get(c, "channel", null)
	not exempt_channels[channel]
	not lib.consents[channel] == true
}

exempt_channels := {channel | some channel in data.parameters.consent.exempt_channels}

citation := {channel: text |
	some channel in unconsented
	text := lib.cite(object.get(citations, channel, citations["*"]))
}

message := {channel: text |
	some channel in unconsented
	text := no_consent(channel)
}

no_consent(channel) := sprintf("no consent on record for channel %s", [channel]) if {
	is_string(channel)
} else := "communication candidate without a channel"
