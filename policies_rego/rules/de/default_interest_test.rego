package default_interest_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.de.default_interest as rule

interest_cap(id, amount) := {
	"candidate": id, "kind": "fee_cap", "rule": "DE-BGB-288", "citation": "BGB §§ 288(1), (2), 247",
	"params": {"amount_minor": amount, "currency": "EUR", "fee_kind": "default_interest"},
}

# Due 31 Dec 2025, e-mail reminder on 5 Jan 2026 (received the 6th), decided on 1 March 2026:
# 54 days of default at 1.27 % + 5 points on EUR 120.00 = EUR 1.11.
winter := {
	"/today": "2026-03-01",
	"/invoice/due_on": "2025-12-31",
	"/history/dunning/0/date": "2026-01-05",
	"/history/dunning/0/age_days": 55,
}

cases := {
	"consumer_owes_base_rate_plus_5_points": {
		"set": winter,
		"candidates": [fx.final_notice_with_threat, fx.email_reminder],
		"expected": {interest_cap("c7", 111)},
	},
	"business_owes_base_rate_plus_9_points": {
		"set": object.union(winter, fx.business),
		"candidates": [fx.final_notice_with_threat],
		# 54 days at 1.27 % + 9 points on EUR 120.00 = EUR 1.82
		"expected": {interest_cap("c7", 182)},
	},
	"interest_follows_each_base_rate_from_its_effective_date": {
		# default from 20 June 2025; 11 days at 2.27 % and 10 days at 1.27 % (+ 9 points, business)
		"set": object.union(fx.business, {
			"/today": "2025-07-11", "/invoice/due_on": "2025-06-01",
			"/history/dunning/0/date": "2025-06-19", "/history/dunning/0/age_days": 22,
		}),
		"candidates": [fx.final_notice_with_threat],
		"expected": {interest_cap("c7", 74)},
	},
	"days_without_a_published_base_rate_earn_nothing": {
		"candidates": [fx.final_notice_with_threat],
		"expected": {interest_cap("c7", 0)},
	},
	"debtor_not_in_default_owes_no_interest": {
		"set": {"/today": "2026-03-01", "/invoice/due_on": "2025-12-31", "/history/dunning": []},
		"candidates": [fx.final_notice_with_threat],
		"expected": {interest_cap("c7", 0)},
	},
	"french_interest_is_not_capped_by_german_law": {
		"set": object.union(winter, fx.in_france),
		"candidates": [fx.final_notice_with_threat],
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

test_consumer_owes_base_rate_plus_5_points if check("consumer_owes_base_rate_plus_5_points")

test_business_owes_base_rate_plus_9_points if check("business_owes_base_rate_plus_9_points")

test_interest_follows_each_base_rate_from_its_effective_date if check("interest_follows_each_base_rate_from_its_effective_date")

test_days_without_a_published_base_rate_earn_nothing if check("days_without_a_published_base_rate_earn_nothing")

test_debtor_not_in_default_owes_no_interest if check("debtor_not_in_default_owes_no_interest")

test_french_interest_is_not_capped_by_german_law if check("french_interest_is_not_capped_by_german_law")
