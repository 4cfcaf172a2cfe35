package promise_to_pay_pause_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.disputes.promise_to_pay_pause as rule

principle := "fairdun principle: a promise to pay is awaited"

acting := [fx.email_reminder, fx.collection_handover, fx.no_action]

cases := {
	"no_promise_allows_dunning": {
		"candidates": acting,
		"denied": set(),
	},
	"open_promise_pauses_everything_but_waiting": {
		"set": {"/invoice/promise_to_pay_on": "2026-11-25"},
		"candidates": acting,
		"denied": {"c0", "c4"}, "citation": principle,
	},
	"promise_due_yesterday_still_within_the_grace_days": {
		"set": {"/invoice/promise_to_pay_on": "2026-11-21"},
		"candidates": acting,
		"denied": {"c0", "c4"}, "citation": principle,
	},
	"broken_promise_after_the_grace_days_allows_dunning": {
		"set": {"/invoice/promise_to_pay_on": "2026-11-19"},
		"candidates": acting,
		"denied": set(),
	},
	"unreadable_promise_holds": {
		"set": {"/invoice/promise_to_pay_on": 20261125},
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": principle,
	},
	"missing_promise_field_holds": {
		"remove": ["/invoice/promise_to_pay_on"],
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": principle,
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	fx.denials_match(denials, tc, rule.rule_id)
}

test_no_promise_allows_dunning if check("no_promise_allows_dunning")

test_open_promise_pauses_everything_but_waiting if check("open_promise_pauses_everything_but_waiting")

test_promise_due_yesterday_still_within_the_grace_days if check("promise_due_yesterday_still_within_the_grace_days")

test_broken_promise_after_the_grace_days_allows_dunning if check("broken_promise_after_the_grace_days_allows_dunning")

test_unreadable_promise_holds if check("unreadable_promise_holds")

test_missing_promise_field_holds if check("missing_promise_field_holds")
