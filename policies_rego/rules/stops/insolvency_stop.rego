# METADATA
# title: Insolvency stop
# description: >-
#   No individual collection against a debtor in insolvency proceedings: every candidate except
#   "none" is denied while flags.insolvency is true, and also when the flag is missing or not a
#   boolean (fail closed). Claims are pursued only inside the proceedings (DE InsO sections 87,
#   89; US automatic stay 11 U.S.C. 362(a)(6); GB Insolvency Act 1986 s. 285(3) for
#   bankruptcy and Sch. B1 para. 43 for administration; other EU/EEA states under the law of the
#   state that opened the proceedings, Regulation (EU) 2015/848 Art. 7(2)(f), which does not
#   bind Denmark nor the EEA EFTA states).
# related_resources:
#   - ref: https://www.gesetze-im-internet.de/inso/__89.html
#     description: InsO section 89 (Vollstreckungsverbot)
#   - ref: https://www.gesetze-im-internet.de/inso/__87.html
#     description: InsO section 87
#   - ref: https://www.law.cornell.edu/uscode/text/11/362
#     description: 11 U.S.C. 362 (automatic stay)
#   - ref: https://www.legislation.gov.uk/ukpga/1986/45/section/285
#     description: Insolvency Act 1986 s. 285
#   - ref: https://eur-lex.europa.eu/eli/reg/2015/848/oj
#     description: Regulation (EU) 2015/848 Art. 7
# custom:
#   id: FD-INSOLVENCY-STOP
#   jurisdiction: "*"
#   citation: "InsO §§ 87, 89 (DE); 11 U.S.C. § 362(a)(6) (US); Insolvency Act 1986 s. 285(3), Sch. B1 para. 43 (GB); Regulation (EU) 2015/848 Art. 7(2)(f) (EU except DK)"
#   severity: high
package rules.stops.insolvency_stop

import rego.v1

import data.fairdun.lib

rule_id := "FD-INSOLVENCY-STOP"

citations := {
	"DE": "InsO §§ 87, 89",
	"US": "11 U.S.C. § 362(a)(6)",
	"GB": "Insolvency Act 1986 s. 285(3), Sch. B1 para. 43",
	"EU": "Regulation (EU) 2015/848 Art. 7(2)(f)",
	# Regulation (EU) 2015/848 does not bind Denmark nor the EEA EFTA states.
	"DK": "fairdun principle: in dubio pro debitore (DESIGN.md)",
	"IS": "fairdun principle: in dubio pro debitore (DESIGN.md)",
	"LI": "fairdun principle: in dubio pro debitore (DESIGN.md)",
	"NO": "fairdun principle: in dubio pro debitore (DESIGN.md)",
	"*": "fairdun principle: in dubio pro debitore (DESIGN.md)",
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": reason} if {
	not lib.flags.insolvency == false
	some c in lib.acting
}

citation := lib.cite(citations)

reason := "the debtor is in insolvency proceedings: the claim is pursued only inside them" if {
	lib.flags.insolvency == true
} else := "whether the debtor is in insolvency proceedings is unknown"
