package new_york_initial_disclosure_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us_states.new_york_initial_disclosure as rule

notice := {
	"kind": "notice",
	"rule": "US-NY-23NYCRR-1.2-a",
	"citation": "23 NYCRR 1.2(a)",
	"params": {"notice": "ny_initial_disclosure"},
}

collector := object.union(fx.in_new_york, fx.debt_collector)

step(notices) := {
	"at": "2026-11-08T09:00:00Z", "date": "2026-11-08", "age_days": 14,
	"kind": "reminder", "level": 1, "channel": "letter", "notices": notices,
}

cases := {
	"collector_without_a_disclosure_on_record_discloses_in_every_message": object.union(notice, {
		"set": collector,
		"candidates": [fx.email_reminder, fx.sms_reminder, fx.phone_reminder, fx.letter_final_notice, fx.collection_handover, fx.no_action],
		"obliged": {"c0", "c1", "c2", "c3"},
	}),
	"first_message_of_a_claim_without_history_discloses": object.union(notice, {
		"set": object.union(collector, {"/history/dunning": []}),
		"candidates": [fx.letter_final_notice],
		"obliged": {"c3"},
	}),
	"an_earlier_reminder_without_the_disclosure_does_not_count": object.union(notice, {
		"set": object.union(collector, {"/history/dunning": [step(["electronic_opt_out"])]}),
		"candidates": [fx.email_reminder],
		"obliged": {"c0"},
	}),
	"a_message_that_carried_the_disclosure_ends_the_duty": object.union(notice, {
		"set": object.union(collector, {"/history/dunning": [step(["electronic_opt_out"]), step(["ny_initial_disclosure"])]}),
		"candidates": [fx.email_reminder, fx.letter_final_notice],
		"obliged": set(),
	}),
	"unknown_creditor_role_counts_as_a_collector": object.union(notice, {
		"set": object.union(fx.in_new_york, {"/creditor/role": "agency"}),
		"candidates": [fx.email_reminder],
		"obliged": {"c0"},
	}),
	"unknown_debtor_kind_counts_as_a_consumer": object.union(notice, {
		"set": collector,
		"remove": ["/debtor/kind"],
		"candidates": [fx.email_reminder],
		"obliged": {"c0"},
	}),
	"original_creditor_is_outside_part_1": object.union(notice, {
		"set": fx.in_new_york,
		"candidates": [fx.email_reminder],
		"obliged": set(),
	}),
	"business_debt_is_outside_part_1": object.union(notice, {
		"set": object.union(collector, fx.business),
		"candidates": [fx.email_reminder],
		"obliged": set(),
	}),
	"collector_in_california_is_not_bound": object.union(notice, {
		"set": object.union(fx.in_california, fx.debt_collector),
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

test_collector_without_a_disclosure_on_record_discloses_in_every_message if check("collector_without_a_disclosure_on_record_discloses_in_every_message")

test_first_message_of_a_claim_without_history_discloses if check("first_message_of_a_claim_without_history_discloses")

test_an_earlier_reminder_without_the_disclosure_does_not_count if check("an_earlier_reminder_without_the_disclosure_does_not_count")

test_a_message_that_carried_the_disclosure_ends_the_duty if check("a_message_that_carried_the_disclosure_ends_the_duty")

test_unknown_creditor_role_counts_as_a_collector if check("unknown_creditor_role_counts_as_a_collector")

test_unknown_debtor_kind_counts_as_a_consumer if check("unknown_debtor_kind_counts_as_a_consumer")

test_original_creditor_is_outside_part_1 if check("original_creditor_is_outside_part_1")

test_business_debt_is_outside_part_1 if check("business_debt_is_outside_part_1")

test_collector_in_california_is_not_bound if check("collector_in_california_is_not_bound")
