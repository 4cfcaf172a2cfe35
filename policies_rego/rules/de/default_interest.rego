# METADATA
# title: German statutory default interest
# description: >-
#   Default interest is the base rate of BGB 247 plus 5 percentage points, or 9 where no
#   consumer is party to the transaction (BGB 288(1), (2)). The proposed interest is capped at
#   the statutory amount on the open amount from the first day of default (lib de.since) up to
#   today, day by day at the base rate in force (data.parameters.de_interest.base_rates, each
#   from its effective date), actual/365, rounded down to the minor unit. Days after
#   known_until have no published rate yet and earn nothing (fail closed); a debtor not yet in
#   default owes none (see DE-BGB-286).
# related_resources:
#   - ref: https://www.gesetze-im-internet.de/bgb/__288.html
#     description: BGB section 288 (Verzugszinsen)
#   - ref: https://www.gesetze-im-internet.de/bgb/__247.html
#     description: BGB section 247 (Basiszinssatz)
# custom:
#   id: DE-BGB-288
#   jurisdiction: DE
#   citation: "BGB §§ 288(1), (2), 247"
#   severity: high
package rules.de.default_interest

import rego.v1

import data.fairdun.lib
import data.fairdun.lib.de

rule_id := "DE-BGB-288"

citations := {"*": "BGB §§ 288(1), (2), 247"}

params := data.parameters.de_interest

# Case-level conditions live in `applies`, which the rule body tests first: in a body that
# iterates, rego-cpp evaluates every condition that does not depend on the loop before the loop,
# whatever their order (see the rego-cpp caveats in policies_rego/README.md).
applies if {
	lib.in_de
	count(lib.charging) > 0
	charges_interest
}

charges_interest if {
	some id in lib.charging
	"default_interest" in lib.fee_kinds[id]
}

obligations contains lib.fee_cap(rule_id, citations, id, "default_interest", lawful) if {
	applies
	some id in lib.charging
	lib.fee_above(id, "default_interest", lawful)
}

lawful := floor((lib.invoice.open_amount_minor * rate_days) / (params.basis_points * params.days_per_year)) if {
	de.in_default
	is_number(lib.invoice.open_amount_minor)
} else := 0

# Sum over the base-rate periods of (base rate + margin) in basis points times the days of
# default that fall into the period.
rate_days := sum([((rate.rate_bp + margin) * days) |
	some i in numbers.range(0, count(params.base_rates) - 1)
	rate := params.base_rates[i]
	start := lib.greater(lib.date_ns(rate.from), de.since)
	stop := lib.lesser(period_end(i), interest_end)
	days := lib.greater(stop - start, 0) / lib.day_ns
])

margin := params.margin_bp[lib.debtor_kind]

# Interest runs up to (not including) today, and never past the last day with a known rate.
interest_end := lib.lesser(lib.date_ns(lib.today), lib.date_ns(params.known_until) + lib.day_ns)

# The first day after a rate period: the next period's start, or after known_until for the last.
period_end(i) := lib.date_ns(params.base_rates[i + 1].from)

period_end(i) := lib.date_ns(params.known_until) + lib.day_ns if i == count(params.base_rates) - 1
