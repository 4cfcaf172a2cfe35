# METADATA
# title: Statutory contact hours
# description: >-
#   A send_window obligation (local time at the debtor's location) for every communication
#   candidate to which a statutory contact-hours rule in data.parameters.quiet_hours applies:
#   US Regulation F for debt collectors and California's Rosenthal Act for creditors collecting
#   their own consumer debts (Civil Code section 1788.17 makes 15 U.S.C. 1692c(a)(1) bind them).
#   Each window carries its own rule id and citation; where no statute sets hours (DE, GB, New
#   York for first-party creditors) there is no window. When the debtor may be in several time
#   zones (timezone_offsets_minutes), the hours must hold in every one of them (Regulation F
#   comment 6(b)(1)(i)-2): one window per zone, shifted into the debtor's own zone, which the
#   pipeline intersects; should they not intersect, the candidate is denied. An unknown creditor
#   role or channel counts as covered, unknown offsets as the widest US spread (fail closed).
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

obligations contains {
	"candidate": c.id, "kind": "send_window", "rule": window.id, "citation": citation[window.id],
	"params": hours,
} if {
	some window in windows
	intersecting[window.id]
	some c in lib.communicating
	covered[[window.id, c.id]]
	some hours in shifted[window.id]
}

deny contains {"candidate": c.id, "rule": window.id, "citation": citation[window.id], "message": message} if {
	some window in windows
	id := window.id
	not intersecting[id]
	some c in lib.communicating
	covered[[window.id, c.id]]
	message := "no moment lies within the statutory contact hours of every time zone the debtor may be in"
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

# Minutes by which each zone the debtor may be in is ahead of the debtor's own zone; anything but
# a non-empty list (missing, null) means the zones are unknown (count(null) is an error in OPA).
offsets := lib.debtor.timezone_offsets_minutes if {
	is_array(lib.debtor.timezone_offsets_minutes)
	count(lib.debtor.timezone_offsets_minutes) > 0
} else := params.offsets_when_unknown_minutes

# The windows as send_window parameters, one per zone the debtor may be in, shifted into the
# debtor's own zone. With one zone (the common case) that is the window itself.
shifted := {window.id: {{"not_before": window.not_before, "not_after": window.not_after}} |
	some window in windows
} if {
	offsets == [0]
} else := {id: windows_of_zones |
	some id in object.keys(spans)
	windows_of_zones := {window |
		some span in spans[id]
		window := {"not_before": lib.hhmm(span[0]), "not_after": lib.hhmm(span[1])}
	}
}

# The windows of all zones have a moment in common: no window ends before another begins.
intersecting := {window.id | some window in windows} if {
	offsets == [0]
} else := {id | some id in object.keys(spans); not disjoint[id]}

# Each window in each zone, as minutes of the debtor's own day (start inclusive, end exclusive).
# (Maps rather than functions: see the portability guide in policies_rego/README.md.)
spans := {window.id: [[start, end] |
	some offset in offsets
	start := lib.greater(lib.minutes(window.not_before) - offset, 0)
	end := lib.lesser(lib.minutes(window.not_after) - offset, params.last_minute_of_day)
] | some window in windows}

disjoint := {id |
	some id in object.keys(spans)
	some a in spans[id]
	some b in spans[id]
	a[0] >= b[1]
}
