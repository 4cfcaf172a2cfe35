package debt_collector_disclosure_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us.debt_collector_disclosure as rule

citation := "15 U.S.C. § 1692e(11); 12 CFR 1006.18(e)"

collector := object.union(fx.in_new_york, fx.debt_collector)

disclosure(code) := {"kind": "notice", "rule": "US-REGF-1006.18-e", "citation": citation, "params": {"notice": code}}

cases := {
	"initial_communication_carries_the_full_disclosure": object.union(disclosure("debt_collector_initial"), {
		"set": object.union(collector, {"/history/dunning": [], "/history/contacts": []}),
		"candidates": [fx.email_reminder, fx.phone_reminder, fx.letter_final_notice, fx.collection_handover, fx.no_action],
		"obliged": {"c0", "c2", "c3"},
	}),
	"an_unanswered_call_leaves_the_next_message_initial": object.union(disclosure("debt_collector_initial"), {
		"set": object.union(collector, {"/history/dunning": []}),
		"candidates": [fx.letter_final_notice],
		"obliged": {"c3"},
	}),
	"after_a_message_each_communication_says_it_is_from_a_debt_collector": object.union(disclosure("debt_collector_disclosure"), {
		"set": collector,
		"candidates": [fx.email_reminder, fx.sms_reminder, fx.no_action],
		"obliged": {"c0", "c1"},
	}),
	"after_a_conversation_the_short_disclosure_applies": object.union(disclosure("debt_collector_disclosure"), {
		"set": object.union(collector, {"/history/dunning": [], "/history/contacts/0/connected": true}),
		"candidates": [fx.letter_final_notice],
		"obliged": {"c3"},
	}),
	"first_party_creditor_discloses_nothing": object.union(disclosure("debt_collector_disclosure"), {
		"set": fx.in_new_york,
		"candidates": [fx.email_reminder],
		"obliged": set(),
	}),
	"business_debt_is_outside_the_fdcpa": object.union(disclosure("debt_collector_disclosure"), {
		"set": object.union(collector, fx.business),
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

test_initial_communication_carries_the_full_disclosure if check("initial_communication_carries_the_full_disclosure")

test_an_unanswered_call_leaves_the_next_message_initial if check("an_unanswered_call_leaves_the_next_message_initial")

test_after_a_message_each_communication_says_it_is_from_a_debt_collector if check("after_a_message_each_communication_says_it_is_from_a_debt_collector")

test_after_a_conversation_the_short_disclosure_applies if check("after_a_conversation_the_short_disclosure_applies")

test_first_party_creditor_discloses_nothing if check("first_party_creditor_discloses_nothing")

test_business_debt_is_outside_the_fdcpa if check("business_debt_is_outside_the_fdcpa")
