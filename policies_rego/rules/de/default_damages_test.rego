package default_damages_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.de.default_damages as rule

damages_cap(id, kind) := {
	"candidate": id, "kind": "fee_cap", "rule": "DE-BGB-286", "citation": "BGB §§ 280(1), (2), 286",
	"params": {"amount_minor": 0, "currency": "EUR", "fee_kind": kind},
}

no_reminder_yet := {"/history/dunning": []}

reminder_before_due := {"/history/dunning/0/date": "2026-10-25", "/history/dunning/0/age_days": 28}

cases := {
	"reminder_after_due_date_puts_the_debtor_in_default": {
		"candidates": [fx.email_reminder, fx.final_notice_with_threat],
		"expected": set(),
	},
	"first_reminder_creates_default_and_carries_no_fee": {
		"set": no_reminder_yet,
		"candidates": [fx.email_reminder, fx.final_notice_with_threat],
		"expected": {damages_cap("c0", "dunning_fee"), damages_cap("c7", "dunning_fee"), damages_cap("c7", "default_interest")},
	},
	"reminder_sent_before_the_due_date_does_not_create_default": {
		"set": reminder_before_due,
		"candidates": [fx.email_reminder],
		"expected": {damages_cap("c0", "dunning_fee")},
	},
	"email_reminder_is_received_the_next_day": {
		"set": {"/history/dunning/0/date": "2026-11-21", "/history/dunning/0/age_days": 1},
		"candidates": [fx.email_reminder],
		"expected": set(),
	},
	"letter_sent_yesterday_is_not_yet_received": {
		"set": {"/history/dunning/0/date": "2026-11-21", "/history/dunning/0/age_days": 1, "/history/dunning/0/channel": "letter"},
		"candidates": [fx.email_reminder],
		"expected": {damages_cap("c0", "dunning_fee")},
	},
	"agreed_calendar_due_date_needs_no_reminder": {
		"set": object.union(no_reminder_yet, {"/invoice/due_date_agreed": true}),
		"candidates": [fx.email_reminder],
		"expected": set(),
	},
	"consumer_is_in_default_after_30_days_only_if_the_invoice_said_so": {
		"set": object.union(no_reminder_yet, {"/invoice/due_on": "2026-10-15"}),
		"candidates": [fx.email_reminder],
		"expected": {damages_cap("c0", "dunning_fee")},
	},
	"consumer_told_on_the_invoice_is_in_default_after_30_days": {
		"set": object.union(no_reminder_yet, {"/invoice/due_on": "2026-10-15", "/invoice/default_notice_in_invoice": true}),
		"candidates": [fx.email_reminder],
		"expected": set(),
	},
	"business_is_in_default_30_days_after_due_without_notice": {
		"set": object.union(no_reminder_yet, {"/invoice/due_on": "2026-10-15", "/debtor/kind": "business"}),
		"candidates": [fx.email_reminder],
		"expected": set(),
	},
	"business_before_the_30_days_is_not_in_default": {
		"set": object.union(no_reminder_yet, {"/invoice/due_on": "2026-10-31", "/debtor/kind": "business"}),
		"candidates": [fx.email_reminder],
		"expected": {damages_cap("c0", "dunning_fee")},
	},
	"outside_germany_the_rule_does_not_apply": {
		"set": object.union(fx.in_france, no_reminder_yet),
		"candidates": [fx.email_reminder],
		"expected": set(),
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	obligations := rule.obligations with input.case as the_case with input.candidates as candidates
	fx.entries_match(obligations, tc)
}

test_reminder_after_due_date_puts_the_debtor_in_default if check("reminder_after_due_date_puts_the_debtor_in_default")

test_first_reminder_creates_default_and_carries_no_fee if check("first_reminder_creates_default_and_carries_no_fee")

test_reminder_sent_before_the_due_date_does_not_create_default if check("reminder_sent_before_the_due_date_does_not_create_default")

test_email_reminder_is_received_the_next_day if check("email_reminder_is_received_the_next_day")

test_letter_sent_yesterday_is_not_yet_received if check("letter_sent_yesterday_is_not_yet_received")

test_agreed_calendar_due_date_needs_no_reminder if check("agreed_calendar_due_date_needs_no_reminder")

test_consumer_is_in_default_after_30_days_only_if_the_invoice_said_so if check("consumer_is_in_default_after_30_days_only_if_the_invoice_said_so")

test_consumer_told_on_the_invoice_is_in_default_after_30_days if check("consumer_told_on_the_invoice_is_in_default_after_30_days")

test_business_is_in_default_30_days_after_due_without_notice if check("business_is_in_default_30_days_after_due_without_notice")

test_business_before_the_30_days_is_not_in_default if check("business_before_the_30_days_is_not_in_default")

test_outside_germany_the_rule_does_not_apply if check("outside_germany_the_rule_does_not_apply")
