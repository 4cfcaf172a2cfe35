package quiet_hours_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.timing.quiet_hours as rule

collector_in_new_york := object.union(fx.in_new_york, {"/creditor/role": "debt_collector"})

reg_f := {
	"kind": "send_window",
	"rule": "US-REGF-1006.6-b1",
	"citation": "15 U.S.C. § 1692c(a)(1); 12 CFR 1006.6(b)(1)(i)",
	"params": {"not_before": "08:00", "not_after": "21:00"},
}

cases := {
	"us_debt_collector_email_gets_the_reg_f_window": object.union(reg_f, {
		"set": collector_in_new_york,
		"candidates": [fx.email_reminder, fx.sms_reminder, fx.phone_reminder],
		"obliged": {"c0", "c1", "c2"},
	}),
	"us_debt_collector_letter_has_no_window": object.union(reg_f, {
		"set": collector_in_new_york,
		"candidates": [fx.letter_final_notice],
		"obliged": set(),
	}),
	"us_debt_collector_escalation_without_message_has_no_window": object.union(reg_f, {
		"set": collector_in_new_york,
		"candidates": [fx.collection_handover, fx.no_action],
		"obliged": set(),
	}),
	"us_first_party_creditor_has_no_statutory_window": object.union(reg_f, {
		"set": fx.in_new_york,
		"candidates": [fx.email_reminder],
		"obliged": set(),
	}),
	"german_debt_collector_has_no_statutory_window": object.union(reg_f, {
		"set": {"/creditor/role": "debt_collector"},
		"candidates": [fx.email_reminder, fx.phone_reminder],
		"obliged": set(),
	}),
	"unknown_creditor_role_in_the_us_gets_the_window": object.union(reg_f, {
		"set": fx.in_new_york,
		"remove": ["/creditor/role"],
		"candidates": [fx.phone_reminder],
		"obliged": {"c2"},
	}),
	"unknown_channel_in_the_us_gets_the_window": object.union(reg_f, {
		"set": collector_in_new_york,
		"candidates": [object.union(fx.email_reminder, {"channel": "fax"})],
		"obliged": {"c0"},
	}),
	"california_binds_first_party_creditors_through_the_rosenthal_act": object.union(rosenthal, {
		"set": fx.in_california,
		"candidates": [fx.email_reminder, fx.letter_final_notice],
		"obliged": {"c0"},
	}),
	"california_debt_collector_gets_only_the_reg_f_window": object.union(reg_f, {
		"set": object.union(fx.in_california, fx.debt_collector),
		"candidates": [fx.phone_reminder],
		"obliged": {"c2"},
	}),
}

rosenthal := {
	"kind": "send_window",
	"rule": "US-CA-CIV-1788.17",
	"citation": "Cal. Civ. Code § 1788.17 (incorporating 15 U.S.C. § 1692c(a)(1))",
	"params": {"not_before": "08:00", "not_after": "21:00"},
}

# ---- the planned send time in every zone the debtor may be in, at the send instant ---------------
# The pipeline reads each zone's wall-clock time at the planned instant (so after a DST change
# the offsets between zones are those of the send day, not of the decision day).

planned_at(c, zones) := replaced(c, {"date": "2026-11-23", "days_ahead": 1, "zones": zones})

# The candidate with another send_at_local (removed first: OPA's object.union merges nested
# objects, rego-cpp's does not).
replaced(c, local) := object.union(object.remove(c, ["send_at_local"]), {"send_at_local": local})

zone(name, hour, minute) := {"timezone": name, "hour": hour, "minute": minute}

reg_f_denial := {"rule": "US-REGF-1006.6-b1", "citation": "15 U.S.C. § 1692c(a)(1); 12 CFR 1006.6(b)(1)(i)"}

