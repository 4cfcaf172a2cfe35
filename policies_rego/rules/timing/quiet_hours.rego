# METADATA
# title: Statutory contact hours
# description: >-
#   A send_window obligation (local time at the debtor's location) for every communication
#   candidate to which a statutory contact-hours rule in data.parameters.quiet_hours applies:
#   US Regulation F for debt collectors and California's Rosenthal Act for creditors collecting
#   their own consumer debts (Civil Code section 1788.17 makes 15 U.S.C. 1692c(a)(1) bind them).
#   Each window carries its own rule id and citation; where no statute sets hours (DE, GB, New
#   York for first-party creditors) there is no window. The hours must hold in every time zone
#   the debtor may be in (Regulation F comment 6(b)(1)(i)-2), at the send instant: each
#   candidate carries the wall-clock time of its planned send instant in every such zone
#   (send_at_local.zones, read by the pipeline at that instant, so across a daylight-saving
#   change), and a candidate planned outside the window in any zone, or whose planned times are
#   unknown, is denied. The obligation tells the pipeline to keep the window in every zone when
#   it fixes the send time. An unknown creditor role or channel counts as covered (fail closed).
# related_resources:
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.6
#     description: 12 CFR 1006.6(b)(1)(i) and its official interpretation
#   - ref: https://www.law.cornell.edu/uscode/text/15/1692c
#     description: 15 U.S.C. 1692c(a)(1)
#   - ref: https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=CIV&sectionNum=1788.17
#     description: California Civil Code section 1788.17 (Rosenthal Fair Debt Collection Practices Act)
# custom:
#   id: FD-QUIET-HOURS
#   jurisdiction: "*"
#   citation: "per window in data.parameters.quiet_hours (US: 15 U.S.C. § 1692c(a)(1); 12 CFR 1006.6(b)(1)(i); US-CA: Cal. Civ. Code § 1788.17)"
#   severity: medium
package rules.timing.quiet_hours

import rego.v1

import data.fairdun.lib

rule_id := "FD-QUIET-HOURS"

# Entries carry the id and citation of the window that produced them; this table only names
# the family for the catalogue.
citations := {"*": "per window in data.parameters.quiet_hours"}

params := data.parameters.quiet_hours

# Keep the window, local time in every zone the debtor may be in, when the send time is fixed.
obligations contains {
	"candidate": c.id, "kind": "send_window", "rule": window.id, "citation": citation[window.id],
	"params": {"not_before": window.not_before, "not_after": window.not_after},
} if {
	some window in windows
	some c in lib.communicating
	covered[[window.id, c.id]]
}

# Planned outside the window in one of the zones (or at a time that cannot be read there).
deny contains {"candidate": c.id, "rule": window.id, "citation": citation[window.id], "message": message} if {
	some window in windows
	some c in lib.communicating
	covered[[window.id, c.id]]
	some i
	zone := c.send_at_local.zones[i]
	key := [window.id, c.id, i]
	not inside[key]
	message := sprintf("planned outside the statutory contact hours (%s to %s local time) in %s", [
		window.not_before, window.not_after, zone_name(zone),
	])
}

# No planned time in any zone: the hours cannot be shown to hold.
deny contains {"candidate": c.id, "rule": window.id, "citation": citation[window.id], "message": message} if {
	some window in windows
	some c in lib.communicating
	covered[[window.id, c.id]]
	id := c.id
	not planned[id]
	message := "the planned send time is unknown in the time zones the debtor may be in"
}

# The windows that bind this creditor at the debtor's place.
windows := [window |
	some window in object.get(params.windows_by_country, lib.country, [])
	some place in window.jurisdictions
	lib.places[place]
	role_covered(window)
]

citation := {window.id: text |
	some window in windows
	text := object.get(window, "citation", "citation missing for this jurisdiction")
}

role_covered(window) if lib.creditor_role in window.creditor_roles

role_covered(_) if not lib.known_role

# [window id, candidate id] of the communication candidates a window covers (an unknown channel
# counts as covered).
covered := {[window.id, c.id] |
	some window in windows
	some c in lib.communicating
	covers(window, object.get(c, "channel", null))
}

covers(window, channel) if channel in window.channels

covers(_, channel) if not known_channels[channel]

known_channels := {channel | some channel in data.parameters.contract.channels}

# The candidates with a non-empty list of planned local times (count(null) is an error in OPA).
planned := {c.id |
	some c in lib.communicating
	zones := c.send_at_local.zones
	is_array(zones)
	count(zones) > 0
}

# [window id, candidate id, zone index] where the planned wall-clock time lies inside the window:
# start inclusive, end exclusive ("after 8 a.m. and before 9 p.m."). Hour and minute are
# type-checked before any arithmetic or comparison.
inside := {[window.id, c.id, i] |
	some window in windows
	some c in lib.communicating
	some i
	zone := c.send_at_local.zones[i]
	is_number(zone.hour)
	is_number(zone.minute)
	at := (zone.hour * data.parameters.clock.minutes_per_hour) + zone.minute
	at >= lib.minutes(window.not_before)
	at < lib.minutes(window.not_after)
}

zone_name(zone) := zone.timezone if is_string(zone.timezone)

else := "a time zone the debtor may be in"
