"""The console's human-review pages through the Flask test client (SQLite and PostgreSQL): the
case shows the claim's facts, its timeline and why it is in review; the queue names invoice,
amount, jurisdiction and reason and sorts and filters by them; assignment is ledgered with staff
ids, shown with staff names and checked by verification; modify takes a date-time picker's wall
time in a chosen zone, and bad input is refused naming the field, with nothing written."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from rights_support import HANDOVER, entries
from sqlalchemy import update
from web_support import OTHER, ar_auth, csrf_token, decide, ledger_size, make_staff, staff_sign_in

from decisions import rights
from decisions.read_models import verify_read_models
from decisions.rights.tables import ReviewCaseRow
from ledger import ChainBroken

AT = {"debtor.jurisdiction": "AT", "debtor.timezone": "Europe/Vienna", "invoice.ref": "INV-AT",
      "invoice.amount": "300.00", "invoice.open_amount": "300.00"}
US = {"debtor.jurisdiction": "US-NY", "debtor.timezone": "America/New_York", "invoice.ref": "INV-US",
      "invoice.currency": "USD", "invoice.amount": "150.00", "invoice.open_amount": "150.00",
      "invoice.due_on": "2026-08-20"}


def _text(page: Any) -> str:
    """The page's visible text, tags dropped and entities resolved, on one line."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.get_data(as_text=True))).split())


def _setup(make_app: Any) -> tuple[Any, Any, Any]:
    app = make_app(WEB_COOKIE_SECURE=False)
    runtime = app.extensions["fairdun"]
    make_staff(runtime, "rita", "reviewer")
    make_staff(runtime, "olaf", "compliance_officer")
    make_staff(runtime, "ada", "admin")
    return app, runtime, ar_auth(app)


def _as(app: Any, name: str) -> Any:
    client = app.test_client()
    assert staff_sign_in(client, name).status_code == 303
    return client


def _staff_id(runtime: Any, name: str) -> str:
    from sqlalchemy import select

    from decisions.rights.tables import StaffUserRow

    with runtime.db.reading() as session:
        return f"staff:{session.scalar(select(StaffUserRow.user_id).where(StaffUserRow.name == name))}"


def _cases(runtime: Any) -> dict[str, str]:
    """invoice number -> case id of the open cases."""
    return {c["invoice_ref"]: c["case_id"] for c in rights.review_desk_queue(runtime.rights)["cases"]}


def _event(client: Any, auth: Any, **body: Any) -> None:
    event = {"debtor_ref": "C-10023", "invoice_ref": "INV-42", **body}
    response = client.post("/v1/events", json=event, headers=auth("ar_system"))
    assert response.status_code == 201, response.json


def _rows(page: Any) -> list[str]:
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
            for row in re.findall(r"<tr>\s*<td.*?</tr>", page.get_data(as_text=True), re.S)]


