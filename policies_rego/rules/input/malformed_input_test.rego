package malformed_input_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.input.malformed_input as rule

citation := "fairdun principle: fail closed (policies_rego/README.md#input)"

cases := {
	"well_formed_case_passes": {
		"candidates": fx.all_candidates,
		"denied": set(),
	},
	"unknown_debtor_kind_denies_acting_candidates": {
		"set": {"/debtor/kind": "robot"},
		"candidates": [fx.email_reminder, fx.collection_handover, fx.no_action],
		"denied": {"c0", "c4"}, "citation": citation,
		"message": "case.debtor.kind is not a known debtor kind",
	},
	"unknown_creditor_role_denies_acting_candidates": {
		"remove": ["/creditor/role"],
		"candidates": [fx.letter_final_notice, fx.no_action],
		"denied": {"c3"}, "citation": citation,
		"message": "case.creditor.role is not a known creditor role",
	},
	"flags_that_are_not_an_object_deny_acting_candidates": {
		"set": {"/debtor/flags": ["deceased"]},
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": citation,
		"message": "case.debtor.flags is not an object",
	},
	"consents_that_are_not_an_object_deny_acting_candidates": {
		"set": {"/debtor/consents": "all"},
		"candidates": [fx.letter_final_notice],
		"denied": {"c3"}, "citation": citation,
		"message": "case.debtor.consents is not an object",
	},
	"missing_local_date_denies_acting_candidates": {
		"remove": ["/today"],
		"candidates": [fx.email_reminder, fx.no_action],
		"denied": {"c0"}, "citation": citation,
		"message": "case.today is not a date",
	},
	"controls_that_are_not_an_object_deny_acting_candidates": {
		"set": {"/controls": true},
		"candidates": [fx.credit_bureau_report],
		"denied": {"c5"}, "citation": citation,
		"message": "case.controls is not an object",
	},
	"history_that_is_not_a_list_denies_acting_candidates": {
		"set": {"/history/dunning": null},
		"candidates": [fx.credit_bureau_report],
		"denied": {"c5"}, "citation": citation,
		"message": "case.history.dunning or case.history.contacts is not a list",
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	fx.denials_match(denials, tc, rule.rule_id)
	every d in denials {
		d.message == tc.message
	}
}

test_well_formed_case_passes if check("well_formed_case_passes")

test_unknown_debtor_kind_denies_acting_candidates if check("unknown_debtor_kind_denies_acting_candidates")

test_unknown_creditor_role_denies_acting_candidates if check("unknown_creditor_role_denies_acting_candidates")

test_flags_that_are_not_an_object_deny_acting_candidates if check("flags_that_are_not_an_object_deny_acting_candidates")

test_consents_that_are_not_an_object_deny_acting_candidates if check("consents_that_are_not_an_object_deny_acting_candidates")

test_missing_local_date_denies_acting_candidates if check("missing_local_date_denies_acting_candidates")

test_controls_that_are_not_an_object_deny_acting_candidates if check("controls_that_are_not_an_object_deny_acting_candidates")

test_history_that_is_not_a_list_denies_acting_candidates if check("history_that_is_not_a_list_denies_acting_candidates")
