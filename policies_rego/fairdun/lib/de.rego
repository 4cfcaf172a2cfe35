# METADATA
# title: German default (Verzug)
# description: >-
#   When a German debtor is in default (BGB section 286), for the fee and interest rules.
#   elapsed holds, for each ground that applies, the days from its first day of default to today
#   (negative while that day lies ahead): an agreed calendar due date (286(2) Nr. 1: the day after
#   it), a reminder received after the due date (286(1): receipt assumed
#   data.parameters.de_default.receipt_days after sending), and the 30-day rule (286(3): business
#   debtors always, consumers only when the invoice said so). in_default holds once one of them
#   has begun. interest_since_ns is the first day of default interest, as midnight UTC: interest
#   runs from the day after the event that put the debtor in default (BGB 187(1) by analogy), so
#   from the day after an agreed due date or after the 30-day period (the first day of default)
#   and from the day after the assumed receipt of a reminder (which is itself a day of default).
package fairdun.lib.de

import rego.v1

import data.fairdun.lib

params := data.parameters.de_default

# Days from the due date to today (negative before it); undefined while a date is unknown.
due_age := (lib.today_ns - lib.date_ns(lib.invoice.due_on)) / lib.day_ns

elapsed contains due_age - 1 if lib.invoice.due_date_agreed == true

# Days from the assumed receipt of each reminder sent after the due date to today.
reminder_elapsed contains lib.age(step) - object.get(params.receipt_days, step.channel, params.receipt_days_unknown) if {
	some step in lib.dunning
	step.kind in params.creating_kinds
	is_string(step.date)
	is_string(lib.invoice.due_on)
	step.date > lib.invoice.due_on
}

elapsed contains days if some days in reminder_elapsed

elapsed contains due_age - (params.thirty_days + 1) if thirty_day_rule

thirty_day_rule if lib.debtor_kind == "business"

thirty_day_rule if lib.invoice.default_notice_in_invoice == true

in_default if {
	some days in elapsed
	days >= 0
}

# Days from each ground's first day of interest to today: the event of 286(2) Nr. 1 and 286(3) is
# the end of a day, so interest starts with the first day of default; a reminder's receipt falls
# inside a day, which is not counted (BGB 187(1) by analogy).
interest_elapsed contains due_age - 1 if lib.invoice.due_date_agreed == true

interest_elapsed contains days - 1 if some days in reminder_elapsed

interest_elapsed contains due_age - (params.thirty_days + 1) if thirty_day_rule

# The longest-running ground of interest (undefined while no ground applies).
interest_longest := days if {
	some days in interest_elapsed
	count([other | some other in interest_elapsed; other > days]) == 0
}

interest_since_ns := lib.today_ns - (interest_longest * lib.day_ns)
