# METADATA
# title: fairdun policy library
# description: >-
#   Helpers shared by every rule. Readers of the case that turn a missing field into null or an
#   empty object (never into "fine"), candidate views (lists of candidate objects) that count a
#   missing flag as the stricter value, places, citations and dates. Written for OPA's cost model
#   (policies_rego/README.md#speed): every value here is a rule, computed at most once per
#   evaluation; functions, which are evaluated on every call, are few and small.
package fairdun.lib

import rego.v1

# ---------------------------------------------------------------------------------------------
# The case, read defensively. Rules compare with `== true` / `== false` on these values, so a
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

default uk_nation := null

uk_nation := debtor.uk_nation

# The UK nation is one the catalogue knows (england_wales, scotland, northern_ireland); anything
# else (missing, null) is unknown, and rules then apply the reading most protective of the debtor.
known_uk_nation if uk_nation in data.parameters.contract.uk_nations

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

# The history's lists. Anything but an array there is malformed (rules.input.malformed_input) and
# counts as empty here, so no rule iterates over a non-collection: OPA would skip such a loop,
# rego-cpp stops with a type error, and the engines must give the same answer.
default dunning := []

dunning := input.case.history.dunning if is_array(input.case.history.dunning)

default contacts := []

contacts := input.case.history.contacts if is_array(input.case.history.contacts)

history_lists if not history_list_malformed

history_list_malformed if {
	some name in ["dunning", "contacts"]
	value := input.case.history[name]
	not is_array(value)
}

# ---------------------------------------------------------------------------------------------
# Candidates, as the objects of the input, in its order. The engine adapter refuses, before
# evaluation, candidates that are not objects with unique string ids or whose kind, channel,
# communication flag or fees are outside the contract.
# ---------------------------------------------------------------------------------------------

ids := [c.id | some c in input.candidates]

# Candidates that do something. Only the explicit no-op "none" does nothing.
acting := [c | some c in input.candidates; not c.kind == "none"]

# Candidates that reach the debtor: any candidate with a channel or that says it communicates.
communicating := [c | some c in input.candidates; id := c.id; not silent[id]]

silent := {c.id | some c in input.candidates; c.communication == false; c.channel == null}

# Candidates with a legal or similarly significant effect for the debtor.
significant := [c | some c in input.candidates; significant_kinds[c.kind]]

significant_kinds := {kind | some kind in data.parameters.oversight.significant_effect_kinds}

# Communication candidates that announce court action (a missing flag counts as announcing).
threatening := [c | some c in communicating; not c.legal_action_threat == false]

# Candidates that charge the debtor something, and each one's fees as {kind: amount in minor
# units} (the adapter refuses two fees of the same kind on one candidate).
charging := [c | some c in input.candidates; count(c.fees) > 0]

fee := {c.id: {f.kind: f.amount_minor | some f in c.fees} | some c in charging}

# The days after today on which each candidate would be sent (0, the strictest, when unknown).
days_ahead := {c.id: days |
	some c in input.candidates
	days := object.get(numeric_days_ahead, c.id, 0)
}

numeric_days_ahead := {c.id: days |
	some c in input.candidates
	days := c.send_at_local.days_ahead
	is_number(days)
}

# An event of the history's age in whole local days before today; one without a readable age
# counts as today (0), the strictest for every rule that looks back. (Values from the input are
# type-checked before they are compared: the engines order values of different types differently.)
age(event) := event.age_days if is_number(event.age_days)
else := 0

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

debt_collector if not known_role

known_role if creditor_role in data.parameters.contract.creditor_roles

# US federal debt-collection law (FDCPA, Regulation F) binds the creditor.
us_debt_collector if {
	in_us
	debt_collector
}

default region := null

region := "EU" if in_eu_eea

# The debtor's places: jurisdiction, country, region and "*".
places := {p | some p in [jurisdiction, country, region, "*"]; is_string(p)}

# place_in(ps): the debtor's place is one of ps (jurisdiction codes, country codes, "EU", "*").
place_in(ps) if {
	some p in ps
	places[p]
}

# ---------------------------------------------------------------------------------------------
# Citations. cite(table) picks the most specific entry of a table {key: citation}:
# <jurisdiction>/<role>, <jurisdiction>, <country>/<role>, <country>, EU/<role>, EU (EU/EEA),
# */<role>, *. Every rule's table has a "*" entry (checked by the catalogue tests); should one be
# missing, the entry still exists with a visible placeholder, so a deny is never lost. The keys
# are computed once per evaluation; a part that is unknown gives a key no table has ("?").
# ---------------------------------------------------------------------------------------------

default role_key := "?"

role_key := creditor_role if is_string(creditor_role)

default jurisdiction_key := "?"

jurisdiction_key := jurisdiction if is_string(jurisdiction)

default country_key := "?"

country_key := country if is_string(country)

default region_key := "?"

region_key := region if is_string(region)

cite_keys := [
	concat("/", [jurisdiction_key, role_key]), jurisdiction_key,
	concat("/", [country_key, role_key]), country_key,
	concat("/", [region_key, role_key]), region_key,
	concat("/", ["*", role_key]), "*",
]

cite(table) := object.get(table, cite_keys[0], object.get(table, cite_keys[1], object.get(
	table, cite_keys[2],
	object.get(table, cite_keys[3], object.get(table, cite_keys[4], object.get(table, cite_keys[5], object.get(
		table, cite_keys[6],
		object.get(table, cite_keys[7], "citation missing for this jurisdiction"),
	)))),
)))

# ---------------------------------------------------------------------------------------------
# Dates and clock times. Dates are "YYYY-MM-DD" (compare as strings); date_ns is midnight UTC of a
# date, so differences are whole days. Clock times are "HH:MM".
# ---------------------------------------------------------------------------------------------

day_ns := data.parameters.clock.ns_per_day

# A date of the input is a "YYYY-MM-DD" string or null (or missing). The pipeline writes only
# valid calendar dates, so a string here can be parsed; null and missing read as unknown.
date_ns(d) := time.parse_ns("2006-01-02", d) if is_date(d)

is_date(d) if is_string(d)

today_ns := date_ns(today)

# The same calendar day `years` later ("2024-02-29" + 1 year gives "2025-02-29", which sorts
# between the 28th of February and the 1st of March: right for comparing, never parsed).
plus_years(d, years) := sprintf("%d-%s-%s", [to_number(parts[0]) + years, parts[1], parts[2]]) if {
	parts := split(d, "-")
}

minutes(hhmm) := (to_number(parts[0]) * data.parameters.clock.minutes_per_hour) + to_number(parts[1]) if {
	parts := split(hhmm, ":")
}

# The smaller and the larger of two numbers. (rego-cpp's min, max and sort compare numbers as
# text: min([900, 1439]) is 1439; the portability scan refuses them.)
lesser(a, b) := a if a <= b

lesser(a, b) := b if b < a

greater(a, b) := a if a >= b

greater(a, b) := b if b > a

hhmm(m) := sprintf("%02d:%02d", [floor(m / per_hour), m % per_hour]) if {
	per_hour := data.parameters.clock.minutes_per_hour
}
