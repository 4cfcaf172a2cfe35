# METADATA
# title: fairdun policy library
# description: >-
#   Helpers shared by every rule. Readers of the case that turn a missing field into null or an
#   empty object (never into "fine"), candidate views (lists of candidate ids) that count a
#   missing flag as the stricter value, places, and the constructors of deny and obligation
#   entries. Written for rego-cpp's cost model: every value here is computed at most once per
#   evaluation, and rules iterate candidate ids (cheap) rather than candidate objects (about
#   15 microseconds per element in a rule body).
package fairdun.lib

import rego.v1

# ---------------------------------------------------------------------------------------------
# The case, read defensively. Rules compare with `== false` / `== true` on these values, so a
# missing or mistyped field never reads as the permissive answer.
# ---------------------------------------------------------------------------------------------

default debtor := {}

debtor := input.case.debtor

default flags := {}

flags := debtor.flags

default consents := {}

consents := debtor.consents

default country := null

country := debtor.country

default jurisdiction := null

jurisdiction := debtor.jurisdiction

default debtor_kind := null

debtor_kind := debtor.kind

default creditor_role := null

creditor_role := input.case.creditor.role

default invoice := {}

invoice := input.case.invoice

default risk := {}

risk := input.case.risk

default controls := {}

controls := input.case.controls

# The local date at the debtor ("YYYY-MM-DD"); ISO dates compare correctly as strings.
default today := null

today := input.case.today

default dunning := []

dunning := input.case.history.dunning

default contacts := []

contacts := input.case.history.contacts

# ---------------------------------------------------------------------------------------------
# Candidates. `ids` keeps the input order; `candidate[id]` is the candidate object. The views are
# lists of ids, each computed once per evaluation and only when a rule asks for it. The engine
# adapter refuses, before evaluation, candidates that are not objects with unique string ids or
# whose kind, channel, communication flag or fees are outside the contract.
# ---------------------------------------------------------------------------------------------

ids := [c.id | some c in input.candidates]

candidate := {c.id: c | some c in input.candidates}

# Fields rules test for every candidate, as maps of scalars: looking up a scalar is cheap, while
# rego-cpp copies the whole candidate object on `candidate[id]`.
channel := {c.id: object.get(c, "channel", null) | some c in input.candidates}

kind := {c.id: object.get(c, "kind", null) | some c in input.candidates}

# Candidates that do something. Only the explicit no-op "none" does nothing.
acting := [c.id | some c in input.candidates; not c.kind == "none"]

# Candidates that reach the debtor: any candidate with a channel or that says it communicates.
communicating := [c.id | some c in input.candidates; not silent(c)]

silent(c) if {
	c.communication == false
	c.channel == null
}

# Candidates with a legal or similarly significant effect for the debtor.
significant := [c.id | some c in input.candidates; c.kind in data.parameters.oversight.significant_effect_kinds]

# Communication candidates that announce court action (a missing flag counts as announcing).
threatening := [c.id | some c in input.candidates; not silent(c); not c.legal_action_threat == false]

# Candidates that charge the debtor something.
charging := [c.id | some c in input.candidates; count(c.fees) > 0]

# ---------------------------------------------------------------------------------------------
# Places. A rule written for a place tests one of these (cached) booleans first.
# ---------------------------------------------------------------------------------------------

in_eu_eea if country in data.parameters.regions.eu_eea

# Where the GDPR (EU/EEA) or the UK GDPR (GB) applies.
in_gdpr if in_eu_eea

in_gdpr if country == "GB"

in_de if country == "DE"

in_gb if country == "GB"

in_us if country == "US"

# The creditor is (or may be) a debt collector: an unknown role counts as one (fail closed).
debt_collector if creditor_role == "debt_collector"

debt_collector if not creditor_role in data.parameters.contract.creditor_roles

# US federal debt-collection law (FDCPA, Regulation F) binds the creditor.
us_debt_collector if {
	in_us
	debt_collector
}

default region := null

region := "EU" if in_eu_eea

places := {p | some p in [jurisdiction, country, region, "*"]; is_string(p)}

# place_in(ps): the debtor's place is one of ps (jurisdiction codes, country codes, "EU", "*").
place_in(ps) if {
	some p in ps
	p in places
}

# ---------------------------------------------------------------------------------------------
# Citations. cite(table) picks the most specific entry of a table {key: citation}:
# <jurisdiction>/<role>, <jurisdiction>, <country>/<role>, <country>, EU/<role>, EU (EU/EEA),
# */<role>, *. Every rule's table has a "*" entry (checked by the catalogue tests); should one be
# missing, the entry still exists with a visible placeholder, so a deny is never lost.
# ---------------------------------------------------------------------------------------------

# Keys that match no table when a part is unknown.
default key_jurisdiction_role := "?"

key_jurisdiction_role := concat("/", [jurisdiction, creditor_role]) if {
	is_string(jurisdiction)
	is_string(creditor_role)
}

