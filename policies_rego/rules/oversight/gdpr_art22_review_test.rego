package gdpr_art22_review_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.oversight.gdpr_art22_review as rule

review := {
	"kind": "human_review",
	"rule": "EU-GDPR-22",
	"citation": "GDPR Art. 22(1), (3)",
	"params": {"reason": "significant_effect"},
}

escalations := [fx.collection_handover, fx.credit_bureau_report]

cases := {
	"german_consumer_escalation_goes_to_a_human": object.union(review, {
		"candidates": escalations,
		"obliged": {"c4", "c5"},
	}),
	"norwegian_debtor_is_protected_through_the_eea": object.union(review, {
		"set": {"/debtor/country": "NO", "/debtor/jurisdiction": "NO", "/invoice/currency": "NOK"},
		"candidates": escalations,
		"obliged": {"c4", "c5"},
	}),
	"business_debtor_in_the_eu_is_protected_too": object.union(review, {
		"set": {"/debtor/kind": "business"},
		"candidates": [fx.collection_handover],
		"obliged": {"c4"},
	}),
	"us_debtor_is_outside_the_gdpr": object.union(review, {
		"set": fx.in_new_york,
		"candidates": escalations,
		"obliged": set(),
	}),
	"uk_debtor_is_covered_by_the_uk_rule": object.union(review, {
		"set": fx.in_england,
		"candidates": escalations,
		"obliged": set(),
	}),
	"eu_reminder_has_no_significant_effect": object.union(review, {
		"candidates": [fx.email_reminder, fx.no_action],
		"obliged": set(),
	}),
	"completed_human_review_lets_the_action_run": object.union(review, {
		"set": {"/invoice/human_review_completed": true},
		"candidates": [fx.collection_handover, fx.credit_bureau_report],
		"obliged": set(),
	}),
	"unknown_review_status_still_needs_a_person": object.union(review, {
		"set": {"/invoice/human_review_completed": null},
		"candidates": [fx.collection_handover],
		"obliged": {"c4"},
	}),
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	obligations := rule.obligations with input.case as the_case with input.candidates as candidates
	fx.obligations_match(obligations, tc)
}

test_german_consumer_escalation_goes_to_a_human if check("german_consumer_escalation_goes_to_a_human")

test_norwegian_debtor_is_protected_through_the_eea if check("norwegian_debtor_is_protected_through_the_eea")

test_business_debtor_in_the_eu_is_protected_too if check("business_debtor_in_the_eu_is_protected_too")

test_us_debtor_is_outside_the_gdpr if check("us_debtor_is_outside_the_gdpr")

test_uk_debtor_is_covered_by_the_uk_rule if check("uk_debtor_is_covered_by_the_uk_rule")

test_eu_reminder_has_no_significant_effect if check("eu_reminder_has_no_significant_effect")

test_completed_human_review_lets_the_action_run if check("completed_human_review_lets_the_action_run")

test_unknown_review_status_still_needs_a_person if check("unknown_review_status_still_needs_a_person")
