package baseline_contact_hours_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.baseline.baseline_contact_hours as rule

citation := "fairdun principle: conservative baseline outside the reviewed scope (contact 08:00-21:00 in every possible time zone)"

window(id, from, to) := {
	"candidate": id, "kind": "send_window", "rule": "FD-BASELINE-CONTACT-HOURS", "citation": citation,
	"params": {"not_before": from, "not_after": to},
}

cases := {
	"reviewed_place_has_no_baseline_window": {
		"candidates": [fx.email_reminder],
		"expected": [], "denied": set(),
	},
	"every_channel_keeps_the_hours_outside_the_reviewed_scope": {
		"set": fx.in_france,
		"candidates": [fx.email_reminder, fx.letter_final_notice, fx.phone_reminder, fx.collection_handover, fx.no_action],
		"expected": [window("c0", "08:00", "21:00"), window("c3", "08:00", "21:00"), window("c2", "08:00", "21:00")],
		"denied": set(),
	},
	"one_window_per_possible_zone": {
		"set": object.union(fx.in_france, {"/debtor/timezone_offsets_minutes": [-60, 0, 120]}),
		"candidates": [fx.sms_reminder],
		"expected": [window("c1", "09:00", "22:00"), window("c1", "08:00", "21:00"), window("c1", "06:00", "19:00")],
		"denied": set(),
	},
	"unknown_zones_count_as_six_hours_either_way": {
		"set": fx.in_france,
		"remove": ["/debtor/timezone_offsets_minutes"],
		"candidates": [fx.sms_reminder],
		"expected": [window("c1", "14:00", "23:59"), window("c1", "08:00", "21:00"), window("c1", "02:00", "15:00")],
		"denied": set(),
	},
	"zones_without_a_common_moment_deny_the_message": {
		"set": object.union(fx.in_france, {"/debtor/timezone_offsets_minutes": [0, 780]}),
		"candidates": [fx.email_reminder, fx.collection_handover],
		"expected": [], "denied": {"c0"},
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	entries := rule.obligations with input.case as the_case with input.candidates as candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	fx.entries_match(entries, tc)
	fx.denials_match(denials, object.union(tc, {"citation": citation}), rule.rule_id)
}

test_reviewed_place_has_no_baseline_window if check("reviewed_place_has_no_baseline_window")

test_every_channel_keeps_the_hours_outside_the_reviewed_scope if check("every_channel_keeps_the_hours_outside_the_reviewed_scope")

test_one_window_per_possible_zone if check("one_window_per_possible_zone")

test_unknown_zones_count_as_six_hours_either_way if check("unknown_zones_count_as_six_hours_either_way")

test_zones_without_a_common_moment_deny_the_message if check("zones_without_a_common_moment_deny_the_message")
