"""``explanation.for_debtor``: what every debtor-facing surface (portal, letter, access report)
shows of a recorded explanation: each reason with its direction, never a favourable fact as a
reason against the debtor, what the score changed and what not, a hint only when re-deciding
confirmed it, and a decision without a score saying so."""

from __future__ import annotations

from typing import Any

from decisions.explanation import for_debtor


def _document(reasons: list[dict[str, Any]], *, profiling: bool | None = True, lang: str = "en",
              **explanation: Any) -> dict[str, Any]:
    return {"risk": {"profiling": profiling},
            "explanation": {"language": lang, "summary": "…", "reasons": reasons, **explanation}}


def test_recorded_directions_are_kept_in_order() -> None:
    shown = for_debtor(_document([
        {"feature": "days_past_due", "value": 22, "contribution": 0.24, "direction": "raises",
         "direction_text": "Spricht für ein höheres Risiko", "text": "Ihre Rechnung ist seit 22 Tagen fällig."},
        {"feature": "paperless", "value": 1, "contribution": -0.5, "direction": "lowers",
         "direction_text": "Spricht für ein niedrigeres Risiko", "text": "Sie erhalten Ihre Rechnungen elektronisch."},
    ], lang="de"))
    assert [(r["direction"], r["direction_text"]) for r in shown["reasons"]] == [
        ("raises", "Spricht für ein höheres Risiko"), ("lowers", "Spricht für ein niedrigeres Risiko")]
    assert shown["facts"] == [] and shown["language"] == "de"


def test_a_reason_recorded_without_a_direction_takes_its_contributions_sign() -> None:
    shown = for_debtor(_document([
        {"feature": "days_past_due", "value": 30, "contribution": 0.3, "text": "late"},
        {"feature": "paperless", "value": 1, "contribution": -0.2, "text": "paperless"},
        {"feature": "paperless", "value": 1, "contribution": 0.0, "text": "nothing"},
    ], lang="de"))
    assert [(r["text"], r["direction"], r["direction_text"]) for r in shown["reasons"]] == [
        ("late", "raises", "Spricht für ein höheres Risiko"), ("paperless", "lowers", "Spricht für ein niedrigeres Risiko")]


def test_a_favourable_fact_is_never_shown_as_a_reason_against_the_debtor() -> None:
    favourable = {"feature": "prior_late_ratio", "features": ["prior_late_ratio"], "value": 0.0,
                  "text": "You paid all of your earlier invoices on time."}
    raising = for_debtor(_document([{**favourable, "contribution": 0.1}]))
    lowering = for_debtor(_document([{**favourable, "contribution": -0.1}]))
    assert raising["reasons"] == []
    assert [r["direction"] for r in lowering["reasons"]] == ["lowers"]


def test_score_role_and_a_hint_only_when_re_deciding_confirmed_it() -> None:
    role = {"changed": [{"element": "tone", "text": "The tone follows."}],
            "regardless": [{"element": "fees", "text": "The fees follow from the law."}]}
    hint = {"change": "later", "text": "Pay by 1 December.", "counterfactual_band": "medium"}
    unconfirmed = for_debtor(_document([], score_role=role, counterfactual=hint))
    assert unconfirmed["changed"] == ["The tone follows."]
    assert unconfirmed["regardless"] == ["The fees follow from the law."]
    assert unconfirmed["hint"] is None
    confirmed = for_debtor(_document([], score_role=role, counterfactual={**hint, "redecided": {"kind": "reminder"}}))
    assert confirmed["hint"] == "Pay by 1 December."


def test_a_decision_without_a_score_says_so_and_its_facts_carry_no_direction() -> None:
    facts = [{"feature": "days_past_due", "value": 9, "contribution": None, "text": "Ihre Rechnung ist seit 9 Tagen fällig."}]
    recorded = {"changed": [], "regardless": [{"element": "no_score", "text": "Es wurde keine Risikobewertung verwendet."}]}
    with_role = for_debtor(_document(facts, profiling=False, lang="de", score_role=recorded))
    assert with_role["regardless"] == ["Es wurde keine Risikobewertung verwendet."]
    assert with_role["reasons"] == [] and with_role["facts"] == ["Ihre Rechnung ist seit 9 Tagen fällig."]
    # recorded before the score's role was: still says that no score was used, in its language
    legacy = for_debtor(_document(facts, profiling=False, lang="de"))
    assert legacy["regardless"][0].startswith("Es wurde keine Risikobewertung verwendet")
    assert for_debtor(_document(facts, profiling=False, lang="en"))["regardless"][0].startswith("No risk score was used")
    assert for_debtor(_document([], profiling=True))["regardless"] == []
