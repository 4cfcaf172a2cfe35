package special_category_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.gdpr.special_category as rule

review := {
	"kind": "human_review",
	"rule": "EU-GDPR-22-4",
	"citation": "GDPR Art. 9(1), 22(4)",
	"params": {"reason": "special_category_data"},
}

cases := {
	"debtor_without_the_flag_is_decided_automatically": object.union(review, {
		"candidates": [fx.email_reminder, fx.collection_handover],
		"obliged": set(),
	}),
	"vulnerable_debtor_is_decided_by_a_person": object.union(review, {
		"set": {"/debtor/flags/vulnerable": true},
		"candidates": [fx.email_reminder, fx.collection_handover, fx.no_action],
		"obliged": {"c0", "c4"},
	}),
	"unknown_vulnerability_counts_as_vulnerable": object.union(review, {
		"remove": ["/debtor/flags/vulnerable"],
		"candidates": [fx.letter_final_notice],
		"obliged": {"c3"},
	}),
	"uk_debtor_cites_uk_gdpr_22b": object.union(review, {
		"set": object.union(fx.in_england, {"/debtor/flags/vulnerable": true}),
		"candidates": [fx.email_reminder],
		"obliged": {"c0"},
		"citation": "UK GDPR Art. 22B",
	}),
	"us_debtor_is_outside_the_gdpr": object.union(review, {
		"set": object.union(fx.in_new_york, {"/debtor/flags/vulnerable": true}),
		"candidates": [fx.email_reminder],
		"obliged": set(),
	}),
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	obligations := rule.obligations with input.case as the_case with input.candidates as candidates
	fx.obligations_match(obligations, tc)
}

test_debtor_without_the_flag_is_decided_automatically if check("debtor_without_the_flag_is_decided_automatically")

test_vulnerable_debtor_is_decided_by_a_person if check("vulnerable_debtor_is_decided_by_a_person")

test_unknown_vulnerability_counts_as_vulnerable if check("unknown_vulnerability_counts_as_vulnerable")

test_uk_debtor_cites_uk_gdpr_22b if check("uk_debtor_cites_uk_gdpr_22b")

test_us_debtor_is_outside_the_gdpr if check("us_debtor_is_outside_the_gdpr")
