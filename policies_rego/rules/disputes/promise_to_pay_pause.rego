# METADATA
# title: Promise-to-pay pause
# description: >-
#   While the debtor's promise to pay is open (today is on or before the promised day plus
#   data.parameters.promise_to_pay.grace_days, for the payment to arrive and be booked), every
#   candidate except "none" is denied: no reminder, fee or escalation chases a debtor who said
#   when they will pay. A promise date that is neither null nor a date, or a missing local date,
#   holds too (fail closed).
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/dir/2015/2366/oj
#     description: PSD2 Art. 83(1) (execution time of credit transfers), for the grace days
# custom:
#   id: FD-PROMISE-TO-PAY-PAUSE
#   jurisdiction: "*"
#   citation: "fairdun principle: a promise to pay is awaited"
#   severity: medium
package rules.disputes.promise_to_pay_pause

import rego.v1

import data.fairdun.lib

rule_id := "FD-PROMISE-TO-PAY-PAUSE"

citations := {"*": "fairdun principle: a promise to pay is awaited"}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": reason} if {
	not lib.invoice.promise_to_pay_on == null
	paused
	some c in lib.acting
}

citation := lib.cite(citations)

paused if not readable

paused if lib.today_ns <= awaited_until

readable if awaited_until

# The last day of the pause, as a time (undefined when the promise or today is not a date).
awaited_until := lib.date_ns(lib.invoice.promise_to_pay_on) + (data.parameters.promise_to_pay.grace_days * lib.day_ns) if {
	is_string(lib.today)
}

reason := sprintf("the debtor promised to pay on %v", [lib.invoice.promise_to_pay_on]) if {
	readable
} else := "the promise to pay of the invoice cannot be read"
