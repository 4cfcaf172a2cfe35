package restriction_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.gdpr.restriction as rule

gdpr := "GDPR Art. 18(1)(a), (2)"

cases := {
	"unrestricted_processing_allows_escalation": {
		"candidates": [fx.collection_handover, fx.credit_bureau_report],
		"denied": set(),
	},
	"restriction_blocks_escalation_but_not_reminders": {
		"set": {"/debtor/processing_restricted": true},
		"candidates": [fx.email_reminder, fx.collection_handover, fx.credit_bureau_report, fx.no_action],
		"denied": {"c4", "c5"}, "citation": gdpr,
	},
	"unknown_restriction_counts_as_restricted": {
		"remove": ["/debtor/processing_restricted"],
		"candidates": [fx.credit_bureau_report],
		"denied": {"c5"}, "citation": gdpr,
	},
	"uk_debtor_cites_the_uk_gdpr": {
		"set": object.union(fx.in_england, {"/debtor/processing_restricted": true}),
		"candidates": [fx.collection_handover],
		"denied": {"c4"}, "citation": "UK GDPR Art. 18(1)(a), (2)",
	},
	"us_debtor_is_outside_the_gdpr": {
		"set": object.union(fx.in_new_york, {"/debtor/processing_restricted": true}),
		"candidates": [fx.collection_handover],
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

test_unrestricted_processing_allows_escalation if check("unrestricted_processing_allows_escalation")

test_restriction_blocks_escalation_but_not_reminders if check("restriction_blocks_escalation_but_not_reminders")

test_unknown_restriction_counts_as_restricted if check("unknown_restriction_counts_as_restricted")

test_uk_debtor_cites_the_uk_gdpr if check("uk_debtor_cites_the_uk_gdpr")

test_us_debtor_is_outside_the_gdpr if check("us_debtor_is_outside_the_gdpr")
