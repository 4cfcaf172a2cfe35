package malformed_input_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.input.malformed_input as rule

citation := "fairdun principle: fail closed (policies_rego/README.md#input)"

cases := {
	"well_formed_candidates_pass": {
		"candidates": fx.all_candidates,
		"denied": set(),
	},
	"unknown_candidate_kind_is_denied": {
		"candidates": [object.union(fx.email_reminder, {"kind": "lawsuit"})],
		"denied": {"c0"}, "citation": citation,
		"message": "candidate.kind is not a known kind",
	},
	"missing_candidate_kind_is_denied": {
		"candidates": [object.remove(fx.email_reminder, ["kind"])],
		"denied": {"c0"}, "citation": citation,
		"message": "candidate.kind is not a known kind",
	},
	"communication_flag_that_is_not_boolean_is_denied": {
		"candidates": [object.union(fx.email_reminder, {"communication": "yes"})],
		"denied": {"c0"}, "citation": citation,
		"message": "candidate.communication is not a boolean",
	},
	"unknown_channel_is_denied": {
		"candidates": [object.union(fx.email_reminder, {"channel": "carrier_pigeon"})],
		"denied": {"c0"}, "citation": citation,
		"message": "candidate.channel is not a known channel",
	},
	"negative_fee_is_denied": {
		"candidates": [object.union(fx.email_reminder, {"fees": [{"kind": "dunning_fee", "amount_minor": -250, "currency": "EUR"}]})],
		"denied": {"c0"}, "citation": citation,
		"message": "candidate.fees are malformed or not in the invoice currency",
	},
	"fractional_fee_is_denied": {
		"candidates": [object.union(fx.email_reminder, {"fees": [{"kind": "dunning_fee", "amount_minor": 2.5, "currency": "EUR"}]})],
		"denied": {"c0"}, "citation": citation,
		"message": "candidate.fees are malformed or not in the invoice currency",
	},
	"fee_in_another_currency_is_denied": {
		"candidates": [object.union(fx.email_reminder, {"fees": [{"kind": "dunning_fee", "amount_minor": 250, "currency": "USD"}]})],
		"denied": {"c0"}, "citation": citation,
		"message": "candidate.fees are malformed or not in the invoice currency",
	},
	"missing_fees_are_denied": {
		"candidates": [object.remove(fx.letter_final_notice, ["fees"])],
		"denied": {"c3"}, "citation": citation,
		"message": "candidate.fees are malformed or not in the invoice currency",
	},
	"doing_nothing_through_a_channel_is_denied": {
		"candidates": [object.union(fx.no_action, {"channel": "email"})],
		"denied": {"c6"}, "citation": citation,
		"message": "a \"none\" candidate communicates or charges fees",
	},
	"doing_nothing_with_a_fee_is_denied": {
		"candidates": [object.union(fx.no_action, {"fees": [{"kind": "dunning_fee", "amount_minor": 250, "currency": "EUR"}]})],
		"denied": {"c6"}, "citation": citation,
		"message": "a \"none\" candidate communicates or charges fees",
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

test_well_formed_candidates_pass if check("well_formed_candidates_pass")

test_unknown_candidate_kind_is_denied if check("unknown_candidate_kind_is_denied")

test_missing_candidate_kind_is_denied if check("missing_candidate_kind_is_denied")

test_communication_flag_that_is_not_boolean_is_denied if check("communication_flag_that_is_not_boolean_is_denied")

test_unknown_channel_is_denied if check("unknown_channel_is_denied")

test_negative_fee_is_denied if check("negative_fee_is_denied")

test_fractional_fee_is_denied if check("fractional_fee_is_denied")

test_fee_in_another_currency_is_denied if check("fee_in_another_currency_is_denied")

test_missing_fees_are_denied if check("missing_fees_are_denied")

test_doing_nothing_through_a_channel_is_denied if check("doing_nothing_through_a_channel_is_denied")

test_doing_nothing_with_a_fee_is_denied if check("doing_nothing_with_a_fee_is_denied")

test_unknown_debtor_kind_denies_acting_candidates if check("unknown_debtor_kind_denies_acting_candidates")

test_unknown_creditor_role_denies_acting_candidates if check("unknown_creditor_role_denies_acting_candidates")

test_flags_that_are_not_an_object_deny_acting_candidates if check("flags_that_are_not_an_object_deny_acting_candidates")
