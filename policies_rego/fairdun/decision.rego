# METADATA
# title: fairdun policy gate
# description: >-
#   The single entrypoint data.fairdun.decision. Every rule package rules.<area>.<rule>
#   contributes entries to its `deny` and `obligations`; the generated registry lists them all and
#   this module groups their entries per candidate. A rule is added by dropping a file under
#   rules/ and regenerating the registry; nothing here changes.
#
#   Fail closed: the registry lists every rule module's outputs in array literals, so one module
#   that is missing, or whose output is undefined, makes the list undefined; the lists are bound
#   in the body below, so the decision is then undefined too (the engine adapter holds the case),
#   never "allowed, no denials". An error in a module is an error of the whole evaluation.
package fairdun

import rego.v1

import data.fairdun.registry

decision := {"candidates": verdicts} if {
	deny_sets := registry.deny
	obligation_sets := registry.obligations
	denials := [e | some entries in deny_sets; some e in entries]
	obligations := [e | some entries in obligation_sets; some e in entries]
	verdicts := {c.id: verdict |
		some c in input.candidates
		# entries pass as the rules wrote them (less their candidate): the engine adapter refuses
		# an entry with a missing or malformed field, where picking fields here would drop it
		deny := [entry | some e in denials; e.candidate == c.id; entry := object.remove(e, ["candidate"])]
		obliged := [entry | some e in obligations; e.candidate == c.id; entry := object.remove(e, ["candidate"])]
		verdict := {"allow": count(deny) == 0, "deny": deny, "obligations": obliged}
	}
}
