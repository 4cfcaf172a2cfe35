package massachusetts_calls_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us_states.massachusetts_calls as rule

call(age) := {"at": "2026-11-20T15:00:00Z", "date": "2026-11-20", "age_days": age, "channel": "phone", "connected": false}

text(age) := {"at": "2026-11-20T15:00:00Z", "date": "2026-11-20", "age_days": age, "kind": "reminder", "level": 1, "channel": "sms", "notices": []}

cases := {
	"one_call_this_week_allows_a_second": {
		"set": object.union(fx.in_massachusetts, {"/history/contacts": [call(2)]}),
		"candidates": [fx.phone_reminder, fx.sms_reminder],
		"denied": set(),
	},
	"third_call_or_text_within_seven_days_is_denied_for_a_creditor_too": {
		"set": object.union(fx.in_massachusetts, {"/history/contacts": [call(2)], "/history/dunning": [text(5)]}),
		"candidates": [fx.phone_reminder, fx.sms_reminder, fx.email_reminder, fx.letter_final_notice],
		"denied": {"c1", "c2"}, "citation": "940 CMR 7.04(1)(f)",
	},
	"debt_collector_cites_the_division_of_banks_rule": {
		"set": object.union(object.union(fx.in_massachusetts, fx.debt_collector), {"/history/contacts": [call(1), call(3)]}),
		"candidates": [fx.phone_reminder],
		"denied": {"c2"}, "citation": "209 CMR 18.16(1)(d)",
	},
	"calls_older_than_a_week_do_not_count": {
		"set": object.union(fx.in_massachusetts, {"/history/contacts": [call(7), call(9)]}),
		"candidates": [fx.phone_reminder],
		"denied": set(),
	},
	"new_york_has_no_such_limit": {
		"set": object.union(fx.in_new_york, {"/history/contacts": [call(1), call(2)]}),
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

test_one_call_this_week_allows_a_second if check("one_call_this_week_allows_a_second")

test_third_call_or_text_within_seven_days_is_denied_for_a_creditor_too if check("third_call_or_text_within_seven_days_is_denied_for_a_creditor_too")

test_debt_collector_cites_the_division_of_banks_rule if check("debt_collector_cites_the_division_of_banks_rule")

test_calls_older_than_a_week_do_not_count if check("calls_older_than_a_week_do_not_count")

test_new_york_has_no_such_limit if check("new_york_has_no_such_limit")
