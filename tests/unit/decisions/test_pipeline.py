"""The pipeline with fakes: routing, obligations, explanation and every fail-closed path."""

from __future__ import annotations

from typing import Any

import pytest
from fakes import FakeModel, case_from, request_with

from decisions.pipeline import DecisionContext, evaluate
from decisions.policy import FakePolicyEngine
from decisions.risk import ModelUnavailable
from decisions.strategy import load_ladder

LADDER = load_ladder()


def verdicts(policy_input: dict[str, Any], rule: Any) -> dict[str, Any]:
    """A raw policy answer built by ``rule(candidate) -> (deny list, obligations list)``."""
    answer = {}
    for c in policy_input["candidates"]:
        deny, obligations = rule(c)
        answer[c["id"]] = {"allow": not deny, "deny": deny, "obligations": obligations}
    return {"candidates": answer}


def deny_channel(channel: str):
    return lambda i: verdicts(i, lambda c: (
        [{"rule": "T-CONSENT", "message": f"no consent for {channel}", "citation": "Art. 6"}]
        if c["channel"] == channel else [], []))


def oblige(kind: str, params: dict[str, Any], when=lambda c: c["kind"] != "none"):
    return lambda i: verdicts(i, lambda c: ([], [{"kind": kind, "rule": f"T-{kind}", "citation": "c",
                                                  "params": params}] if when(c) else []))


def decide(policy: Any = None, model: Any = None, profiling: bool = True, **changes: Any):
    context = DecisionContext(model=model or FakeModel(), policy=policy or FakePolicyEngine(), ladder=LADDER)
    return evaluate(case_from(request_with(**changes)), decision_id="d-1", context=context, profiling=profiling)


def test_the_first_lawful_candidate_is_chosen_and_refusals_are_explained() -> None:
    decision = decide(FakePolicyEngine(deny_channel("email")))
    assert decision.status == "decided"
    assert (decision.action.kind, decision.action.channel) == ("reminder", "letter")
    [trace] = decision.explanation["policy"]
    assert trace == {"rule": "T-CONSENT", "effect": "deny", "action": "reminder", "channel": "email",
                     "citation": "Art. 6", "message": "no consent for email"}
    assert decision.risk == {"p_late": 0.1, "band": "medium", "uncertainty": 0.02, "profiling": True,
                             "model": {"id": "fake-model", "sha256": "f" * 64}, "interval": [0.09, 0.11],
                             "interval_bands": ["medium"], "out_of_range": [],
                             "inputs": {"days_past_due": 22, "paperless": 1, "prior_avg_days_late": 4.5,
                                        "prior_late_ratio": 0.25}}


def test_the_policy_sees_one_input_with_every_candidate_and_no_identifier() -> None:
    engine = FakePolicyEngine()
    decide(engine)
    [seen] = engine.inputs
    assert [c["id"] for c in seen["candidates"]] == ["c0", "c1", "c2", "c3", "c4"]
    text = repr(seen)
    for identifier in ("C-10023", "INV-42", "Erika", "erika@", "Musterstraße"):
        assert identifier not in text
    assert seen["case"]["invoice"]["open_amount_minor"] == 12000
    assert seen["candidates"][0]["fees"] == [{"kind": "dunning_fee", "amount_minor": 250, "currency": "EUR"}]


def test_the_model_sees_only_the_documented_features() -> None:
    from explain import FEATURE_NAMES

    model = FakeModel()
    decide(model=model)
    assert set(model.seen[0]) == set(FEATURE_NAMES)
    assert model.seen[0]["days_past_due"] == 22 and model.seen[0]["prior_late_ratio"] == 0.25


def test_a_human_review_obligation_routes_to_needs_review_with_the_reason() -> None:
    decision = decide(FakePolicyEngine(oblige("human_review", {"reason": "significant_effect"})))
    assert decision.status == "needs_review" and decision.action.kind == "reminder"
    assert "significant_effect" not in decision.explanation["summary"]   # plain words, never the code
    assert "kann Sie erheblich betreffen" in decision.explanation["summary"]
    assert decision.explanation["policy"][0]["effect"] == "obligation"


@pytest.mark.parametrize("codes", [("special_category_data",), ("forbearance",), ("forbearance", "special_category_data"),
                                   ("special_category_data", "significant_effect"), ("a_reason_added_later",)])
def test_a_review_summary_never_names_a_reason_code_and_sensitive_ones_read_alike(codes: tuple[str, ...]) -> None:
    from decisions.explanation import plain_summary

    summaries = []
    reviews = [{"kind": "human_review", "rule": "T-REVIEW", "citation": "c", "params": {"reason": code}}
               for code in codes]
    for lang in ("en", "de"):
        engine = FakePolicyEngine(lambda i: verdicts(i, lambda c: ([], reviews if c["kind"] != "none" else [])))
        decision = decide(engine, **{"debtor.language": lang})
        summary = decision.explanation["summary"]
        assert decision.status == "needs_review"
        for code in codes:
            assert code not in summary
        assert "_" not in summary and "health" not in summary.lower() and "gesundheit" not in summary.lower()
        summaries.append(summary)
        # a summary recorded with the codes, as before, is shown in plain words
        recorded = f"Reminder no. 2 is proposed, but a person must review it before anything happens ({'; '.join(codes)})."
        assert not any(code in (plain_summary(recorded, lang) or "") for code in codes)
    if set(codes) <= {"special_category_data", "forbearance"}:
        assert "circumstances" in summaries[0] or "Umstände" in summaries[0]


