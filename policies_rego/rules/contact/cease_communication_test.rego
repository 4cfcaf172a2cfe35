package cease_communication_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.contact.cease_communication as rule

principle := "fairdun principle: a request to stop communicating is honoured"

messages := [fx.email_reminder, fx.letter_final_notice, fx.collection_handover, fx.no_action]

cases := {
	"debtor_who_did_not_object_may_be_written_to": {
		"candidates": messages,
		"denied": set(),
	},
	"request_to_stop_denies_every_message_but_not_silent_actions": {
		"set": {"/debtor/flags/cease_communication": true},
		"candidates": messages,
		"denied": {"c0", "c3"}, "citation": principle,
	},
	"unknown_request_denies_messages": {
		"remove": ["/debtor/flags/cease_communication"],
		"candidates": [fx.sms_reminder],
		"denied": {"c1"}, "citation": principle,
	},
	"us_debt_collector_is_left_to_regulation_f": {
		"set": object.union(object.union(fx.in_new_york, fx.debt_collector), {"/debtor/flags/cease_communication": true}),
		"candidates": messages,
		"denied": set(),
	},
	"us_first_party_creditor_honours_the_request_by_policy": {
		"set": object.union(fx.in_new_york, {"/debtor/flags/cease_communication": true}),
		"candidates": [fx.letter_final_notice],
		"denied": {"c3"}, "citation": principle,
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	fx.denials_match(denials, tc, rule.rule_id)
}

test_debtor_who_did_not_object_may_be_written_to if check("debtor_who_did_not_object_may_be_written_to")

test_request_to_stop_denies_every_message_but_not_silent_actions if check("request_to_stop_denies_every_message_but_not_silent_actions")

test_unknown_request_denies_messages if check("unknown_request_denies_messages")

test_us_debt_collector_is_left_to_regulation_f if check("us_debt_collector_is_left_to_regulation_f")

test_us_first_party_creditor_honours_the_request_by_policy if check("us_first_party_creditor_honours_the_request_by_policy")
