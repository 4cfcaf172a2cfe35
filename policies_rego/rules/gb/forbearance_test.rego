package forbearance_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.gb.forbearance as rule

review := {
	"kind": "human_review",
	"rule": "GB-FCA-CONC-7.3",
	"citation": "FCA CONC 7.2.1R, 7.3.4R (PS24/2)",
	"params": {"reason": "forbearance"},
}

cases := {
	"customer_without_difficulties_is_decided_automatically": object.union(review, {
		"set": fx.in_england,
		"candidates": [fx.email_reminder, fx.collection_handover],
		"obliged": set(),
	}),
	"customer_in_financial_difficulty_goes_to_a_person": object.union(review, {
		"set": object.union(fx.in_england, {"/debtor/flags/financial_difficulty": true}),
		"candidates": [fx.email_reminder, fx.collection_handover, fx.no_action],
		"obliged": {"c0", "c4"},
	}),
	"vulnerable_customer_goes_to_a_person": object.union(review, {
		"set": object.union(fx.in_england, {"/debtor/flags/vulnerable": true}),
		"candidates": [fx.letter_final_notice],
		"obliged": {"c3"},
	}),
	"unknown_difficulty_counts_as_difficulty": object.union(review, {
		"set": fx.in_england,
		"remove": ["/debtor/flags/financial_difficulty"],
		"candidates": [fx.email_reminder],
		"obliged": {"c0"},
	}),
	"business_customer_is_outside_conc": object.union(review, {
		"set": object.union(object.union(fx.in_england, fx.business), {"/debtor/flags/financial_difficulty": true}),
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

test_customer_without_difficulties_is_decided_automatically if check("customer_without_difficulties_is_decided_automatically")

test_customer_in_financial_difficulty_goes_to_a_person if check("customer_in_financial_difficulty_goes_to_a_person")

test_vulnerable_customer_goes_to_a_person if check("vulnerable_customer_goes_to_a_person")

test_unknown_difficulty_counts_as_difficulty if check("unknown_difficulty_counts_as_difficulty")

test_business_customer_is_outside_conc if check("business_customer_is_outside_conc")
