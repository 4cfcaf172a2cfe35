package objection_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.gdpr.objection as rule

gdpr := "GDPR Art. 21(1)"

objected := {"/debtor/objected_to_profiling": true}

without_profiling(c) := fx.with_field(c, "profiling", false)

cases := {
	"debtor_who_did_not_object_may_be_profiled": {
		"candidates": fx.all_candidates,
		"denied": set(),
	},
	"objection_denies_profiled_candidates_and_every_disclosure": {
		"set": objected,
		"candidates": [fx.email_reminder, without_profiling(fx.letter_final_notice), without_profiling(fx.collection_handover), fx.no_action],
		"denied": {"c0", "c4"}, "citation": gdpr,
	},
	"documented_compelling_grounds_allow_the_handover_without_profiling": {
		"set": object.union(objected, {"/debtor/compelling_grounds_documented": true}),
		"candidates": [without_profiling(fx.collection_handover), without_profiling(fx.credit_bureau_report)],
		"denied": set(),
	},
	"grounds_do_not_make_profiling_lawful_again": {
		"set": object.union(objected, {"/debtor/compelling_grounds_documented": true}),
		"candidates": [fx.credit_bureau_report],
		"denied": {"c5"}, "citation": gdpr,
	},
	"unknown_objection_counts_as_made": {
		"remove": ["/debtor/objected_to_profiling"],
		"candidates": [fx.sms_reminder],
		"denied": {"c1"}, "citation": gdpr,
	},
	"uk_debtor_cites_the_uk_gdpr": {
		"set": object.union(fx.in_england, objected),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": "UK GDPR Art. 21(1)",
	},
	"us_debtor_is_outside_the_gdpr": {
		"set": object.union(fx.in_new_york, objected),
		"candidates": [fx.email_reminder, fx.collection_handover],
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

test_debtor_who_did_not_object_may_be_profiled if check("debtor_who_did_not_object_may_be_profiled")

test_objection_denies_profiled_candidates_and_every_disclosure if check("objection_denies_profiled_candidates_and_every_disclosure")

test_documented_compelling_grounds_allow_the_handover_without_profiling if check("documented_compelling_grounds_allow_the_handover_without_profiling")

test_grounds_do_not_make_profiling_lawful_again if check("grounds_do_not_make_profiling_lawful_again")

test_unknown_objection_counts_as_made if check("unknown_objection_counts_as_made")

test_uk_debtor_cites_the_uk_gdpr if check("uk_debtor_cites_the_uk_gdpr")

test_us_debtor_is_outside_the_gdpr if check("us_debtor_is_outside_the_gdpr")
