# METADATA
# title: fairdun policy library
# description: >-
#   Helpers shared by every rule. Readers of the case that turn a missing field into null or an
#   empty object (never into "fine"), candidate views that count a missing flag as the stricter
#   value, jurisdiction keys, and the constructors of deny and obligation entries.
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

default creditor_role := null

creditor_role := input.case.creditor.role

default invoice := {}

invoice := input.case.invoice

default risk := {}

risk := input.case.risk

# ---------------------------------------------------------------------------------------------
# Candidate views, each computed once per evaluation. Rules iterate these filtered arrays rather
# than testing every candidate themselves: rego-cpp charges per iteration of a partial rule, so
# the common case (nothing to deny) stays cheap. The engine adapter refuses inputs whose
# candidates are not objects with unique string ids before evaluation.
# ---------------------------------------------------------------------------------------------

# Candidates that do something. Only the explicit no-op "none" does nothing; a missing or
# unknown kind acts.
acting := [c | some c in input.candidates; not c.kind == "none"]

# Candidates that reach the debtor. Only a candidate that says communication == false and has
# no channel is silent; a missing flag or any channel counts as communication.
communicating := [c | some c in input.candidates; not silent(c)]

silent(c) if {
	c.communication == false
	c.channel == null
}

# Candidates with a legal or similarly significant effect for the debtor.
significant := [c | some c in input.candidates; c.kind in data.parameters.oversight.significant_effect_kinds]

# ---------------------------------------------------------------------------------------------
# Places. `places` holds every key a rule may be written for: the full jurisdiction (US-NY),
# the country (US), the region ("EU" for EU/EEA states) and "*" (everywhere).
# ---------------------------------------------------------------------------------------------

in_eu_eea if country in data.parameters.regions.eu_eea

default region := null

region := "EU" if in_eu_eea

places := {p | some p in [jurisdiction, country, region, "*"]; is_string(p)}

# place_in(ps): the debtor's place is one of ps (jurisdiction codes, country codes, "EU", "*").
place_in(ps) if {
	some p in ps
	p in places
}

# The lookup order of a citation table: most specific place first, "*" last; at each place the
# key qualified by the creditor's role ("US/debt_collector") comes before the plain one ("US").
place_order := [p | some p in [jurisdiction, country, region, "*"]; is_string(p)]

citation_keys := [k | some p in place_order; some k in [concat("", [p, role_suffix]), p]]

# "/debt_collector"; a key that matches no table when the role is unknown.
default role_suffix := "/?"

role_suffix := concat("", ["/", creditor_role]) if is_string(creditor_role)

# cite(citations): the citation for the debtor's place (and creditor role) from a table
# {key: citation}. Every rule's table has a "*" entry (checked by the catalogue tests); should
# one be missing, the entry still exists with a visible placeholder, so a deny is never lost.
cite(citations) := citations[key] if {
	keys := [k | some k in citation_keys; is_string(citations[k])]
	key := keys[0]
} else := "citation missing for this jurisdiction"

# ---------------------------------------------------------------------------------------------
# Entry constructors. `candidate` is stripped by data.fairdun.decision when it groups entries.
# ---------------------------------------------------------------------------------------------

deny(rule_id, citations, c, message) := {
	"candidate": c.id,
	"rule": rule_id,
	"citation": cite(citations),
	"message": message,
}

obligation(rule_id, citations, c, kind, params) := {
	"candidate": c.id,
	"kind": kind,
	"rule": rule_id,
	"citation": cite(citations),
	"params": params,
}
