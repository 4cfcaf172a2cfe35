package insolvency_stop_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.stops.insolvency_stop as rule

principle := "fairdun principle: in dubio pro debitore (DESIGN.md)"

insolvent := {"/debtor/flags/insolvency": true}

cases := {
	"solvent_debtor_may_be_dunned": {
		"candidates": fx.all_candidates,
		"denied": set(),
	},
	"insolvent_debtor_in_germany_is_not_dunned_inso_87_89": {
		"set": insolvent,
		"candidates": [fx.email_reminder, fx.credit_bureau_report, fx.no_action],
		"denied": {"c0", "c5"}, "citation": "InsO §§ 87, 89",
	},
	"insolvent_debtor_in_the_us_is_protected_by_the_automatic_stay": {
		"set": object.union(fx.in_new_york, insolvent),
		"candidates": [fx.phone_reminder],
		"denied": {"c2"}, "citation": "11 U.S.C. § 362(a)(6)",
	},
	"insolvent_debtor_in_england_cites_insolvency_act_1986": {
		"set": object.union(fx.in_england, insolvent),
		"candidates": [fx.letter_final_notice],
		"denied": {"c3"}, "citation": "Insolvency Act 1986 s. 285(3), Sch. B1 para. 43",
	},
	"insolvent_debtor_in_france_cites_regulation_2015_848": {
		"set": object.union({"/debtor/country": "FR", "/debtor/jurisdiction": "FR"}, insolvent),
		"candidates": [fx.collection_handover],
		"denied": {"c4"}, "citation": "Regulation (EU) 2015/848 Art. 7(2)(f)",
	},
	"insolvent_debtor_in_denmark_cites_the_principle_not_regulation_2015_848": {
		"set": object.union({"/debtor/country": "DK", "/debtor/jurisdiction": "DK"}, insolvent),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": principle,
	},
	"unknown_insolvency_flag_stops_dunning": {
		"set": {"/debtor/flags/insolvency": "unknown"},
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": "InsO §§ 87, 89",
	},
	"insolvent_debtor_still_allows_doing_nothing": {
		"set": insolvent,
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

test_solvent_debtor_may_be_dunned if check("solvent_debtor_may_be_dunned")

test_insolvent_debtor_in_germany_is_not_dunned_inso_87_89 if check("insolvent_debtor_in_germany_is_not_dunned_inso_87_89")

test_insolvent_debtor_in_the_us_is_protected_by_the_automatic_stay if check("insolvent_debtor_in_the_us_is_protected_by_the_automatic_stay")

test_insolvent_debtor_in_england_cites_insolvency_act_1986 if check("insolvent_debtor_in_england_cites_insolvency_act_1986")

test_insolvent_debtor_in_france_cites_regulation_2015_848 if check("insolvent_debtor_in_france_cites_regulation_2015_848")

test_insolvent_debtor_in_denmark_cites_the_principle_not_regulation_2015_848 if check("insolvent_debtor_in_denmark_cites_the_principle_not_regulation_2015_848")

test_unknown_insolvency_flag_stops_dunning if check("unknown_insolvency_flag_stops_dunning")

test_insolvent_debtor_still_allows_doing_nothing if check("insolvent_debtor_still_allows_doing_nothing")
