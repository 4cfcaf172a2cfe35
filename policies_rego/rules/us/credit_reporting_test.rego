package credit_reporting_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us.credit_reporting as rule

citation := "12 CFR 1006.30(a)(1)"

collector := object.union(fx.in_new_york, fx.debt_collector)

cases := {
	"email_sent_two_weeks_ago_allows_the_report": {
		"set": collector,
		"candidates": [fx.credit_bureau_report],
		"denied": set(),
	},
	"message_sent_ten_days_ago_is_too_recent": {
		"set": object.union(collector, {"/history/dunning/0/age_days": 10}),
		"candidates": [fx.credit_bureau_report, fx.collection_handover],
		"denied": {"c5"}, "citation": citation,
	},
	"conversation_by_phone_needs_no_wait": {
		"set": object.union(collector, {"/history/dunning": [], "/history/contacts/0/connected": true}),
		"candidates": [fx.credit_bureau_report],
		"denied": set(),
	},
	"no_contact_at_all_denies_the_report": {
		"set": object.union(collector, {"/history/dunning": [], "/history/contacts": []}),
		"candidates": [fx.credit_bureau_report],
		"denied": {"c5"}, "citation": citation,
	},
	"first_party_creditor_is_not_bound_by_regulation_f": {
		"set": object.union(fx.in_new_york, {"/history/dunning": []}),
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

test_email_sent_two_weeks_ago_allows_the_report if check("email_sent_two_weeks_ago_allows_the_report")

test_message_sent_ten_days_ago_is_too_recent if check("message_sent_ten_days_ago_is_too_recent")

test_conversation_by_phone_needs_no_wait if check("conversation_by_phone_needs_no_wait")

test_no_contact_at_all_denies_the_report if check("no_contact_at_all_denies_the_report")

test_first_party_creditor_is_not_bound_by_regulation_f if check("first_party_creditor_is_not_bound_by_regulation_f")
