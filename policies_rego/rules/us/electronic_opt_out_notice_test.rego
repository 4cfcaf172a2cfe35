package electronic_opt_out_notice_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us.electronic_opt_out_notice as rule

notice := {
	"kind": "notice",
	"rule": "US-REGF-1006.6-e",
	"citation": "12 CFR 1006.6(e)",
	"params": {"notice": "electronic_opt_out"},
}

cases := {
	"collector_email_and_text_carry_the_opt_out_notice": object.union(notice, {
		"set": object.union(fx.in_new_york, fx.debt_collector),
		"candidates": [fx.email_reminder, fx.sms_reminder, fx.phone_reminder, fx.letter_final_notice],
		"obliged": {"c0", "c1"},
	}),
	"first_party_creditor_email_needs_no_regulation_f_notice": object.union(notice, {
		"set": fx.in_new_york,
		"candidates": [fx.email_reminder],
		"obliged": set(),
	}),
	"german_collector_is_outside_regulation_f": object.union(notice, {
		"set": fx.debt_collector,
		"candidates": [fx.email_reminder],
		"obliged": set(),
	}),
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	obligations := rule.obligations with input.case as the_case with input.candidates as candidates
	fx.obligations_match(obligations, tc)
}

test_collector_email_and_text_carry_the_opt_out_notice if check("collector_email_and_text_carry_the_opt_out_notice")

test_first_party_creditor_email_needs_no_regulation_f_notice if check("first_party_creditor_email_needs_no_regulation_f_notice")

test_german_collector_is_outside_regulation_f if check("german_collector_is_outside_regulation_f")
