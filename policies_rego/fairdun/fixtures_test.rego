# METADATA
# title: Test fixtures
# description: >-
#   The base case of the Rego tests (a German consumer, one undisputed invoice 22 days overdue)
#   and one candidate of each kind. A test case changes the base case with JSON pointers
#   ("set": {"/debtor/country": "US"}, "remove": ["/debtor/flags/deceased"]) rather than with
#   object.union, which merges nested objects in OPA but not in rego-cpp.
#
#   regopy 1.5.2 caveats for test authors: never write `with input as X` (it aborts the process;
#   the test runner refuses such modules), and bind a `with` value to a local variable first,
#   because `with input.case as some_rule` is silently ignored.
package fairdun.fixtures_test

import rego.v1

case := {
	"today": "2026-11-22",
	"controls": {"global_stop": false},
	"creditor": {"role": "first_party"},
	"debtor": {
		"kind": "consumer",
		"jurisdiction": "DE",
		"country": "DE",
		"subdivision": null,
		"timezone": "Europe/Berlin",
		"language": "de",
		"consents": {"email": true, "sms": false, "phone": false, "letter": true},
		"opted_out_channels": [],
		"flags": {
			"vulnerable": false,
			"insolvency": false,
			"deceased": false,
			"breathing_space_until": null,
			"mental_health_crisis_moratorium": false,
			"cease_communication": false,
			"no_work_contact": false,
			"financial_difficulty": false,
		},
		"objected_to_profiling": false,
		"compelling_grounds_documented": false,
		"processing_restricted": false,
	},
	"invoice": {
		"currency": "EUR",
		"amount_minor": 12000,
		"open_amount_minor": 12000,
		"issued_on": "2026-10-01",
		"due_on": "2026-10-31",
		"days_past_due": 22,
		"disputed": false,
		"promise_to_pay_on": null,
		"last_payment_on": null,
		"due_date_agreed": false,
		"default_notice_in_invoice": false,
		"human_review_completed": false,
		"escalation_paused": false,
		"substantiation_requested_on": null,
		"substantiation_provided_on": null,
	},
	"history": {
		"dunning": [{
			"at": "2026-11-08T09:00:00Z", "date": "2026-11-08", "age_days": 14,
			"kind": "reminder", "level": 1, "channel": "email", "notices": [],
		}],
		"contacts": [{
			"at": "2026-11-20T15:00:00Z", "date": "2026-11-20", "age_days": 2,
			"channel": "phone", "connected": false,
		}],
	},
	"risk": {"profiling": true, "p_late": 0.42, "band": "medium", "interval_bands": ["medium"], "out_of_range": []},
}

# Places used by several tests.
in_new_york := {"/debtor/country": "US", "/debtor/jurisdiction": "US-NY", "/debtor/subdivision": "NY", "/invoice/currency": "USD"}

in_england := {"/debtor/country": "GB", "/debtor/jurisdiction": "GB", "/invoice/currency": "GBP"}

# The base case with the test's changes applied; undefined (so the test fails) if a pointer
# does not resolve.
case_for(tc) := json.patch(case, ops) if {
	# (rego-cpp does not parse `some k, v in obj` inside a comprehension)
	changes := object.get(tc, "set", {})
	sets := [{"op": "add", "path": path, "value": changes[path]} | some path in object.keys(changes)]
	removes := [{"op": "remove", "path": path} | some path in object.get(tc, "remove", [])]
	ops := array.concat(sets, removes)
}

# A send at 10:00 today in the debtor's own (and only) zone.
local_10am := {"date": "2026-11-22", "days_ahead": 0, "zones": [{"timezone": "Europe/Berlin", "hour": 10, "minute": 0}]}

email_reminder := {
	"id": "c0", "kind": "reminder", "level": 2, "channel": "email", "tone": "neutral",
	"communication": true, "profiling": true, "legal_action_threat": false, "notices": [],
	"send_at": "2026-11-22T09:00:00Z",
	"send_at_local": local_10am, "fees": [{"kind": "dunning_fee", "amount_minor": 250, "currency": "EUR"}],
}

