# METADATA
# title: Limitation of the claim
# description: >-
#   The limitation period of the claim at the debtor's place (data.parameters.limitation.periods:
#   every entry whose places, debtor kinds and, for entries that name them, UK nations match; an
#   unknown UK nation matches every nation), the last day on which it can still be enforced, and
#   whether it can still be enforced today. When several entries match, the earliest expiry counts
#   (the reading most protective of the debtor). enforceable holds only when a period is on file,
#   the dates can be read and the last day has not passed (fail closed); expired only when that
#   day has passed.
package fairdun.lib.limitation

import rego.v1

import data.fairdun.lib

periods := [p |
	some p in data.parameters.limitation.periods
	some place in p.places
	lib.places[place]
	lib.debtor_kind in p.debtor_kinds
	nation_fits(p)
]

# An entry without uk_nations fits every debtor of its places; one with them fits a debtor of one
# of those nations, and a debtor whose nation is unknown.
nation_fits(p) if not p.uk_nations

nation_fits(p) if lib.uk_nation in p.uk_nations

nation_fits(p) if {
	p.uk_nations
	not lib.known_uk_nation
}

# Each matching period's last day, with its citation: the end of the year the claim arose in plus
# the years (BGB 199(1)), or the due date plus the years; a part payment starts a new period from
# that day where the entry says so (BGB 212(1) Nr. 1). Undefined while the due date is unknown.
candidates := [{"expires": e, "period": p} |
	some p in periods
	e := expiry(p)
]

expiry(p) := restart if {
	base := base_expiry(p)
	restart := restart_expiry(p)
	restart > base
} else := base_expiry(p)

base_expiry(p) := sprintf("%d-12-31", [to_number(split(lib.invoice.due_on, "-")[0]) + p.years]) if {
	p.start == "year_end"
	is_string(lib.invoice.due_on)
}

base_expiry(p) := lib.plus_years(lib.invoice.due_on, p.years) if {
	p.start == "due"
	is_string(lib.invoice.due_on)
}

# Without a part payment (or where payment does not restart) the restart is "", which sorts
# before every date.
restart_expiry(p) := lib.plus_years(lib.invoice.last_payment_on, p.years) if {
	p.restarts_on_payment == true
	is_string(lib.invoice.last_payment_on)
} else := ""

# The earliest of the candidates (ISO dates compare as strings); undefined without one.
earliest := [c |
	some c in candidates
	earlier := [o | some o in candidates; o.expires < c.expires]
	count(earlier) == 0
]

period := earliest[0].period

expires := earliest[0].expires

enforceable if {
	is_string(lib.today)
	lib.today <= expires
}

expired if {
	is_string(lib.today)
	lib.today > expires
}
