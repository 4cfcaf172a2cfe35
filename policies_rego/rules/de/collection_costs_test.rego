package collection_costs_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.de.collection_costs as rule

costs_cap(id, amount, currency) := {
	"candidate": id, "kind": "fee_cap", "rule": "DE-RDG-13E", "citation": "RDG § 13e(1); RVG § 13, VV Nr. 2300, 7002; BGB § 288(5) Satz 3",
	"params": {"amount_minor": amount, "currency": currency, "fee_kind": "collection_costs"},
}

cases := {
	"handover_of_120_euros_caps_collection_costs_at_55_62": {
		# a consumer: 0.9 x EUR 51.50 = EUR 46.35, plus 20 % expenses EUR 9.27; no lump sum to credit
		"candidates": [fx.collection_handover, fx.credit_bureau_report, fx.email_reminder],
		"expected": {costs_cap("c4", 5562, "EUR")},
	},
	"expenses_are_at_most_20_euros": {
		# EUR 20,000: 0.9 x EUR 872.00 = EUR 784.80; 20 % would be EUR 156.96, capped at EUR 20
		"set": {"/invoice/open_amount_minor": 2000000},
		"candidates": [fx.collection_handover],
		"expected": {costs_cap("c4", 80480, "EUR")},
	},
	"amount_at_the_upper_bound_of_a_row_uses_that_row": {
		"set": {"/invoice/open_amount_minor": 50000},
		"candidates": [fx.collection_handover],
		"expected": {costs_cap("c4", 5562, "EUR")},
	},
	"claim_above_the_table_gets_a_zero_cap_until_a_person_sets_it": {
		"set": {"/invoice/open_amount_minor": 9000000},
		"candidates": [fx.collection_handover],
		"expected": {costs_cap("c4", 0, "EUR")},
	},
	"claim_in_another_currency_gets_a_zero_cap": {
		"set": {"/invoice/currency": "CHF"},
		"candidates": [fx.collection_handover],
		"expected": {costs_cap("c4", 0, "CHF")},
	},
	"business_debtor_has_the_40_euro_lump_sum_credited_against_the_cap": {
		# BGB 288(5) sentence 3: EUR 55.62 less the EUR 40 lump sum = EUR 15.62
		"set": fx.business,
		"candidates": [fx.collection_handover],
		"expected": {costs_cap("c4", 1562, "EUR")},
	},
	"business_debtor_with_a_large_claim_has_the_lump_sum_credited_too": {
		"set": object.union(fx.business, {"/invoice/open_amount_minor": 2000000}),
		"candidates": [fx.collection_handover],
		"expected": {costs_cap("c4", 76480, "EUR")},
	},
	"unknown_debtor_kind_has_the_lump_sum_credited": {
		"remove": ["/debtor/kind"],
		"candidates": [fx.collection_handover],
		"expected": {costs_cap("c4", 1562, "EUR")},
	},
	"business_claim_above_the_table_stays_at_zero": {
		"set": object.union(fx.business, {"/invoice/open_amount_minor": 9000000}),
		"candidates": [fx.collection_handover],
		"expected": {costs_cap("c4", 0, "EUR")},
	},
	"handover_outside_germany_is_not_capped_by_the_rdg": {
		"set": fx.in_france,
		"candidates": [fx.collection_handover],
		"expected": set(),
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	obligations := rule.obligations with input.case as the_case with input.candidates as candidates
	fx.entries_match(obligations, tc)
}

test_handover_of_120_euros_caps_collection_costs_at_55_62 if check("handover_of_120_euros_caps_collection_costs_at_55_62")

test_expenses_are_at_most_20_euros if check("expenses_are_at_most_20_euros")

test_amount_at_the_upper_bound_of_a_row_uses_that_row if check("amount_at_the_upper_bound_of_a_row_uses_that_row")

test_claim_above_the_table_gets_a_zero_cap_until_a_person_sets_it if check("claim_above_the_table_gets_a_zero_cap_until_a_person_sets_it")

test_claim_in_another_currency_gets_a_zero_cap if check("claim_in_another_currency_gets_a_zero_cap")

test_business_debtor_has_the_40_euro_lump_sum_credited_against_the_cap if check("business_debtor_has_the_40_euro_lump_sum_credited_against_the_cap")

test_business_debtor_with_a_large_claim_has_the_lump_sum_credited_too if check("business_debtor_with_a_large_claim_has_the_lump_sum_credited_too")

test_unknown_debtor_kind_has_the_lump_sum_credited if check("unknown_debtor_kind_has_the_lump_sum_credited")

test_business_claim_above_the_table_stays_at_zero if check("business_claim_above_the_table_stays_at_zero")

test_handover_outside_germany_is_not_capped_by_the_rdg if check("handover_outside_germany_is_not_capped_by_the_rdg")
