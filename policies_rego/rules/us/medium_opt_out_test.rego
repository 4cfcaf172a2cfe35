package medium_opt_out_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us.medium_opt_out as rule

citation := "12 CFR 1006.14(h)(1)"

collector := object.union(fx.in_new_york, fx.debt_collector)

cases := {
	"consumer_without_a_request_may_be_written_to": {
		"set": collector,
		"candidates": [fx.email_reminder, fx.letter_final_notice],
		"denied": set(),
	},
	"medium_the_consumer_refused_is_not_used": {
		"set": object.union(collector, {"/debtor/opted_out_channels": ["email", "letter"]}),
		"candidates": [fx.email_reminder, fx.sms_reminder, fx.letter_final_notice],
		"denied": {"c0", "c3"}, "citation": citation,
	},
	"missing_list_counts_as_every_medium_refused": {
		"set": collector,
		"remove": ["/debtor/opted_out_channels"],
		"candidates": [fx.sms_reminder, fx.no_action],
		"denied": {"c1"}, "citation": citation,
	},
	"first_party_creditor_is_left_to_the_common_rule": {
		"set": object.union(fx.in_new_york, {"/debtor/opted_out_channels": ["email"]}),
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

test_consumer_without_a_request_may_be_written_to if check("consumer_without_a_request_may_be_written_to")

test_medium_the_consumer_refused_is_not_used if check("medium_the_consumer_refused_is_not_used")

test_missing_list_counts_as_every_medium_refused if check("missing_list_counts_as_every_medium_refused")

test_first_party_creditor_is_left_to_the_common_rule if check("first_party_creditor_is_left_to_the_common_rule")
