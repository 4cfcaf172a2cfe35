package min_amount_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.escalation.min_amount as rule

gdpr := "GDPR Art. 5(1)(c), 6(1)(f); fairdun principle of proportionality"

escalations := [fx.collection_handover, fx.credit_bureau_report, fx.email_reminder]

cases := {
	"claim_of_120_euros_may_be_escalated": {
		"candidates": escalations,
		"denied": set(),
	},
	"claim_at_the_minimum_may_be_escalated": {
		"set": {"/invoice/open_amount_minor": data.parameters.escalation.min_open_amount_minor.EUR},
		"candidates": escalations,
		"denied": set(),
	},
	"small_claim_is_not_escalated_but_still_reminded": {
		"set": {"/invoice/open_amount_minor": 4999},
		"candidates": escalations,
		"denied": {"c4", "c5"}, "citation": gdpr,
	},
	"currency_without_a_minimum_is_not_escalated": {
		"set": {"/invoice/currency": "XAU"},
		"candidates": [fx.credit_bureau_report],
		"denied": {"c5"}, "citation": gdpr,
	},
	"small_claim_in_new_york_cites_the_principle": {
		"set": object.union(fx.in_new_york, {"/invoice/open_amount_minor": 2000}),
		"candidates": [fx.collection_handover],
		"denied": {"c4"}, "citation": "fairdun principle of proportionality",
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	fx.denials_match(denials, tc, rule.rule_id)
}

test_claim_of_120_euros_may_be_escalated if check("claim_of_120_euros_may_be_escalated")

test_claim_at_the_minimum_may_be_escalated if check("claim_at_the_minimum_may_be_escalated")

test_small_claim_is_not_escalated_but_still_reminded if check("small_claim_is_not_escalated_but_still_reminded")

test_currency_without_a_minimum_is_not_escalated if check("currency_without_a_minimum_is_not_escalated")

test_small_claim_in_new_york_cites_the_principle if check("small_claim_in_new_york_cites_the_principle")
