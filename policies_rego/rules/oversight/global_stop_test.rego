package global_stop_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.oversight.global_stop as rule

review := {
	"kind": "human_review",
	"rule": "FD-GLOBAL-STOP",
	"citation": "Regulation (EU) 2024/1689 (AI Act) Art. 14(4)(e)",
	"params": {"reason": "global_stop"},
}

some_candidates := [fx.email_reminder, fx.collection_handover, fx.no_action]

cases := {
	"running_installation_acts_automatically": object.union(review, {
		"candidates": some_candidates,
		"obliged": set(),
	}),
	"stop_switch_sends_every_action_to_a_person": object.union(review, {
		"set": {"/controls/global_stop": true},
		"candidates": some_candidates,
		"obliged": {"c0", "c4"},
	}),
	"missing_switch_counts_as_pressed": object.union(review, {
		"remove": ["/controls/global_stop"],
		"candidates": [fx.letter_final_notice],
		"obliged": {"c3"},
	}),
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	obligations := rule.obligations with input.case as the_case with input.candidates as candidates
	fx.obligations_match(obligations, tc)
}

test_running_installation_acts_automatically if check("running_installation_acts_automatically")

test_stop_switch_sends_every_action_to_a_person if check("stop_switch_sends_every_action_to_a_person")

test_missing_switch_counts_as_pressed if check("missing_switch_counts_as_pressed")
