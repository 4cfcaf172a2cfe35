package deceased_stop_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.stops.deceased_stop as rule

principle := "fairdun principle: in dubio pro debitore (DESIGN.md)"

cases := {
	"living_debtor_may_be_dunned": {
		"candidates": fx.all_candidates,
		"denied": set(),
	},
	"deceased_debtor_in_germany_is_not_dunned_bgb_1922_1967": {
		"set": {"/debtor/flags/deceased": true},
		"candidates": [fx.email_reminder, fx.collection_handover, fx.no_action],
		"denied": {"c0", "c4"}, "citation": "BGB §§ 1922, 1967",
	},
	"deceased_debtor_in_new_york_cites_the_principle": {
		"set": object.union(fx.in_new_york, {"/debtor/flags/deceased": true}),
		"candidates": [fx.letter_final_notice],
		"denied": {"c3"}, "citation": principle,
	},
	"unknown_deceased_flag_stops_dunning": {
		"remove": ["/debtor/flags/deceased"],
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": "BGB §§ 1922, 1967",
	},
	"no_flags_object_stops_dunning": {
		"remove": ["/debtor/flags"],
		"candidates": [fx.letter_final_notice],
		"denied": {"c3"}, "citation": "BGB §§ 1922, 1967",
	},
	"deceased_debtor_still_allows_doing_nothing": {
		"set": {"/debtor/flags/deceased": true},
		"candidates": [fx.no_action],
		"denied": set(),
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	fx.denials_match(denials, tc, rule.rule_id)
}

test_living_debtor_may_be_dunned if check("living_debtor_may_be_dunned")

test_deceased_debtor_in_germany_is_not_dunned_bgb_1922_1967 if check("deceased_debtor_in_germany_is_not_dunned_bgb_1922_1967")

test_deceased_debtor_in_new_york_cites_the_principle if check("deceased_debtor_in_new_york_cites_the_principle")

test_unknown_deceased_flag_stops_dunning if check("unknown_deceased_flag_stops_dunning")

test_no_flags_object_stops_dunning if check("no_flags_object_stops_dunning")

test_deceased_debtor_still_allows_doing_nothing if check("deceased_debtor_still_allows_doing_nothing")
