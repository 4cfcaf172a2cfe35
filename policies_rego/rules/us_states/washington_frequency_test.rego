package washington_frequency_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us_states.washington_frequency as rule

citation := "RCW 19.16.250(13)"

call(age) := {"at": "2026-11-20T15:00:00Z", "date": "2026-11-20", "age_days": age, "channel": "phone", "connected": false}

collector := object.union(fx.in_washington, fx.debt_collector)

cases := {
	"two_communications_this_week_allow_a_third": {
		"set": object.union(collector, {"/history/contacts": [call(1), call(3)]}),
		"candidates": [fx.letter_final_notice],
		"denied": set(),
	},
	"fourth_communication_within_a_week_is_denied": {
		"set": object.union(collector, {"/history/contacts": [call(1), call(3)], "/history/dunning/0/age_days": 4}),
		"candidates": [fx.letter_final_notice, fx.email_reminder, fx.collection_handover],
		"denied": {"c0", "c3"}, "citation": citation,
	},
	"original_creditor_is_not_a_collection_agency": {
		"set": object.union(fx.in_washington, {"/history/contacts": [call(1), call(2), call(3)]}),
		"candidates": [fx.email_reminder],
		"denied": set(),
	},
	"communications_of_last_week_do_not_count": {
		"set": object.union(collector, {"/history/contacts": [call(8), call(9), call(10)]}),
		"candidates": [fx.email_reminder],
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

test_two_communications_this_week_allow_a_third if check("two_communications_this_week_allow_a_third")

test_fourth_communication_within_a_week_is_denied if check("fourth_communication_within_a_week_is_denied")

test_original_creditor_is_not_a_collection_agency if check("original_creditor_is_not_a_collection_agency")

test_communications_of_last_week_do_not_count if check("communications_of_last_week_do_not_count")