default key_country_role := "?"

key_country_role := concat("/", [country, creditor_role]) if {
	is_string(country)
	is_string(creditor_role)
}

default key_region_role := "?"

key_region_role := concat("/", [region, creditor_role]) if {
	is_string(region)
	is_string(creditor_role)
}

default key_any_role := "?"

key_any_role := concat("/", ["*", creditor_role]) if is_string(creditor_role)

cite(table) := v if {
	count(table) == 1
	v := table["*"]
	is_string(v)
}

cite(table) := v if {
	not count(table) == 1
	v := object.get(table, key_jurisdiction_role, object.get(table, jurisdiction, object.get(
		table, key_country_role,
		object.get(table, country, object.get(table, key_region_role, object.get(table, region, object.get(
			table, key_any_role,
			object.get(table, "*", "citation missing for this jurisdiction"),
		)))),
	)))
}

cite(table) := "citation missing for this jurisdiction" if {
	count(table) == 1
	not is_string(table["*"])
}

# ---------------------------------------------------------------------------------------------
# Entry constructors. `candidate` is stripped by data.fairdun.decision when it groups entries.
# ---------------------------------------------------------------------------------------------

deny(rule_id, citations, id, message) := {
	"candidate": id,
	"rule": rule_id,
	"citation": cite(citations),
	"message": message,
}

obligation(rule_id, citations, id, kind, params) := {
	"candidate": id,
	"kind": kind,
	"rule": rule_id,
	"citation": cite(citations),
	"params": params,
}

# A fee cap on one kind of fee of a candidate, in the invoice currency.
fee_cap(rule_id, citations, id, fee_kind, amount_minor) := obligation(rule_id, citations, id, "fee_cap", {
	"amount_minor": amount_minor,
	"currency": invoice.currency,
	"fee_kind": fee_kind,
})

# Each candidate's fees as {kind: amount in minor units} (the adapter refuses two fees of the same
# kind on one candidate). A map, not a function: rego-cpp 1.5.2 evaluates a comprehension inside a
# function wrongly when it depends on the function's arguments (see policies_rego/README.md).
fee := {c.id: {f.kind: f.amount_minor | some f in c.fees} | some c in input.candidates}

# The kinds of fee each candidate charges.
fee_kinds := {id: object.keys(fee[id]) | some id in object.keys(fee)}

# A fee of the kind above the amount on the candidate. Rules oblige a cap only where it binds:
# every obligation is an entry of the output, and rego-cpp charges for each.
fee_above(id, kind, amount) if fee[id][kind] > amount

# ---------------------------------------------------------------------------------------------
# History. `age_days` is how many whole local days before today an event happened; a
# candidate's send_at_local.days_ahead how many days after today it would be sent.
# ---------------------------------------------------------------------------------------------

# The days after today on which a candidate would be sent (0, the strictest, when unknown).
days_ahead(id) := object.get(candidate[id], ["send_at_local", "days_ahead"], 0)

# Number of whole days between a past event and a candidate's send day.
days_before_send(event, id) := event.age_days + days_ahead(id)

# ---------------------------------------------------------------------------------------------
# Dates and clock times. Dates are "YYYY-MM-DD" (compare as strings); date_ns is midnight UTC of a
# date, so differences are whole days. Clock times are "HH:MM".
# ---------------------------------------------------------------------------------------------

day_ns := data.parameters.clock.ns_per_day

# A date of the input is a "YYYY-MM-DD" string or null (or missing). The engine adapter refuses,
# before evaluation, a date string that is not a valid calendar date, so a string here can be
# parsed; null and missing read as unknown. (A regex check here would cost 70 microseconds a call.)
date_ns(d) := time.parse_ns("2006-01-02", d) if is_date(d)

is_date(d) if is_string(d)

# Whole days from date a to date b (negative when b is earlier).
days_between(a, b) := (date_ns(b) - date_ns(a)) / day_ns

# The same calendar day `years` later ("2024-02-29" + 1 year gives "2025-02-29", which sorts
# between the 28th of February and the 1st of March: right for comparing, never parsed).
plus_years(d, years) := sprintf("%d-%s-%s", [to_number(parts[0]) + years, parts[1], parts[2]]) if {
	parts := split(d, "-")
}

minutes(hhmm) := (to_number(parts[0]) * data.parameters.clock.minutes_per_hour) + to_number(parts[1]) if {
	parts := split(hhmm, ":")
}

# The smaller and the larger of two numbers. (rego-cpp 1.5.2's min, max and sort compare numbers
# as text: min([900, 1439]) is 1439. Runtime modules must not call them; a test checks.)
lesser(a, b) := a if a <= b

lesser(a, b) := b if b < a

greater(a, b) := a if a >= b

greater(a, b) := b if b > a

hhmm(m) := sprintf("%02d:%02d", [floor(m / per_hour), m % per_hour]) if {
	per_hour := data.parameters.clock.minutes_per_hour
}
