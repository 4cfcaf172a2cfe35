package time_barred_threat_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.limitation.time_barred_threat as rule

gb := "Limitation Act 1980 s. 5 (England and Wales); Prescription and Limitation (Scotland) Act 1973 s. 6, sch. 1; Limitation (Northern Ireland) Order 1989 art. 4"

california := "Cal. Code Civ. Proc. § 337 (Stats. 2018 ch. 247: no suit once the period has run); Cal. Civ. Code § 1788.2(c)"

principle := "fairdun principle: no threat of court action unless the claim is known to be enforceable (fail closed)"

threatening := fx.final_notice_with_threat

plain := fx.with_field(fx.final_notice_with_threat, "legal_action_threat", false)

# GB claims due 2021-11-21: five years passed on 2026-11-21 (Scotland), six have not.
gb_due(nation) := object.union(fx.in_england, {"/invoice/due_on": "2021-11-21", "/debtor/uk_nation": nation})

cases := {
	"england_and_wales_claim_within_six_years_may_be_enforced": {
		"set": gb_due("england_wales"),
		"candidates": [threatening],
		"denied": set(),
	},
	"england_and_wales_claim_older_than_six_years_is_time_barred": {
		"set": object.union(fx.in_england, {"/invoice/due_on": "2020-11-21", "/debtor/uk_nation": "england_wales"}),
		"candidates": [threatening, fx.with_field(plain, "id", "c8")],
		"denied": {"c7"}, "citation": gb,
	},
	"scottish_claim_is_extinguished_after_five_years": {
		"set": gb_due("scotland"),
		"candidates": [threatening],
		"denied": {"c7"}, "citation": gb,
	},
	"northern_irish_claim_within_six_years_may_be_enforced": {
		"set": gb_due("northern_ireland"),
		"candidates": [threatening],
		"denied": set(),
	},
	"unknown_uk_nation_takes_the_shortest_period": {
		"set": gb_due(null),
		"candidates": [threatening],
		"denied": {"c7"}, "citation": gb,
	},
	"missing_uk_nation_takes_the_shortest_period": {
		"set": object.union(fx.in_england, {"/invoice/due_on": "2021-11-21"}),
		"candidates": [threatening],
		"denied": {"c7"}, "citation": gb,
	},
	"unknown_nation_within_five_years_may_be_enforced": {
		"set": object.union(fx.in_england, {"/invoice/due_on": "2021-11-22", "/debtor/uk_nation": "atlantis"}),
		"candidates": [threatening],
		"denied": set(),
	},
	"gb_debt_collector_is_bound_too": {
		"set": object.union(gb_due("scotland"), fx.debt_collector),
		"candidates": [threatening],
		"denied": {"c7"}, "citation": gb,
	},
	"part_payment_does_not_restart_a_gb_period_here": {
		"set": object.union(gb_due("scotland"), {"/invoice/last_payment_on": "2025-01-10"}),
		"candidates": [threatening],
		"denied": {"c7"}, "citation": gb,
	},
	"unknown_due_date_allows_no_threat": {
		"set": object.union(gb_due("england_wales"), {"/invoice/due_on": null}),
		"candidates": [threatening],
		"denied": {"c7"}, "citation": gb,
	},
	"california_creditor_on_time_barred_debt_may_not_threaten_suit": {
		"set": object.union(fx.in_california, {"/invoice/due_on": "2022-11-21"}),
		"candidates": [threatening],
		"denied": {"c7"}, "citation": california,
	},
	"california_creditor_within_four_years_may_announce_suit": {
		"set": object.union(fx.in_california, {"/invoice/due_on": "2022-11-22"}),
		"candidates": [threatening],
		"denied": set(),
	},
	"first_party_in_a_state_without_a_period_may_not_threaten": {
		"set": fx.in_massachusetts,
		"candidates": [threatening, fx.email_reminder],
		"denied": {"c7"}, "citation": principle,
	},
	"first_party_elsewhere_in_the_eu_may_not_threaten": {
		"set": fx.in_france,
		"candidates": [threatening],
		"denied": {"c7"}, "citation": principle,
	},
	"message_without_the_flag_counts_as_threatening": {
		"set": gb_due("scotland"),
		"candidates": [object.remove(fx.email_reminder, ["legal_action_threat"])],
		"denied": {"c0"}, "citation": gb,
	},
	"germany_has_its_own_rule": {
		"set": {"/invoice/due_on": "2019-10-31"},
		"candidates": [threatening],
		"denied": set(),
	},
	"us_debt_collectors_have_regulation_f": {
		"set": object.union(fx.in_massachusetts, fx.debt_collector),
		"candidates": [threatening],
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

test_england_and_wales_claim_within_six_years_may_be_enforced if check("england_and_wales_claim_within_six_years_may_be_enforced")

test_england_and_wales_claim_older_than_six_years_is_time_barred if check("england_and_wales_claim_older_than_six_years_is_time_barred")

test_scottish_claim_is_extinguished_after_five_years if check("scottish_claim_is_extinguished_after_five_years")

test_northern_irish_claim_within_six_years_may_be_enforced if check("northern_irish_claim_within_six_years_may_be_enforced")

test_unknown_uk_nation_takes_the_shortest_period if check("unknown_uk_nation_takes_the_shortest_period")

test_missing_uk_nation_takes_the_shortest_period if check("missing_uk_nation_takes_the_shortest_period")

test_unknown_nation_within_five_years_may_be_enforced if check("unknown_nation_within_five_years_may_be_enforced")

test_gb_debt_collector_is_bound_too if check("gb_debt_collector_is_bound_too")

test_part_payment_does_not_restart_a_gb_period_here if check("part_payment_does_not_restart_a_gb_period_here")

test_unknown_due_date_allows_no_threat if check("unknown_due_date_allows_no_threat")

test_california_creditor_on_time_barred_debt_may_not_threaten_suit if check("california_creditor_on_time_barred_debt_may_not_threaten_suit")

test_california_creditor_within_four_years_may_announce_suit if check("california_creditor_within_four_years_may_announce_suit")

test_first_party_in_a_state_without_a_period_may_not_threaten if check("first_party_in_a_state_without_a_period_may_not_threaten")

test_first_party_elsewhere_in_the_eu_may_not_threaten if check("first_party_elsewhere_in_the_eu_may_not_threaten")

test_message_without_the_flag_counts_as_threatening if check("message_without_the_flag_counts_as_threatening")

test_germany_has_its_own_rule if check("germany_has_its_own_rule")

test_us_debt_collectors_have_regulation_f if check("us_debt_collectors_have_regulation_f")
