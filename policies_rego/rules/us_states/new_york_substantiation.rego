# METADATA
# title: New York substantiation of a disputed debt
# description: >-
#   After a consumer's request for substantiation of a debt, the debt collector must provide
#   written substantiation within 60 days and must cease collection until it has provided it
#   (23 NYCRR 1.4(b)). Every action is denied while invoice.substantiation_requested_on is set
#   and invoice.substantiation_provided_on is not a date on or after it. A missing request date
#   counts as a request (the stricter value); a request date that cannot be read holds as well.
#   1.4 speaks of charged-off debts; fairdun cannot tell a charged-off debt, so every consumer
#   debt of a New York debt collector is held. A business debtor is exempt (Part 1 governs
#   consumer debts), an unknown debtor kind and an unknown creditor role are not.
# related_resources:
#   - ref: https://www.law.cornell.edu/regulations/new-york/23-NYCRR-1.4
#     description: 23 NYCRR 1.4
# custom:
#   id: US-NY-23NYCRR-1.4-b
#   jurisdiction: US-NY (debt collectors, consumer debts)
#   citation: "23 NYCRR 1.4(b)"
#   severity: high
package rules.us_states.new_york_substantiation

import rego.v1

import data.fairdun.lib

rule_id := "US-NY-23NYCRR-1.4-b"

citations := {"*": "23 NYCRR 1.4(b)"}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	lib.jurisdiction == "US-NY"
	lib.debt_collector
	not lib.debtor_kind == "business"
	not lib.invoice.substantiation_requested_on == null
	not provided
	some c in lib.acting
}

citation := lib.cite(citations)

# Substantiation was provided on or after the day of the request (both readable dates).
provided if {
	requested := lib.invoice.substantiation_requested_on
	given := lib.invoice.substantiation_provided_on
	is_string(requested)
	is_string(given)
	given >= requested
}

message := sprintf("the consumer requested substantiation of the debt on %v and it has not been provided: collection ceases until it is", [lib.invoice.substantiation_requested_on]) if {
	is_string(lib.invoice.substantiation_requested_on)
} else := "the request for substantiation cannot be read: collection ceases until substantiation is provided"
