package uncertain_score_review_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.oversight.uncertain_score_review as rule

review := {
	"kind": "human_review",
	"rule": "FD-OVERSIGHT-UNCERTAIN-SCORE",
	"citation": "Regulation (EU) 2024/1689 (AI Act) Art. 14(4); fairdun principle: in dubio pro debitore",
	"params": {"reason": "uncertain_score"},
}

max_uncertainty := data.parameters.oversight.max_uncertainty

some_candidates := [fx.email_reminder, fx.collection_handover, fx.no_action]

cases := {
	"confident_score_is_acted_on": object.union(review, {
		"candidates": some_candidates,
		"obliged": set(),
	}),
	"uncertainty_at_the_threshold_is_still_acted_on": object.union(review, {
		"set": {"/risk/uncertainty": max_uncertainty},
		"candidates": some_candidates,
		"obliged": set(),
	}),
	"uncertainty_above_the_threshold_goes_to_a_human": object.union(review, {
		"set": {"/risk/uncertainty": max_uncertainty + 0.01},
		"candidates": some_candidates,
		"obliged": {"c0", "c4"},
	}),
	"profiled_case_without_uncertainty_goes_to_a_human": object.union(review, {
		"set": {"/risk/uncertainty": null},
		"candidates": some_candidates,
		"obliged": {"c0", "c4"},
	}),
	"case_without_risk_goes_to_a_human": object.union(review, {
		"remove": ["/risk"],
		"candidates": some_candidates,
		"obliged": {"c0", "c4"},
	}),
	"case_not_profiled_after_objection_has_no_score_to_doubt": object.union(review, {
		"set": {"/risk": {"profiling": false, "p_late": null, "band": null, "uncertainty": null}},
		"candidates": some_candidates,
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

test_confident_score_is_acted_on if check("confident_score_is_acted_on")

test_uncertainty_at_the_threshold_is_still_acted_on if check("uncertainty_at_the_threshold_is_still_acted_on")

test_uncertainty_above_the_threshold_goes_to_a_human if check("uncertainty_above_the_threshold_goes_to_a_human")

test_profiled_case_without_uncertainty_goes_to_a_human if check("profiled_case_without_uncertainty_goes_to_a_human")

test_case_without_risk_goes_to_a_human if check("case_without_risk_goes_to_a_human")

test_case_not_profiled_after_objection_has_no_score_to_doubt if check("case_not_profiled_after_objection_has_no_score_to_doubt")
