# METADATA
# title: fairdun policy gate
# description: >-
#   The single entrypoint data.fairdun.decision. Every rule package rules.<area>.<rule>
#   contributes entries to its `deny` and `obligations`; the generated registry lists them and
#   this module groups their entries per candidate. A rule is added by dropping a file under
#   rules/ and regenerating the registry; nothing here changes.
package fairdun

import rego.v1

import data.fairdun.lib
import data.fairdun.registry

denials := [entry | some entries in registry.deny; some entry in entries]

obligations := [entry | some entries in registry.obligations; some entry in entries]

# Candidates with at least one entry; all others get the same empty verdict without a scan.
touched := {e.candidate | some e in denials} | {e.candidate | some e in obligations}

decision := {"candidates": {id: verdict(id) | some id in lib.ids}}

# allow = no deny entry. The engine adapter re-checks this and the shape of every entry.
verdict(id) := {"allow": true, "deny": [], "obligations": []} if not id in touched

verdict(id) := {"allow": count(deny) == 0, "deny": deny, "obligations": obls} if {
	id in touched
	deny := [object.remove(d, ["candidate"]) | some d in denials; d.candidate == id]
	obls := [object.remove(o, ["candidate"]) | some o in obligations; o.candidate == id]
}
