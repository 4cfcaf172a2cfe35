"""Plain-language explanation of a decision (English and German) and its policy trace.

Texts live in ``texts.json``; model reasons come from the glass-box model's own
reason catalogue (``explain.reasons``). Debtor-facing sentences carry no scores,
formulas or rule internals.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from explain import ModelError
from explain.reasons import direction_label, load_catalogue, reason_case

from .situation import Situation
from .strategy import Candidate

__all__ = ["language_of", "text", "summary", "rule_reasons", "policy_trace", "score_role", "for_debtor",
           "review_why", "plain_summary", "debtor_rules", "fee_basis", "SENSITIVE_REVIEW_REASONS"]

# Human-review reasons a debtor must not be able to tell apart: each could reveal that data
# concerning health or another special category (GDPR Art. 9(1)) or a vulnerability is held, so
# all of them read as "your circumstances", and their rules and citations are not shown.
SENSITIVE_REVIEW_REASONS = frozenset({"special_category_data", "forbearance"})
_REVIEW_PREFIX = "human review required: "
_CODES = re.compile(r"\(([a-z0-9_]+(?:; *[a-z0-9_]+)*)\)")


@cache
def _texts() -> dict[str, Any]:
    return json.loads(resources.files("decisions").joinpath("texts.json").read_text("utf-8"))


def language_of(requested: str) -> str:
    return requested if requested in _texts() and requested != "version" else "en"


def text(lang: str, *path: str) -> str:
    node: Any = _texts()[language_of(lang)]
    for key in path:
        node = node[key]
    return node


def action_label(lang: str, candidate: Candidate) -> str:
    return text(lang, "action", candidate.kind).format(level=candidate.level)


def summary(lang: str, *, status: str, situation: Situation, chosen: Candidate | None, rationale: str,
            next_step_on: Any = None, why: str = "") -> str:
    if status == "held":
        return text(lang, "summary", "held").format(why=why)
    if chosen is None or chosen.kind == "none":
        key = rationale if rationale in ("closed", "settled", "wait", "ladder_exhausted") else "all_denied"
        return text(lang, "summary", key).format(next_step_on=next_step_on.isoformat() if next_step_on else "")
    label = action_label(lang, chosen)
    if status == "needs_review":
        return text(lang, "summary", "needs_review").format(action=label, why=why)
    send_date = ""
    if chosen.send_at is not None:
        send_date = chosen.send_at.astimezone(ZoneInfo(situation.case.debtor.timezone)).strftime("%Y-%m-%d %H:%M")
    key = "decided" if situation.days_past_due >= 0 else "decided_not_due"
    return text(lang, "summary", key).format(
        action=label, channel=text(lang, "channel", chosen.channel) if chosen.channel else "",
        send_date=send_date, days=situation.days_past_due, days_until=-situation.days_past_due,
    ).replace("  ", " ")


def rule_reasons(lang: str, situation: Situation, chosen: Candidate | None) -> list[dict[str, Any]]:
    """Reasons of a decision made without profiling: the ladder's own facts."""
    reasons: list[dict[str, Any]] = []
    dpd = situation.days_past_due
    if dpd >= 0:
        reasons.append(_reason(lang, "days_past_due", "days_past_due", dpd))
    else:
        reasons.append(_reason(lang, "days_past_due", "not_due", -dpd))
    if situation.last_notice_at is not None:
        since = (situation.today - situation.last_notice_at.astimezone(
            ZoneInfo(situation.case.debtor.timezone)).date()).days
        reasons.append(_reason(lang, "days_since_last_notice", "last_notice", since))
    else:
        reasons.append(_reason(lang, "days_since_last_notice", "no_notice", None))
    if chosen is not None and chosen.level is not None:
        reasons.append(_reason(lang, "ladder_level", "level", chosen.level))
    return reasons


def _reason(lang: str, feature: str, key: str, value: Any) -> dict[str, Any]:
    return {"feature": feature, "value": value, "contribution": None,
            "text": text(lang, "rule_reason", key).format(value=value)}


def policy_trace(candidates: tuple[Candidate, ...], verdicts: Mapping[str, Any],
                 chosen: Candidate | None, *, ranked: Candidate | None = None) -> list[dict[str, Any]]:
    """Refusals of every candidate ranked above the chosen one (or above ``ranked``, the first
    lawful one, when an experiment chose another option), then the obligations that shaped the
    chosen action."""
    trace: list[dict[str, Any]] = []
    until = ranked or chosen
    for candidate in candidates:
        if until is not None and candidate.id == until.id:
            break
        for denial in verdicts[candidate.id].deny:
            trace.append({"rule": denial.rule, "effect": "deny", "action": candidate.kind,
                          "channel": candidate.channel, "citation": denial.citation, "message": denial.message})
    if chosen is not None:
        for obligation in verdicts[chosen.id].obligations:
            trace.append({"rule": obligation.rule, "effect": "obligation", "obligation": obligation.kind,
                          "action": chosen.kind, "channel": chosen.channel, "citation": obligation.citation,
                          "message": _obligation_message(obligation)})
    return trace


