# METADATA
# title: Reviewed scope
# description: >-
#   Whether the debtor's place has a reviewed rule set for the creditor's role
#   (data.parameters.jurisdictions.reviewed: each entry a jurisdiction, the creditor roles
#   reviewed there and the review date). A reviewed entry covers its jurisdiction and, for a
#   country code, no subdivision (a reviewed "US-NY" covers New York only; "GB" covers the whole
#   United Kingdom). Anything else, including an unknown place or role, is outside the reviewed
#   scope and gets the conservative baseline (data.parameters.baseline).
package fairdun.lib.scope

import rego.v1

import data.fairdun.lib

default reviewed := false

reviewed if {
	some entry in data.parameters.jurisdictions.reviewed
	entry.jurisdiction == reviewed_place
	lib.creditor_role in entry.creditor_roles
}

# The place a review entry names: the jurisdiction as given, or the country when the request
# names a subdivision of a country reviewed as a whole (GB-SCT under GB).
default reviewed_place := null

reviewed_place := lib.jurisdiction if lib.jurisdiction in reviewed_jurisdictions

else := lib.country if lib.country in reviewed_countries

reviewed_jurisdictions := {entry.jurisdiction | some entry in data.parameters.jurisdictions.reviewed}

reviewed_countries := {code | some code in reviewed_jurisdictions; indexof(code, "-") == -1}

baseline if reviewed == false

params := data.parameters.baseline

# The message every baseline rule gives, naming the place and role (either may be unknown).
describe := sprintf("no reviewed rule set for %v as %v", [place_text, role_text])

place_text := lib.jurisdiction if is_string(lib.jurisdiction)

else := "an unknown place"

role_text := lib.creditor_role if is_string(lib.creditor_role)

else := "an unknown creditor role"