def test_the_case_shows_the_claims_facts_its_timeline_and_why_it_is_in_review(make_app: Any) -> None:
    app, runtime, auth = _setup(make_app)
    api = app.test_client()
    decision = decide(api, auth, **HANDOVER)
    # reported after the decision, about the days before it
    _event(api, auth, type="partial_payment", at="2026-11-18T10:00:00Z", amount="50.00", currency="EUR",
           on_date="2026-11-18")
    _event(api, auth, type="dispute_opened", at="2026-11-19T10:00:00Z", reason="goods_or_service")
    _event(api, auth, type="promise_to_pay", at="2026-11-21T10:00:00Z", amount="70.00", currency="EUR",
           on_date="2026-12-01")
    theirs = decide(api, auth, **OTHER)
    rights.request_review(runtime.rights, runtime.pseudonyms.subject("C-20000"), decision_id=theirs["decision_id"],
                          statement="I paid this on 1 November.", channel="portal", actor="portal")
    cases = _cases(runtime)
    client = _as(app, "rita")

    page = _text(client.get(f"/console/reviews/{cases['INV-42']}"))
    assert "Review of invoice INV-42" in page
    for fact in ("Invoice INV-42", "Jurisdiction DE (consumer)", "Invoice amount €120.00", "Open amount €120.00",
                 "Payments reported €50.00", "Issued 1 August 2026", "Due 1 September 2026",
                 "Debtor's language de", "Debtor's time zone Europe/Berlin", "Channels consented email, letter",
                 f"Decision {decision['decision_id']}"):
        assert fact in page, fact
    # why, in plain words, with the rules that put it there
    assert "The step has a legal or similarly significant effect" in page and "EU-GDPR-22" in page
    assert "The debtor asked" not in page.split("Why this is in review")[1].split("The claim")[0]
    # the timeline, oldest first: invoice, reminders the AR system reported, payment, dispute, contact, promise,
    # the decision under review and its review
    timeline = page.split("Timeline")[1].split("Assignment")[0]
    story = ["1 August 2026 : Invoice issued, €120.00", "1 September 2026 : Invoice due",
             "5 September 2026, 11:00 (CEST) : Reminder sent (reported by the AR system): reminder, level 1, by letter",
             "10 October 2026, 11:00 (CEST) : Reminder sent (reported by the AR system): final notice, level 3",
             "18 November 2026, 11:00 (CET) : Part payment received, €50.00",
             "19 November 2026, 11:00 (CET) : Dispute opened (goods or service)",
             "20 November 2026, 16:00 (CET) : Contact attempt by phone (reported by the AR system): not reached",
             "21 November 2026, 11:00 (CET) : Promise to pay (for 2026-12-01), €70.00",
             "22 November 2026, 10:30 (CET) : Decision: collection handover, level 4; needs review — the decision "
             "under review", "Review opened (the decision needed review)"]
    positions = [timeline.find(item) for item in story]
    assert -1 not in positions and positions == sorted(positions), list(zip(story, positions, strict=True))
    # no more personal data than the reviewer needs: no name, e-mail, phone, address or customer number
    for personal in ("Erika", "Mustermann", "erika@example.invalid", "C-10023", "+49", "Musterstraße"):
        assert personal not in page, personal

    explanation = _text(client.get(f"/console/reviews/{cases['INV-42']}/explanation"))
    assert "Invoice INV-42, decision of 22 November 2026, 10:00 (CET)." in explanation

    # the debtor's request: why, and the statement in the timeline
    page = _text(client.get(f"/console/reviews/{cases['INV-77']}"))
    assert "The debtor asked for a person to review this decision (GDPR Art. 22(3))." in page
    assert "The debtor asked for a human review “I paid this on 1 November.”" in page
    assert "Max Beispiel" not in page and "max@example.invalid" not in page


def test_the_queue_names_invoice_amount_jurisdiction_and_reason_and_sorts_and_filters(make_app: Any) -> None:
    app, runtime, auth = _setup(make_app)
    api = app.test_client()
    decide(api, auth, **HANDOVER)                                  # INV-42, DE, €120.00, due 1 September
    decide(api, auth, **HANDOVER, **AT)                            # INV-AT, AT, €300.00
    decide(api, auth, **{**HANDOVER, **US})                           # INV-US, US-NY, $150.00, due 20 August
    theirs = decide(api, auth, **OTHER)                            # INV-77, DE, decided: the debtor asks
    rights.request_review(runtime.rights, runtime.pseudonyms.subject("C-20000"), decision_id=theirs["decision_id"],
                          statement="Please look again", channel="portal", actor="portal")
    client = _as(app, "rita")

    rows = _rows(client.get("/console/reviews"))
    assert len(rows) == 4
    row = next(r for r in rows if r.startswith("Invoice INV-AT"))
    assert "€300.00" in row and " AT " in row and "significant effect; unreviewed jurisdiction" in row
    assert "1 September 2026" in row and "not assigned" in row and "Case " not in row
    assert "debtor asked" in next(r for r in rows if r.startswith("Invoice INV-77"))

    def invoices(query: str) -> list[str]:
        response = client.get(f"/console/reviews?{query}")
        assert response.status_code == 200, query
        return [r.split()[1] for r in _rows(response)]

    assert invoices("sort=amount_desc") == ["INV-AT", "INV-US", "INV-42", "INV-77"]
    assert invoices("sort=amount_asc") == ["INV-42", "INV-77", "INV-US", "INV-AT"]
    assert invoices("sort=invoice_due")[0] == "INV-US"
    assert invoices("sort=jurisdiction") == ["INV-AT", "INV-42", "INV-77", "INV-US"]
    assert invoices("jurisdiction=AT") == ["INV-AT"]
    assert invoices("jurisdiction=US") == ["INV-US"]                 # a country takes in its subdivisions
    assert sorted(invoices("jurisdiction=DE&sort=due")) == ["INV-42", "INV-77"]
    assert invoices("reason=unreviewed_jurisdiction") == ["INV-AT"]
    assert invoices("reason=debtor_request") == ["INV-77"]
    assert sorted(invoices("reason=significant_effect&reason=")) == ["INV-42", "INV-AT", "INV-US"]
    assert invoices("reason=&jurisdiction=&assignee=&sort=due&status=open")   # the form's blanks: any
    assert invoices("assignee=me") == [] and len(invoices("assignee=none")) == 4
    for query, field in (("sort=size", "sort"), ("reason=hunch", "reason"), ("jurisdiction=Germany", "jurisdiction"),
                         ("assignee=rita", "assignee"), ("colour=red", "colour")):
        refused = client.get(f"/console/reviews?{query}")
        assert refused.status_code == 422 and field in refused.get_data(as_text=True), query


