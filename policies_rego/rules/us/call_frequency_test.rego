package call_frequency_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us.call_frequency as rule

citation := "15 U.S.C. § 1692d(5); 12 CFR 1006.14(b)(2)"

collector := object.union(fx.in_new_york, fx.debt_collector)

regf_call(age, connected) := {"at": "2026-11-15T15:00:00Z", "date": "2026-11-15", "age_days": age, "channel": "phone", "connected": connected}

seven_attempts := [regf_call(1, false), regf_call(1, false), regf_call(2, false), regf_call(3, false), regf_call(4, false), regf_call(5, false), regf_call(6, false)]

next_week := object.union(fx.local_10am, {"days_ahead": 1})

cases := {
	"few_unanswered_calls_allow_another": {
		"set": object.union(collector, {"/history/contacts": [regf_call(1, false), regf_call(2, false)]}),
		"candidates": [fx.phone_reminder],
		"denied": set(),
	},
	"eighth_call_within_seven_days_is_denied": {
		"set": object.union(collector, {"/history/contacts": seven_attempts}),
		"candidates": [fx.phone_reminder, fx.email_reminder],
		"denied": {"c2"}, "citation": citation,
	},
	"a_call_planned_for_tomorrow_drops_the_oldest_attempt": {
		"set": object.union(collector, {"/history/contacts": seven_attempts}),
		"candidates": [fx.with_field(fx.phone_reminder, "send_at_local", next_week)],
		"denied": set(),
	},
	"no_call_within_seven_days_after_a_conversation": {
		"set": object.union(collector, {"/history/contacts": [regf_call(6, true)]}),
		"candidates": [fx.phone_reminder],
		"denied": {"c2"}, "citation": citation,
	},
	"a_conversation_eight_days_ago_no_longer_blocks": {
		"set": object.union(collector, {"/history/contacts": [regf_call(7, true)]}),
		"candidates": [fx.phone_reminder],
		"denied": set(),
	},
	"first_party_creditor_is_not_bound_by_regulation_f": {
		"set": object.union(fx.in_new_york, {"/history/contacts": seven_attempts}),
		"candidates": [fx.phone_reminder],
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

test_few_unanswered_calls_allow_another if check("few_unanswered_calls_allow_another")

test_eighth_call_within_seven_days_is_denied if check("eighth_call_within_seven_days_is_denied")

test_a_call_planned_for_tomorrow_drops_the_oldest_attempt if check("a_call_planned_for_tomorrow_drops_the_oldest_attempt")

test_no_call_within_seven_days_after_a_conversation if check("no_call_within_seven_days_after_a_conversation")

test_a_conversation_eight_days_ago_no_longer_blocks if check("a_conversation_eight_days_ago_no_longer_blocks")

test_first_party_creditor_is_not_bound_by_regulation_f if check("first_party_creditor_is_not_bound_by_regulation_f")
