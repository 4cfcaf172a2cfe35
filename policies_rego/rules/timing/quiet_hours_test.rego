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

shifted_window(id, from, to) := {
	"candidate": id, "kind": "send_window", "rule": "US-REGF-1006.6-b1",
	"citation": "15 U.S.C. § 1692c(a)(1); 12 CFR 1006.6(b)(1)(i)",
	"params": {"not_before": from, "not_after": to},
}

# A debtor who may be in Chicago or in Denver (one hour behind): 08:00 in Denver is 09:00 in
# Chicago, so the windows of both zones are obliged and the pipeline keeps 09:00-21:00.
shifted_cases := {
	"uncertain_time_zone_obliges_the_hours_of_every_plausible_zone": {
		"set": object.union(collector_in_new_york, {"/debtor/timezone_offsets_minutes": [-60, 0]}),
		"candidates": [fx.email_reminder],
		"expected": {shifted_window("c0", "08:00", "21:00"), shifted_window("c0", "09:00", "22:00")},
	},
	"missing_offsets_assume_the_widest_us_spread": {
		"set": collector_in_new_york,
		"remove": ["/debtor/timezone_offsets_minutes"],
		"candidates": [fx.sms_reminder],
		"expected": {shifted_window("c1", "08:00", "21:00"), shifted_window("c1", "14:00", "23:59"), shifted_window("c1", "02:00", "15:00")},
	},
	# null is not a list of offsets: the zones are unknown, as when missing (and no engine errors)
	"null_offsets_assume_the_widest_us_spread": {
		"set": object.union(collector_in_new_york, {"/debtor/timezone_offsets_minutes": null}),
		"candidates": [fx.sms_reminder],
		"expected": {shifted_window("c1", "08:00", "21:00"), shifted_window("c1", "14:00", "23:59"), shifted_window("c1", "02:00", "15:00")},
	},
}

check_shifted(name) if {
	tc := shifted_cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	obligations := rule.obligations with input.case as the_case with input.candidates as candidates
	fx.entries_match(obligations, tc)
}

test_uncertain_time_zone_obliges_the_hours_of_every_plausible_zone if check_shifted("uncertain_time_zone_obliges_the_hours_of_every_plausible_zone")

test_missing_offsets_assume_the_widest_us_spread if check_shifted("missing_offsets_assume_the_widest_us_spread")

test_null_offsets_assume_the_widest_us_spread if check_shifted("null_offsets_assume_the_widest_us_spread")

test_zones_without_common_hours_deny_the_message if {
	tc := {"set": object.union(collector_in_new_york, {"/debtor/timezone_offsets_minutes": [-780, 0]}), "candidates": [fx.email_reminder]}
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	obligations := rule.obligations with input.case as the_case with input.candidates as candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	obligations == set()
	{d.rule | some d in denials} == {"US-REGF-1006.6-b1"}
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
