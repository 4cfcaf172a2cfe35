# METADATA
# title: Regulation F validation notice
# description: >-
#   A debt collector must give the consumer the validation information by sending a validation
#   notice (in the manner of 12 CFR 1006.42) in the initial communication or within five days of
#   it, or orally in the initial communication (12 CFR 1006.34(a)(1); 15 U.S.C. 1692g(a)). Until
#   a notice was sent (invoice.validation_notice_sent_on, from the request, an event
#   validation_notice_sent or a message that carried it): every letter and e-mail
#   (data.parameters.us_regf_validation.carrying_channels) must carry the notice
#   validation_notice, and texts and calls are denied, since fairdun cannot make them carry it
#   (stricter than (a)(1)(ii), which lets an initial call carry it orally). When the first
#   communication in the history (a message, or a call that connected or may have) lies more than
#   five days before the candidate's send day without a notice, or its day is unknown, the
#   deadline has passed: every
#   communication is denied until a person has sent the notice and reported it. Business
#   debtors are outside the FDCPA.
# related_resources:
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.34
#     description: 12 CFR 1006.34(a)(1)
# custom:
#   id: US-REGF-1006.34-a
#   jurisdiction: US (debt collectors)
#   citation: "15 U.S.C. § 1692g(a); 12 CFR 1006.34(a)(1)"
#   severity: high
package rules.us.validation_notice

import rego.v1

import data.fairdun.lib

rule_id := "US-REGF-1006.34-a"

citations := {"*": "15 U.S.C. § 1692g(a); 12 CFR 1006.34(a)(1)"}

params := data.parameters.us_regf_validation

applies if {
	lib.us_debt_collector
	not lib.debtor_kind == "business"
	not sent
}

sent if lib.is_date(lib.invoice.validation_notice_sent_on)

obligations contains {"candidate": c.id, "kind": "notice", "rule": rule_id, "citation": citation, "params": {"notice": params.notice}} if {
	applies
	some c in lib.communicating
	c.channel in params.carrying_channels
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.communicating
	id := c.id
	not carrying[id]
	message := not_carrying_message(c)
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.communicating
	late[c.id]
	message := "the validation notice was due within five days of the first communication and was not sent: a person must send it and report it (event validation_notice_sent) before collection continues"
}

citation := lib.cite(citations)

not_carrying_message(c) := sprintf("no validation notice was sent yet, and a message by %v cannot carry it", [c.channel]) if {
	is_string(c.channel)
} else := "no validation notice was sent yet, and a message on an unknown channel cannot carry it"

late contains c.id if {
	some c in lib.communicating
	first_age + lib.days_ahead[c.id] > params.deadline_days
}

late contains c.id if {
	undated
	some c in lib.communicating
}

carrying := {c.id | some c in lib.communicating; c.channel in params.carrying_channels}

# How many days before today the first communication was: the oldest message, or call that
# connected or may have (undefined when there was none). A communication without a readable age
# makes the deadline unknown, which counts as passed (fail closed).
conversations := [e | some e in lib.contacts; not e.connected == false]

communications := array.concat(lib.dunning, conversations)

communication_ages := [a | some e in communications; a := e.age_days; is_number(a)]

undated if count(communication_ages) < count(communications)

first_age := m if {
	some m in communication_ages
	every x in communication_ages {
		x <= m
	}
}