def test_assignment_is_ledgered_with_staff_ids_shown_with_names_and_verified(make_app: Any) -> None:
    app, runtime, auth = _setup(make_app)
    decide(app.test_client(), auth, **HANDOVER)
    decide(app.test_client(), auth, **HANDOVER, **AT)
    cases = _cases(runtime)
    rita, olaf = _as(app, "rita"), _as(app, "olaf")
    token = csrf_token(rita, "/console/home")
    url = f"/console/reviews/{cases['INV-42']}/assignment"

    # bad choices: nothing written
    before = ledger_size(runtime)
    for assignee in ("rita", "", _staff_id(runtime, "ada"), "staff:00000000-0000-0000-0000-00000000ffff"):
        refused = rita.post(url, data={"csrf_token": token, "assignee": assignee})
        assert refused.status_code == 422 and "Assign to" in refused.get_data(as_text=True), assignee
    assert ledger_size(runtime) == before

    # the reviewer takes the case
    taken = rita.post(url, data={"csrf_token": token, "assignee": "me"})
    assert taken.status_code == 303
    assigned = entries(runtime, "review_case_assigned")
    assert [e["body"] for e in assigned] == [{"case_id": cases["INV-42"], "assignee": _staff_id(runtime, "rita"),
                                              "actor": _staff_id(runtime, "rita")}]
    assert assigned[0]["ts"] == "2026-11-22T09:30:00Z"
    page = _text(rita.get(f"/console/reviews/{cases['INV-42']}"))
    assert "Assigned to rita (since 22 November 2026, 10:30 (CET))" in page
    assert [r.split()[1] for r in _rows(rita.get("/console/reviews?assignee=me"))] == ["INV-42"]
    again = rita.post(url, data={"csrf_token": token, "assignee": "me"})
    assert again.status_code == 409 and "assigned so already" in again.get_data(as_text=True)

    # an officer gives it to a named colleague (by the id the form lists), then unassigns it
    olaf_token = csrf_token(olaf, "/console/home")
    assert olaf.post(f"/console/reviews/{cases['INV-AT']}/assignment",
                     data={"csrf_token": olaf_token, "assignee": _staff_id(runtime, "rita")}).status_code == 303
    queue = _rows(olaf.get("/console/reviews?sort=assignee"))
    assert all("rita" in row for row in queue[:2])
    assert olaf.post(url, data={"csrf_token": olaf_token, "assignee": "none"}).status_code == 303
    assert [e["body"]["assignee"] for e in entries(runtime, "review_case_assigned")] == [
        _staff_id(runtime, "rita"), _staff_id(runtime, "rita"), None]
    assert [r.split()[1] for r in _rows(olaf.get("/console/reviews?assignee=none"))] == ["INV-42"]
    for entry in entries(runtime, "review_case_assigned"):          # ids, never names
        assert "rita" not in str(entry["body"]) and "olaf" not in str(entry["body"])

    # a closed case is not assigned any more
    closed = rita.post(f"/console/reviews/{cases['INV-AT']}/outcome",
                       data={"csrf_token": token, "outcome": "uphold", "rationale": "fine"})
    assert closed.status_code == 303
    late = rita.post(f"/console/reviews/{cases['INV-AT']}/assignment", data={"csrf_token": token, "assignee": "none"})
    assert late.status_code == 409 and "closed already" in late.get_data(as_text=True)
    page = _text(rita.get(f"/console/reviews/{cases['INV-AT']}"))
    assert "by rita" in page and _staff_id(runtime, "rita").removeprefix("staff:") not in page

    # verification compares the stored assignment with the ledger
    with runtime.db.reading() as session:
        assert verify_read_models(session).rows["review_cases"] == 2
    with runtime.db.unit_of_work() as uow:
        uow.session.execute(update(ReviewCaseRow).where(ReviewCaseRow.case_id == cases["INV-42"])
                            .values(assignee=_staff_id(runtime, "olaf")))
        uow.commit()
    with runtime.db.reading() as session, pytest.raises(ChainBroken) as broken:
        verify_read_models(session)
    assert "assignee" in str(broken.value) and cases["INV-42"] in str(broken.value)


