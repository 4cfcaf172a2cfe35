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
