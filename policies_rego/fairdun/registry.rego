# METADATA
# title: Rule registry (generated)
# description: >-
#   Every rule module's deny and obligations, listed explicitly (rego-cpp evaluates explicit
#   references far faster than an iteration over data.rules). Generated from the files under
#   rules/ by decisions.policy.write_registry; load_bundle refuses a bundle whose registry does
#   not match them. Regenerate, do not edit.
package fairdun.registry

import rego.v1

deny := [
	data.rules.consent.channel_consent.deny,
	data.rules.disputes.dispute_hold.deny,
	data.rules.input.malformed_input.deny,
	data.rules.jurisdiction.unsupported_jurisdiction.deny,
	data.rules.stops.deceased_stop.deny,
	data.rules.stops.insolvency_stop.deny,
]

obligations := [
	data.rules.oversight.gdpr_art22_review.obligations,
	data.rules.oversight.significant_effect_review.obligations,
	data.rules.oversight.uk_gdpr_art22c_review.obligations,
	data.rules.oversight.uncertain_score_review.obligations,
	data.rules.timing.quiet_hours.obligations,
]
