package one_per_day_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.contact.one_per_day as rule

principle := "fairdun principle: at most one communication per debt and day"

called_this_morning := {"/history/contacts/0/age_days": 0, "/history/contacts/0/date": "2026-11-22"}

tomorrow := object.union(fx.local_10am, {"date": "2026-11-23", "days_ahead": 1})

cases := {
	"nothing_sent_today_allows_a_message": {
		"candidates": [fx.email_reminder, fx.letter_final_notice],
		"denied": set(),
	},
	"call_attempt_this_morning_denies_another_message_today": {
		"set": called_this_morning,
		"candidates": [fx.email_reminder, fx.letter_final_notice, fx.collection_handover],
		"denied": {"c0", "c3"}, "citation": principle,
	},
	"message_planned_for_tomorrow_is_allowed": {
		"set": called_this_morning,
		"candidates": [fx.with_field(fx.email_reminder, "send_at_local", tomorrow)],
		"denied": set(),
	},
	"reminder_sent_today_counts_too": {
		"set": {"/history/dunning/0/age_days": 0, "/history/dunning/0/date": "2026-11-22"},
		"candidates": [fx.sms_reminder],
		"denied": {"c1"}, "citation": principle,
	},
	"event_without_its_age_counts_as_today": {
		"remove": ["/history/contacts/0/age_days"],
		"candidates": [fx.phone_reminder],
		"denied": {"c2"}, "citation": principle,
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	fx.denials_match(denials, tc, rule.rule_id)
}

test_nothing_sent_today_allows_a_message if check("nothing_sent_today_allows_a_message")

test_call_attempt_this_morning_denies_another_message_today if check("call_attempt_this_morning_denies_another_message_today")

test_message_planned_for_tomorrow_is_allowed if check("message_planned_for_tomorrow_is_allowed")

test_reminder_sent_today_counts_too if check("reminder_sent_today_counts_too")

test_event_without_its_age_counts_as_today if check("event_without_its_age_counts_as_today")
