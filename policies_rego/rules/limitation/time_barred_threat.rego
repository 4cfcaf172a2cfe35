# METADATA
# title: No threat of court action unless the claim is known to be enforceable
# description: >-
#   A message that announces court action (legal_action_threat, missing counts as announcing) on
#   a claim the creditor can no longer sue on misleads the debtor, whoever the creditor is. Every
#   creditor role, everywhere, is denied such a message unless the claim is known to be
#   enforceable under the limitation period of the debtor's place
#   (data.parameters.limitation): a period that has passed, a place or UK nation without a
#   period on file (an unknown nation takes the shortest, Scotland's five years) and an unknown
#   due date all deny (fail closed). Germany (DE-BGB-195-199) and US debt collectors
#   (US-REGF-1006.26-b) have rules of their own. The ladder proposes the same message without
#   the threat as the fallback.
# related_resources:
#   - ref: https://www.legislation.gov.uk/ukpga/1980/58/section/5
#     description: Limitation Act 1980 s. 5 (England and Wales)
#   - ref: https://www.legislation.gov.uk/ukpga/1973/52/section/6
#     description: Prescription and Limitation (Scotland) Act 1973 s. 6 and schedule 1
#   - ref: https://www.legislation.gov.uk/nisi/1989/1339/article/4
#     description: Limitation (Northern Ireland) Order 1989 art. 4
#   - ref: https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=CCP&sectionNum=337
#     description: Cal. Code Civ. Proc. 337 (no suit once the four years have run, AB 1526 of 2018)
#   - ref: https://www.nysenate.gov/legislation/laws/CVP/214-I
#     description: N.Y. CPLR 214-i
#   - ref: https://app.leg.wa.gov/RCW/default.aspx?cite=4.16.040
#     description: RCW 4.16.040
# custom:
#   id: FD-LIMITATION-THREAT
#   jurisdiction: "* (every creditor role; DE and US debt collectors have their own rules)"
#   citation: "per place: Limitation Act 1980 s. 5; Prescription and Limitation (Scotland) Act 1973 s. 6; Limitation (NI) Order 1989 art. 4; Cal. Code Civ. Proc. § 337; N.Y. CPLR 213(2), 214-i; RCW 4.16.040; elsewhere fairdun principle"
#   severity: high
package rules.limitation.time_barred_threat

import rego.v1

import data.fairdun.lib
import data.fairdun.lib.limitation

rule_id := "FD-LIMITATION-THREAT"

citations := {
	"GB": "Limitation Act 1980 s. 5 (England and Wales); Prescription and Limitation (Scotland) Act 1973 s. 6, sch. 1; Limitation (Northern Ireland) Order 1989 art. 4",
	"US-CA": "Cal. Code Civ. Proc. § 337 (Stats. 2018 ch. 247: no suit once the period has run); Cal. Civ. Code § 1788.2(c)",
	"US-NY": "N.Y. CPLR 213(2), 214-i",
	"US-WA": "RCW 4.16.040(2)",
	"*": "fairdun principle: no threat of court action unless the claim is known to be enforceable (fail closed)",
}

applies if {
	count(lib.threatening) > 0
	not lib.in_de
	not lib.us_debt_collector
	not limitation.enforceable
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.threatening
}

citation := lib.cite(citations)

message := sprintf("the claim is time-barred under %v since %v: no threat of court action", [limitation.period.citation, limitation.expires]) if {
	limitation.expired
} else := "no limitation period on file for the debtor's place (or the due date is unknown): no threat of court action"
