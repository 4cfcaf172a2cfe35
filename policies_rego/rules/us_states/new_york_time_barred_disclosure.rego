# METADATA
# title: New York disclosure for debts whose limitation period may have expired
# description: >-
#   A debt collector who knows or has reason to know that the limitation period of a debt may
#   have expired must, before accepting payment on it, give the consumer a clear and
#   conspicuous notice in the medium in which it will accept payment: that it believes the period
#   may have expired, that suing on such a debt violates the FDCPA, how the consumer can stop
#   such a suit, that no acknowledgment, promise or waiver is required, and what a payment does
#   to the period (23 NYCRR 1.3(b)). Every dunning message asks for payment in its medium, so
#   every communication candidate carries the notice
#   data.parameters.us_ny_collection.time_barred_notice while the claim is not known to be
#   enforceable under the New York period (fairdun.lib.limitation; an unknown due date counts as
#   possibly expired). The threat of suit itself is refused by US-REGF-1006.26-b. Part 1 governs
#   consumer debts: a business debtor is exempt, an unknown debtor kind is not. An unknown
#   creditor role counts as a debt collector.
# related_resources:
#   - ref: https://www.law.cornell.edu/regulations/new-york/23-NYCRR-1.3
#     description: 23 NYCRR 1.3
#   - ref: https://www.dfs.ny.gov/industry_guidance/industry_letters/il20220407_23nycrrpt1_and_ccfa
#     description: DFS industry letter of 7 April 2022 (1.3(b) and CPLR 214-i)
# custom:
#   id: US-NY-23NYCRR-1.3-b
#   jurisdiction: US-NY (debt collectors, consumer debts)
#   citation: "23 NYCRR 1.3(b); N.Y. CPLR 214-i"
#   severity: high
package rules.us_states.new_york_time_barred_disclosure

import rego.v1

import data.fairdun.lib
import data.fairdun.lib.limitation

rule_id := "US-NY-23NYCRR-1.3-b"

citations := {"*": "23 NYCRR 1.3(b); N.Y. CPLR 214-i"}

params := data.parameters.us_ny_collection

obligations contains {"candidate": c.id, "kind": "notice", "rule": rule_id, "citation": citation, "params": {"notice": params.time_barred_notice}} if {
	lib.jurisdiction == "US-NY"
	lib.debt_collector
	not lib.debtor_kind == "business"
	not limitation.enforceable
	some c in lib.communicating
}

citation := lib.cite(citations)
