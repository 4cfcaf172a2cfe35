package not_due_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.fees.not_due as rule

de := "BGB §§ 280(2), 286"

not_due_cap(id, kind, citation) := {
	"candidate": id, "kind": "fee_cap", "rule": "FD-FEE-NOT-DUE", "citation": citation,
	"params": {"amount_minor": 0, "currency": "EUR", "fee_kind": kind},
}

cases := {
	"overdue_invoice_may_carry_fees": {
		"candidates": [fx.email_reminder, fx.final_notice_with_threat],
		"expected": set(),
	},
	"pre_due_reminder_carries_no_fee_of_any_kind": {
		"set": {"/invoice/due_on": "2026-11-25"},
		"candidates": [fx.email_reminder, fx.final_notice_with_threat, fx.sms_reminder],
		"expected": {not_due_cap("c0", "dunning_fee", de), not_due_cap("c7", "dunning_fee", de), not_due_cap("c7", "default_interest", de)},
	},
	"on_the_due_date_itself_no_fee_is_owed": {
		"set": {"/invoice/due_on": "2026-11-22"},
		"candidates": [fx.email_reminder],
		"expected": {not_due_cap("c0", "dunning_fee", de)},
	},
	"missing_due_date_caps_fees": {
		"remove": ["/invoice/due_on"],
		"candidates": [fx.email_reminder],
		"expected": {not_due_cap("c0", "dunning_fee", de)},
	},
	"outside_germany_the_principle_is_cited": {
		"set": object.union(fx.in_france, {"/invoice/due_on": "2026-12-01"}),
		"candidates": [fx.email_reminder],
		"expected": {not_due_cap("c0", "dunning_fee", "fairdun principle: no fee before the due date")},
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	obligations := rule.obligations with input.case as the_case with input.candidates as candidates
	fx.entries_match(obligations, tc)
}

test_overdue_invoice_may_carry_fees if check("overdue_invoice_may_carry_fees")

test_pre_due_reminder_carries_no_fee_of_any_kind if check("pre_due_reminder_carries_no_fee_of_any_kind")

test_on_the_due_date_itself_no_fee_is_owed if check("on_the_due_date_itself_no_fee_is_owed")

test_missing_due_date_caps_fees if check("missing_due_date_caps_fees")

test_outside_germany_the_principle_is_cited if check("outside_germany_the_principle_is_cited")
