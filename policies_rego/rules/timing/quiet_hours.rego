# METADATA
# title: Statutory contact hours
# description: >-
#   A send_window obligation (local time at the debtor's location) for every communication
#   candidate to which a statutory contact-hours rule in data.parameters.quiet_hours.windows
#   applies. Each window carries its own rule id and citation (today only US Regulation F for
#   debt collectors); where no statute sets hours there is no window and no obligation. An
#   unknown creditor role or channel counts as covered (fail closed).
# related_resources:
#   - ref: https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.6
#     description: 12 CFR 1006.6(b)(1)(i)
#   - ref: https://www.law.cornell.edu/uscode/text/15/1692c
#     description: 15 U.S.C. 1692c(a)(1)
# custom:
#   id: FD-QUIET-HOURS
#   jurisdiction: "*"
#   citation: "per window in data.parameters.quiet_hours (US: 15 U.S.C. § 1692c(a)(1); 12 CFR 1006.6(b)(1)(i))"
#   severity: medium
package rules.timing.quiet_hours

import rego.v1

import data.fairdun.lib

rule_id := "FD-QUIET-HOURS"

# Entries carry the id and citation of the window that produced them; this table only names
# the family for the catalogue.
citations := {"*": "per window in data.parameters.quiet_hours"}

obligations contains lib.obligation(window.id, {"*": window.citation}, c, "send_window", params) if {
	some window in windows
	some c in lib.communicating
	channel_covered(window, c)
	params := {"not_before": window.not_before, "not_after": window.not_after}
}

# The windows that bind this creditor at the debtor's place.
windows := [window |
	some window in data.parameters.quiet_hours.windows
	lib.place_in(window.jurisdictions)
	role_covered(window)
]

role_covered(window) if lib.creditor_role in window.creditor_roles

role_covered(_) if not lib.creditor_role in data.parameters.contract.creditor_roles

channel_covered(window, c) if c.channel in window.channels

channel_covered(_, c) if not c.channel in data.parameters.contract.channels
