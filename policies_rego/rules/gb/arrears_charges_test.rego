package arrears_charges_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.gb.arrears_charges as rule

charge_cap(id, kind, amount) := {
	"candidate": id, "kind": "fee_cap", "rule": "GB-FCA-CONC-7.7.5", "citation": "FCA CONC 7.7.5R",
	"params": {"amount_minor": amount, "currency": "GBP", "fee_kind": kind},
}

late_fee := fx.with_field(fx.letter_final_notice, "fees", [{"kind": "late_fee", "amount_minor": 1200, "currency": "GBP"}])

cases := {
	"uk_consumer_fee_is_capped_at_cost": {
		"set": fx.in_england,
		"candidates": [late_fee, fx.sms_reminder],
		"expected": {charge_cap("c3", "late_fee", 150)},
	},
	"uk_business_customer_is_outside_conc": {
		"set": object.union(fx.in_england, fx.business),
		"candidates": [late_fee],
		"expected": set(),
	},
	"german_fee_is_not_capped_by_the_fca": {
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

test_uk_consumer_fee_is_capped_at_cost if check("uk_consumer_fee_is_capped_at_cost")

test_uk_business_customer_is_outside_conc if check("uk_business_customer_is_outside_conc")

test_german_fee_is_not_capped_by_the_fca if check("german_fee_is_not_capped_by_the_fca")
