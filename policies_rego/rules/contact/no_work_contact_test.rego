package no_work_contact_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.contact.no_work_contact as rule

principle := "fairdun principle: no contact at the workplace when the debtor asked for none"

every_channel := [fx.email_reminder, fx.sms_reminder, fx.phone_reminder, fx.letter_final_notice]

cases := {
	"debtor_without_the_request_may_be_emailed_and_called": {
		"candidates": every_channel,
		"denied": set(),
	},
	"request_denies_email_and_calls_but_not_letters_or_texts": {
		"set": {"/debtor/flags/no_work_contact": true},
		"candidates": every_channel,
		"denied": {"c0", "c2"}, "citation": principle,
	},
	"unknown_request_counts_as_made": {
		"remove": ["/debtor/flags/no_work_contact"],
		"candidates": [fx.phone_reminder],
		"denied": {"c2"}, "citation": principle,
	},
	"us_debt_collector_cites_fdcpa_1692c_a_3": {
		"set": object.union(object.union(fx.in_new_york, fx.debt_collector), {"/debtor/flags/no_work_contact": true}),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": "15 U.S.C. § 1692c(a)(3); 12 CFR 1006.6(b)(1)(iii), 1006.22(f)(3)",
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	fx.denials_match(denials, tc, rule.rule_id)
}

test_debtor_without_the_request_may_be_emailed_and_called if check("debtor_without_the_request_may_be_emailed_and_called")

test_request_denies_email_and_calls_but_not_letters_or_texts if check("request_denies_email_and_calls_but_not_letters_or_texts")

test_unknown_request_counts_as_made if check("unknown_request_counts_as_made")

test_us_debt_collector_cites_fdcpa_1692c_a_3 if check("us_debt_collector_cites_fdcpa_1692c_a_3")
