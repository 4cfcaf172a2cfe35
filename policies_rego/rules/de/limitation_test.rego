package limitation_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.de.limitation as rule

citation := "BGB §§ 195, 199(1), 212(1) Nr. 1, 214(1)"

threatening := fx.final_notice_with_threat

plain := fx.with_field(fx.final_notice_with_threat, "legal_action_threat", false)

cases := {
	"recent_claim_may_be_enforced": {
		"candidates": [threatening],
		"denied": set(),
	},
	"claim_due_in_2022_is_time_barred_since_the_end_of_2025": {
		"set": {"/invoice/due_on": "2022-10-31"},
		"candidates": [threatening, fx.with_field(plain, "id", "c8")],
		"denied": {"c7"}, "citation": citation,
	},
	"claim_due_in_2023_can_be_enforced_until_the_end_of_2026": {
		"set": {"/invoice/due_on": "2023-01-15"},
		"candidates": [threatening],
		"denied": set(),
	},
	"part_payment_starts_a_new_period": {
		"set": {"/invoice/due_on": "2022-10-31", "/invoice/last_payment_on": "2024-03-01"},
		"candidates": [threatening],
		"denied": set(),
	},
	"unknown_due_date_counts_as_time_barred": {
		"set": {"/invoice/due_on": null},
		"candidates": [threatening],
		"denied": {"c7"}, "citation": citation,
	},
	"message_without_the_flag_counts_as_threatening": {
		"set": {"/invoice/due_on": "2022-10-31"},
		"candidates": [object.remove(fx.email_reminder, ["legal_action_threat"])],
		"denied": {"c0"}, "citation": citation,
	},
	"outside_germany_the_bgb_does_not_apply": {
		"set": object.union(fx.in_france, {"/invoice/due_on": "2020-01-31"}),
		"candidates": [threatening],
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

test_recent_claim_may_be_enforced if check("recent_claim_may_be_enforced")

test_claim_due_in_2022_is_time_barred_since_the_end_of_2025 if check("claim_due_in_2022_is_time_barred_since_the_end_of_2025")

test_claim_due_in_2023_can_be_enforced_until_the_end_of_2026 if check("claim_due_in_2023_can_be_enforced_until_the_end_of_2026")

test_part_payment_starts_a_new_period if check("part_payment_starts_a_new_period")

test_unknown_due_date_counts_as_time_barred if check("unknown_due_date_counts_as_time_barred")

test_message_without_the_flag_counts_as_threatening if check("message_without_the_flag_counts_as_threatening")

test_outside_germany_the_bgb_does_not_apply if check("outside_germany_the_bgb_does_not_apply")
