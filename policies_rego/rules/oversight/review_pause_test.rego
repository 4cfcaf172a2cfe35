package review_pause_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.oversight.review_pause as rule

paused := {"/invoice/escalation_paused": true}

payment_plan_offer := object.union(fx.with_field(fx.letter_final_notice, "kind", "payment_plan_offer"), {"id": "c8"})

cases := {
	"claim_without_open_review_escalates": {
		"candidates": fx.all_candidates,
		"denied": set(),
	},
	"open_review_denies_every_step_up_the_ladder": {
		"set": paused,
		"candidates": fx.all_candidates,
		"denied": {"c0", "c1", "c2", "c3", "c4", "c5"}, "citation": "GDPR Art. 22(3)",
	},
	"waiting_and_a_payment_plan_remain_during_review": {
		"set": paused,
		"candidates": [payment_plan_offer, fx.no_action],
		"denied": set(),
	},
	"unknown_review_status_counts_as_open": {
		"remove": ["/invoice/escalation_paused"],
		"candidates": [fx.letter_final_notice],
		"denied": {"c3"}, "citation": "GDPR Art. 22(3)",
	},
	"uk_debtor_cites_the_uk_gdpr": {
		"set": object.union(fx.in_england, paused),
		"candidates": [fx.collection_handover],
		"denied": {"c4"}, "citation": "UK GDPR Art. 22C",
	},
	"us_debtor_waits_too": {
		"set": object.union(fx.in_new_york, paused),
		"candidates": [fx.email_reminder, fx.credit_bureau_report],
		"denied": {"c0", "c5"},
		"citation": "Regulation (EU) 2024/1689 (AI Act) Art. 14(4)(d); fairdun principle: in dubio pro debitore",
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	fx.denials_match(denials, tc, rule.rule_id)
}

test_claim_without_open_review_escalates if check("claim_without_open_review_escalates")

test_open_review_denies_every_step_up_the_ladder if check("open_review_denies_every_step_up_the_ladder")

test_waiting_and_a_payment_plan_remain_during_review if check("waiting_and_a_payment_plan_remain_during_review")

test_unknown_review_status_counts_as_open if check("unknown_review_status_counts_as_open")

test_uk_debtor_cites_the_uk_gdpr if check("uk_debtor_cites_the_uk_gdpr")

test_us_debtor_waits_too if check("us_debtor_waits_too")
