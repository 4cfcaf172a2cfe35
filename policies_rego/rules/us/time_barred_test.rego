package time_barred_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us.time_barred as rule

citation := "12 CFR 1006.26(b)"

collector_in(place) := object.union(place, fx.debt_collector)

threatening := fx.final_notice_with_threat

plain := fx.with_field(fx.final_notice_with_threat, "legal_action_threat", false)

cases := {
	"new_york_consumer_debt_within_three_years_may_be_enforced": {
		"set": object.union(collector_in(fx.in_new_york), {"/invoice/due_on": "2024-01-15"}),
		"candidates": [threatening],
		"denied": set(),
	},
	"new_york_consumer_debt_older_than_three_years_is_time_barred": {
		"set": object.union(collector_in(fx.in_new_york), {"/invoice/due_on": "2023-10-31"}),
		"candidates": [threatening, fx.with_field(plain, "id", "c8")],
		"denied": {"c7"}, "citation": citation,
	},
	"payment_does_not_revive_a_new_york_consumer_debt": {
		"set": object.union(collector_in(fx.in_new_york), {"/invoice/due_on": "2023-10-31", "/invoice/last_payment_on": "2025-05-01"}),
		"candidates": [threatening],
		"denied": {"c7"}, "citation": citation,
	},
	"new_york_business_debt_has_six_years": {
		"set": object.union(collector_in(fx.in_new_york), {"/invoice/due_on": "2023-10-31", "/debtor/kind": "business"}),
		"candidates": [threatening],
		"denied": set(),
	},
	"california_debt_has_four_years": {
		"set": object.union(collector_in(fx.in_california), {"/invoice/due_on": "2022-12-01"}),
		"candidates": [threatening],
		"denied": set(),
	},
	"washington_account_receivable_has_six_years": {
		"set": object.union(collector_in(fx.in_washington), {"/invoice/due_on": "2021-01-15"}),
		"candidates": [threatening],
		"denied": set(),
	},
	"washington_account_receivable_older_than_six_years_is_time_barred": {
		"set": object.union(collector_in(fx.in_washington), {"/invoice/due_on": "2020-11-21"}),
		"candidates": [threatening],
		"denied": {"c7"}, "citation": citation,
	},
	"state_without_a_period_on_file_counts_as_time_barred": {
		"set": collector_in(fx.in_massachusetts),
		"candidates": [threatening, fx.email_reminder],
		"denied": {"c7"}, "citation": citation,
	},
	"first_party_creditor_is_not_bound_by_regulation_f": {
		"set": object.union(fx.in_new_york, {"/invoice/due_on": "2020-10-31"}),
		"candidates": [threatening],
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

test_new_york_consumer_debt_within_three_years_may_be_enforced if check("new_york_consumer_debt_within_three_years_may_be_enforced")

test_new_york_consumer_debt_older_than_three_years_is_time_barred if check("new_york_consumer_debt_older_than_three_years_is_time_barred")

test_payment_does_not_revive_a_new_york_consumer_debt if check("payment_does_not_revive_a_new_york_consumer_debt")

test_new_york_business_debt_has_six_years if check("new_york_business_debt_has_six_years")

test_california_debt_has_four_years if check("california_debt_has_four_years")

test_washington_account_receivable_has_six_years if check("washington_account_receivable_has_six_years")

test_washington_account_receivable_older_than_six_years_is_time_barred if check("washington_account_receivable_older_than_six_years_is_time_barred")

test_state_without_a_period_on_file_counts_as_time_barred if check("state_without_a_period_on_file_counts_as_time_barred")

test_first_party_creditor_is_not_bound_by_regulation_f if check("first_party_creditor_is_not_bound_by_regulation_f")
