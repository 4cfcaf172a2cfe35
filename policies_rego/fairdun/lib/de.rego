# METADATA
# title: German default (Verzug)
# description: >-
#   When a German debtor is in default (BGB section 286), for the fee and interest rules.
#   grounds holds, as midnight-UTC times, the first day of default for each ground that applies:
#   an agreed calendar due date (286(2) Nr. 1: the day after it), a reminder received after the
#   due date (286(1): receipt assumed data.parameters.de_default.receipt_days after sending), and
#   the 30-day rule (286(3): business debtors always, consumers only when the invoice said so).
#   since is the earliest; in_default holds once today has reached it.
package fairdun.lib.de

import rego.v1

import data.fairdun.lib

params := data.parameters.de_default

grounds contains lib.date_ns(lib.invoice.due_on) + lib.day_ns if lib.invoice.due_date_agreed == true

grounds contains lib.date_ns(step.date) + (receipt_days(step.channel) * lib.day_ns) if {
	some step in lib.dunning
	step.kind in params.creating_kinds
	lib.is_date(step.date)
	lib.is_date(lib.invoice.due_on)
	step.date > lib.invoice.due_on
}

grounds contains lib.date_ns(lib.invoice.due_on) + ((params.thirty_days + 1) * lib.day_ns) if thirty_day_rule

thirty_day_rule if lib.debtor_kind == "business"

thirty_day_rule if lib.invoice.default_notice_in_invoice == true

receipt_days(channel) := object.get(params.receipt_days, channel, params.receipt_days_unknown)

# The first day of default (undefined while no ground applies).
since := ground if {
	some ground in grounds
	not later_than_another(ground)
}

later_than_another(ground) if {
	some other in grounds
	other < ground
}

in_default if lib.date_ns(lib.today) >= since
