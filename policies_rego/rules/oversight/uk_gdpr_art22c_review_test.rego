package uk_gdpr_art22c_review_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.oversight.uk_gdpr_art22c_review as rule

review := {
	"kind": "human_review",
	"rule": "GB-UKGDPR-22C",
	"citation": "UK GDPR Art. 22A, 22C",
	"params": {"reason": "significant_effect"},
}

cases := {
	"uk_credit_bureau_report_goes_to_a_human": object.union(review, {
		"set": fx.in_england,
		"candidates": [fx.credit_bureau_report, fx.collection_handover],
		"obliged": {"c4", "c5"},
	}),
	"uk_reminder_needs_no_review": object.union(review, {
		"set": fx.in_england,
		"candidates": [fx.email_reminder, fx.no_action],
		"obliged": set(),
	}),
	"german_debtor_is_outside_the_uk_gdpr": object.union(review, {
		"candidates": [fx.collection_handover],
		"obliged": set(),
	}),
	"completed_human_review_lets_the_action_run": object.union(review, {
		"set": object.union(fx.in_england, {"/invoice/human_review_completed": true}),
		"candidates": [fx.collection_handover, fx.credit_bureau_report],
		"obliged": set(),
	}),
	"unknown_review_status_still_needs_a_person": object.union(review, {
		"set": object.union(fx.in_england, {"/invoice/human_review_completed": null}),
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

test_uk_credit_bureau_report_goes_to_a_human if check("uk_credit_bureau_report_goes_to_a_human")

test_uk_reminder_needs_no_review if check("uk_reminder_needs_no_review")

test_german_debtor_is_outside_the_uk_gdpr if check("german_debtor_is_outside_the_uk_gdpr")

test_completed_human_review_lets_the_action_run if check("completed_human_review_lets_the_action_run")

test_unknown_review_status_still_needs_a_person if check("unknown_review_status_still_needs_a_person")
