package dunning_fee_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.de.dunning_fee as rule

cost_cap(id, amount, currency) := {
	"candidate": id, "kind": "fee_cap", "rule": "DE-DUNNING-FEE-COST",
	"citation": "BGB §§ 280(1), (2), 286; BGH, Urt. v. 26.6.2019, VIII ZR 95/18",
	"params": {"amount_minor": amount, "currency": currency, "fee_kind": "dunning_fee"},
}

cases := {
	"german_dunning_fee_above_its_cost_is_capped": {
		"candidates": [fx.with_field(fx.email_reminder, "fees", [{"kind": "dunning_fee", "amount_minor": 500, "currency": "EUR"}]), fx.sms_reminder],
		"expected": {cost_cap("c0", 250, "EUR")},
	},
	"german_dunning_fee_at_its_cost_needs_no_cap": {
		"candidates": [fx.email_reminder, fx.final_notice_with_threat],
		"expected": set(),
	},
	"candidates_without_a_dunning_fee_get_no_cap": {
		"candidates": [fx.sms_reminder, fx.collection_handover],
		"expected": set(),
	},
	"dunning_fee_in_another_currency_is_capped_at_zero": {
		"set": {"/invoice/currency": "CHF"},
		"candidates": [fx.with_field(fx.email_reminder, "fees", [{"kind": "dunning_fee", "amount_minor": 250, "currency": "CHF"}])],
		"expected": {cost_cap("c0", 0, "CHF")},
	},
	"french_fee_is_not_capped_by_german_law": {
		"set": fx.in_france,
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

test_german_dunning_fee_above_its_cost_is_capped if check("german_dunning_fee_above_its_cost_is_capped")

test_german_dunning_fee_at_its_cost_needs_no_cap if check("german_dunning_fee_at_its_cost_needs_no_cap")

test_candidates_without_a_dunning_fee_get_no_cap if check("candidates_without_a_dunning_fee_get_no_cap")

test_dunning_fee_in_another_currency_is_capped_at_zero if check("dunning_fee_in_another_currency_is_capped_at_zero")

test_french_fee_is_not_capped_by_german_law if check("french_fee_is_not_capped_by_german_law")
