package dispute_hold_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.disputes.dispute_hold as rule

bdsg := "BDSG § 31(2) Satz 1 Nr. 4 lit. d"

fdcpa := "15 U.S.C. § 1692g(b)"

principle := "fairdun principle: in dubio pro debitore (DESIGN.md)"

acting := [fx.email_reminder, fx.letter_final_notice, fx.collection_handover, fx.credit_bureau_report, fx.no_action]

# "denied": {candidate id: the citation of its denial}
cases := {
	"undisputed_invoice_may_be_dunned": {
		"candidates": acting,
		"denied": {},
	},
	"disputed_invoice_in_germany_holds_reminders_on_the_principle_and_the_report_on_bdsg_31": {
		"set": {"/invoice/disputed": true},
		"candidates": acting,
		"denied": {"c0": principle, "c3": principle, "c4": principle, "c5": bdsg},
	},
	"disputed_invoice_in_germany_never_cites_bdsg_31_for_a_reminder": {
		"set": {"/invoice/disputed": true},
		"candidates": [fx.email_reminder],
		"denied": {"c0": principle},
	},
	"disputed_invoice_with_a_german_debt_collector_cites_bdsg_31_on_the_report_only": {
		"set": {"/invoice/disputed": true, "/creditor/role": "debt_collector"},
		"candidates": [fx.letter_final_notice, fx.credit_bureau_report],
		"denied": {"c3": principle, "c5": bdsg},
	},
	"disputed_invoice_with_us_debt_collector_cites_fdcpa_1692g_b": {
		"set": object.union(fx.in_new_york, {"/invoice/disputed": true, "/creditor/role": "debt_collector"}),
		"candidates": [fx.email_reminder, fx.credit_bureau_report],
		"denied": {"c0": fdcpa, "c5": fdcpa},
	},
	"disputed_invoice_with_us_first_party_creditor_cites_the_principle": {
		"set": object.union(fx.in_new_york, {"/invoice/disputed": true}),
		"candidates": [fx.email_reminder, fx.credit_bureau_report],
		"denied": {"c0": principle, "c5": principle},
	},
	"disputed_invoice_in_france_cites_the_principle": {
		"set": {"/invoice/disputed": true, "/debtor/country": "FR", "/debtor/jurisdiction": "FR"},
		"candidates": [fx.letter_final_notice, fx.credit_bureau_report],
		"denied": {"c3": principle, "c5": principle},
	},
	"unknown_dispute_status_holds": {
		"remove": ["/invoice/disputed"],
		"candidates": [fx.email_reminder, fx.credit_bureau_report],
		"denied": {"c0": principle, "c5": bdsg},
	},
	"dispute_status_null_holds": {
		"set": {"/invoice/disputed": null},
		"candidates": [fx.email_reminder],
		"denied": {"c0": principle},
	},
	"candidate_without_a_kind_is_held_on_the_principle": {
		"set": {"/invoice/disputed": true},
		"candidates": [object.remove(fx.email_reminder, ["kind"])],
		"denied": {"c0": principle},
	},
	"disputed_invoice_still_allows_doing_nothing": {
		"set": {"/invoice/disputed": true},
		"candidates": [fx.no_action],
		"denied": {},
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	{[d.candidate, d.citation] | some d in denials} == {[id, tc.denied[id]] | some id in object.keys(tc.denied)}
	every d in denials {
		d.rule == rule.rule_id
		is_string(d.message)
		d.message != ""
	}
}

test_undisputed_invoice_may_be_dunned if check("undisputed_invoice_may_be_dunned")

test_disputed_invoice_in_germany_holds_reminders_on_the_principle_and_the_report_on_bdsg_31 if check("disputed_invoice_in_germany_holds_reminders_on_the_principle_and_the_report_on_bdsg_31")

test_disputed_invoice_in_germany_never_cites_bdsg_31_for_a_reminder if check("disputed_invoice_in_germany_never_cites_bdsg_31_for_a_reminder")

test_disputed_invoice_with_a_german_debt_collector_cites_bdsg_31_on_the_report_only if check("disputed_invoice_with_a_german_debt_collector_cites_bdsg_31_on_the_report_only")

test_disputed_invoice_with_us_debt_collector_cites_fdcpa_1692g_b if check("disputed_invoice_with_us_debt_collector_cites_fdcpa_1692g_b")

test_disputed_invoice_with_us_first_party_creditor_cites_the_principle if check("disputed_invoice_with_us_first_party_creditor_cites_the_principle")

test_disputed_invoice_in_france_cites_the_principle if check("disputed_invoice_in_france_cites_the_principle")

test_unknown_dispute_status_holds if check("unknown_dispute_status_holds")

test_dispute_status_null_holds if check("dispute_status_null_holds")

test_candidate_without_a_kind_is_held_on_the_principle if check("candidate_without_a_kind_is_held_on_the_principle")

test_disputed_invoice_still_allows_doing_nothing if check("disputed_invoice_still_allows_doing_nothing")
