# METADATA
# title: Debt Respite Scheme moratorium
# description: >-
#   During a breathing space (standard: 60 days, SI 2020/1311 reg. 26) or a mental health crisis
#   moratorium (until 30 days after the crisis treatment ends, Part 3) the creditor must not
#   contact the debtor to request payment, add interest, fees or charges, or take any
#   enforcement action (reg. 7). While today is on or before flags.breathing_space_until, while
#   flags.mental_health_crisis_moratorium is set (it has no end date the creditor knows), or when
#   either cannot be read (fail closed), every candidate except "none" is denied. The scheme
#   covers England and Wales; the flag is honoured wherever an AR system sets it.
# related_resources:
#   - ref: https://www.legislation.gov.uk/uksi/2020/1311/contents/made
#     description: Debt Respite Scheme (Breathing Space Moratorium and Mental Health Crisis Moratorium) (England and Wales) Regulations 2020
# custom:
#   id: GB-DRS-MORATORIUM
#   jurisdiction: "GB (England and Wales); the flag everywhere"
#   citation: "SI 2020/1311 regs. 7, 26 and Part 3"
#   severity: critical
package rules.stops.debt_moratorium

import rego.v1

import data.fairdun.lib

rule_id := "GB-DRS-MORATORIUM"

citations := {
	"GB": "SI 2020/1311 regs. 7, 26 and Part 3",
	"*": "fairdun principle: a debt moratorium the creditor was notified of is respected",
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": reason} if {
	in_moratorium
	some c in lib.acting
}

citation := lib.cite(citations)

in_moratorium if {
	is_string(lib.flags.breathing_space_until)
	not breathing_space_over
}

breathing_space_over if {
	is_string(lib.today)
	lib.today > lib.flags.breathing_space_until
}

in_moratorium if not lib.flags.mental_health_crisis_moratorium == false

in_moratorium if not breathing_space_readable

breathing_space_readable if lib.flags.breathing_space_until == null

breathing_space_readable if is_string(lib.flags.breathing_space_until)

reason := "the debtor is in a mental health crisis moratorium: no contact, charges or enforcement" if {
	lib.flags.mental_health_crisis_moratorium == true
} else := sprintf("the debtor is in a breathing space until %v: no contact, charges or enforcement", [lib.flags.breathing_space_until]) if {
	is_string(lib.flags.breathing_space_until)
} else := "whether the debtor is in a debt moratorium is unknown"
