package decision_test

import rego.v1

import data.fairdun.fixtures_test as fx

decision_for(tc) := decision if {
	the_case := fx.case_for(tc)
	candidates := tc.candidates
	decision := data.fairdun.decision with input.case as the_case with input.candidates as candidates
}

rules_of(entries) := {e.rule | some e in entries}

test_german_consumer_case_gives_one_verdict_per_candidate if {
	decision := decision_for({"candidates": fx.all_candidates})
	object.keys(decision.candidates) == {"c0", "c1", "c2", "c3", "c4", "c5", "c6"}
}

test_german_consumer_case_allows_consented_email_and_letter if {
	verdicts := decision_for({"candidates": fx.all_candidates}).candidates
	verdicts.c0 == {"allow": true, "deny": [], "obligations": []}
	verdicts.c3 == {"allow": true, "deny": [], "obligations": []}
	verdicts.c6 == {"allow": true, "deny": [], "obligations": []}
}

test_german_consumer_case_denies_sms_and_phone_without_consent if {
	verdicts := decision_for({"candidates": fx.all_candidates}).candidates
	verdicts.c1.allow == false
	rules_of(verdicts.c1.deny) == {"FD-CONSENT-CHANNEL"}
	verdicts.c2.allow == false
	rules_of(verdicts.c2.deny) == {"FD-CONSENT-CHANNEL"}
}

test_german_consumer_case_sends_escalations_to_human_review_under_gdpr_and_ai_act if {
	verdicts := decision_for({"candidates": fx.all_candidates}).candidates
	some id in ["c4", "c5"]
	verdicts[id].allow == true
	rules_of(verdicts[id].obligations) == {"EU-GDPR-22", "FD-OVERSIGHT-SIGNIFICANT-EFFECT"}
	every o in verdicts[id].obligations {
		o.kind == "human_review"
	}
}

test_insolvent_debtor_case_allows_only_doing_nothing if {
	verdicts := decision_for({"set": {"/debtor/flags/insolvency": true}, "candidates": fx.all_candidates}).candidates
	{id | some id in object.keys(verdicts); verdicts[id].allow} == {"c6"}
	every v in verdicts {
		allow_matches_deny(v)
	}
}

allow_matches_deny(verdict) if {
	verdict.allow == true
	verdict.deny == []
}

allow_matches_deny(verdict) if {
	verdict.allow == false
	count(verdict.deny) > 0
}

test_one_candidate_denied_by_several_rules_lists_every_rule if {
	tc := {"set": {"/invoice/disputed": true, "/debtor/consents/email": false}, "candidates": [fx.email_reminder]}
	rules_of(decision_for(tc).candidates.c0.deny) == {"FD-CONSENT-CHANNEL", "FD-DISPUTE-HOLD"}
}

test_entries_do_not_carry_the_candidate_id if {
	verdicts := decision_for({"set": {"/invoice/disputed": true}, "candidates": fx.all_candidates}).candidates
	every _, v in verdicts {
		every e in array.concat(v.deny, v.obligations) {
			not e.candidate
		}
	}
}

test_no_candidates_give_an_empty_decision if {
	decision_for({"candidates": []}) == {"candidates": {}}
}