def test_a_send_window_moves_the_send_time_into_it() -> None:
    decision = decide(FakePolicyEngine(oblige("send_window", {"not_before": "11:30", "not_after": "12:00"})))
    assert decision.action.send_at.isoformat() == "2026-11-23T10:30:00+00:00"   # 11:30 Berlin, Monday


def test_fee_caps_lower_fees_and_a_zero_cap_removes_them() -> None:
    capped = decide(FakePolicyEngine(oblige("fee_cap", {"amount_minor": 100, "currency": "EUR"})))
    assert [str(f.amount) for f in capped.action.fees] == ["1.00"]
    assert capped.document()["action"]["fees"][0]["amount"] == "1.00"
    removed = decide(FakePolicyEngine(oblige("fee_cap", {"amount_minor": 0, "currency": "EUR"})))
    assert removed.action.fees == ()


def test_required_notices_travel_with_the_action() -> None:
    decision = decide(FakePolicyEngine(oblige("notice", {"notice": "gdpr_art21_objection"})))
    assert decision.document()["action"]["notices"] == ["gdpr_art21_objection"]


def test_without_profiling_the_model_is_not_asked_and_reasons_are_the_ladders() -> None:
    model = FakeModel()
    decision = decide(model=model, profiling=False)
    assert model.seen == []
    assert decision.risk == {"p_late": None, "band": None, "uncertainty": None, "profiling": False, "model": None,
                             "interval": None, "interval_bands": None, "out_of_range": None, "inputs": None}
    assert decision.explanation["score_role"]["changed"] == []
    assert decision.action.tone == "neutral"
    assert {r["feature"] for r in decision.explanation["reasons"]} == {"days_past_due", "days_since_last_notice",
                                                                      "ladder_level"}
    assert all(r["contribution"] is None for r in decision.explanation["reasons"])


@pytest.mark.parametrize("policy, model, code", [
    (FakePolicyEngine.failing("engine down"), None, "policy_error"),
    (None, FakeModel(error=ValueError("artifact broken")), "model_error"),
    (None, ModelUnavailable(reason="sha256 mismatch", id="m", sha256="0" * 64), "model_unavailable"),
    (FakePolicyEngine(lambda i: verdicts(i, lambda c: ([{"rule": "T", "message": "m", "citation": "c"}], []))),
     None, "no_lawful_action"),
    (FakePolicyEngine(oblige("send_window", {"not_before": "10:00", "not_after": "11:00", "weekdays": [7]})),
     None, "no_send_time"),
])
def test_every_failure_holds_the_decision_with_its_reason(policy: Any, model: Any, code: str) -> None:
    decision = decide(policy, model)
    assert decision.status == "held" and decision.action is None
    assert decision.hold.code == code
    document = decision.document()
    assert document["action"]["kind"] == "none" and document["hold"]["code"] == code
    assert document["explanation"]["summary"]


def test_an_unforeseen_error_is_held_not_raised() -> None:
    class Broken(FakePolicyEngine):
        def evaluate(self, policy_input: Any) -> Any:
            raise KeyError("bug")

    decision = decide(Broken())
    assert (decision.status, decision.hold.code, decision.hold.detail) == ("held", "internal_error", "KeyError")


def test_the_same_case_and_context_give_the_same_decision() -> None:
    assert decide().document() == decide().document()


def test_explanations_follow_the_debtors_language() -> None:
    german = decide(**{"debtor.language": "de"}).explanation
    english = decide(**{"debtor.language": "en"}).explanation
    french = decide(**{"debtor.language": "fr"}).explanation
    assert "Mahnung" in german["summary"] and "Reminder" in english["summary"]
    assert french["language"] == "en"


def test_the_safeguard_sees_the_interval_bands_and_the_inputs_out_of_range() -> None:
    engine = FakePolicyEngine()
    decide(engine, model=FakeModel(band="medium", interval_bands=("medium", "high"),
                                   out_of_range=("prior_avg_days_late",)))
    [seen] = engine.inputs
    assert seen["case"]["risk"]["interval_bands"] == ["medium", "high"]
    assert seen["case"]["risk"]["out_of_range"] == ["prior_avg_days_late"]
    assert "uncertainty" not in seen["case"]["risk"]


def test_a_model_without_calibrated_bands_holds_the_decision() -> None:
    class Uncalibrated(FakeModel):
        def score(self, features):
            import dataclasses

            return dataclasses.replace(super().score(features), calibrated=None)

    decision = decide(model=Uncalibrated())
    assert decision.status == "held" and decision.hold.code == "model_error"
    assert "calibrated risk bands" in decision.hold.detail


def test_every_reason_carries_its_direction_and_the_explanation_says_what_the_score_changed() -> None:
    decision = decide(model=FakeModel(band="low"))
    for reason in decision.explanation["reasons"]:
        assert reason["direction"] in ("raises", "lowers") and reason["direction_text"]
    role = decision.explanation["score_role"]
    assert set(role) == {"changed", "regardless"}
    assert all(item["text"] for item in role["changed"] + role["regardless"])
