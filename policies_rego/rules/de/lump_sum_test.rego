package lump_sum_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.de.lump_sum as rule

lump_sum_cap(id, kind, amount) := {
	"candidate": id, "kind": "fee_cap", "rule": "DE-BGB-288-5", "citation": "BGB § 288(5)",
	"params": {"amount_minor": amount, "currency": "EUR", "fee_kind": kind},
}

lump_sum := {"kind": "default_lump_sum", "amount_minor": 4000, "currency": "EUR"}

dunning_fee := {"kind": "dunning_fee", "amount_minor": 250, "currency": "EUR"}

with_lump_sum := fx.with_field(fx.email_reminder, "fees", [lump_sum])

with_both := fx.with_field(fx.letter_final_notice, "fees", [lump_sum, dunning_fee])

cases := {
	"business_debtor_owes_40_euros": {
		"set": fx.business,
		"candidates": [with_lump_sum, fx.sms_reminder],
		"expected": set(),
	},
	"more_than_40_euros_is_capped": {
		"set": fx.business,
		"candidates": [fx.with_field(fx.email_reminder, "fees", [object.union(lump_sum, {"amount_minor": 5000})])],
		"expected": {lump_sum_cap("c0", "default_lump_sum", 4000)},
	},
	"consumer_never_owes_the_lump_sum": {
		"candidates": [with_lump_sum],
		"expected": {lump_sum_cap("c0", "default_lump_sum", 0)},
	},
	"lump_sum_absorbs_the_dunning_fee": {
		"set": fx.business,
		"candidates": [with_both],
		"expected": {lump_sum_cap("c3", "dunning_fee", 0)},
	},
	"dunning_fee_alone_is_left_to_the_cost_rule": {
		"set": fx.business,
		"candidates": [fx.email_reminder],
		"expected": set(),
	},
	"french_business_is_outside_german_law": {
		"set": object.union(fx.in_france, fx.business),
		"candidates": [with_lump_sum],
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

test_business_debtor_owes_40_euros if check("business_debtor_owes_40_euros")

test_more_than_40_euros_is_capped if check("more_than_40_euros_is_capped")

test_consumer_never_owes_the_lump_sum if check("consumer_never_owes_the_lump_sum")

test_lump_sum_absorbs_the_dunning_fee if check("lump_sum_absorbs_the_dunning_fee")

test_dunning_fee_alone_is_left_to_the_cost_rule if check("dunning_fee_alone_is_left_to_the_cost_rule")

test_french_business_is_outside_german_law if check("french_business_is_outside_german_law")
