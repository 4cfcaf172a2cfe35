package new_york_time_barred_disclosure_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us_states.new_york_time_barred_disclosure as rule

notice := {
	"kind": "notice",
	"rule": "US-NY-23NYCRR-1.3-b",
	"citation": "23 NYCRR 1.3(b); N.Y. CPLR 214-i",
	"params": {"notice": "ny_time_barred_disclosure"},
}

collector := object.union(fx.in_new_york, fx.debt_collector)

cases := {
	"consumer_debt_past_three_years_discloses_in_every_message": object.union(notice, {
		"set": object.union(collector, {"/invoice/due_on": "2023-10-31"}),
		"candidates": [fx.email_reminder, fx.sms_reminder, fx.phone_reminder, fx.letter_final_notice, fx.collection_handover, fx.no_action],
		"obliged": {"c0", "c1", "c2", "c3"},
	}),
	"the_day_after_the_last_day_discloses": object.union(notice, {
		"set": object.union(collector, {"/invoice/due_on": "2023-11-21"}),
		"candidates": [fx.letter_final_notice],
		"obliged": {"c3"},
	}),
	"on_the_last_day_the_debt_is_still_enforceable": object.union(notice, {
		"set": object.union(collector, {"/invoice/due_on": "2023-11-22"}),
		"candidates": [fx.letter_final_notice],
		"obliged": set(),
	}),
	"debt_within_the_period_needs_no_disclosure": object.union(notice, {
		"set": collector,
		"candidates": [fx.email_reminder, fx.letter_final_notice],
		"obliged": set(),
	}),
	"payment_after_expiry_does_not_end_the_disclosure": object.union(notice, {
		"set": object.union(collector, {"/invoice/due_on": "2023-10-31", "/invoice/last_payment_on": "2025-05-01"}),
		"candidates": [fx.email_reminder],
		"obliged": {"c0"},
	}),
	"unknown_due_date_counts_as_possibly_expired": object.union(notice, {
		"set": object.union(collector, {"/invoice/due_on": null}),
		"candidates": [fx.email_reminder],
		"obliged": {"c0"},
	}),
	"unknown_debtor_kind_is_not_exempt": object.union(notice, {
		"set": object.union(collector, {"/invoice/due_on": "2023-10-31"}),
		"remove": ["/debtor/kind"],
		"candidates": [fx.email_reminder],
		"obliged": {"c0"},
	}),
	"business_debt_is_outside_part_1": object.union(notice, {
		"set": object.union(collector, {"/invoice/due_on": "2019-10-31", "/debtor/kind": "business"}),
		"candidates": [fx.email_reminder],
		"obliged": set(),
	}),
	"original_creditor_is_outside_part_1": object.union(notice, {
		"set": object.union(fx.in_new_york, {"/invoice/due_on": "2023-10-31"}),
		"candidates": [fx.email_reminder],
		"obliged": set(),
	}),
	"collector_in_washington_is_not_bound": object.union(notice, {
		"set": object.union(object.union(fx.in_washington, fx.debt_collector), {"/invoice/due_on": "2019-10-31"}),
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

test_consumer_debt_past_three_years_discloses_in_every_message if check("consumer_debt_past_three_years_discloses_in_every_message")

test_the_day_after_the_last_day_discloses if check("the_day_after_the_last_day_discloses")

test_on_the_last_day_the_debt_is_still_enforceable if check("on_the_last_day_the_debt_is_still_enforceable")

test_debt_within_the_period_needs_no_disclosure if check("debt_within_the_period_needs_no_disclosure")

test_payment_after_expiry_does_not_end_the_disclosure if check("payment_after_expiry_does_not_end_the_disclosure")

test_unknown_due_date_counts_as_possibly_expired if check("unknown_due_date_counts_as_possibly_expired")

test_unknown_debtor_kind_is_not_exempt if check("unknown_debtor_kind_is_not_exempt")

test_business_debt_is_outside_part_1 if check("business_debt_is_outside_part_1")

test_original_creditor_is_outside_part_1 if check("original_creditor_is_outside_part_1")

test_collector_in_washington_is_not_bound if check("collector_in_washington_is_not_bound")
