package validation_notice_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us.validation_notice as rule

citation := "15 U.S.C. § 1692g(a); 12 CFR 1006.34(a)(1)"

notice := {"kind": "notice", "rule": "US-REGF-1006.34-a", "citation": citation, "params": {"notice": "validation_notice"}}

collector := object.union(fx.in_new_york, fx.debt_collector)

# No communication yet and no notice sent.
first_contact := object.union(collector, {"/history/dunning": [], "/history/contacts": [], "/invoice/validation_notice_sent_on": null})

# The only earlier communication: a message `days` days ago.
message_ago(days) := object.union(first_contact, {"/history/dunning": [{
	"date": "2026-11-01", "age_days": days, "kind": "reminder", "level": 1, "channel": "letter", "notices": [],
}]})

in_two_days := {"date": "2026-11-24", "days_ahead": 2, "zones": [{"timezone": "America/New_York", "hour": 10, "minute": 0}]}

cases := {
	"initial_letter_and_email_carry_the_notice_texts_and_calls_cannot": object.union(notice, {
		"set": first_contact,
		"candidates": [fx.email_reminder, fx.sms_reminder, fx.phone_reminder, fx.letter_final_notice, fx.credit_bureau_report, fx.no_action],
		"denied": {"c1", "c2"}, "obliged": {"c0", "c3"},
	}),
	"five_days_after_the_first_message_the_notice_may_still_follow": object.union(notice, {
		"set": message_ago(5),
		"candidates": [fx.email_reminder],
		"denied": set(), "obliged": {"c0"},
	}),
	"six_days_after_the_first_message_the_deadline_has_passed": object.union(notice, {
		"set": message_ago(6),
		"candidates": [fx.email_reminder, fx.letter_final_notice, fx.no_action],
		"denied": {"c0", "c3"}, "obliged": {"c0", "c3"},
	}),
	"a_message_planned_past_the_deadline_is_late": object.union(notice, {
		"set": message_ago(4),
		"candidates": [fx.with_field(fx.email_reminder, "send_at_local", in_two_days)],
		"denied": {"c0"}, "obliged": {"c0"},
	}),
	"a_connected_call_is_the_initial_communication": object.union(notice, {
		"set": object.union(first_contact, {"/history/contacts": [{"date": "2026-11-10", "age_days": 12, "channel": "phone", "connected": true}]}),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "obliged": {"c0"},
	}),
	"an_unanswered_call_conveys_nothing": object.union(notice, {
		"set": object.union(first_contact, {"/history/contacts": [{"date": "2026-11-10", "age_days": 12, "channel": "phone", "connected": false}]}),
		"candidates": [fx.email_reminder],
		"denied": set(), "obliged": {"c0"},
	}),
	"a_call_of_unknown_outcome_may_have_been_the_initial_communication": object.union(notice, {
		"set": object.union(first_contact, {"/history/contacts": [{"date": "2026-11-10", "age_days": 12, "channel": "phone"}]}),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "obliged": {"c0"},
	}),
	"a_message_of_unknown_age_makes_the_deadline_count_as_passed": object.union(notice, {
		"set": object.union(first_contact, {"/history/dunning": [{"date": null, "kind": "reminder", "level": 1, "channel": "letter", "notices": []}]}),
		"candidates": [fx.letter_final_notice],
		"denied": {"c3"}, "obliged": {"c3"},
	}),
	"notice_sent_lifts_the_rule": object.union(notice, {
		"set": object.union(message_ago(20), {"/invoice/validation_notice_sent_on": "2026-11-02"}),
		"candidates": [fx.email_reminder, fx.phone_reminder],
		"denied": set(), "obliged": set(),
	}),
	"first_party_creditor_is_outside_regulation_f": object.union(notice, {
		"set": object.union(fx.in_new_york, {"/history/dunning": [], "/history/contacts": []}),
		"candidates": [fx.email_reminder, fx.phone_reminder],
		"denied": set(), "obliged": set(),
	}),
	"business_debt_is_outside_the_fdcpa": object.union(notice, {
		"set": object.union(message_ago(20), fx.business),
		"candidates": [fx.email_reminder, fx.phone_reminder],
		"denied": set(), "obliged": set(),
	}),
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	obligations := rule.obligations with input.case as the_case with input.candidates as candidates
	fx.denials_match(denials, tc, rule.rule_id)
	fx.obligations_match(obligations, tc)
}

test_initial_letter_and_email_carry_the_notice_texts_and_calls_cannot if check("initial_letter_and_email_carry_the_notice_texts_and_calls_cannot")

test_five_days_after_the_first_message_the_notice_may_still_follow if check("five_days_after_the_first_message_the_notice_may_still_follow")

test_six_days_after_the_first_message_the_deadline_has_passed if check("six_days_after_the_first_message_the_deadline_has_passed")

test_a_message_planned_past_the_deadline_is_late if check("a_message_planned_past_the_deadline_is_late")

test_a_connected_call_is_the_initial_communication if check("a_connected_call_is_the_initial_communication")

test_an_unanswered_call_conveys_nothing if check("an_unanswered_call_conveys_nothing")

test_a_call_of_unknown_outcome_may_have_been_the_initial_communication if check("a_call_of_unknown_outcome_may_have_been_the_initial_communication")

test_a_message_of_unknown_age_makes_the_deadline_count_as_passed if check("a_message_of_unknown_age_makes_the_deadline_count_as_passed")

test_notice_sent_lifts_the_rule if check("notice_sent_lifts_the_rule")

test_first_party_creditor_is_outside_regulation_f if check("first_party_creditor_is_outside_regulation_f")

test_business_debt_is_outside_the_fdcpa if check("business_debt_is_outside_the_fdcpa")
