package significant_effect_review_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.oversight.significant_effect_review as rule

review := {
	"kind": "human_review",
	"rule": "FD-OVERSIGHT-SIGNIFICANT-EFFECT",
	"citation": "Regulation (EU) 2024/1689 (AI Act) Art. 14; fairdun principle: in dubio pro debitore",
	"params": {"reason": "significant_effect"},
}

cases := {
	"collection_handover_goes_to_a_human": object.union(review, {
		"candidates": [fx.collection_handover],
		"obliged": {"c4"},
	}),
	"credit_bureau_report_in_the_us_goes_to_a_human": object.union(review, {
		"set": fx.in_new_york,
		"candidates": [fx.credit_bureau_report],
		"obliged": {"c5"},
	}),
	"reminders_and_doing_nothing_need_no_review": object.union(review, {
		"candidates": [fx.email_reminder, fx.letter_final_notice, fx.no_action],
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

test_collection_handover_goes_to_a_human if check("collection_handover_goes_to_a_human")

test_credit_bureau_report_in_the_us_goes_to_a_human if check("credit_bureau_report_in_the_us_goes_to_a_human")

test_reminders_and_doing_nothing_need_no_review if check("reminders_and_doing_nothing_need_no_review")

test_completed_human_review_lets_the_action_run if check("completed_human_review_lets_the_action_run")

test_unknown_review_status_still_needs_a_person if check("unknown_review_status_still_needs_a_person")
