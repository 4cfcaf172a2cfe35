package unsupported_jurisdiction_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.jurisdiction.unsupported_jurisdiction as rule

citation := "fairdun principle: fail closed (no reviewed legal rule set for the debtor's jurisdiction)"

acting := [fx.email_reminder, fx.letter_final_notice, fx.credit_bureau_report, fx.no_action]

place(country, jurisdiction) := {"/debtor/country": country, "/debtor/jurisdiction": jurisdiction}

cases := {
	"germany_is_supported": {
		"candidates": acting,
		"denied": set(),
	},
	"a_german_state_is_supported": {
		"set": place("DE", "DE-BY"),
		"candidates": acting,
		"denied": set(),
	},
	"norway_is_supported_as_eea_state": {
		"set": place("NO", "NO"),
		"candidates": acting,
		"denied": set(),
	},
	"the_united_kingdom_is_supported": {
		"set": fx.in_england,
		"candidates": acting,
		"denied": set(),
	},
	"a_us_state_is_supported": {
		"set": fx.in_new_york,
		"candidates": acting,
		"denied": set(),
	},
	"the_us_without_a_state_is_unsupported": {
		"set": place("US", "US"),
		"candidates": acting,
		"denied": {"c0", "c3", "c5"}, "citation": citation,
	},
	"a_us_territory_is_unsupported": {
		"set": place("US", "US-PR"),
		"candidates": acting,
		"denied": {"c0", "c3", "c5"}, "citation": citation,
	},
	"switzerland_is_unsupported": {
		"set": place("CH", "CH"),
		"candidates": acting,
		"denied": {"c0", "c3", "c5"}, "citation": citation,
	},
	"a_jurisdiction_of_another_country_is_unsupported": {
		"set": place("DE", "FR"),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": citation,
	},
	"a_missing_jurisdiction_is_unsupported": {
		"remove": ["/debtor/jurisdiction", "/debtor/country"],
		"candidates": [fx.letter_final_notice],
		"denied": {"c3"}, "citation": citation,
	},
	"doing_nothing_is_allowed_anywhere": {
		"set": place("CH", "CH"),
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

test_germany_is_supported if check("germany_is_supported")

test_a_german_state_is_supported if check("a_german_state_is_supported")

test_norway_is_supported_as_eea_state if check("norway_is_supported_as_eea_state")

test_the_united_kingdom_is_supported if check("the_united_kingdom_is_supported")

test_a_us_state_is_supported if check("a_us_state_is_supported")

test_the_us_without_a_state_is_unsupported if check("the_us_without_a_state_is_unsupported")

test_a_us_territory_is_unsupported if check("a_us_territory_is_unsupported")

test_switzerland_is_unsupported if check("switzerland_is_unsupported")

test_a_jurisdiction_of_another_country_is_unsupported if check("a_jurisdiction_of_another_country_is_unsupported")

test_a_missing_jurisdiction_is_unsupported if check("a_missing_jurisdiction_is_unsupported")

test_doing_nothing_is_allowed_anywhere if check("doing_nothing_is_allowed_anywhere")
