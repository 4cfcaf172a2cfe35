# METADATA
# title: GDPR Art. 14 information at a collection agency's first communication
# description: >-
#   A collection agency obtains the debtor's data from its client, not from the debtor, so it
#   must give the information of Art. 14(1) and (2) (among them the categories of data, Art.
#   14(1)(d), and their source, Art. 14(2)(f)) at the latest at its first communication with
#   the debtor (Art. 14(3)(b)). Art. 14 protects every natural person, sole traders and a
#   company's contact persons included, so the debtor's kind does not matter. Until an earlier
#   dunning entry records the notice data.parameters.gdpr_art14.notice, every e-mail and letter
#   of a (possibly) collecting creditor to a debtor under the GDPR or the UK GDPR carries it
#   (the message prints the controller's privacy block with the categories and the client as
#   the source), and SMS and calls, which cannot carry it, are refused.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj
#     description: GDPR Art. 14
#   - ref: https://www.legislation.gov.uk/eur/2016/679/article/14
#     description: UK GDPR Art. 14
# custom:
#   id: EU-GDPR-14
#   jurisdiction: EU/EEA, GB (collection agencies)
#   citation: "GDPR Art. 14(1), (2), (3)(b) (EU/EEA); UK GDPR Art. 14(1), (2), (3)(b) (GB)"
#   severity: high
package rules.gdpr.art14_information

import rego.v1

import data.fairdun.lib

rule_id := "EU-GDPR-14"

citations := {
	"GB": "UK GDPR Art. 14(1), (2), (3)(b)",
	"*": "GDPR Art. 14(1), (2), (3)(b)",
}

params := data.parameters.gdpr_art14

# The first communication: no earlier dunning message recorded the notice.
applies if {
	lib.in_gdpr
	lib.debt_collector
	not informed
}

informed if {
	some step in lib.dunning
	params.notice in object.get(step, "notices", [])
}

written contains c.id if {
	some c in lib.communicating
	c.channel in params.channels
}

obligations contains {"candidate": c.id, "kind": "notice", "rule": rule_id, "citation": citation, "params": {"notice": params.notice}} if {
	applies
	some c in lib.communicating
	written[c.id]
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.communicating
	id := c.id
	not written[id]
	message := "a collection agency's first communication must carry the information of Art. 14; fairdun gives it in a letter or e-mail only"
}

citation := lib.cite(citations)
