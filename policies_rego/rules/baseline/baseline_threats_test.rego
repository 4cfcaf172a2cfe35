package baseline_threats_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.baseline.baseline_threats as rule

citation := "fairdun principle: conservative baseline outside the reviewed scope (no threat of court action)"

plain := fx.with_field(fx.final_notice_with_threat, "legal_action_threat", false)

cases := {
	"reviewed_place_may_announce_court_action_where_its_rules_allow": {
		"candidates": [fx.final_notice_with_threat],
		"denied": set(),
	},
	"unreviewed_place_may_not_announce_court_action": {
		"set": fx.in_france,
		"candidates": [fx.final_notice_with_threat, fx.with_field(plain, "id", "c8"), fx.collection_handover],
		"denied": {"c7"}, "citation": citation,
	},
	"message_without_the_flag_counts_as_threatening": {
		"set": fx.in_france,
		"candidates": [object.remove(fx.email_reminder, ["legal_action_threat"])],
		"denied": {"c0"}, "citation": citation,
	},
	"unreviewed_us_state_binds_debt_collectors_too": {
		"set": object.union({"/debtor/country": "US", "/debtor/jurisdiction": "US-OH", "/invoice/currency": "USD"}, fx.debt_collector),
		"candidates": [fx.final_notice_with_threat],
		"denied": {"c7"}, "citation": citation,
	},
	"missing_jurisdiction_gets_the_baseline": {
		"remove": ["/debtor/jurisdiction", "/debtor/country"],
		"candidates": [fx.final_notice_with_threat],
		"denied": {"c7"}, "citation": citation,
	},
	"subdivision_of_a_country_reviewed_as_a_whole_is_reviewed": {
		"set": {"/debtor/country": "GB", "/debtor/jurisdiction": "GB-SCT", "/invoice/currency": "GBP"},
		"candidates": [fx.final_notice_with_threat],
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

test_reviewed_place_may_announce_court_action_where_its_rules_allow if check("reviewed_place_may_announce_court_action_where_its_rules_allow")

test_unreviewed_place_may_not_announce_court_action if check("unreviewed_place_may_not_announce_court_action")

test_message_without_the_flag_counts_as_threatening if check("message_without_the_flag_counts_as_threatening")

test_unreviewed_us_state_binds_debt_collectors_too if check("unreviewed_us_state_binds_debt_collectors_too")

test_missing_jurisdiction_gets_the_baseline if check("missing_jurisdiction_gets_the_baseline")

test_subdivision_of_a_country_reviewed_as_a_whole_is_reviewed if check("subdivision_of_a_country_reviewed_as_a_whole_is_reviewed")

message_for(changes) := messages if {
	the_case := fx.case_for(changes)
	candidates := [fx.final_notice_with_threat]
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	messages := {d.message | some d in denials}
}

test_the_message_names_the_place_and_role if {
	message_for({"set": fx.in_france}) == {"no reviewed rule set for FR as first_party: conservative baseline, no threat of court action"}
}

test_the_message_names_an_unknown_place_and_role_in_words if {
	message_for({"remove": ["/debtor/jurisdiction", "/creditor/role"]}) == {"no reviewed rule set for an unknown place as an unknown creditor role: conservative baseline, no threat of court action"}
}
