# METADATA
# title: Regulation F no communication at a time the consumer said is inconvenient
# description: >-
#   A debt collector must not communicate with a consumer at a time it knows or should know is
#   inconvenient to the consumer (15 U.S.C. 1692c(a)(1); 12 CFR 1006.6(b)(1)(i)); a consumer
#   who says a time is inconvenient makes it known. debtor.inconvenient_times lists local ranges
#   {"from": "HH:MM", "to": "HH:MM"} (from inclusive, to exclusive, over midnight when from is
#   later than to). A message or call (data.parameters.us_regf_inconvenient.channels) planned
#   inside a range in any time zone the debtor may be in, at the send instant, is denied; so is
#   one whose planned times are unknown while ranges are given, and every one when the list is
#   missing or unreadable (fail closed). Business debtors are outside the FDCPA.
# related_resources:
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.6
#     description: 12 CFR 1006.6(b)(1)(i)
# custom:
#   id: US-REGF-1006.6-b1-i
#   jurisdiction: US (debt collectors)
#   citation: "15 U.S.C. § 1692c(a)(1); 12 CFR 1006.6(b)(1)(i)"
#   severity: medium
package rules.us.inconvenient_times

import rego.v1

import data.fairdun.lib

rule_id := "US-REGF-1006.6-b1-i"

citations := {"*": "15 U.S.C. § 1692c(a)(1); 12 CFR 1006.6(b)(1)(i)"}

params := data.parameters.us_regf_inconvenient

applies if {
	lib.us_debt_collector
	not lib.debtor_kind == "business"
	not lib.debtor.inconvenient_times == []
}

timed := [c | some c in lib.communicating; id := c.id; not untimed_channel[id]]

untimed_channel := {c.id | some c in lib.communicating; c.channel == "letter"}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	listed
	some c in timed
	some i
	zone := c.send_at_local.zones[i]
	key := [c.id, i]
	inconvenient[key]
	message := sprintf("planned at a time the consumer said is inconvenient (%02d:%02d in %v)", [zone.hour, zone.minute, zone.timezone])
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	listed
	some c in timed
	id := c.id
	not planned[id]
	message := "the planned send time is unknown, and the consumer named inconvenient times"
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	not listed
	some c in timed
	message := "the times the consumer said are inconvenient are unknown: every time counts as inconvenient"
}

citation := lib.cite(citations)

# The list is an array of ranges whose ends are "HH:MM" strings.
listed if {
	is_array(lib.debtor.inconvenient_times)
	not malformed_range
}

malformed_range if {
	some r in lib.debtor.inconvenient_times
	not well_formed(r)
}

well_formed(r) if {
	is_string(r.from)
	is_string(r.to)
	regex.match(params.clock_pattern, r.from)
	regex.match(params.clock_pattern, r.to)
}

ranges := [pair | some r in lib.debtor.inconvenient_times; pair := [lib.minutes(r.from), lib.minutes(r.to)]]

planned := {c.id |
	some c in timed
	zones := c.send_at_local.zones
	is_array(zones)
	count(zones) > 0
	every zone in zones {
		is_number(zone.hour)
		is_number(zone.minute)
	}
}

inconvenient := {[c.id, i] |
	some c in timed
	some i
	zone := c.send_at_local.zones[i]
	is_number(zone.hour)
	is_number(zone.minute)
	at := (zone.hour * data.parameters.clock.minutes_per_hour) + zone.minute
	some r in ranges
	in_inconvenient_range(at, r[0], r[1])
}

in_inconvenient_range(at, start, end) if {
	start < end
	at >= start
	at < end
}

in_inconvenient_range(at, start, end) if {
	start > end
	at >= start
}

in_inconvenient_range(at, start, end) if {
	start > end
	at < end
}
