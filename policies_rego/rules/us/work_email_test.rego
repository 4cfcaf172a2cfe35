package work_email_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us.work_email as rule

citation := "12 CFR 1006.22(f)(3)"

collector := object.union(fx.in_new_york, fx.debt_collector)

work_address := object.union(collector, {"/debtor/email_is_work": true, "/debtor/work_email_permitted": false})

cases := {
	"work_address_denies_email_only": {
		"set": work_address,
		"candidates": [fx.email_reminder, fx.sms_reminder, fx.letter_final_notice],
		"denied": {"c0"}, "citation": citation,
	},
	"consumer_used_or_consented_to_the_work_address": {
		"set": object.union(work_address, {"/debtor/work_email_permitted": true}),
		"candidates": [fx.email_reminder],
		"denied": set(),
	},
	"private_address_may_be_used": {
		"set": object.union(collector, {"/debtor/email_is_work": false, "/debtor/work_email_permitted": false}),
		"candidates": [fx.email_reminder],
		"denied": set(),
	},
	"unknown_address_kind_counts_as_work": {
		"set": collector,
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": citation,
	},
	"first_party_creditor_is_outside_regulation_f": {
		"set": object.union(fx.in_new_york, {"/debtor/email_is_work": true}),
		"candidates": [fx.email_reminder],
		"denied": set(),
	},
	"business_debt_is_outside_the_fdcpa": {
		"set": object.union(work_address, fx.business),
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

test_work_address_denies_email_only if check("work_address_denies_email_only")

test_consumer_used_or_consented_to_the_work_address if check("consumer_used_or_consented_to_the_work_address")

test_private_address_may_be_used if check("private_address_may_be_used")

test_unknown_address_kind_counts_as_work if check("unknown_address_kind_counts_as_work")

test_first_party_creditor_is_outside_regulation_f if check("first_party_creditor_is_outside_regulation_f")

test_business_debt_is_outside_the_fdcpa if check("business_debt_is_outside_the_fdcpa")
