# METADATA
# title: German statutory default interest
# description: >-
#   Default interest is the base rate of BGB 247 plus 5 percentage points, or 9 where no
#   consumer is party to the transaction (BGB 288(1), (2)). The proposed interest is capped at
#   the statutory amount on the open amount from the first day of interest (lib.de.interest_since_ns:
#   the day after the event that put the debtor in default, BGB 187(1) by analogy, so the day
#   after the assumed receipt of a reminder) up to today, day by day at the base rate in force
#   (data.parameters.de_interest.base_rates, each from its effective date), actual/365, rounded
#   down to the minor unit. When a day of interest lies before the first period or after
#   known_until, its rate is not in the bundle and no interest is claimed at all (cap zero, fail
#   closed) until the period is added; /health and the console warn about a table that ends. A debtor not yet in default
#   owes none (see DE-BGB-286).
# related_resources:
#   - ref: https://www.gesetze-im-internet.de/bgb/__288.html
#     description: BGB section 288 (Verzugszinsen)
#   - ref: https://www.gesetze-im-internet.de/bgb/__247.html
#     description: BGB section 247 (Basiszinssatz)
#   - ref: https://www.gesetze-im-internet.de/bgb/__187.html
#     description: BGB section 187(1) (Fristbeginn), applied by analogy to the start of interest
# custom:
#   id: DE-BGB-288
#   jurisdiction: DE
#   citation: "BGB §§ 288(1), (2), 247, 187(1)"
#   severity: high
package rules.de.default_interest

import rego.v1

import data.fairdun.lib
import data.fairdun.lib.de

rule_id := "DE-BGB-288"

citations := {"*": "BGB §§ 288(1), (2), 247, 187(1)"}

params := data.parameters.de_interest

applies if {
	lib.in_de
	count(lib.charging) > 0
	charges_interest
}

charges_interest if {
	some c in lib.charging
	lib.fee[c.id].default_interest
}

obligations contains {
	"candidate": c.id, "kind": "fee_cap", "rule": rule_id, "citation": citation,
	"params": {"amount_minor": lawful, "currency": lib.invoice.currency, "fee_kind": "default_interest"},
} if {
	applies
	some c in lib.charging
	lib.fee[c.id].default_interest > lawful
}

citation := lib.cite(citations)

lawful := floor((lib.invoice.open_amount_minor * rate_days) / (params.basis_points * params.days_per_year)) if {
	de.in_default
	rates_known
	is_number(lib.invoice.open_amount_minor)
} else := 0

# Every day of interest has a base rate in the table: it starts on or before the first day of
# interest and, as interest runs up to (not including) today, reaches yesterday. Otherwise nothing
# is claimed, not even for the known days: a claim that silently leaves days out would misstate
# the interest owed to date.
rates_known if {
	period_starts[0] <= de.interest_since_ns
	lib.today_ns <= known_until_end
}

# Sum over the base-rate periods that overlap the days of interest of (base rate + margin) in
# basis points times the days of interest that fall into the period.
rate_days := sum([rate_days_in_period |
	some i
	rate := params.base_rates[i]
	first := period_starts[i]
	period_ends[i] > de.interest_since_ns
	first < lib.today_ns
	start := lib.greater(first, de.interest_since_ns)
	stop := lib.lesser(period_ends[i], lib.today_ns)
	start < stop
	days := (stop - start) / lib.day_ns
	rate_days_in_period := (rate.rate_bp + margin) * days
])

margin := params.margin_bp[lib.debtor_kind]

# Each base-rate period from its first day to the first day after it: the next period's start,
# or the day after known_until for the last.
period_starts := [start | some rate in params.base_rates; start := time.parse_ns("2006-01-02", rate.from)]

known_until_end := lib.date_ns(params.known_until) + lib.day_ns

period_ends := array.concat(array.slice(period_starts, 1, count(period_starts)), [known_until_end])
