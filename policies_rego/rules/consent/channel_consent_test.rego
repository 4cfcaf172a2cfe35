package channel_consent_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.rules.consent.channel_consent as rule

gdpr := "GDPR Art. 6(1)(a), Art. 7(3)"

policy := "fairdun channel-consent policy (policies_rego/README.md#consent)"

cases := {
	"email_with_consent_is_allowed": {
		"candidates": [fx.email_reminder],
		"denied": set(),
	},
	"email_after_consent_withdrawn_is_denied": {
		"set": {"/debtor/consents/email": false},
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": gdpr,
	},
	"sms_without_consent_is_denied": {
		"candidates": [fx.sms_reminder],
		"denied": {"c1"}, "citation": gdpr,
	},
	"sms_with_consent_is_allowed": {
		"set": {"/debtor/consents/sms": true},
		"candidates": [fx.sms_reminder],
		"denied": set(),
	},
	"phone_without_recorded_consent_is_denied": {
		"remove": ["/debtor/consents/phone"],
		"candidates": [fx.phone_reminder],
		"denied": {"c2"}, "citation": gdpr,
	},
	"consent_recorded_as_null_is_denied": {
		"set": {"/debtor/consents/email": null},
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": gdpr,
	},
	"no_consents_object_denies_every_electronic_channel": {
		"remove": ["/debtor/consents"],
		"candidates": [fx.email_reminder, fx.sms_reminder, fx.letter_final_notice],
		"denied": {"c0", "c1"}, "citation": gdpr,
	},
	"letter_needs_no_consent_gdpr_art_6_1_b": {
		"set": {"/debtor/consents/letter": false},
		"candidates": [fx.letter_final_notice],
		"denied": set(),
	},
	"us_text_without_consent_is_denied_tcpa": {
		"set": fx.in_new_york,
		"candidates": [fx.sms_reminder],
		"denied": {"c1"}, "citation": "47 U.S.C. § 227(b)(1)(A)(iii)",
	},
	"us_email_without_consent_is_denied_by_policy": {
		"set": object.union(fx.in_new_york, {"/debtor/consents/email": false}),
		"candidates": [fx.email_reminder],
		"denied": {"c0"}, "citation": policy,
	},
	"uk_call_without_consent_is_denied_uk_gdpr": {
		"set": fx.in_england,
		"candidates": [fx.phone_reminder],
		"denied": {"c2"}, "citation": "UK GDPR Art. 6(1)(a), Art. 7(3)",
	},
	"communication_without_channel_is_denied": {
		"candidates": [object.union(fx.email_reminder, {"channel": null})],
		"denied": {"c0"}, "citation": policy,
	},
	"unknown_channel_is_denied": {
		"candidates": [object.union(fx.email_reminder, {"channel": "fax"})],
		"denied": {"c0"}, "citation": policy,
	},
	"missing_communication_flag_counts_as_communication": {
		"candidates": [object.remove(fx.sms_reminder, ["communication"])],
		"denied": {"c1"}, "citation": gdpr,
	},
	"escalation_without_message_needs_no_consent": {
		"candidates": [fx.collection_handover, fx.credit_bureau_report],
		"denied": set(),
	},
	"doing_nothing_needs_no_consent": {
		"remove": ["/debtor/consents"],
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

test_email_with_consent_is_allowed if check("email_with_consent_is_allowed")

test_email_after_consent_withdrawn_is_denied if check("email_after_consent_withdrawn_is_denied")

test_sms_without_consent_is_denied if check("sms_without_consent_is_denied")

test_sms_with_consent_is_allowed if check("sms_with_consent_is_allowed")

test_phone_without_recorded_consent_is_denied if check("phone_without_recorded_consent_is_denied")

test_consent_recorded_as_null_is_denied if check("consent_recorded_as_null_is_denied")

test_no_consents_object_denies_every_electronic_channel if check("no_consents_object_denies_every_electronic_channel")

test_letter_needs_no_consent_gdpr_art_6_1_b if check("letter_needs_no_consent_gdpr_art_6_1_b")

test_us_text_without_consent_is_denied_tcpa if check("us_text_without_consent_is_denied_tcpa")

test_us_email_without_consent_is_denied_by_policy if check("us_email_without_consent_is_denied_by_policy")

test_uk_call_without_consent_is_denied_uk_gdpr if check("uk_call_without_consent_is_denied_uk_gdpr")

test_communication_without_channel_is_denied if check("communication_without_channel_is_denied")

test_unknown_channel_is_denied if check("unknown_channel_is_denied")

test_missing_communication_flag_counts_as_communication if check("missing_communication_flag_counts_as_communication")

test_escalation_without_message_needs_no_consent if check("escalation_without_message_needs_no_consent")

test_doing_nothing_needs_no_consent if check("doing_nothing_needs_no_consent")
