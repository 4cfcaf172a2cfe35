"""Policy inputs for the differential engine test: hypothesis strategies over the synthetic
portfolio generator, pushed towards the edges where engines part ways.

A scenario draws a portfolio request (``generate_portfolio``, any seed) and changes it as a
tester would: every supported jurisdiction (reviewed or under the baseline) and some unsupported
ones, GB debtors with and without their UK nation, both creditor roles and debtor kinds, decision
instants at DST changes in both hemispheres (and on the evenings before them, so that the message
goes out after the change), leap days and year ends, other possible time zones, empty histories,
flags, consents, opt-outs, disputes, promises and
part payments, Regulation F's facts (attorney, inconvenient times and places, work e-mail, the
validation notice's day), the facts of the rights workflows. The request goes through the pipeline's own
steps (validation, situation, model, ladder, ``policy_input``), so the input is one fairdun would
send; then optional fields may be removed or nulled, as an input from an older pipeline or
another client would be.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

from hypothesis import strategies as st

from decisions.features import model_features
from decisions.policy_input import RightsStatus, policy_input
from decisions.portfolio import generate_portfolio
from decisions.situation import situate
from decisions.strategy import load_ladder, propose
from service.runtime import load_risk_model
from service.schemas import DecisionRequestSchema

__all__ = ["EDGE_INSTANTS", "PLACES", "UK_NATIONS", "policy_input_of", "scenarios"]


@cache
def _data() -> dict[str, Any]:
    from decisions.policy import load_bundle

    return json.loads(load_bundle().data_text)["parameters"]


EU_EEA = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT",
          "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO")
US_STATES = ("US-AL", "US-AK", "US-AZ", "US-AR", "US-CA", "US-CO", "US-CT", "US-DE", "US-DC", "US-FL", "US-GA",
             "US-HI", "US-ID", "US-IL", "US-IN", "US-IA", "US-KS", "US-KY", "US-LA", "US-ME", "US-MD", "US-MA",
             "US-MI", "US-MN", "US-MS", "US-MO", "US-MT", "US-NE", "US-NV", "US-NH", "US-NJ", "US-NM", "US-NY",
             "US-NC", "US-ND", "US-OH", "US-OK", "US-OR", "US-PA", "US-RI", "US-SC", "US-SD", "US-TN", "US-TX",
             "US-UT", "US-VT", "US-VA", "US-WA", "US-WV", "US-WI", "US-WY")
UNSUPPORTED = ("CH", "JP", "AU", "BR", "US", "US-PR", "CA-QC")
# GB with and without a nation's subdivision (the reviewed scope covers GB as a whole)
PLACES = EU_EEA + ("GB", "GB-SCT", "GB-NIR") + US_STATES + UNSUPPORTED
UK_NATIONS = ("england_wales", "scotland", "northern_ireland", None)

_CURRENCY = {"GB": "GBP", "US": "USD", "CH": "CHF", "JP": "JPY", "AU": "AUD", "BR": "BRL", "CA": "CAD",
             "DK": "DKK", "SE": "SEK", "PL": "PLN", "CZ": "CZK", "HU": "HUF", "RO": "RON", "BG": "BGN",
             "IS": "ISK", "NO": "NOK", "LI": "CHF"}
# Zones of both hemispheres, with and without DST, some a half hour off.
ZONES = ("Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "America/Chicago",
         "America/Denver", "America/Phoenix", "Pacific/Honolulu", "America/Anchorage", "Australia/Sydney",
         "Australia/Adelaide", "Pacific/Auckland", "America/Santiago", "America/Sao_Paulo", "Asia/Kolkata",
         "Asia/Tokyo", "UTC", "Atlantic/Azores", "Pacific/Chatham")

# Instants next to DST changes (northern: EU 29 Mar / 25 Oct 2026, US 8 Mar / 1 Nov 2026;
# southern: AU 5 Apr / 4 Oct 2026, NZ 5 Apr / 27 Sep 2026, CL 5 Apr / 6 Sep 2026), leap days,
# year ends, the last known German base rate (30 June 2026: interest is claimed on 1 July, not from
# 2 July) and the change from a negative base rate (1 January 2023).
EDGE_INSTANTS = tuple(datetime.fromisoformat(t).replace(tzinfo=UTC) for t in (
    "2026-03-29T00:30:00", "2026-03-29T01:30:00", "2026-10-25T00:30:00", "2026-10-25T01:30:00",
    "2026-03-08T06:30:00", "2026-03-08T07:30:00", "2026-11-01T05:30:00", "2026-11-01T06:30:00",
    "2026-04-04T15:30:00", "2026-04-04T16:30:00", "2026-10-03T15:30:00", "2026-10-03T16:30:00",
    "2026-04-04T13:30:00", "2026-09-26T13:30:00", "2026-04-05T02:30:00", "2026-09-06T04:30:00",
    "2028-02-28T23:30:00", "2028-02-29T12:00:00", "2028-03-01T00:30:00", "2024-02-29T09:00:00",
    "2026-12-31T23:30:00", "2027-01-01T00:30:00", "2025-12-31T22:00:00", "2026-06-30T21:00:00",
    "2026-07-01T09:00:00", "2026-07-02T09:00:00", "2023-01-15T09:00:00", "2026-11-22T09:00:00",
    # Evenings before a DST change (after the ladder's hours): the message goes out after it, so
    # the zones' clocks at the send instant differ from those at the decision (issue 17).
    "2026-03-08T01:00:00", "2026-03-28T19:00:00", "2026-10-24T18:00:00", "2026-10-31T19:00:00",
    "2026-09-05T23:00:00", "2026-04-04T02:00:00", "2026-09-26T06:00:00", "2026-10-03T08:00:00",
))

# Clock times around the statutory contact hours (08:00 inclusive, 21:00 exclusive).
CLOCK_EDGES = ((7, 59), (8, 0), (12, 0), (20, 59), (21, 0), (0, 0), (23, 59))

# Fields of the policy input that may be missing (an older pipeline, another client): each
# must count as its stricter value on every engine.
OPTIONAL_POINTERS = (
    "/case/debtor/flags/vulnerable", "/case/debtor/flags/insolvency", "/case/debtor/flags/deceased",
    "/case/debtor/flags/breathing_space_until", "/case/debtor/flags/mental_health_crisis_moratorium",
    "/case/debtor/flags/cease_communication", "/case/debtor/flags/no_work_contact",
    "/case/debtor/flags/financial_difficulty", "/case/debtor/consents/email", "/case/debtor/consents/sms",
    "/case/debtor/consents/phone", "/case/debtor/consents/letter", "/case/debtor/consents",
    "/case/debtor/opted_out_channels", "/case/debtor/objected_to_profiling",
    "/case/debtor/compelling_grounds_documented", "/case/debtor/processing_restricted", "/case/debtor/flags",
    "/case/invoice/disputed", "/case/invoice/promise_to_pay_on", "/case/invoice/last_payment_on",
    "/case/invoice/due_date_agreed", "/case/invoice/default_notice_in_invoice",
    "/case/invoice/human_review_completed", "/case/invoice/escalation_paused", "/case/invoice/open_amount_minor",
    "/case/invoice/due_on", "/case/history/dunning", "/case/history/contacts", "/case/controls/global_stop",
    "/case/controls", "/case/risk/interval_bands", "/case/risk/out_of_range", "/case/risk/profiling", "/case/creditor/role", "/case/debtor/kind",
    "/case/today", "/case/debtor/jurisdiction", "/case/debtor/country", "/case/debtor/uk_nation",
    "/candidates/0/legal_action_threat", "/candidates/0/send_at_local", "/candidates/0/profiling",
    "/candidates/1/legal_action_threat", "/candidates/1/send_at_local",
    "/candidates/0/send_at_local/zones", "/candidates/0/send_at_local/zones/0",
    "/candidates/0/send_at_local/zones/1/hour", "/candidates/1/send_at_local/zones/0/minute",
    "/candidates/1/send_at_local/zones/1/timezone",
    "/case/history/dunning/0/age_days", "/case/history/dunning/0/notices", "/case/history/dunning/0/channel",
    "/case/history/contacts/0/age_days", "/case/history/contacts/0/connected",
    "/case/invoice/substantiation_requested_on", "/case/invoice/substantiation_provided_on",
    "/case/debtor/represented_by_attorney", "/case/debtor/inconvenient_times", "/case/debtor/inconvenient_times/0",
    "/case/debtor/inconvenient_times/0/to", "/case/debtor/email_is_work", "/case/debtor/work_email_permitted",
    "/case/invoice/validation_notice_sent_on", "/case/invoice/validation_notice_receipt_age_days",
)
# Regulation F facts: local ranges the debtor calls inconvenient (around the ladder's hours and
# over midnight) and days a validation notice was sent (long ago, inside the period, ahead).
INCONVENIENT_RANGES = ({"from": "08:00", "to": "10:00"}, {"from": "12:00", "to": "12:01"},
                       {"from": "18:00", "to": "09:00"}, {"from": "09:00", "to": "18:00"}, {"from": "20:59", "to": "21:00"})
VALIDATION_SENT = ("2023-01-02", "2026-06-30", "2026-10-20", "2026-11-13", "2026-11-20", "2026-11-27", "2027-12-24")


@st.composite
def scenarios(draw: Any) -> dict[str, Any]:
    """A request changed towards an edge, with the rights facts and the input changes to apply."""
    as_of = draw(st.one_of(
        st.sampled_from(EDGE_INSTANTS),
        st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31)).map(
            lambda t: t.replace(second=0, microsecond=0, tzinfo=UTC)),
    ))
    request = next(generate_portfolio(1, seed=draw(st.integers(0, 2**31)), as_of=as_of))
    debtor, invoice, history = request["debtor"], request["invoice"], request["history"]
    if draw(st.booleans()):
        place = draw(st.sampled_from(PLACES))
        country = place.split("-")[0]
        debtor.update(jurisdiction=place, language=draw(st.sampled_from(("en", "de", "fr"))))
        invoice["currency"] = _CURRENCY.get(country, "EUR")
    if draw(st.booleans()):
        debtor["timezone"] = draw(st.sampled_from(ZONES))
    if draw(st.booleans()):
        debtor["other_timezones"] = draw(st.lists(st.sampled_from(ZONES), max_size=3, unique=True))
    if draw(st.booleans()):
        request["creditor"] = {"role": draw(st.sampled_from(("first_party", "debt_collector")))}
    if debtor["jurisdiction"].startswith("GB") and draw(st.booleans()):
        debtor["uk_nation"] = draw(st.sampled_from(UK_NATIONS))
    if draw(st.booleans()):
        debtor["kind"] = draw(st.sampled_from(("consumer", "business")))
    if draw(st.booleans()):
        history["dunning"] = [] if draw(st.booleans()) else history["dunning"]
        history["contacts"] = [] if draw(st.booleans()) else history["contacts"]
    if draw(st.booleans()):
        debtor["consents"] = {ch: draw(st.booleans()) for ch in ("email", "sms", "phone", "letter")}
    if draw(st.booleans()):
        debtor["opted_out_channels"] = draw(st.lists(st.sampled_from(("email", "sms", "phone", "letter")),
                                                     max_size=2, unique=True))
    flags = debtor["flags"]
    for flag in draw(st.lists(st.sampled_from(("vulnerable", "insolvency", "deceased", "cease_communication",
                                               "no_work_contact", "mental_health_crisis_moratorium",
                                               "financial_difficulty")), max_size=2, unique=True)):
        flags[flag] = True
    if draw(st.integers(0, 9)) == 0:
        flags["breathing_space_until"] = draw(st.sampled_from(("2026-01-31", "2026-12-31", "2027-06-30", "2028-02-29")))
    if draw(st.integers(0, 3)) == 0:   # Regulation F facts (US debt collectors)
        debtor["represented_by_attorney"] = draw(st.integers(0, 4)) == 0
        debtor["inconvenient_times"] = draw(st.lists(st.sampled_from(INCONVENIENT_RANGES), max_size=2, unique_by=str))
        debtor["inconvenient_places"] = draw(st.sampled_from(([], ["work"])))
        debtor["email_is_work"] = draw(st.booleans())
        debtor["work_email_permitted"] = draw(st.booleans())
        invoice["validation_notice_sent_on"] = draw(st.one_of(st.none(), st.sampled_from(VALIDATION_SENT)))
    if draw(st.integers(0, 9)) == 0:
        invoice["disputed"] = True
    if draw(st.integers(0, 9)) == 0:
        invoice["promise_to_pay_on"] = draw(st.sampled_from(("2026-11-20", "2026-11-25", "2026-12-31", "2027-01-02")))
    if draw(st.integers(0, 4)) == 0:
        invoice["due_date_agreed"] = True
    if draw(st.integers(0, 4)) == 0:
        invoice["default_notice_in_invoice"] = True
    if draw(st.integers(0, 4)) == 0:
        # 2016-06-15: before the first base-rate period of the table (no interest claimed)
        invoice["due_on"] = draw(st.sampled_from(
            ("2016-06-15", "2019-06-30", "2021-12-31", "2022-01-01", "2023-02-28", "2024-02-29")))
        invoice["issued_on"] = "2016-01-01"
    if draw(st.integers(0, 7)) == 0:
        # 23 NYCRR 1.4(b): a request for substantiation, pending or answered (a provision before
        # the request is refused by the schema)
        invoice["substantiation_requested_on"] = draw(st.sampled_from(("2026-09-01", "2026-11-15", "2027-03-01")))
        if draw(st.booleans()):   # where the rule applies: a New York debt collector
            debtor.update(jurisdiction="US-NY", language="en")
            invoice["currency"] = "USD"
            request["creditor"] = {"role": "debt_collector"}
        if draw(st.booleans()):
            invoice["substantiation_provided_on"] = draw(st.sampled_from(("2026-11-15", "2026-12-01", "2027-06-30")))
    if history["dunning"] and draw(st.integers(0, 4)) == 0:
        # 23 NYCRR 1.2(a): an earlier message carried the New York disclosure
        history["dunning"][0]["notices"] = ["ny_initial_disclosure"]
    rights = RightsStatus(**{name: draw(st.integers(0, 5)) == 0 for name in (
        "compelling_grounds_documented", "processing_restricted", "human_review_completed", "escalation_paused")})
    return {
        "request": request,
        "rights": rights,
        "profiling": draw(st.integers(0, 9)) != 0,
        "global_stop": draw(st.integers(0, 19)) == 0,
        # the planned clock time in the last possible zone moved to an edge of the contact hours
        # (as a reviewer's own send time could put it), for both sides of FD-QUIET-HOURS
        "clock": draw(st.sampled_from(CLOCK_EDGES)) if draw(st.integers(0, 3)) == 0 else None,
        "remove": draw(st.lists(st.sampled_from(OPTIONAL_POINTERS), max_size=3, unique=True))
                  if draw(st.integers(0, 3)) == 0 else [],
        "null": draw(st.lists(st.sampled_from(OPTIONAL_POINTERS), max_size=2, unique=True))
                if draw(st.integers(0, 7)) == 0 else [],
    }


@cache
def _pipeline() -> tuple[Any, Any, Any]:
    return DecisionRequestSchema(), load_risk_model({}), load_ladder()


def policy_input_of(scenario: dict[str, Any]) -> dict[str, Any] | None:
    """The policy input fairdun sends for the scenario's request, with its changes applied; None
    when the changed request is not a valid decision request."""
    from marshmallow import ValidationError

    schema, model, ladder = _pipeline()
    try:
        case = schema.load(scenario["request"])
    except ValidationError:
        return None
    situation = situate(case)
    risk: dict[str, Any] = {"profiling": False, "p_late": None, "band": None, "interval_bands": None,
                            "out_of_range": None}
    if scenario["profiling"]:
        score = model.score(model_features(situation))
        risk = {"profiling": True, "p_late": round(score.calibrated.p_late, 6), "band": score.calibrated.band,
                "interval_bands": list(score.calibrated.bands), "out_of_range": list(score.out_of_range)}
    proposal = propose(situation, band=risk["band"], ladder=ladder)
    document = policy_input(situation, proposal.candidates, risk=risk, global_stop=scenario["global_stop"],
                            rights=scenario["rights"])
    document = copy.deepcopy(document)
    clock = scenario.get("clock")
    if clock is not None:
        for candidate in document["candidates"][:1]:
            if candidate["send_at_local"] is not None:
                candidate["send_at_local"]["zones"][-1].update(hour=clock[0], minute=clock[1])
    for pointer in scenario["remove"]:
        _change(document, pointer, remove=True)
    for pointer in scenario["null"]:
        _change(document, pointer, remove=False)
    return document


def _change(document: Any, pointer: str, *, remove: bool) -> None:
    *path, last = pointer.strip("/").split("/")
    node = document
    for part in path:
        if not isinstance(node, (dict, list)):   # an earlier change made a parent null: nothing to change
            return
        key: Any = int(part) if isinstance(node, list) else part
        if isinstance(node, list) and not (0 <= key < len(node)) or isinstance(node, dict) and key not in node:
            return
        node = node[key]
    key = int(last) if isinstance(node, list) else last
    if isinstance(node, dict) and key in node:
        if remove:
            del node[key]
        else:
            node[key] = None
    elif isinstance(node, list) and 0 <= key < len(node) and not remove:
        node[key] = None
