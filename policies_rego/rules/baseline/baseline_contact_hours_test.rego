package baseline_contact_hours_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.baseline.baseline_contact_hours as rule

citation := "fairdun principle: conservative baseline outside the reviewed scope (contact 08:00-21:00 in every possible time zone)"

window(id) := {
	"candidate": id, "kind": "send_window", "rule": "FD-BASELINE-CONTACT-HOURS", "citation": citation,
	"params": {"not_before": "08:00", "not_after": "21:00"},
}

# A candidate planned at these wall-clock times in the zones the debtor may be in (own zone first).
planned_at(candidate, times) := object.union(candidate, {"send_at_local": object.union(candidate.send_at_local, {"zones": [
{"timezone": t[0], "hour": t[1], "minute": t[2]} | some t in times]})})

cases := {
	"reviewed_place_has_no_baseline_window": {
		"candidates": [planned_at(fx.email_reminder, [["Europe/Berlin", 7, 0]])],
		"expected": [], "denied": set(),
	},
	"every_channel_keeps_the_hours_outside_the_reviewed_scope": {
		"set": fx.in_france,
		"candidates": [fx.email_reminder, fx.letter_final_notice, fx.phone_reminder, fx.collection_handover, fx.no_action],
		"expected": [window("c0"), window("c3"), window("c2")],
		"denied": set(),
	},
	"inside_the_hours_in_every_zone": {
		"set": fx.in_france,
		"candidates": [planned_at(fx.sms_reminder, [["Europe/Paris", 8, 0], ["America/New_York", 20, 59]])],
		"expected": [window("c1")], "denied": set(),
	},
	"before_eight_in_another_zone_is_denied": {
		"set": fx.in_france,
		"candidates": [planned_at(fx.sms_reminder, [["Europe/Paris", 13, 0], ["America/New_York", 7, 59]])],
		"expected": [window("c1")], "denied": {"c1"},
	},
	"nine_pm_in_the_own_zone_is_denied": {
		"set": fx.in_france,
		"candidates": [planned_at(fx.email_reminder, [["Europe/Paris", 21, 0]])],
		"expected": [window("c0")], "denied": {"c0"},
	},
	"unknown_planned_times_are_denied": {
		"set": fx.in_france,
		"candidates": [
			json.remove(fx.email_reminder, ["send_at_local/zones"]),
			planned_at(fx.sms_reminder, []),
			planned_at(fx.phone_reminder, [["Europe/Paris", null, 0]]),
		],
		"expected": [window("c0"), window("c1"), window("c2")], "denied": {"c0", "c1", "c2"},
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

test_inside_the_hours_in_every_zone if check("inside_the_hours_in_every_zone")

test_before_eight_in_another_zone_is_denied if check("before_eight_in_another_zone_is_denied")

test_nine_pm_in_the_own_zone_is_denied if check("nine_pm_in_the_own_zone_is_denied")

test_unknown_planned_times_are_denied if check("unknown_planned_times_are_denied")
