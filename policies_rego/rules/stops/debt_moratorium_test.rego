package debt_moratorium_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.stops.debt_moratorium as rule

citation := "SI 2020/1311 regs. 7, 26 and Part 3"

acting := [fx.email_reminder, fx.letter_final_notice, fx.collection_handover, fx.no_action]

cases := {
	"debtor_without_a_moratorium_may_be_dunned": {
		"set": fx.in_england,
		"candidates": acting,
		"denied": set(),
	},
	"breathing_space_stops_contact_and_enforcement": {
		"set": object.union(fx.in_england, {"/debtor/flags/breathing_space_until": "2026-12-20"}),
		"candidates": acting,
		"denied": {"c0", "c3", "c4"}, "citation": citation,
	},
	"last_day_of_the_breathing_space_is_still_protected": {
		"set": object.union(fx.in_england, {"/debtor/flags/breathing_space_until": "2026-11-22"}),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": citation,
	},
	"ended_breathing_space_allows_dunning_again": {
		"set": object.union(fx.in_england, {"/debtor/flags/breathing_space_until": "2026-11-21"}),
		"candidates": [fx.email_reminder],
		"denied": set(),
	},
	"mental_health_crisis_moratorium_has_no_known_end": {
		"set": object.union(fx.in_england, {"/debtor/flags/mental_health_crisis_moratorium": true}),
		"candidates": [fx.letter_final_notice, fx.no_action],
		"denied": {"c3"}, "citation": citation,
	},
	"unreadable_end_date_counts_as_a_moratorium": {
		"set": object.union(fx.in_england, {"/debtor/flags/breathing_space_until": 20261220}),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": citation,
	},
	"flag_set_for_another_country_is_respected_by_principle": {
		"set": {"/debtor/flags/breathing_space_until": "2026-12-20"},
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": "fairdun principle: a debt moratorium the creditor was notified of is respected",
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	fx.denials_match(denials, tc, rule.rule_id)
}

test_debtor_without_a_moratorium_may_be_dunned if check("debtor_without_a_moratorium_may_be_dunned")

test_breathing_space_stops_contact_and_enforcement if check("breathing_space_stops_contact_and_enforcement")

test_last_day_of_the_breathing_space_is_still_protected if check("last_day_of_the_breathing_space_is_still_protected")

test_ended_breathing_space_allows_dunning_again if check("ended_breathing_space_allows_dunning_again")

test_mental_health_crisis_moratorium_has_no_known_end if check("mental_health_crisis_moratorium_has_no_known_end")

test_unreadable_end_date_counts_as_a_moratorium if check("unreadable_end_date_counts_as_a_moratorium")

test_flag_set_for_another_country_is_respected_by_principle if check("flag_set_for_another_country_is_respected_by_principle")
