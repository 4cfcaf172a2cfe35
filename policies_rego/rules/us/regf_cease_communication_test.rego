package regf_cease_communication_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us.regf_cease_communication as rule

citation := "15 U.S.C. § 1692c(c); 12 CFR 1006.6(c)(1)"

collector := object.union(fx.in_new_york, fx.debt_collector)

cases := {
	"collector_may_write_until_told_to_stop": {
		"set": collector,
		"candidates": [fx.email_reminder, fx.letter_final_notice],
		"denied": set(),
	},
	"notice_to_cease_stops_every_message": {
		"set": object.union(collector, {"/debtor/flags/cease_communication": true}),
		"candidates": [fx.email_reminder, fx.letter_final_notice, fx.credit_bureau_report, fx.no_action],
		"denied": {"c0", "c3"}, "citation": citation,
	},
	"unknown_notice_counts_as_given": {
		"set": collector,
		"remove": ["/debtor/flags/cease_communication"],
		"candidates": [fx.phone_reminder],
		"denied": {"c2"}, "citation": citation,
	},
	"first_party_creditor_is_left_to_the_common_rule": {
		"set": object.union(fx.in_new_york, {"/debtor/flags/cease_communication": true}),
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

test_collector_may_write_until_told_to_stop if check("collector_may_write_until_told_to_stop")

test_notice_to_cease_stops_every_message if check("notice_to_cease_stops_every_message")

test_unknown_notice_counts_as_given if check("unknown_notice_counts_as_given")

test_first_party_creditor_is_left_to_the_common_rule if check("first_party_creditor_is_left_to_the_common_rule")