zone_cases := {
	# The Monday after the US spring-forward, decided the Saturday before: 10:00 in New York is
	# 07:00 in Phoenix (no DST there) once New York is on daylight time.
	"us_spring_forward_planned_at_seven_in_phoenix_is_refused": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [planned_at(fx.email_reminder, [zone("America/New_York", 10, 0), zone("America/Phoenix", 7, 0)])],
		"denied": {"c0"},
	}),
	"us_spring_forward_planned_at_eleven_in_new_york_is_allowed": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [planned_at(fx.email_reminder, [zone("America/New_York", 11, 0), zone("America/Phoenix", 8, 0)])],
		"denied": set(),
	}),
	# The US fall-back: 20:30 in New York is 17:30 in Los Angeles; 08:59 in Los Angeles is 11:59
	# in New York, both inside.
	"us_fall_back_both_zones_inside_is_allowed": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [planned_at(fx.phone_reminder, [zone("America/New_York", 20, 30), zone("America/Los_Angeles", 17, 30)])],
		"denied": set(),
	}),
	"nine_pm_in_one_zone_is_already_outside": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [planned_at(fx.sms_reminder, [zone("America/Los_Angeles", 18, 0), zone("America/New_York", 21, 0)])],
		"denied": {"c1"},
	}),
	"eight_am_sharp_in_every_zone_is_inside": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [planned_at(fx.sms_reminder, [zone("America/New_York", 8, 0), zone("America/New_York", 8, 0)])],
		"denied": set(),
	}),
	"one_minute_before_nine_pm_is_inside": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [planned_at(fx.sms_reminder, [zone("America/New_York", 20, 59)])],
		"denied": set(),
	}),
	"one_minute_before_eight_am_is_outside": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [planned_at(fx.sms_reminder, [zone("America/New_York", 7, 59)])],
		"denied": {"c1"},
	}),
	# The southern hemisphere and the year end (a US debtor who may be abroad): New Year's Eve
	# 16:00 in New York is 08:00 on New Year's Day in Sydney (summer time there).
	"year_end_in_sydney_inside_is_allowed": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [planned_at(fx.email_reminder, [zone("America/New_York", 16, 0), zone("Australia/Sydney", 8, 0)])],
		"denied": set(),
	}),
	"year_end_in_auckland_too_early_is_refused": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [planned_at(fx.email_reminder, [zone("America/New_York", 10, 0), zone("Pacific/Auckland", 4, 0)])],
		"denied": {"c0"},
	}),
	# Letters have no statutory hours; a debtor outside any window has none either.
	"a_letter_planned_at_night_is_not_refused": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [planned_at(fx.letter_final_notice, [zone("America/New_York", 3, 0)])],
		"denied": set(),
	}),
	"a_german_first_party_message_at_night_has_no_statutory_hours": object.union(reg_f_denial, {
		"candidates": [planned_at(fx.email_reminder, [zone("Europe/Berlin", 3, 0)])],
		"denied": set(),
	}),
	# Fail closed: planned times that are missing, empty, null or unreadable.
	"missing_planned_times_are_refused": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [replaced(fx.email_reminder, {"date": "2026-11-23", "days_ahead": 1})],
		"denied": {"c0"},
	}),
	"no_send_time_at_all_is_refused": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [replaced(fx.email_reminder, null)],
		"denied": {"c0"},
	}),
	"an_empty_list_of_zones_is_refused": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [planned_at(fx.email_reminder, [])],
		"denied": {"c0"},
	}),
	"null_zones_are_refused": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [planned_at(fx.email_reminder, null)],
		"denied": {"c0"},
	}),
	"an_unreadable_hour_in_one_zone_is_refused": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [planned_at(fx.email_reminder, [zone("America/New_York", 10, 0), zone("America/Chicago", "9", 0)])],
		"denied": {"c0"},
	}),
	"a_null_zone_entry_is_refused": object.union(reg_f_denial, {
		"set": collector_in_new_york,
		"candidates": [planned_at(fx.email_reminder, [zone("America/New_York", 10, 0), null])],
		"denied": {"c0"},
	}),
	"california_creditor_planned_early_in_denver_is_refused": {
		"set": fx.in_california,
		"candidates": [planned_at(fx.email_reminder, [zone("America/Los_Angeles", 8, 30), zone("America/Denver", 9, 30), zone("Pacific/Honolulu", 6, 30)])],
		"denied": {"c0"},
		"rule": "US-CA-CIV-1788.17",
		"citation": "Cal. Civ. Code § 1788.17 (incorporating 15 U.S.C. § 1692c(a)(1))",
	},
}

check_zones(name) if {
	tc := zone_cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	fx.denials_match(denials, tc, tc.rule)
}