def test_modify_takes_the_pickers_wall_time_in_the_chosen_zone_and_refuses_bad_input(make_app: Any) -> None:
    app, runtime, auth = _setup(make_app)
    decide(app.test_client(), auth, **HANDOVER)
    case = _cases(runtime)["INV-42"]
    client = _as(app, "rita")
    form = client.get(f"/console/reviews/{case}").get_data(as_text=True)
    assert 'type="datetime-local"' in form and "Europe/Berlin (the debtor&#39;s time zone)" in form
    token = csrf_token(client, "/console/home")
    url = f"/console/reviews/{case}/outcome"
    letter = {"csrf_token": token, "outcome": "modify", "rationale": "a letter instead", "kind": "reminder",
              "level": "2", "channel": "letter", "tone": "gentle"}
    before = ledger_size(runtime)
    for send_at, zone, field, words in (
            ("2026-11-23 09:00", "Europe/Berlin", "send_at", "Enter a date and time"),
            ("23.11.2026T09:00", "Europe/Berlin", "send_at", "Enter a date and time"),
            ("2026-02-30T09:00", "Europe/Berlin", "send_at", "does not exist"),
            ("2027-03-28T02:30", "Europe/Berlin", "send_at", "the clocks go forward"),
            ("2027-10-31T02:30", "Europe/Berlin", "send_at", "the clocks go back"),
            ("2026-11-20T09:00", "Europe/Berlin", "send_at", "This time has passed"),
            ("2026-11-23T09:00", "Mars/Olympus_Mons", "send_zone", "Not a time zone"),
            ("2026-11-23T09:00", "../../etc/passwd", "send_zone", "Not a time zone"),
            ("2026-11-23T09:00", "", "send_zone", "Choose the time zone")):
        response = client.post(url, data={**letter, "send_at": send_at, "send_zone": zone})
        text = response.get_data(as_text=True)
        assert response.status_code == 422, (send_at, zone)
        assert f'href="#{field}"' in text and words in html.unescape(text), (send_at, zone)
    assert ledger_size(runtime) == before and rights.review_case(runtime.rights, case)["status"] == "open"

    # 09:00 on 23 November in New York is 14:00 UTC
    done = client.post(url, data={**letter, "send_at": "2026-11-23T09:00", "send_zone": "America/New_York"})
    assert done.status_code == 303
    body = entries(runtime, "review_outcome")[-1]["body"]
    assert body["action"]["send_at"] == "2026-11-23T14:00:00Z" and body["reviewer"] == _staff_id(runtime, "rita")
    page = _text(client.get(f"/console/reviews/{case}"))
    assert "by rita" in page and "at 23 November 2026, 15:00 (CET)" in page
    assert _staff_id(runtime, "rita").removeprefix("staff:") not in page


def test_the_debtors_zone_is_offered_first_and_utc_always(make_app: Any) -> None:
    app, runtime, auth = _setup(make_app)
    decide(app.test_client(), auth, **{**HANDOVER, **US})
    client = _as(app, "rita")
    case = _cases(runtime)["INV-US"]
    form = client.get(f"/console/reviews/{case}").get_data(as_text=True)
    options = re.findall(r'<option value="([^"]*)"[^>]*>', form.split('id="send_zone"')[1].split("</select>")[0])
    assert options == ["America/New_York", "Europe/Berlin", "UTC"]
    token = csrf_token(client, "/console/home")
    done = client.post(f"/console/reviews/{case}/outcome", data={
        "csrf_token": token, "outcome": "modify", "rationale": "later", "kind": "none",
        "send_at": "2026-11-23T09:00", "send_zone": "UTC"})
    assert done.status_code == 303
    assert entries(runtime, "review_outcome")[-1]["body"]["action"]["send_at"] == "2026-11-23T09:00:00Z"
