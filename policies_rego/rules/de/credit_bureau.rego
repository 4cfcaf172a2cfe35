# METADATA
# title: German credit-bureau report conditions
# description: >-
#   A claim may be reported to a credit bureau only if (BDSG 31(2) sentence 1 Nr. 4) the debtor
#   was reminded in writing at least twice after the due date (a), at least four weeks passed
#   between the first reminder and the report (b), the debtor was told beforehand, at the
#   earliest with the first reminder, that the claim may be reported (c: a dunning message whose
#   notices include the warning, which the ladder's final notice carries), and the claim is not
#   disputed (d). Each unmet condition denies the report with its own message. "Written" is read
#   as a letter (data.parameters.de_credit_bureau.written_channels). Since the CJEU's SCHUFA
#   judgment (C-634/21) section 31 is doubtful as a legal basis of its own; its conditions stay
#   the yardstick of the GDPR Art. 6(1)(f) balancing, so they are enforced here.
# related_resources:
#   - ref: https://www.gesetze-im-internet.de/bdsg_2018/__31.html
#     description: BDSG section 31(2)
#   - ref: https://curia.europa.eu/juris/liste.jsf?num=C-634/21
#     description: CJEU C-634/21 (SCHUFA), 7 December 2023
# custom:
#   id: DE-BDSG-31-2
#   jurisdiction: DE
#   citation: "BDSG § 31(2) Satz 1 Nr. 4; GDPR Art. 6(1)(f)"
#   severity: high
package rules.de.credit_bureau

import rego.v1

import data.fairdun.lib

rule_id := "DE-BDSG-31-2"

citations := {"*": "BDSG § 31(2) Satz 1 Nr. 4; GDPR Art. 6(1)(f)"}

params := data.parameters.de_credit_bureau

applies if {
	lib.in_de
	count(lib.significant) > 0
}

deny contains {"candidate": c.id, "rule": rule_id, "citation": citation, "message": message} if {
	applies
	some c in lib.significant
	c.kind == "credit_bureau_report"
	some message in unmet
}

citation := lib.cite(citations)

# Letters reminding of the claim after its due date.
written_reminders := [step |
	some step in lib.dunning
	step.kind in params.reminder_kinds
	step.channel in params.written_channels
	is_string(step.date)
	is_string(lib.invoice.due_on)
	step.date > lib.invoice.due_on
]

# The age in days of the first of them (one of unknown age counts as sent today; none: 0).
reminder_ages := [age | some step in written_reminders; age := lib.age(step)]

default first_reminder_age := 0

first_reminder_age := age if {
	some age in reminder_ages
	count([older | some older in reminder_ages; older > age]) == 0
}

warned if {
	some step in lib.dunning
	params.warning_notice in step.notices
	lib.age(step) <= first_reminder_age
}

waited if first_reminder_age >= params.min_days_since_first_reminder

unmet contains "fewer than two written reminders after the due date (lit. a)" if {
	count(written_reminders) < params.min_written_reminders
}

unmet contains "less than four weeks since the first written reminder (lit. b)" if {
	not waited
}

unmet contains "the debtor was not warned of the report, at the earliest with the first reminder (lit. c)" if {
	not warned
}

unmet contains "the claim is disputed or its status unknown (lit. d)" if {
	not lib.invoice.disputed == false
}
