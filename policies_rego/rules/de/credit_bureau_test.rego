package credit_bureau_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.de.credit_bureau as rule

citation := "BDSG § 31(2) Satz 1 Nr. 4; GDPR Art. 6(1)(f)"

letter(date, age, notices) := {
	"at": concat("", [date, "T08:00:00Z"]), "date": date, "age_days": age,
	"kind": "reminder", "level": 1, "channel": "letter", "notices": notices,
}

# Due on 1 October. Two letters after the due date, the first 35 days ago, and a warning of the
# report with the third.
due := {"/invoice/due_on": "2026-10-01"}

ready := object.union(due, {"/history/dunning": [
	letter("2026-11-05", 17, []),
	letter("2026-10-18", 35, []),
	letter("2026-11-12", 10, ["credit_bureau_warning"]),
]})

cases := {
	"report_after_two_letters_four_weeks_and_a_warning_is_allowed": {
		"set": ready,
		"candidates": [fx.credit_bureau_report, fx.collection_handover],
		"denied": set(),
	},
	"report_after_one_email_reminder_is_denied": {
		"candidates": [fx.credit_bureau_report, fx.email_reminder],
		"denied": {"c5"}, "citation": citation,
		"messages": {
			"fewer than two written reminders after the due date (lit. a)",
			"less than four weeks since the first written reminder (lit. b)",
			"the debtor was not warned of the report, at the earliest with the first reminder (lit. c)",
		},
	},
	"report_too_soon_after_the_first_letter_is_denied": {
		"set": object.union(due, {"/history/dunning": [letter("2026-11-05", 17, ["credit_bureau_warning"]), letter("2026-11-01", 21, [])]}),
		"candidates": [fx.credit_bureau_report],
		"denied": {"c5"}, "citation": citation,
		"messages": {"less than four weeks since the first written reminder (lit. b)"},
	},
	"warning_before_the_first_reminder_does_not_count": {
		"set": object.union(due, {"/history/dunning": [
			letter("2026-09-28", 55, ["credit_bureau_warning"]), letter("2026-10-20", 33, []), letter("2026-11-05", 17, []),
		]}),
		"candidates": [fx.credit_bureau_report],
		"denied": {"c5"}, "citation": citation,
		"messages": {"the debtor was not warned of the report, at the earliest with the first reminder (lit. c)"},
	},
	"disputed_claim_is_not_reported": {
		"set": object.union(ready, {"/invoice/disputed": true}),
		"candidates": [fx.credit_bureau_report],
		"denied": {"c5"}, "citation": citation,
		"messages": {"the claim is disputed or its status unknown (lit. d)"},
	},
	"outside_germany_the_conditions_do_not_apply": {
		"set": fx.in_france,
		"candidates": [fx.credit_bureau_report],
		"denied": set(),
	},
}

check(name) if {
	tc := cases[name]
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	denials := rule.deny with input.case as the_case with input.candidates as candidates
	fx.denials_match(denials, tc, rule.rule_id)
	{d.message | some d in denials} == object.get(tc, "messages", set())
}

test_report_after_two_letters_four_weeks_and_a_warning_is_allowed if check("report_after_two_letters_four_weeks_and_a_warning_is_allowed")

test_report_after_one_email_reminder_is_denied if check("report_after_one_email_reminder_is_denied")

test_report_too_soon_after_the_first_letter_is_denied if check("report_too_soon_after_the_first_letter_is_denied")

test_warning_before_the_first_reminder_does_not_count if check("warning_before_the_first_reminder_does_not_count")

test_disputed_claim_is_not_reported if check("disputed_claim_is_not_reported")

test_outside_germany_the_conditions_do_not_apply if check("outside_germany_the_conditions_do_not_apply")