sms_reminder := {
	"id": "c1", "kind": "reminder", "level": 2, "channel": "sms", "tone": "neutral",
	"communication": true, "profiling": true, "legal_action_threat": false, "notices": [],
	"send_at": "2026-11-22T09:00:00Z",
	"send_at_local": local_10am, "fees": [],
}

phone_reminder := {
	"id": "c2", "kind": "reminder", "level": 2, "channel": "phone", "tone": "neutral",
	"communication": true, "profiling": true, "legal_action_threat": false, "notices": [],
	"send_at": "2026-11-22T09:00:00Z",
	"send_at_local": local_10am, "fees": [],
}

letter_final_notice := {
	"id": "c3", "kind": "final_notice", "level": 3, "channel": "letter", "tone": "firm",
	"communication": true, "profiling": true, "legal_action_threat": false, "notices": [],
	"send_at": "2026-11-22T09:00:00Z",
	"send_at_local": local_10am, "fees": [],
}

collection_handover := {
	"id": "c4", "kind": "collection_handover", "level": null, "channel": null, "tone": null,
	"communication": false, "profiling": true, "legal_action_threat": false, "notices": [],
	"send_at": null, "send_at_local": null, "fees": [],
}

credit_bureau_report := {
	"id": "c5", "kind": "credit_bureau_report", "level": null, "channel": null, "tone": null,
	"communication": false, "profiling": true, "legal_action_threat": false, "notices": [],
	"send_at": null, "send_at_local": null, "fees": [],
}

no_action := {
	"id": "c6", "kind": "none", "level": null, "channel": null, "tone": null,
	"communication": false, "profiling": false, "legal_action_threat": false, "notices": [],
	"send_at": null, "send_at_local": null, "fees": [],
}

# A German final notice that announces court action and carries default interest.
final_notice_with_threat := {
	"id": "c7", "kind": "final_notice", "level": 3, "channel": "letter", "tone": "firm",
	"communication": true, "profiling": true, "legal_action_threat": true, "notices": ["credit_bureau_warning"],
	"send_at": "2026-11-22T09:00:00Z", "send_at_local": local_10am,
	"fees": [
		{"kind": "dunning_fee", "amount_minor": 250, "currency": "EUR"},
		{"kind": "default_interest", "amount_minor": 900, "currency": "EUR"},
	],
}

all_candidates := [
	email_reminder, sms_reminder, phone_reminder, letter_final_notice,
	collection_handover, credit_bureau_report, no_action,
]

# Places and other changes used by several tests.
in_california := {"/debtor/country": "US", "/debtor/jurisdiction": "US-CA", "/debtor/subdivision": "CA", "/invoice/currency": "USD"}

in_massachusetts := {"/debtor/country": "US", "/debtor/jurisdiction": "US-MA", "/debtor/subdivision": "MA", "/invoice/currency": "USD"}

in_washington := {"/debtor/country": "US", "/debtor/jurisdiction": "US-WA", "/debtor/subdivision": "WA", "/invoice/currency": "USD"}

in_france := {"/debtor/country": "FR", "/debtor/jurisdiction": "FR"}

debt_collector := {"/creditor/role": "debt_collector"}

business := {"/debtor/kind": "business"}

# The candidate with one field changed (object.union merges the top level, which is all this needs).
with_field(c, key, value) := object.union(c, {key: value})

# ---- checks shared by the rule tests ------------------------------------------------------------

# The entries of one rule are exactly the expected ones (for rules whose entries differ in their
# parameters): each expected entry is {candidate, kind, rule, citation, params}.
entries_match(entries, tc) if {
	{e | some e in entries} == {e | some e in tc.expected}
}

# The deny entries of one rule are exactly those the case expects: the denied candidate ids,
# each entry with the rule's id, the expected citation and a message.
denials_match(denials, tc, rule_id) if {
	{d.candidate | some d in denials} == tc.denied
	every d in denials {
		d.rule == rule_id
		d.citation == tc.citation
		is_string(d.message)
		d.message != ""
	}
}

# The obligations of one rule are exactly those the case expects: the obliged candidate ids,
# each entry of the expected kind, rule, citation and parameters.
obligations_match(obligations, tc) if {
	{o.candidate | some o in obligations} == tc.obliged
	every o in obligations {
		o.kind == tc.kind
		o.rule == tc.rule
		o.citation == tc.citation
		o.params == tc.params
	}
}
