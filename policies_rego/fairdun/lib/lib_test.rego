package lib_test

import rego.v1

import data.fairdun.fixtures_test as fx
import data.fairdun.lib

table := {
	"US-NY/debt_collector": "state, collector",
	"US-NY": "state",
	"US/debt_collector": "country, collector",
	"US": "country",
	"EU": "region",
	"*": "everywhere",
}

cite_for(tc) := citation if {
	the_case := fx.case_for(tc)
	citation := lib.cite(table) with input.case as the_case
}

test_citation_for_a_collector_in_a_state_is_the_most_specific if {
	cite_for({"set": object.union(fx.in_new_york, {"/creditor/role": "debt_collector"})}) == "state, collector"
}

test_citation_for_a_first_party_creditor_skips_collector_keys if {
	cite_for({"set": fx.in_new_york}) == "state"
}

test_citation_falls_back_from_state_to_country if {
	cite_for({"set": object.union(fx.in_new_york, {"/debtor/jurisdiction": "US-TX"})}) == "country"
}

test_citation_for_an_eu_member_state_uses_the_region if {
	cite_for({}) == "region"
}

test_citation_elsewhere_uses_the_star_entry if {
	cite_for({"set": fx.in_england}) == "everywhere"
}

test_citation_table_without_a_match_still_yields_a_citation if {
	the_case := fx.case
	lib.cite({"FR": "x"}) == "citation missing for this jurisdiction" with input.case as the_case
}

test_places_of_a_us_state_debtor if {
	the_case := fx.case_for({"set": fx.in_new_york})
	lib.places == {"US-NY", "US", "*"} with input.case as the_case
}

test_places_of_an_eu_debtor_include_the_region if {
	the_case := fx.case
	lib.places == {"DE", "EU", "*"} with input.case as the_case
}

test_missing_communication_flag_or_any_channel_counts_as_communication if {
	candidates := [
		object.union(object.remove(fx.no_action, ["communication"]), {"id": "a"}),
		object.union(fx.collection_handover, {"id": "b", "channel": "email"}),
		fx.collection_handover,
		fx.no_action,
		fx.email_reminder,
	]
	communicating := lib.communicating with input.candidates as candidates
	[c.id | some c in communicating] == ["a", "b", "c0"]
}

test_missing_kind_acts if {
	candidates := [object.union(object.remove(fx.no_action, ["kind"]), {"id": "a"}), fx.no_action]
	acting := lib.acting with input.candidates as candidates
	[c.id | some c in acting] == ["a"]
}
