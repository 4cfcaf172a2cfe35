# METADATA
# title: Rule registry (generated)
# description: >-
#   Every rule module's deny and obligations, listed explicitly (rego-cpp evaluates explicit
#   references far faster than an iteration over data.rules); the rules of an area written for
#   one place (rules/de, gb, gdpr, us, us_states) are listed only when that place applies.
#   Generated from the files under rules/ by decisions.policy.write_registry; load_bundle
#   refuses a bundle whose registry does not match them. Regenerate, do not edit.
package fairdun.registry

import rego.v1

import data.fairdun.lib

deny_everywhere := [
	data.rules.consent.channel_consent.deny,
	data.rules.contact.cease_communication.deny,
	data.rules.contact.channel_opt_out.deny,
	data.rules.contact.no_work_contact.deny,
	data.rules.contact.one_per_day.deny,
	data.rules.disputes.dispute_hold.deny,
	data.rules.disputes.promise_to_pay_pause.deny,
	data.rules.escalation.min_amount.deny,
	data.rules.input.malformed_input.deny,
	data.rules.jurisdiction.unsupported_jurisdiction.deny,
	data.rules.oversight.review_pause.deny,
	data.rules.stops.debt_moratorium.deny,
	data.rules.stops.deceased_stop.deny,
	data.rules.stops.insolvency_stop.deny,
	data.rules.timing.quiet_hours.deny,
]

default deny_in_de := []

deny_in_de := [
	data.rules.de.credit_bureau.deny,
	data.rules.de.limitation.deny,
] if lib.in_de

default deny_in_gdpr := []

deny_in_gdpr := [
	data.rules.gdpr.objection.deny,
	data.rules.gdpr.restriction.deny,
] if lib.in_gdpr

default deny_in_us := []

deny_in_us := [
	data.rules.us.call_frequency.deny,
	data.rules.us.credit_reporting.deny,
	data.rules.us.fcra_obsolete.deny,
	data.rules.us.medium_opt_out.deny,
	data.rules.us.regf_cease_communication.deny,
	data.rules.us.time_barred.deny,
	data.rules.us_states.massachusetts_calls.deny,
	data.rules.us_states.washington_frequency.deny,
] if lib.in_us

deny := array.concat(deny_everywhere, array.concat(deny_in_de, array.concat(deny_in_gdpr, deny_in_us)))

obligations_everywhere := [
	data.rules.fees.not_due.obligations,
	data.rules.oversight.gdpr_art22_review.obligations,
	data.rules.oversight.global_stop.obligations,
	data.rules.oversight.significant_effect_review.obligations,
	data.rules.oversight.uk_gdpr_art22c_review.obligations,
	data.rules.oversight.uncertain_score_review.obligations,
	data.rules.timing.quiet_hours.obligations,
]

default obligations_in_de := []

obligations_in_de := [
	data.rules.de.collection_costs.obligations,
	data.rules.de.default_damages.obligations,
	data.rules.de.default_interest.obligations,
	data.rules.de.dunning_fee.obligations,
	data.rules.de.lump_sum.obligations,
] if lib.in_de

default obligations_in_gb := []

obligations_in_gb := [
	data.rules.gb.arrears_charges.obligations,
	data.rules.gb.forbearance.obligations,
] if lib.in_gb

default obligations_in_gdpr := []

obligations_in_gdpr := [
	data.rules.gdpr.objection_notice.obligations,
	data.rules.gdpr.special_category.obligations,
] if lib.in_gdpr

default obligations_in_us := []

obligations_in_us := [
	data.rules.us.electronic_opt_out_notice.obligations,
] if lib.in_us

obligations := array.concat(obligations_everywhere, array.concat(obligations_in_de, array.concat(obligations_in_gb, array.concat(obligations_in_gdpr, obligations_in_us))))
