package validation_overshadowing_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us.validation_overshadowing as rule

citation := "15 U.S.C. § 1692g(b); 12 CFR 1006.38(b), 1006.34(b)(5)"

collector := object.union(fx.in_new_york, fx.debt_collector)

# The notice was received `days` days before today.
received_ago(days) := object.union(collector, {
	"/invoice/validation_notice_sent_on": "2026-10-01",
	"/invoice/validation_notice_receipt_age_days": days,
})

threat := fx.with_field(fx.email_reminder, "legal_action_threat", true)

in_two_days := {"date": "2026-11-24", "days_ahead": 2, "zones": [{"timezone": "America/New_York", "hour": 10, "minute": 0}]}

cases := {
	"inside_the_period_threats_and_final_notices_are_denied": {
		"set": received_ago(10),
		"candidates": [threat, fx.letter_final_notice, fx.sms_reminder, fx.collection_handover, fx.no_action],
		"denied": {"c0", "c3"}, "citation": citation,
	},
	"the_thirtieth_day_after_receipt_is_inside": {
		"set": received_ago(30),
		"candidates": [fx.letter_final_notice],
		"denied": {"c3"}, "citation": citation,
	},
	"after_the_thirtieth_day_a_final_notice_may_go": {
		"set": received_ago(31),
		"candidates": [threat, fx.letter_final_notice],
		"denied": set(),
	},
	"the_send_day_counts_not_today": {
		"set": received_ago(29),
		"candidates": [fx.with_field(fx.letter_final_notice, "send_at_local", in_two_days)],
		"denied": set(),
	},
	"no_notice_yet_the_period_starts_with_this_message": {
		"set": object.union(collector, {"/invoice/validation_notice_sent_on": null}),
		"candidates": [fx.letter_final_notice, fx.email_reminder],
		"denied": {"c3"}, "citation": citation,
	},
	"unknown_receipt_counts_as_inside": {
		"set": object.union(collector, {"/invoice/validation_notice_sent_on": "2026-10-01"}),
		"candidates": [fx.letter_final_notice],
		"denied": {"c3"}, "citation": citation,
	},
	"a_missing_threat_flag_counts_as_a_threat": {
		"set": received_ago(10),
		"candidates": [object.remove(fx.email_reminder, ["legal_action_threat"])],
		"denied": {"c0"}, "citation": citation,
	},
	"first_party_creditor_is_outside_regulation_f": {
		"set": fx.in_new_york,
		"candidates": [threat, fx.letter_final_notice],
		"denied": set(),
	},
	"business_debt_is_outside_the_fdcpa": {
		"set": object.union(received_ago(10), fx.business),
		"candidates": [threat],
		"denied": set(),
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	fx.denials_match(denials, tc, rule.rule_id)
}

test_inside_the_period_threats_and_final_notices_are_denied if check("inside_the_period_threats_and_final_notices_are_denied")

test_the_thirtieth_day_after_receipt_is_inside if check("the_thirtieth_day_after_receipt_is_inside")

test_after_the_thirtieth_day_a_final_notice_may_go if check("after_the_thirtieth_day_a_final_notice_may_go")

test_the_send_day_counts_not_today if check("the_send_day_counts_not_today")

test_no_notice_yet_the_period_starts_with_this_message if check("no_notice_yet_the_period_starts_with_this_message")

test_unknown_receipt_counts_as_inside if check("unknown_receipt_counts_as_inside")

test_a_missing_threat_flag_counts_as_a_threat if check("a_missing_threat_flag_counts_as_a_threat")

test_first_party_creditor_is_outside_regulation_f if check("first_party_creditor_is_outside_regulation_f")

test_business_debt_is_outside_the_fdcpa if check("business_debt_is_outside_the_fdcpa")
