package baseline_fees_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.baseline.baseline_fees as rule

citation := "fairdun principle: conservative baseline outside the reviewed scope (no fees, no interest)"

in_texas := {"/debtor/country": "US", "/debtor/jurisdiction": "US-TX", "/debtor/subdivision": "TX", "/invoice/currency": "USD"}

cap(id, kind, currency) := {
	"candidate": id, "kind": "fee_cap", "rule": "FD-BASELINE-FEES", "citation": citation,
	"params": {"amount_minor": 0, "currency": currency, "fee_kind": kind},
}

usd_reminder := fx.with_field(fx.email_reminder, "fees", [{"kind": "dunning_fee", "amount_minor": 500, "currency": "USD"}])

cases := {
	"reviewed_place_and_role_keeps_its_own_fee_rules": {
		"candidates": [fx.email_reminder, fx.final_notice_with_threat],
		"expected": [],
	},
	"france_is_not_reviewed_every_fee_is_capped_at_zero": {
		"set": fx.in_france,
		"candidates": [fx.email_reminder, fx.final_notice_with_threat, fx.sms_reminder, fx.no_action],
		"expected": [
			cap("c0", "dunning_fee", "EUR"), cap("c7", "dunning_fee", "EUR"),
			cap("c7", "default_interest", "EUR"),
		],
	},
	"unreviewed_us_state_caps_fees_for_a_first_party": {
		"set": in_texas,
		"candidates": [usd_reminder],
		"expected": [cap("c0", "dunning_fee", "USD")],
	},
	"german_collection_agency_is_not_reviewed_yet": {
		"set": fx.debt_collector,
		"candidates": [fx.email_reminder],
		"expected": [cap("c0", "dunning_fee", "EUR")],
	},
	"unknown_creditor_role_gets_the_baseline": {
		"remove": ["/creditor/role"],
		"candidates": [fx.email_reminder],
		"expected": [cap("c0", "dunning_fee", "EUR")],
	},
	"reviewed_us_state_is_not_capped_by_the_baseline": {
		"set": fx.in_new_york,
		"candidates": [usd_reminder],
		"expected": [],
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	entries := rule.obligations with input.case as the_case with input.candidates as candidates
	fx.entries_match(entries, tc)
}

test_reviewed_place_and_role_keeps_its_own_fee_rules if check("reviewed_place_and_role_keeps_its_own_fee_rules")

test_france_is_not_reviewed_every_fee_is_capped_at_zero if check("france_is_not_reviewed_every_fee_is_capped_at_zero")

test_unreviewed_us_state_caps_fees_for_a_first_party if check("unreviewed_us_state_caps_fees_for_a_first_party")

test_german_collection_agency_is_not_reviewed_yet if check("german_collection_agency_is_not_reviewed_yet")

test_unknown_creditor_role_gets_the_baseline if check("unknown_creditor_role_gets_the_baseline")

test_reviewed_us_state_is_not_capped_by_the_baseline if check("reviewed_us_state_is_not_capped_by_the_baseline")
