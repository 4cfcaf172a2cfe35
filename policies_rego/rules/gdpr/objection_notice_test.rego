package objection_notice_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.gdpr.objection_notice as rule

notice := {
	"kind": "notice",
	"rule": "EU-GDPR-21-4",
	"citation": "GDPR Art. 21(4)",
	"params": {"notice": "gdpr_art21_objection_right"},
}

cases := {
	"later_reminders_need_no_notice": object.union(notice, {
		"candidates": [fx.email_reminder, fx.letter_final_notice],
		"obliged": set(),
	}),
	"first_reminder_carries_the_objection_notice": object.union(notice, {
		"set": {"/history/dunning": []},
		"candidates": [fx.email_reminder, fx.letter_final_notice, fx.collection_handover, fx.no_action],
		"obliged": {"c0", "c3"},
	}),
	"missing_history_counts_as_first_contact": object.union(notice, {
		"remove": ["/history"],
		"candidates": [fx.sms_reminder],
		"obliged": {"c1"},
	}),
	"us_debtor_is_outside_the_gdpr": object.union(notice, {
		"set": object.union(fx.in_new_york, {"/history/dunning": []}),
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

test_later_reminders_need_no_notice if check("later_reminders_need_no_notice")

test_first_reminder_carries_the_objection_notice if check("first_reminder_carries_the_objection_notice")

test_missing_history_counts_as_first_contact if check("missing_history_counts_as_first_contact")

test_us_debtor_is_outside_the_gdpr if check("us_debtor_is_outside_the_gdpr")
