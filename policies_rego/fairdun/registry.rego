# METADATA
# title: Rule registry (generated)
# description: >-
#   Every rule module's deny and obligations, listed explicitly for every case: a module that is
#   missing or whose output is undefined makes its list, and so data.fairdun.decision, undefined
#   (fail closed). Rules written for one place test that place first. Generated from the files
#   under rules/ by decisions.policy.write_registry; load_bundle refuses a bundle whose registry
#   does not match them. Regenerate, do not edit.
package fairdun.registry

import rego.v1

deny := [
	data.rules.baseline.baseline_contact_hours.deny,
	data.rules.baseline.baseline_threats.deny,
	data.rules.consent.channel_consent.deny,
	data.rules.contact.cease_communication.deny,
	data.rules.contact.channel_opt_out.deny,
	data.rules.contact.no_work_contact.deny,
	data.rules.contact.one_per_day.deny,
	data.rules.de.collector_information.deny,
	data.rules.de.credit_bureau.deny,
	data.rules.de.limitation.deny,
	data.rules.disputes.dispute_hold.deny,
	data.rules.disputes.promise_to_pay_pause.deny,
	data.rules.escalation.min_amount.deny,
	data.rules.gdpr.art14_information.deny,
	data.rules.gdpr.objection.deny,
	data.rules.gdpr.restriction.deny,
	data.rules.input.malformed_input.deny,
	data.rules.jurisdiction.unsupported_jurisdiction.deny,
	data.rules.limitation.time_barred_threat.deny,
	data.rules.oversight.review_pause.deny,
	data.rules.stops.debt_moratorium.deny,
	data.rules.stops.deceased_stop.deny,
	data.rules.stops.insolvency_stop.deny,
	data.rules.timing.quiet_hours.deny,
	data.rules.us.attorney_represented.deny,
	data.rules.us.call_frequency.deny,
	data.rules.us.credit_reporting.deny,
	data.rules.us.fcra_obsolete.deny,
	data.rules.us.inconvenient_times.deny,
	data.rules.us.medium_opt_out.deny,
	data.rules.us.regf_cease_communication.deny,
	data.rules.us.time_barred.deny,
	data.rules.us.validation_notice.deny,
	data.rules.us.validation_overshadowing.deny,
	data.rules.us.work_email.deny,
	data.rules.us_states.massachusetts_calls.deny,
	data.rules.us_states.new_york_substantiation.deny,
	data.rules.us_states.washington_frequency.deny,
]

obligations := [
	data.rules.baseline.baseline_contact_hours.obligations,
	data.rules.baseline.baseline_escalation.obligations,
	data.rules.baseline.baseline_fees.obligations,
	data.rules.de.collection_costs.obligations,
	data.rules.de.collector_information.obligations,
	data.rules.de.default_damages.obligations,
	data.rules.de.default_interest.obligations,
	data.rules.de.dunning_fee.obligations,
	data.rules.de.lump_sum.obligations,
	data.rules.fees.not_due.obligations,
	data.rules.gb.arrears_charges.obligations,
	data.rules.gb.forbearance.obligations,
	data.rules.gdpr.art14_information.obligations,
	data.rules.gdpr.objection_notice.obligations,
	data.rules.gdpr.special_category.obligations,
	data.rules.oversight.gdpr_art22_review.obligations,
	data.rules.oversight.global_stop.obligations,
	data.rules.oversight.significant_effect_review.obligations,
	data.rules.oversight.uk_gdpr_art22c_review.obligations,
	data.rules.oversight.uncertain_score_review.obligations,
	data.rules.timing.quiet_hours.obligations,
	data.rules.us.debt_collector_disclosure.obligations,
	data.rules.us.electronic_opt_out_notice.obligations,
	data.rules.us.validation_notice.obligations,
	data.rules.us_states.new_york_initial_disclosure.obligations,
	data.rules.us_states.new_york_time_barred_disclosure.obligations,
]
