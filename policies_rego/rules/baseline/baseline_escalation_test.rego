package baseline_escalation_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.baseline.baseline_escalation as rule

citation := "fairdun principle: conservative baseline outside the reviewed scope (no escalation without human review)"

review(id) := {
	"candidate": id, "kind": "human_review", "rule": "FD-BASELINE-ESCALATION", "citation": citation,
	"params": {"reason": "unreviewed_jurisdiction"},
}

cases := {
	"reviewed_place_follows_its_own_oversight_rules": {
		"candidates": fx.all_candidates,
		"expected": [],
	},
	"unreviewed_place_sends_every_escalation_to_a_person": {
		"set": fx.in_france,
		"candidates": fx.all_candidates,
		"expected": [review("c3"), review("c4"), review("c5")],
	},
	"even_after_a_completed_review": {
		"set": object.union(fx.in_france, {"/invoice/human_review_completed": true}),
		"candidates": [fx.collection_handover, fx.email_reminder],
		"expected": [review("c4")],
	},
	"reviewed_country_but_unreviewed_role": {
		"set": fx.debt_collector,
		"candidates": [fx.credit_bureau_report, fx.no_action],
		"expected": [review("c5")],
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	entries := rule.obligations with input.case as the_case with input.candidates as candidates
	fx.entries_match(entries, tc)
}

test_reviewed_place_follows_its_own_oversight_rules if check("reviewed_place_follows_its_own_oversight_rules")

test_unreviewed_place_sends_every_escalation_to_a_person if check("unreviewed_place_sends_every_escalation_to_a_person")

test_even_after_a_completed_review if check("even_after_a_completed_review")

test_reviewed_country_but_unreviewed_role if check("reviewed_country_but_unreviewed_role")