test_us_spring_forward_planned_at_seven_in_phoenix_is_refused if check_zones("us_spring_forward_planned_at_seven_in_phoenix_is_refused")

test_us_spring_forward_planned_at_eleven_in_new_york_is_allowed if check_zones("us_spring_forward_planned_at_eleven_in_new_york_is_allowed")

test_us_fall_back_both_zones_inside_is_allowed if check_zones("us_fall_back_both_zones_inside_is_allowed")

test_nine_pm_in_one_zone_is_already_outside if check_zones("nine_pm_in_one_zone_is_already_outside")

test_eight_am_sharp_in_every_zone_is_inside if check_zones("eight_am_sharp_in_every_zone_is_inside")

test_one_minute_before_nine_pm_is_inside if check_zones("one_minute_before_nine_pm_is_inside")

test_one_minute_before_eight_am_is_outside if check_zones("one_minute_before_eight_am_is_outside")

test_year_end_in_sydney_inside_is_allowed if check_zones("year_end_in_sydney_inside_is_allowed")

test_year_end_in_auckland_too_early_is_refused if check_zones("year_end_in_auckland_too_early_is_refused")

test_a_letter_planned_at_night_is_not_refused if check_zones("a_letter_planned_at_night_is_not_refused")

test_a_german_first_party_message_at_night_has_no_statutory_hours if check_zones("a_german_first_party_message_at_night_has_no_statutory_hours")

test_missing_planned_times_are_refused if check_zones("missing_planned_times_are_refused")

test_no_send_time_at_all_is_refused if check_zones("no_send_time_at_all_is_refused")

test_an_empty_list_of_zones_is_refused if check_zones("an_empty_list_of_zones_is_refused")

test_null_zones_are_refused if check_zones("null_zones_are_refused")

test_an_unreadable_hour_in_one_zone_is_refused if check_zones("an_unreadable_hour_in_one_zone_is_refused")

test_a_null_zone_entry_is_refused if check_zones("a_null_zone_entry_is_refused")

test_california_creditor_planned_early_in_denver_is_refused if check_zones("california_creditor_planned_early_in_denver_is_refused")

# The message names the zone in which the planned time falls outside the hours. (Compared by
# parts: rego-cpp prints a string literal of a test module that reaches sprintf with its quotes.)
test_the_denial_names_the_zone_outside_the_hours if {
	tc := zone_cases.us_spring_forward_planned_at_seven_in_phoenix_is_refused
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	count(denials) == 1
	some d in denials
	contains(d.message, "(08:00 to 21:00 local time) in")
	contains(d.message, "America/Phoenix")
}

# Several zones give one obligation per window (not one per zone): the pipeline keeps it in each.
test_several_zones_oblige_the_window_once if {
	tc := zone_cases.us_fall_back_both_zones_inside_is_allowed
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	obligations := rule.obligations with input.case as the_case with input.candidates as candidates
	fx.obligations_match(obligations, object.union(reg_f, {"obliged": {"c2"}}))
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	obligations := rule.obligations with input.case as the_case with input.candidates as candidates
	fx.obligations_match(obligations, tc)
}

test_us_debt_collector_email_gets_the_reg_f_window if check("us_debt_collector_email_gets_the_reg_f_window")

test_us_debt_collector_letter_has_no_window if check("us_debt_collector_letter_has_no_window")

test_us_debt_collector_escalation_without_message_has_no_window if check("us_debt_collector_escalation_without_message_has_no_window")

test_us_first_party_creditor_has_no_statutory_window if check("us_first_party_creditor_has_no_statutory_window")

test_german_debt_collector_has_no_statutory_window if check("german_debt_collector_has_no_statutory_window")

test_unknown_creditor_role_in_the_us_gets_the_window if check("unknown_creditor_role_in_the_us_gets_the_window")

test_unknown_channel_in_the_us_gets_the_window if check("unknown_channel_in_the_us_gets_the_window")

test_california_binds_first_party_creditors_through_the_rosenthal_act if check("california_binds_first_party_creditors_through_the_rosenthal_act")

test_california_debt_collector_gets_only_the_reg_f_window if check("california_debt_collector_gets_only_the_reg_f_window")
