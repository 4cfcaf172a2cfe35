package attorney_represented_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us.attorney_represented as rule

citation := "15 U.S.C. § 1692c(a)(2); 12 CFR 1006.6(b)(2)"

collector := object.union(fx.in_new_york, fx.debt_collector)

represented := object.union(collector, {"/debtor/represented_by_attorney": true})

cases := {
	"represented_consumer_gets_no_message_on_any_channel": {
		"set": represented,
		"candidates": fx.all_candidates,
		"denied": {"c0", "c1", "c2", "c3"}, "citation": citation,
	},
	"unrepresented_consumer_may_be_contacted": {
		"set": object.union(collector, {"/debtor/represented_by_attorney": false}),
		"candidates": fx.all_candidates,
		"denied": set(),
	},
	"unknown_representation_counts_as_represented": {
		"set": collector,
		"candidates": [fx.email_reminder, fx.no_action],
		"denied": {"c0"}, "citation": citation,
	},
	"first_party_creditor_is_outside_regulation_f": {
		"set": object.union(fx.in_new_york, {"/debtor/represented_by_attorney": true}),
		"candidates": [fx.email_reminder],
		"denied": set(),
	},
	"business_debt_is_outside_the_fdcpa": {
		"set": object.union(represented, fx.business),
		"candidates": [fx.email_reminder],
		"denied": set(),
	},
	"german_collector_is_outside_regulation_f": {
		"set": object.union(fx.debt_collector, {"/debtor/represented_by_attorney": true}),
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

test_represented_consumer_gets_no_message_on_any_channel if check("represented_consumer_gets_no_message_on_any_channel")

test_unrepresented_consumer_may_be_contacted if check("unrepresented_consumer_may_be_contacted")

test_unknown_representation_counts_as_represented if check("unknown_representation_counts_as_represented")

test_first_party_creditor_is_outside_regulation_f if check("first_party_creditor_is_outside_regulation_f")

test_business_debt_is_outside_the_fdcpa if check("business_debt_is_outside_the_fdcpa")

test_german_collector_is_outside_regulation_f if check("german_collector_is_outside_regulation_f")
