package channel_opt_out_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.contact.channel_opt_out as rule

gdpr := "GDPR Art. 7(3); fairdun principle for letters"

cases := {
	"no_opt_out_allows_every_channel": {
		"candidates": [fx.email_reminder, fx.letter_final_notice],
		"denied": set(),
	},
	"opted_out_letters_are_not_sent": {
		"set": {"/debtor/opted_out_channels": ["letter"]},
		"candidates": [fx.email_reminder, fx.letter_final_notice, fx.no_action],
		"denied": {"c3"}, "citation": gdpr,
	},
	"missing_list_counts_as_every_channel_opted_out": {
		"remove": ["/debtor/opted_out_channels"],
		"candidates": [fx.email_reminder, fx.collection_handover],
		"denied": {"c0"}, "citation": gdpr,
	},
	"uk_debtor_cites_uk_gdpr": {
		"set": object.union(fx.in_england, {"/debtor/opted_out_channels": ["email"]}),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": "UK GDPR Art. 7(3); fairdun principle for letters",
	},
	"us_debt_collector_is_left_to_regulation_f": {
		"set": object.union(object.union(fx.in_new_york, fx.debt_collector), {"/debtor/opted_out_channels": ["email"]}),
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

test_no_opt_out_allows_every_channel if check("no_opt_out_allows_every_channel")

test_opted_out_letters_are_not_sent if check("opted_out_letters_are_not_sent")

test_missing_list_counts_as_every_channel_opted_out if check("missing_list_counts_as_every_channel_opted_out")

test_uk_debtor_cites_uk_gdpr if check("uk_debtor_cites_uk_gdpr")

test_us_debt_collector_is_left_to_regulation_f if check("us_debt_collector_is_left_to_regulation_f")
