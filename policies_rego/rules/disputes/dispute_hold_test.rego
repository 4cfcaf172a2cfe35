package dispute_hold_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.disputes.dispute_hold as rule

de := "BDSG § 31(2) Satz 1 Nr. 4 lit. d; fairdun principle: in dubio pro debitore"

principle := "fairdun principle: in dubio pro debitore (DESIGN.md)"

acting := [fx.email_reminder, fx.letter_final_notice, fx.collection_handover, fx.credit_bureau_report, fx.no_action]

cases := {
	"undisputed_invoice_may_be_dunned": {
		"candidates": acting,
		"denied": set(),
	},
	"disputed_invoice_stops_reminders_fees_and_escalation_in_germany": {
		"set": {"/invoice/disputed": true},
		"candidates": acting,
		"denied": {"c0", "c3", "c4", "c5"}, "citation": de,
	},
	"disputed_invoice_with_us_debt_collector_cites_fdcpa_1692g_b": {
		"set": object.union(fx.in_new_york, {"/invoice/disputed": true, "/creditor/role": "debt_collector"}),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": "15 U.S.C. § 1692g(b)",
	},
	"disputed_invoice_with_us_first_party_creditor_cites_the_principle": {
		"set": object.union(fx.in_new_york, {"/invoice/disputed": true}),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": principle,
	},
	"disputed_invoice_in_france_cites_the_principle": {
		"set": {"/invoice/disputed": true, "/debtor/country": "FR", "/debtor/jurisdiction": "FR"},
		"candidates": [fx.letter_final_notice],
		"denied": {"c3"}, "citation": principle,
	},
	"unknown_dispute_status_holds": {
		"remove": ["/invoice/disputed"],
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": de,
	},
	"dispute_status_null_holds": {
		"set": {"/invoice/disputed": null},
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": de,
	},
	"disputed_invoice_still_allows_doing_nothing": {
		"set": {"/invoice/disputed": true},
		"candidates": [fx.no_action],
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

test_undisputed_invoice_may_be_dunned if check("undisputed_invoice_may_be_dunned")

test_disputed_invoice_stops_reminders_fees_and_escalation_in_germany if check("disputed_invoice_stops_reminders_fees_and_escalation_in_germany")

test_disputed_invoice_with_us_debt_collector_cites_fdcpa_1692g_b if check("disputed_invoice_with_us_debt_collector_cites_fdcpa_1692g_b")

test_disputed_invoice_with_us_first_party_creditor_cites_the_principle if check("disputed_invoice_with_us_first_party_creditor_cites_the_principle")

test_disputed_invoice_in_france_cites_the_principle if check("disputed_invoice_in_france_cites_the_principle")

test_unknown_dispute_status_holds if check("unknown_dispute_status_holds")

test_dispute_status_null_holds if check("dispute_status_null_holds")

test_disputed_invoice_still_allows_doing_nothing if check("disputed_invoice_still_allows_doing_nothing")