def _obligation_message(obligation: Any) -> str:
    params = obligation.params
    if obligation.kind == "send_window":
        return f"send between {params['not_before']} and {params['not_after']} local time"
    if obligation.kind == "fee_cap":
        return f"fees capped at {params['amount_minor']} minor units of {params['currency']}"
    if obligation.kind == "notice":
        return f"the message must carry the notice '{params['notice']}'"
    return f"human review required: {params.get('reason', '')}".strip()


def score_role(lang: str, *, situation: Situation, chosen: Candidate | None, band: str | None, ladder: Any,
               needs_review: bool) -> dict[str, list[dict[str, str]]]:
    """What the risk score changed in this decision, and what followed from the ladder or the law
    whatever the score (``changed`` and ``regardless``, each a list of ``{element, text}``).

    The ladder lets the band change three things: the tone of a message (``tone.by_band``, unless
    the level's floor is at least as firm), whether a pre-due reminder is sent, and whether a
    consumer is offered a payment plan first. Everything else follows from the ladder's stages,
    the debtor's consents, the law and the policy gate."""
    changed: list[dict[str, str]] = []
    regardless: list[dict[str, str]] = []

    def item(key: str, **values: Any) -> dict[str, str]:
        return {"element": key, "text": text(lang, "score_role", key).format(**values)}

    if band is None:
        regardless.append(item("no_score"))
    if chosen is None or chosen.kind == "none":
        regardless.append(item("waiting"))
        return {"changed": changed, "regardless": regardless}
    label = action_label(lang, chosen)
    band_name = text(lang, "band", band) if band is not None else ""
    if band is not None and chosen.kind == "pre_due_reminder":
        changed.append(item("pre_due_reminder", band=band_name))
    elif band is not None and chosen.kind == "payment_plan_offer":
        changed.append(item("payment_plan_offer", band=band_name))
    else:
        regardless.append(item("step", action=label))
    if chosen.tone is not None and chosen.kind != "payment_plan_offer":
        tones = ladder.data["tone"]
        floor = tones["at_least_by_level"].get(str(chosen.level))
        tone_name = text(lang, "tone", chosen.tone)
        if band is not None and tones["by_band"][band] == chosen.tone and floor != chosen.tone:
            changed.append(item("tone", tone=tone_name, band=band_name))
        else:
            regardless.append(item("tone_floor" if band is not None else "tone_fixed", tone=tone_name))
    if chosen.channel is not None:
        regardless.append(item("channel"))
    if chosen.fees:
        regardless.append(item("fees"))
    if needs_review:
        regardless.append(item("review"))
    return {"changed": changed, "regardless": regardless}


def for_debtor(document: Mapping[str, Any]) -> dict[str, Any]:
    """What every debtor-facing surface (portal, letter, access report) shows of a recorded
    decision's explanation, in the decision's language:

    - ``reasons``: the risk model's reasons, each ``{text, direction, direction_text}``. A reason
      recorded without a direction (before directions were recorded) takes the sign of its
      contribution; a favourable fact ("you paid on time") that raised the risk is left out, as
      ``explain.reasons`` does for new decisions: good behaviour is never a reason against the debtor.
    - ``facts``: the ladder's facts of a decision made without a risk score (they raise or lower
      nothing, so they carry no direction).
    - ``profiling``: whether a risk score was used (``False`` after an objection to profiling).
    - ``changed`` / ``regardless``: texts of what the score changed in this decision and what
      followed from the ladder or the law whatever the score (``score_role``); a decision made
      without a score always says so.
    - ``hint``: the counterfactual hint's text, only when re-deciding confirmed it (``redecided``).
    - ``summary``: the summary with no internal code (``plain_summary``); ``rules``: the policy
      trace in plain words (``debtor_rules``); ``fees``: the action's fees, each ``basis`` in the
      decision's language (``fee_basis``).
    """
    explanation: Mapping[str, Any] = document.get("explanation") or {}
    lang = language_of(str(explanation.get("language") or "en"))
    profiling = (document.get("risk") or {}).get("profiling")
    reasons: list[dict[str, str]] = []
    facts: list[str] = []
    for reason in explanation.get("reasons") or []:
        if not isinstance(reason, Mapping) or not reason.get("text"):
            continue
        contribution = reason.get("contribution")
        if contribution is None:
            facts.append(reason["text"])
            continue
        direction = reason.get("direction") or ("raises" if contribution > 0 else "lowers" if contribution < 0 else None)
        if direction is None or (direction == "raises" and _favourable(reason, lang)):
            continue
        reasons.append({"text": reason["text"], "direction": direction,
                        "direction_text": reason.get("direction_text") or direction_label(direction, lang)})
    role: Mapping[str, Any] = explanation.get("score_role") or {}
    changed = [item["text"] for item in role.get("changed") or [] if item.get("text")]
    regardless = [item["text"] for item in role.get("regardless") or [] if item.get("text")]
    if profiling is False and not any(item.get("element") == "no_score" for item in role.get("regardless") or []):
        regardless.insert(0, text(lang, "score_role", "no_score"))
    hint = explanation.get("counterfactual") or {}
    fees = [{**fee, "basis": fee_basis(fee, lang)} for fee in (document.get("action") or {}).get("fees") or []
            if isinstance(fee, Mapping)]
    return {"language": lang, "profiling": profiling, "reasons": reasons, "facts": facts,
            "changed": changed, "regardless": regardless,
            "hint": hint.get("text") if hint.get("redecided") and hint.get("text") else None,
            "summary": plain_summary(explanation.get("summary"), lang),
            "rules": debtor_rules(explanation.get("policy"), lang), "fees": fees}


