package inconvenient_times_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us.inconvenient_times as rule

citation := "15 U.S.C. § 1692c(a)(1); 12 CFR 1006.6(b)(1)(i)"

collector := object.union(fx.in_new_york, fx.debt_collector)

# The fixtures' candidates are planned at 10:00 local time.
mornings := object.union(collector, {"/debtor/inconvenient_times": [{"from": "09:30", "to": "11:00"}]})

evenings := object.union(collector, {"/debtor/inconvenient_times": [{"from": "18:00", "to": "20:00"}]})

# A second zone where the send instant is 16:00 (and another range that holds it).
two_zones := {"date": "2026-11-22", "days_ahead": 0, "zones": [
	{"timezone": "America/New_York", "hour": 10, "minute": 0},
	{"timezone": "Europe/Berlin", "hour": 16, "minute": 0},
]}

cases := {
	"message_inside_a_named_range_is_denied_letters_are_not_timed": {
		"set": mornings,
		"candidates": [fx.email_reminder, fx.sms_reminder, fx.phone_reminder, fx.letter_final_notice, fx.no_action],
		"denied": {"c0", "c1", "c2"}, "citation": citation,
	},
	"message_outside_every_range_is_allowed": {
		"set": evenings,
		"candidates": [fx.email_reminder, fx.phone_reminder],
		"denied": set(),
	},
	"range_ends_exclusive": {
		"set": object.union(collector, {"/debtor/inconvenient_times": [{"from": "08:00", "to": "10:00"}]}),
		"candidates": [fx.email_reminder],
		"denied": set(),
	},
	"range_over_midnight_holds_the_morning": {
		"set": object.union(collector, {"/debtor/inconvenient_times": [{"from": "22:00", "to": "10:01"}]}),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": citation,
	},
	"range_over_midnight_leaves_the_day": {
		"set": object.union(collector, {"/debtor/inconvenient_times": [{"from": "22:00", "to": "09:00"}]}),
		"candidates": [fx.email_reminder],
		"denied": set(),
	},
	"another_possible_zone_inside_a_range_is_denied": {
		"set": object.union(collector, {"/debtor/inconvenient_times": [{"from": "15:00", "to": "17:00"}]}),
		"candidates": [fx.with_field(fx.email_reminder, "send_at_local", two_zones)],
		"denied": {"c0"}, "citation": citation,
	},
	"unknown_send_time_is_denied_when_ranges_are_named": {
		"set": evenings,
		"candidates": [fx.with_field(fx.email_reminder, "send_at_local", null)],
		"denied": {"c0"}, "citation": citation,
	},
	"no_ranges_named_allows_every_time": {
		"set": object.union(collector, {"/debtor/inconvenient_times": []}),
		"candidates": [fx.email_reminder],
		"denied": set(),
	},
	"missing_list_counts_as_every_time_inconvenient": {
		"set": collector,
		"candidates": [fx.email_reminder, fx.letter_final_notice],
		"denied": {"c0"}, "citation": citation,
	},
	"malformed_range_counts_as_every_time_inconvenient": {
		"set": object.union(collector, {"/debtor/inconvenient_times": [{"from": "6pm", "to": "20:00"}]}),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": citation,
	},
	"first_party_creditor_is_outside_regulation_f": {
		"set": object.union(fx.in_new_york, {"/debtor/inconvenient_times": [{"from": "09:30", "to": "11:00"}]}),
		"candidates": [fx.email_reminder],
		"denied": set(),
	},
	"business_debt_is_outside_the_fdcpa": {
		"set": object.union(mornings, fx.business),
		"candidates": [fx.email_reminder],
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

test_message_inside_a_named_range_is_denied_letters_are_not_timed if check("message_inside_a_named_range_is_denied_letters_are_not_timed")

test_message_outside_every_range_is_allowed if check("message_outside_every_range_is_allowed")

test_range_ends_exclusive if check("range_ends_exclusive")

test_range_over_midnight_holds_the_morning if check("range_over_midnight_holds_the_morning")

test_range_over_midnight_leaves_the_day if check("range_over_midnight_leaves_the_day")

test_another_possible_zone_inside_a_range_is_denied if check("another_possible_zone_inside_a_range_is_denied")

test_unknown_send_time_is_denied_when_ranges_are_named if check("unknown_send_time_is_denied_when_ranges_are_named")

test_no_ranges_named_allows_every_time if check("no_ranges_named_allows_every_time")

test_missing_list_counts_as_every_time_inconvenient if check("missing_list_counts_as_every_time_inconvenient")

test_malformed_range_counts_as_every_time_inconvenient if check("malformed_range_counts_as_every_time_inconvenient")

test_first_party_creditor_is_outside_regulation_f if check("first_party_creditor_is_outside_regulation_f")

test_business_debt_is_outside_the_fdcpa if check("business_debt_is_outside_the_fdcpa")
