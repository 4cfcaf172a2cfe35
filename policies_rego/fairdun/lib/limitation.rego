# METADATA
# title: Limitation of the claim
# description: >-
#   The limitation period of the claim at the debtor's place
#   (data.parameters.limitation.periods; the first entry whose places and debtor kinds match),
#   the last day on which it can still be enforced, and whether it can still be enforced today:
#   enforceable holds only when a period is on file, the dates can be read and the last day has
#   not passed (fail closed); expired only when that day has passed.
package fairdun.lib.limitation

import rego.v1

import data.fairdun.lib

periods := [p |
	some p in data.parameters.limitation.periods
	some place in p.places
	lib.places[place]
	lib.debtor_kind in p.debtor_kinds
]

period := periods[0]

# The last day of the period counted from the claim: the end of the year it arose in, plus the
# years (BGB 199(1)), or the due date plus the years.
base_expiry := sprintf("%d-12-31", [to_number(split(lib.invoice.due_on, "-")[0]) + period.years]) if {
	period.start == "year_end"
	is_string(lib.invoice.due_on)
}

base_expiry := lib.plus_years(lib.invoice.due_on, period.years) if {
	period.start == "due"
	is_string(lib.invoice.due_on)
}

# A part payment acknowledges the claim: a new period runs from that day (BGB 212(1) Nr. 1).
# Without one the restart is "", which sorts before every date.
default restart_expiry := ""

restart_expiry := lib.plus_years(lib.invoice.last_payment_on, period.years) if {
	period.restarts_on_payment == true
	is_string(lib.invoice.last_payment_on)
}

# Undefined while the base expiry cannot be established.
expires := restart_expiry if {
	restart_expiry > base_expiry
} else := base_expiry

enforceable if {
	is_string(lib.today)
	lib.today <= expires
}

expired if {
	is_string(lib.today)
	lib.today > expires
}
