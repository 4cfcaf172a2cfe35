package new_york_substantiation_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.us_states.new_york_substantiation as rule

citation := "23 NYCRR 1.4(b)"

collector := object.union(fx.in_new_york, fx.debt_collector)

requested(on, provided) := object.union(collector, {
	"/invoice/substantiation_requested_on": on,
	"/invoice/substantiation_provided_on": provided,
})

every_kind := [fx.email_reminder, fx.letter_final_notice, fx.collection_handover, fx.credit_bureau_report, fx.no_action]

cases := {
	"no_request_allows_collection": {
		"set": collector,
		"candidates": every_kind,
		"denied": set(),
	},
	"pending_request_stops_every_action": {
		"set": requested("2026-11-10", null),
		"candidates": every_kind,
		"denied": {"c0", "c3", "c4", "c5"}, "citation": citation,
	},
	"request_past_sixty_days_still_stops_collection": {
		"set": requested("2026-09-01", null),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": citation,
	},
	"substantiation_provided_resumes_collection": {
		"set": requested("2026-11-10", "2026-11-20"),
		"candidates": every_kind,
		"denied": set(),
	},
	"substantiation_provided_on_the_day_of_the_request_counts": {
		"set": requested("2026-11-10", "2026-11-10"),
		"candidates": [fx.email_reminder],
		"denied": set(),
	},
	"substantiation_dated_before_the_request_does_not_answer_it": {
		"set": requested("2026-11-10", "2026-11-01"),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": citation,
	},
	"missing_request_field_counts_as_a_request": {
		"set": collector,
		"remove": ["/invoice/substantiation_requested_on"],
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": citation,
	},
	"unreadable_request_holds": {
		"set": requested(20261110, null),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": citation,
	},
	"unknown_creditor_role_counts_as_a_collector": {
		"set": object.union(requested("2026-11-10", null), {"/creditor/role": "agency"}),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": citation,
	},
	"original_creditor_is_outside_part_1": {
		"set": object.union(fx.in_new_york, {"/invoice/substantiation_requested_on": "2026-11-10"}),
		"candidates": [fx.email_reminder],
		"denied": set(),
	},
	"business_debt_is_outside_part_1": {
		"set": object.union(requested("2026-11-10", null), fx.business),
		"candidates": [fx.email_reminder],
		"denied": set(),
	},
	"collector_outside_new_york_is_not_bound": {
		"set": object.union(object.union(fx.in_california, fx.debt_collector), {"/invoice/substantiation_requested_on": "2026-11-10"}),
		"candidates": [fx.email_reminder],
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

test_no_request_allows_collection if check("no_request_allows_collection")

test_pending_request_stops_every_action if check("pending_request_stops_every_action")

test_request_past_sixty_days_still_stops_collection if check("request_past_sixty_days_still_stops_collection")

test_substantiation_provided_resumes_collection if check("substantiation_provided_resumes_collection")

test_substantiation_provided_on_the_day_of_the_request_counts if check("substantiation_provided_on_the_day_of_the_request_counts")

test_substantiation_dated_before_the_request_does_not_answer_it if check("substantiation_dated_before_the_request_does_not_answer_it")

test_missing_request_field_counts_as_a_request if check("missing_request_field_counts_as_a_request")

test_unreadable_request_holds if check("unreadable_request_holds")

test_unknown_creditor_role_counts_as_a_collector if check("unknown_creditor_role_counts_as_a_collector")

test_original_creditor_is_outside_part_1 if check("original_creditor_is_outside_part_1")

test_business_debt_is_outside_part_1 if check("business_debt_is_outside_part_1")

test_collector_outside_new_york_is_not_bound if check("collector_outside_new_york_is_not_bound")
