package uncertain_score_review_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.oversight.uncertain_score_review as rule

review := {
	"kind": "human_review",
	"rule": "FD-OVERSIGHT-UNCERTAIN-SCORE",
	"citation": "Regulation (EU) 2024/1689 (AI Act) Art. 14(4); fairdun principle: in dubio pro debitore",
}

uncertain := object.union(review, {"params": {"reason": "uncertain_score"}})

out_of_range := object.union(review, {"params": {"reason": "input_out_of_range"}})

some_candidates := [fx.email_reminder, fx.collection_handover, fx.no_action]

cases := {
	"confident_score_in_range_is_acted_on": object.union(uncertain, {
		"candidates": some_candidates,
		"obliged": set(),
	}),
	"interval_within_one_band_is_acted_on": object.union(uncertain, {
		"set": {"/risk/interval_bands": ["high"], "/risk/band": "high"},
		"candidates": some_candidates,
		"obliged": set(),
	}),
	"interval_straddling_a_boundary_goes_to_a_human": object.union(uncertain, {
		"set": {"/risk/interval_bands": ["medium", "high"]},
		"candidates": some_candidates,
		"obliged": {"c0", "c4"},
	}),
	"interval_across_every_band_goes_to_a_human": object.union(uncertain, {
		"set": {"/risk/interval_bands": ["low", "medium", "high"]},
		"candidates": some_candidates,
		"obliged": {"c0", "c4"},
	}),
	"missing_interval_counts_as_uncertain": object.union(uncertain, {
		"remove": ["/risk/interval_bands"],
		"candidates": some_candidates,
		"obliged": {"c0", "c4"},
	}),
	"interval_that_is_no_list_counts_as_uncertain": object.union(uncertain, {
		"set": {"/risk/interval_bands": "medium"},
		"candidates": some_candidates,
		"obliged": {"c0", "c4"},
	}),
	"empty_interval_counts_as_uncertain": object.union(uncertain, {
		"set": {"/risk/interval_bands": []},
		"candidates": some_candidates,
		"obliged": {"c0", "c4"},
	}),
	"case_without_risk_goes_to_a_human": object.union(uncertain, {
		"remove": ["/risk"],
		"candidates": some_candidates,
		"obliged": {"c0", "c4"},
	}),
	"case_not_profiled_after_objection_has_no_score_to_doubt": object.union(uncertain, {
		"set": {"/risk": {"profiling": false, "p_late": null, "band": null, "interval_bands": null, "out_of_range": null}},
		"candidates": some_candidates,
		"obliged": set(),
	}),
}

range_cases := {
	"input_outside_the_training_range_goes_to_a_human": object.union(out_of_range, {
		"set": {"/risk/out_of_range": ["prior_avg_days_late"]},
		"candidates": some_candidates,
		"obliged": {"c0", "c4"},
	}),
	"inputs_in_range_are_acted_on": object.union(out_of_range, {
		"candidates": some_candidates,
		"obliged": set(),
	}),
	"missing_range_check_counts_as_out_of_range": object.union(out_of_range, {
		"remove": ["/risk/out_of_range"],
		"candidates": some_candidates,
		"obliged": {"c0", "c4"},
	}),
	"range_check_that_is_no_list_counts_as_out_of_range": object.union(out_of_range, {
		"set": {"/risk/out_of_range": null},
		"candidates": some_candidates,
		"obliged": {"c0", "c4"},
	}),
	"not_profiled_has_no_input_to_doubt": object.union(out_of_range, {
		"set": {"/risk": {"profiling": false, "p_late": null, "band": null, "interval_bands": null, "out_of_range": null}},
		"candidates": some_candidates,
		"obliged": set(),
	}),
}

# Each table checks the obligations of its own reason.
check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	found := rule.obligations with input.case as the_case with input.candidates as candidates
	obligations := {o | some o in found; o.params.reason == "uncertain_score"}
	fx.obligations_match(obligations, tc)
}

check_range(name) if {
	tc := range_cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	found := rule.obligations with input.case as the_case with input.candidates as candidates
	obligations := {o | some o in found; o.params.reason == "input_out_of_range"}
	fx.obligations_match(obligations, tc)
}

test_confident_score_in_range_is_acted_on if check("confident_score_in_range_is_acted_on")

test_interval_within_one_band_is_acted_on if check("interval_within_one_band_is_acted_on")

test_interval_straddling_a_boundary_goes_to_a_human if check("interval_straddling_a_boundary_goes_to_a_human")

test_interval_across_every_band_goes_to_a_human if check("interval_across_every_band_goes_to_a_human")

test_missing_interval_counts_as_uncertain if check("missing_interval_counts_as_uncertain")

test_interval_that_is_no_list_counts_as_uncertain if check("interval_that_is_no_list_counts_as_uncertain")

test_empty_interval_counts_as_uncertain if check("empty_interval_counts_as_uncertain")

test_case_without_risk_goes_to_a_human if check("case_without_risk_goes_to_a_human")

test_case_not_profiled_after_objection_has_no_score_to_doubt if check("case_not_profiled_after_objection_has_no_score_to_doubt")

test_input_outside_the_training_range_goes_to_a_human if check_range("input_outside_the_training_range_goes_to_a_human")

test_inputs_in_range_are_acted_on if check_range("inputs_in_range_are_acted_on")

test_missing_range_check_counts_as_out_of_range if check_range("missing_range_check_counts_as_out_of_range")

test_range_check_that_is_no_list_counts_as_out_of_range if check_range("range_check_that_is_no_list_counts_as_out_of_range")

test_not_profiled_has_no_input_to_doubt if check_range("not_profiled_has_no_input_to_doubt")
