package default_interest_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.de.default_interest as rule

interest_cap(id, amount) := {
	"candidate": id, "kind": "fee_cap", "rule": "DE-BGB-288", "citation": "BGB §§ 288(1), (2), 247, 187(1)",
	"params": {"amount_minor": amount, "currency": "EUR", "fee_kind": "default_interest"},
}

# Due 31 Dec 2025, e-mail reminder on 5 Jan 2026 (received the 6th: default), decided on 1 March
# 2026: interest from 7 January (BGB 187(1) by analogy), 53 days at 1.27 % + 5 points on EUR 120.00
# = EUR 1.09 (EUR 1.11 if the day of receipt counted).
winter := {
	"/today": "2026-03-01",
	"/invoice/due_on": "2025-12-31",
	"/history/dunning/0/date": "2026-01-05",
	"/history/dunning/0/age_days": 55,
}

# Due 28 April 2026, e-mail reminder on 29 April (received the 30th), interest from 1 May.
spring := {
	"/invoice/due_on": "2026-04-28",
	"/history/dunning/0/date": "2026-04-29",
}

cases := {
	"consumer_owes_base_rate_plus_5_points_from_the_day_after_receipt": {
		"set": winter,
		"candidates": [fx.final_notice_with_threat, fx.email_reminder],
		"expected": {interest_cap("c7", 109)},
	},
	"business_owes_base_rate_plus_9_points": {
		"set": object.union(winter, fx.business),
		"candidates": [fx.final_notice_with_threat],
		# 53 days at 1.27 % + 9 points on EUR 120.00 = EUR 1.78
		"expected": {interest_cap("c7", 178)},
	},
	"interest_follows_each_base_rate_from_its_effective_date": {
		# reminder received 20 June 2025, interest from the 21st: 10 days at 2.27 % and 10 days at
		# 1.27 % (+ 9 points, business) on EUR 120.00 = EUR 0.70
		"set": object.union(fx.business, {
			"/today": "2025-07-11", "/invoice/due_on": "2025-06-01",
			"/history/dunning/0/date": "2025-06-19", "/history/dunning/0/age_days": 22,
		}),
		"candidates": [fx.final_notice_with_threat],
		"expected": {interest_cap("c7", 70)},
	},
	"agreed_due_date_starts_interest_the_day_after_it": {
		# due 31 Dec 2025 by the calendar (BGB 286(2) Nr. 1): 59 days from 1 January = EUR 1.21
		"set": {
			"/today": "2026-03-01", "/invoice/due_on": "2025-12-31",
			"/invoice/due_date_agreed": true, "/history/dunning": [],
		},
		"candidates": [fx.final_notice_with_threat],
		"expected": {interest_cap("c7", 121)},
	},
	"one_day_of_interest_two_days_after_receipt": {
		# sent 26 Feb, received 27 Feb, interest for 28 Feb only: EUR 120.00 x 6.27 % / 365 = EUR 0.02
		"set": object.union(winter, {"/history/dunning/0/date": "2026-02-26", "/history/dunning/0/age_days": 3}),
		"candidates": [fx.final_notice_with_threat],
		"expected": {interest_cap("c7", 2)},
	},
	"reminder_received_today_earns_no_interest_yet": {
		# in default since today, interest from tomorrow: nothing yet, and never a negative cap
		"set": object.union(winter, {"/history/dunning/0/date": "2026-02-28", "/history/dunning/0/age_days": 1}),
		"candidates": [fx.final_notice_with_threat],
		"expected": {interest_cap("c7", 0)},
	},
	"negative_base_rate_counts_in_its_period": {
		# reminder received 2 Nov 2022, interest from the 3rd: 59 days at -0.88 % and 30 days at
		# 1.62 % (+ 5 points) on EUR 120.00 = EUR 1.45
		"set": {
			"/today": "2023-01-31", "/invoice/due_on": "2022-10-31",
			"/history/dunning/0/date": "2022-11-01", "/history/dunning/0/age_days": 91,
		},
		"candidates": [fx.final_notice_with_threat],
		"expected": {interest_cap("c7", 145)},
	},
	"table_reaching_yesterday_claims_interest": {
		# decided 1 July 2026: interest for 1 May to 30 June, 61 days at 1.27 % + 5 points = EUR 1.25
		"set": object.union(spring, {"/today": "2026-07-01", "/history/dunning/0/age_days": 63}),
		"candidates": [fx.final_notice_with_threat],
		"expected": {interest_cap("c7", 125)},
	},
	"a_missing_base_rate_period_claims_no_interest_at_all": {
		# decided 2 July 2026: 1 July has no rate in the table, so not even May and June are claimed
		"set": object.union(spring, {"/today": "2026-07-02", "/history/dunning/0/age_days": 64}),
		"candidates": [fx.final_notice_with_threat],
		"expected": {interest_cap("c7", 0)},
	},
	"days_without_a_published_base_rate_earn_nothing": {
		"candidates": [fx.final_notice_with_threat],
		"expected": {interest_cap("c7", 0)},
	},
	"interest_before_the_first_base_rate_period_claims_nothing": {
		"set": {
			"/today": "2016-08-01", "/invoice/due_on": "2016-05-31",
			"/history/dunning/0/date": "2016-06-10", "/history/dunning/0/age_days": 52,
		},
		"candidates": [fx.final_notice_with_threat],
		"expected": {interest_cap("c7", 0)},
	},
	"debtor_not_in_default_owes_no_interest": {
		"set": {"/today": "2026-03-01", "/invoice/due_on": "2025-12-31", "/history/dunning": []},
		"candidates": [fx.final_notice_with_threat],
		"expected": {interest_cap("c7", 0)},
	},
	"interest_within_the_cap_is_left_alone": {
		"set": winter,
		"candidates": [fx.with_field(fx.final_notice_with_threat, "fees", [
			{"kind": "default_interest", "amount_minor": 109, "currency": "EUR"},
		])],
		"expected": set(),
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

test_consumer_owes_base_rate_plus_5_points_from_the_day_after_receipt if check("consumer_owes_base_rate_plus_5_points_from_the_day_after_receipt")

test_business_owes_base_rate_plus_9_points if check("business_owes_base_rate_plus_9_points")

test_interest_follows_each_base_rate_from_its_effective_date if check("interest_follows_each_base_rate_from_its_effective_date")

test_agreed_due_date_starts_interest_the_day_after_it if check("agreed_due_date_starts_interest_the_day_after_it")

test_one_day_of_interest_two_days_after_receipt if check("one_day_of_interest_two_days_after_receipt")

test_reminder_received_today_earns_no_interest_yet if check("reminder_received_today_earns_no_interest_yet")

test_negative_base_rate_counts_in_its_period if check("negative_base_rate_counts_in_its_period")

test_table_reaching_yesterday_claims_interest if check("table_reaching_yesterday_claims_interest")

test_a_missing_base_rate_period_claims_no_interest_at_all if check("a_missing_base_rate_period_claims_no_interest_at_all")

test_days_without_a_published_base_rate_earn_nothing if check("days_without_a_published_base_rate_earn_nothing")

test_interest_before_the_first_base_rate_period_claims_nothing if check("interest_before_the_first_base_rate_period_claims_nothing")

test_debtor_not_in_default_owes_no_interest if check("debtor_not_in_default_owes_no_interest")

test_interest_within_the_cap_is_left_alone if check("interest_within_the_cap_is_left_alone")

test_french_interest_is_not_capped_by_german_law if check("french_interest_is_not_capped_by_german_law")
