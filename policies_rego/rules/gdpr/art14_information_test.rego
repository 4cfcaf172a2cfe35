package art14_information_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.gdpr.art14_information as rule

notice := {
	"kind": "notice",
	"rule": "EU-GDPR-14",
	"citation": "GDPR Art. 14(1), (2), (3)(b)",
	"params": {"notice": "gdpr_art14_information"},
}

uk_notice := object.union(notice, {"citation": "UK GDPR Art. 14(1), (2), (3)(b)"})

letter_with(notices) := {
	"at": "2026-11-08T09:00:00Z", "date": "2026-11-08", "age_days": 14,
	"kind": "reminder", "level": 1, "channel": "letter", "notices": notices,
}

informed := {"/history/dunning": [letter_with(["gdpr_art14_information"])]}

written := [fx.email_reminder, fx.letter_final_notice, fx.collection_handover, fx.no_action]

spoken := [fx.sms_reminder, fx.phone_reminder, fx.no_action]

everything := array.concat(written, [fx.sms_reminder, fx.phone_reminder])

cases := {
	"first_letter_and_email_of_a_collector_carry_the_information": object.union(notice, {
		"set": fx.debt_collector,
		"candidates": written,
		"obliged": {"c0", "c3"},
		"denied": set(),
	}),
	"first_sms_or_call_of_a_collector_is_refused": object.union(notice, {
		"set": fx.debt_collector,
		"candidates": spoken,
		"obliged": set(),
		"denied": {"c1", "c2"},
	}),
	"business_debtors_are_covered_too": object.union(notice, {
		"set": object.union(fx.debt_collector, fx.business),
		"candidates": everything,
		"obliged": {"c0", "c3"},
		"denied": {"c1", "c2"},
	}),
	"an_earlier_message_with_the_information_releases_later_ones": object.union(notice, {
		"set": object.union(fx.debt_collector, informed),
		"candidates": everything,
		"obliged": set(),
		"denied": set(),
	}),
	"earlier_reminders_without_the_information_do_not_count": object.union(notice, {
		"set": object.union(fx.debt_collector, {"/history/dunning": [letter_with(["gdpr_art21_objection_right"])]}),
		"candidates": [fx.email_reminder, fx.phone_reminder],
		"obliged": {"c0"},
		"denied": {"c2"},
	}),
	"a_missing_history_counts_as_the_first_communication": object.union(notice, {
		"set": fx.debt_collector,
		"remove": ["/history"],
		"candidates": [fx.email_reminder, fx.sms_reminder],
		"obliged": {"c0"},
		"denied": {"c1"},
	}),
	"an_unknown_creditor_role_counts_as_a_collector": object.union(notice, {
		"remove": ["/creditor/role"],
		"candidates": [fx.letter_final_notice, fx.phone_reminder],
		"obliged": {"c3"},
		"denied": {"c2"},
	}),
	"a_collector_in_france_is_covered": object.union(notice, {
		"set": object.union(fx.debt_collector, fx.in_france),
		"candidates": [fx.email_reminder, fx.sms_reminder],
		"obliged": {"c0"},
		"denied": {"c1"},
	}),
	"a_collector_in_england_cites_the_uk_gdpr": object.union(uk_notice, {
		"set": object.union(fx.debt_collector, fx.in_england),
		"candidates": [fx.email_reminder, fx.sms_reminder],
		"obliged": {"c0"},
		"denied": {"c1"},
	}),
	"a_first_party_creditor_collected_the_data_itself": object.union(notice, {
		"candidates": everything,
		"obliged": set(),
		"denied": set(),
	}),
	"a_us_collector_is_outside_the_gdpr": object.union(notice, {
		"set": object.union(fx.debt_collector, fx.in_new_york),
		"candidates": everything,
		"obliged": set(),
		"denied": set(),
	}),
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	obligations := rule.obligations with input.case as the_case with input.candidates as candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	fx.obligations_match(obligations, tc)
	fx.denials_match(denials, tc, "EU-GDPR-14")
}

test_first_letter_and_email_of_a_collector_carry_the_information if check("first_letter_and_email_of_a_collector_carry_the_information")

test_first_sms_or_call_of_a_collector_is_refused if check("first_sms_or_call_of_a_collector_is_refused")

test_business_debtors_are_covered_too if check("business_debtors_are_covered_too")

test_an_earlier_message_with_the_information_releases_later_ones if check("an_earlier_message_with_the_information_releases_later_ones")

test_earlier_reminders_without_the_information_do_not_count if check("earlier_reminders_without_the_information_do_not_count")

test_a_missing_history_counts_as_the_first_communication if check("a_missing_history_counts_as_the_first_communication")

test_an_unknown_creditor_role_counts_as_a_collector if check("an_unknown_creditor_role_counts_as_a_collector")

test_a_collector_in_france_is_covered if check("a_collector_in_france_is_covered")

test_a_collector_in_england_cites_the_uk_gdpr if check("a_collector_in_england_cites_the_uk_gdpr")

test_a_first_party_creditor_collected_the_data_itself if check("a_first_party_creditor_collected_the_data_itself")

test_a_us_collector_is_outside_the_gdpr if check("a_us_collector_is_outside_the_gdpr")
