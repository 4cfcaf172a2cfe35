# METADATA
# title: Baseline outside the reviewed scope - contact hours
# description: >-
#   Where no reviewed rule set covers the debtor's place and the creditor's role
#   (data.parameters.jurisdictions.reviewed), every message, on every channel, keeps the hours
#   of data.parameters.baseline (08:00 to 21:00) in every time zone the debtor may be in
#   (timezone_offsets_minutes; unknown offsets count as six hours either way): one send_window
#   per zone, shifted into the debtor's own zone, which the pipeline intersects. Should they not
#   intersect, the message is denied.
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
	not disjoint
	some c in lib.communicating
	some window in windows
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	scope.baseline
	disjoint
	some c in lib.communicating
}

citation := lib.cite(citations)

message := sprintf("%v: no moment lies within the baseline contact hours of every time zone the debtor may be in", [scope.describe])

# Minutes by which each zone the debtor may be in is ahead of the debtor's own zone; anything but
# a non-empty list means the zones are unknown (count(null) is an error in OPA).
offsets := lib.debtor.timezone_offsets_minutes if {
	is_array(lib.debtor.timezone_offsets_minutes)
	count(lib.debtor.timezone_offsets_minutes) > 0
} else := params.offsets_when_unknown_minutes

# The window in each zone as minutes of the debtor's own day (start inclusive, end exclusive).
spans := {[start, end] |
	some offset in offsets
	start := lib.greater(lib.minutes(params.not_before) - offset, 0)
	end := lib.lesser(lib.minutes(params.not_after) - offset, params.last_minute_of_day)
}

windows := {window |
	some span in spans
	window := {"not_before": lib.hhmm(span[0]), "not_after": lib.hhmm(span[1])}
}

# No moment is inside every zone's window: one window ends before another (or itself) begins.
disjoint if {
	some a in spans
	some b in spans
	a[0] >= b[1]
}
