# METADATA
# title: Baseline outside the reviewed scope - contact hours
# description: >-
#   Where no reviewed rule set covers the debtor's place and the creditor's role
#   (data.parameters.jurisdictions.reviewed), every message, on every channel, keeps the hours
#   of data.parameters.baseline (08:00 to 21:00) in every time zone the debtor may be in, at the
#   send instant: each candidate carries the wall-clock time of its planned send instant in every
#   such zone (send_at_local.zones), and a message planned outside the hours in any zone, or whose
#   planned times are unknown, is denied. The send_window obligation tells the pipeline to keep
#   the hours in every zone when it fixes the send time.
# related_resources:
#   - ref: policies_rego/README.md#scope
#     description: the reviewed scope and the conservative baseline
#   - ref: https://www.law.cornell.edu/uscode/text/15/1692c
#     description: 15 U.S.C. 1692c(a)(1), the model of the window
# custom:
#   id: FD-BASELINE-CONTACT-HOURS
#   jurisdiction: "* outside the reviewed scope (every creditor role)"
#   citation: "fairdun principle: conservative baseline outside the reviewed scope (contact 08:00-21:00 in every possible time zone)"
#   severity: medium
package rules.baseline.baseline_contact_hours

import rego.v1

import data.fairdun.lib
import data.fairdun.lib.scope

rule_id := "FD-BASELINE-CONTACT-HOURS"

citations := {"*": "fairdun principle: conservative baseline outside the reviewed scope (contact 08:00-21:00 in every possible time zone)"}

params := scope.params

obligations contains {"candidate": c.id, "kind": "send_window", "rule": rule_id, "citation": citation, "params": window} if {
	scope.baseline
	some c in lib.communicating
}

# Planned outside the hours in one of the zones (or at a time that cannot be read there).
deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	scope.baseline
	some c in lib.communicating
	some i
	zone := c.send_at_local.zones[i]
	not inside[[c.id, i]]
	message := sprintf("%v: planned outside the baseline contact hours (%s to %s local time) in %s", [
		scope.describe, params.not_before, params.not_after, zone_name(zone),
	])
}

# No planned time in any zone: the hours cannot be shown to hold.
deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	scope.baseline
	some c in lib.communicating
	id := c.id
	not planned[id]
	message := sprintf("%v: the planned send time is unknown in the time zones the debtor may be in", [scope.describe])
}

citation := lib.cite(citations)

window := {"not_before": params.not_before, "not_after": params.not_after}

# The candidates with a non-empty list of planned local times (count(null) is an error in OPA).
planned := {c.id |
	some c in lib.communicating
	zones := c.send_at_local.zones
	is_array(zones)
	count(zones) > 0
}

# [candidate id, zone index] where the planned wall-clock time lies inside the hours: start
# inclusive, end exclusive. Hour and minute are type-checked before any arithmetic.
inside := {[c.id, i] |
	some c in lib.communicating
	some i
	zone := c.send_at_local.zones[i]
	is_number(zone.hour)
	is_number(zone.minute)
	at := (zone.hour * data.parameters.clock.minutes_per_hour) + zone.minute
	at >= lib.minutes(params.not_before)
	at < lib.minutes(params.not_after)
}

zone_name(zone) := zone.timezone if is_string(zone.timezone)

else := "a time zone the debtor may be in"
