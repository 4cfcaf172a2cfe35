# METADATA
# title: New York initial disclosure by debt collectors
# description: >-
#   Within five days after the initial communication with a consumer about any debt, a debt
#   collector must give clear and conspicuous written notification of the consumer's rights (the
#   FDCPA's prohibitions of abusive, deceptive and misleading collection, and the notice of the
#   income state and federal law may protect from a judgment), unless the initial communication
#   contains it (23 NYCRR 1.2(a)). The previous dunning of the claim may come from the original
#   creditor, so fairdun does not take an earlier message for the collector's initial
#   communication: every communication candidate carries the notice
#   data.parameters.us_ny_collection.initial_disclosure_notice until a dunning message of the
#   history is known to have carried it (history.dunning[].notices). Part 1 governs consumer
#   debts: a business debtor is exempt, an unknown debtor kind is not. An unknown creditor role
#   counts as a debt collector.
# related_resources:
#   - ref: https://www.law.cornell.edu/regulations/new-york/23-NYCRR-1.2
#     description: 23 NYCRR 1.2
# custom:
#   id: US-NY-23NYCRR-1.2-a
#   jurisdiction: US-NY (debt collectors, consumer debts)
#   citation: "23 NYCRR 1.2(a)"
#   severity: medium
package rules.us_states.new_york_initial_disclosure

import rego.v1

import data.fairdun.lib

rule_id := "US-NY-23NYCRR-1.2-a"

citations := {"*": "23 NYCRR 1.2(a)"}

params := data.parameters.us_ny_collection

obligations contains {"candidate": c.id, "kind": "notice", "rule": rule_id, "citation": citation, "params": {"notice": params.initial_disclosure_notice}} if {
	lib.jurisdiction == "US-NY"
	lib.debt_collector
	not lib.debtor_kind == "business"
	not disclosed
	some c in lib.communicating
}

citation := lib.cite(citations)

# A dunning message of the history carried the disclosure.
disclosed if {
	some step in lib.dunning
	is_array(step.notices)
	params.initial_disclosure_notice in step.notices
}
