# METADATA
# title: No contact at work
# description: >-
#   When the debtor asked not to be contacted at the workplace (flags.no_work_contact, or the
#   flag missing: fail closed), candidates on channels that may reach the debtor there
#   (data.parameters.work_contact.channels: e-mail and phone, whose addresses may be the
#   employer's) are denied; letters and texts remain. For US debt collectors this is the
#   statutory rule of 15 U.S.C. 1692c(a)(3) and 12 CFR 1006.6(b)(1)(iii), 1006.22(f)(3).
# related_resources:
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.6
#     description: 12 CFR 1006.6(b)(1)(iii)
#   - ref: https://www.law.cornell.edu/uscode/text/15/1692c
#     description: 15 U.S.C. 1692c(a)(3)
# custom:
#   id: FD-NO-WORK-CONTACT
#   jurisdiction: "*"
#   citation: "15 U.S.C. § 1692c(a)(3); 12 CFR 1006.6(b)(1)(iii), 1006.22(f)(3) (US debt collectors); fairdun principle (elsewhere)"
#   severity: medium
package rules.contact.no_work_contact

import rego.v1

import data.fairdun.lib

rule_id := "FD-NO-WORK-CONTACT"

citations := {
	"US/debt_collector": "15 U.S.C. § 1692c(a)(3); 12 CFR 1006.6(b)(1)(iii), 1006.22(f)(3)",
	"*": "fairdun principle: no contact at the workplace when the debtor asked for none",
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	not lib.flags.no_work_contact == false
	some c in lib.communicating
	channel := object.get(c, "channel", null)
	channel in data.parameters.work_contact.channels
	message := sprintf("the debtor asked not to be contacted at work; %s may reach the workplace", [channel])
}

citation := lib.cite(citations)
