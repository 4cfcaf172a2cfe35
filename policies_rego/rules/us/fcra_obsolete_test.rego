package fcra_obsolete_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us.fcra_obsolete as rule

citation := "15 U.S.C. § 1681c(a)(4), (c)(1) (FCRA § 605)"

cases := {
	"recent_delinquency_may_be_reported": {
		"set": fx.in_new_york,
		"candidates": [fx.credit_bureau_report],
		"denied": set(),
	},
	"delinquency_seven_years_and_170_days_old_may_still_be_reported": {
		# due 2019-06-05: obsolete from 2026-12-02
		"set": object.union(fx.in_new_york, {"/invoice/due_on": "2019-06-05"}),
		"candidates": [fx.credit_bureau_report],
		"denied": set(),
	},
	"delinquency_older_than_seven_years_and_180_days_is_not_reported": {
		# due 2019-05-01: obsolete since 2026-10-28
		"set": object.union(object.union(fx.in_new_york, fx.debt_collector), {"/invoice/due_on": "2019-05-01"}),
		"candidates": [fx.credit_bureau_report, fx.collection_handover],
		"denied": {"c5"}, "citation": citation,
	},
	"unknown_due_date_is_not_reported": {
		"set": object.union(fx.in_new_york, {"/invoice/due_on": null}),
		"candidates": [fx.credit_bureau_report],
		"denied": {"c5"}, "citation": citation,
	},
	"german_claim_is_outside_the_fcra": {
		"set": {"/invoice/due_on": "2015-01-01"},
		"candidates": [fx.credit_bureau_report],
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

test_recent_delinquency_may_be_reported if check("recent_delinquency_may_be_reported")

test_delinquency_seven_years_and_170_days_old_may_still_be_reported if check("delinquency_seven_years_and_170_days_old_may_still_be_reported")

test_delinquency_older_than_seven_years_and_180_days_is_not_reported if check("delinquency_older_than_seven_years_and_180_days_is_not_reported")

test_unknown_due_date_is_not_reported if check("unknown_due_date_is_not_reported")

test_german_claim_is_outside_the_fcra if check("german_claim_is_outside_the_fcra")
