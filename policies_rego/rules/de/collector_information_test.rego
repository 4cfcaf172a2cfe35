package collector_information_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.de.collector_information as rule

citation := "RDG § 13a(1), (5)"

notice := {
	"kind": "notice",
	"rule": "DE-RDG-13A",
	"citation": citation,
	"params": {"notice": "de_rdg_13a_information"},
}

interest_cap := {
	"candidate": "c7", "kind": "fee_cap", "rule": "DE-RDG-13A", "citation": citation,
	"params": {"amount_minor": 0, "currency": "EUR", "fee_kind": "default_interest"},
}

letter_with(notices) := {
	"at": "2026-11-08T09:00:00Z", "date": "2026-11-08", "age_days": 14,
	"kind": "reminder", "level": 1, "channel": "letter", "notices": notices,
}

informed := {"/history/dunning": [letter_with(["de_rdg_13a_information"])]}

written := [fx.email_reminder, fx.letter_final_notice, fx.collection_handover, fx.no_action]

spoken := [fx.sms_reminder, fx.phone_reminder, fx.no_action]

cases := {
	"first_letter_and_email_of_a_collector_to_a_consumer_carry_the_information": object.union(notice, {
		"set": fx.debt_collector,
		"candidates": written,
		"obliged": {"c0", "c3"},
		"denied": set(),
	}),
	"first_sms_or_call_of_a_collector_to_a_consumer_is_refused": object.union(notice, {
		"set": fx.debt_collector,
		"candidates": spoken,
		"obliged": set(),
		"denied": {"c1", "c2"},
	}),
	"an_earlier_demand_with_the_information_releases_later_messages": object.union(notice, {
		"set": object.union(fx.debt_collector, informed),
		"candidates": array.concat(written, spoken),
		"obliged": set(),
		"denied": set(),
	}),
	"earlier_reminders_without_the_information_do_not_count": object.union(notice, {
		"set": object.union(fx.debt_collector, {"/history/dunning": [letter_with(["credit_bureau_warning"])]}),
		"candidates": spoken,
		"obliged": set(),
		"denied": {"c1", "c2"},
	}),
	"a_missing_history_counts_as_the_first_demand": object.union(notice, {
		"set": fx.debt_collector,
		"remove": ["/history"],
		"candidates": [fx.email_reminder, fx.sms_reminder],
		"obliged": {"c0"},
		"denied": {"c1"},
	}),
	"a_business_debtor_is_not_a_private_person": object.union(notice, {
		"set": object.union(fx.debt_collector, fx.business),
		"candidates": array.concat(written, spoken),
		"obliged": set(),
		"denied": set(),
	}),
	"an_unknown_debtor_kind_counts_as_a_private_person": object.union(notice, {
		"set": fx.debt_collector,
		"remove": ["/debtor/kind"],
		"candidates": [fx.letter_final_notice, fx.phone_reminder],
		"obliged": {"c3"},
		"denied": {"c2"},
	}),
	"an_unknown_creditor_role_counts_as_a_collector": object.union(notice, {
		"remove": ["/creditor/role"],
		"candidates": [fx.letter_final_notice, fx.phone_reminder],
		"obliged": {"c3"},
		"denied": {"c2"},
	}),
	"a_first_party_creditor_owes_no_collector_information": object.union(notice, {
		"candidates": array.concat(written, spoken),
		"obliged": set(),
		"denied": set(),
	}),
	"a_collector_outside_germany_is_not_bound_by_the_rdg": object.union(notice, {
		"set": object.union(fx.debt_collector, fx.in_france),
		"candidates": array.concat(written, spoken),
		"obliged": set(),
		"denied": set(),
	}),
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	entries := rule.obligations with input.case as the_case with input.candidates as candidates
	obligations := {o | some o in entries; o.kind == "notice"}
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	fx.obligations_match(obligations, tc)
	fx.denials_match(denials, tc, "DE-RDG-13A")
}

test_first_letter_and_email_of_a_collector_to_a_consumer_carry_the_information if check("first_letter_and_email_of_a_collector_to_a_consumer_carry_the_information")

test_first_sms_or_call_of_a_collector_to_a_consumer_is_refused if check("first_sms_or_call_of_a_collector_to_a_consumer_is_refused")

test_an_earlier_demand_with_the_information_releases_later_messages if check("an_earlier_demand_with_the_information_releases_later_messages")

test_earlier_reminders_without_the_information_do_not_count if check("earlier_reminders_without_the_information_do_not_count")

test_a_missing_history_counts_as_the_first_demand if check("a_missing_history_counts_as_the_first_demand")

test_a_business_debtor_is_not_a_private_person if check("a_business_debtor_is_not_a_private_person")

test_an_unknown_debtor_kind_counts_as_a_private_person if check("an_unknown_debtor_kind_counts_as_a_private_person")

test_an_unknown_creditor_role_counts_as_a_collector if check("an_unknown_creditor_role_counts_as_a_collector")

test_a_first_party_creditor_owes_no_collector_information if check("a_first_party_creditor_owes_no_collector_information")

test_a_collector_outside_germany_is_not_bound_by_the_rdg if check("a_collector_outside_germany_is_not_bound_by_the_rdg")

# Default interest is capped at zero in the first demand (no interest calculation is printed),
# and only there.
interest_cases := {
	"interest_in_the_first_demand_is_capped_at_zero": {
		"set": fx.debt_collector,
		"expected": {interest_cap},
	},
	"interest_after_the_information_is_left_to_the_other_rules": {
		"set": object.union(fx.debt_collector, informed),
		"expected": set(),
	},
	"interest_of_a_first_party_creditor_is_left_to_the_other_rules": {
		"expected": set(),
	},
}

check_interest(name) if {
	tc := interest_cases[name]
	the_case := fx.case_for(tc)
	candidates := [fx.final_notice_with_threat, fx.email_reminder]
	entries := rule.obligations with input.case as the_case with input.candidates as candidates
	caps := {o | some o in entries; o.kind == "fee_cap"}
	fx.entries_match(caps, tc)
}

test_interest_in_the_first_demand_is_capped_at_zero if check_interest("interest_in_the_first_demand_is_capped_at_zero")

test_interest_after_the_information_is_left_to_the_other_rules if check_interest("interest_after_the_information_is_left_to_the_other_rules")

test_interest_of_a_first_party_creditor_is_left_to_the_other_rules if check_interest("interest_of_a_first_party_creditor_is_left_to_the_other_rules")