def _favourable(reason: Mapping[str, Any], lang: str) -> bool:
    """Whether a recorded single-feature reason is one of the catalogue's favourable facts."""
    features = reason.get("features") or [reason.get("feature")]
    if len(features) != 1 or features[0] not in load_catalogue()["features"]:
        return False
    try:
        return reason_case(features[0], reason.get("value"), "raises", lang)[1]
    except (ModelError, ValueError, TypeError):
        return False


def review_why(lang: str, reasons: Any) -> str:
    """The reasons of a human review in plain words (never the internal codes): each code's
    sentence once; an unknown code reads as the general one, and the sensitive codes all read as
    "your circumstances" (``SENSITIVE_REVIEW_REASONS``)."""
    table: Mapping[str, str] = _texts()[language_of(lang)]["review_reason"]
    words: list[str] = []
    for code in sorted({str(r) for r in reasons if r}):
        key = "circumstances" if code in SENSITIVE_REVIEW_REASONS else code if code in table else "human_review"
        if table[key] not in words:
            words.append(table[key])
    return "; ".join(words) or table["human_review"]


def plain_summary(summary: str | None, lang: str) -> str | None:
    """A recorded summary as a debtor may read it: a decision recorded before the review reasons
    were put in words says "(forbearance; special_category_data)"; such a list of codes is
    replaced by ``review_why``."""
    if not summary:
        return summary
    known = SENSITIVE_REVIEW_REASONS | set(_texts()[language_of(lang)]["review_reason"])

    def words(match: re.Match[str]) -> str:
        codes = match.group(1).replace(" ", "").split(";")
        if not any("_" in code or code in known for code in codes):
            return match.group(0)   # a plain word in parentheses
        return f"({review_why(lang, codes)})"

    return _CODES.sub(words, summary)


def debtor_rules(trace: Any, lang: str) -> list[dict[str, Any]]:
    """The policy trace as the debtor reads it, in ``lang``: each finding once; a human-review
    obligation in plain words, without the rule and citation when its reason is sensitive (its
    citation alone, GDPR Art. 9(1), would say that special-category data are held)."""
    rows: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for rule in trace or []:
        if not isinstance(rule, Mapping):
            continue
        row = {"rule": rule.get("rule"), "effect": rule.get("effect"), "citation": rule.get("citation"),
               "message": rule.get("message"), "language": "en"}
        message = str(rule.get("message") or "")
        if rule.get("effect") == "obligation" and message.startswith(_REVIEW_PREFIX):
            reason = message[len(_REVIEW_PREFIX):].strip()
            row["message"] = text(lang, "debtor_rule", "review").format(why=review_why(lang, [reason]))
            row["language"] = language_of(lang)
            if reason in SENSITIVE_REVIEW_REASONS or not reason:
                row["rule"] = row["citation"] = None
        elif rule.get("obligation") == "send_window" or message.startswith("send between "):
            times = re.findall(r"\d{2}:\d{2}", message)
            if len(times) == 2:
                row["message"] = text(lang, "debtor_rule", "send_window").format(start=times[0], end=times[1])
                row["language"] = language_of(lang)
        elif rule.get("obligation") in ("fee_cap", "notice"):
            row["message"] = text(lang, "debtor_rule", str(rule["obligation"]))
            row["language"] = language_of(lang)
        key = (row["rule"], row["effect"], row["citation"], row["message"])
        if key not in seen:
            seen.add(key)
            rows.append(row)
    return rows


def fee_basis(fee: Mapping[str, Any], lang: str) -> str:
    """A fee's legal basis in ``lang``: the recorded citation (the part before the colon, as the
    law names itself: "BGB § 288(5)") and the product's words for what the fee is; the recorded
    explanation after the colon is English and is never shown as it is."""
    citation = str(fee.get("basis") or "").split(":", 1)[0].strip()
    words = _texts()[language_of(lang)]["fee_basis"].get(str(fee.get("kind") or ""))
    return f"{citation}: {words}" if citation and words else citation or (words or "")
