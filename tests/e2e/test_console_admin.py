"""The console's request work, administration, "Verify now" and staff look-ups through the Flask
test client (SQLite and PostgreSQL): each workflow calls the domain function ``/v1`` calls and
is ledgered as there; every page refuses the wrong roles (403); bad input is a 422 naming the
field with nothing written; request deadlines read as the API's ``due_on``; a staff look-up is
ledgered with its purpose and is no data-subject request (the audit report does not count it)."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from fakes import tamper as past_the_triggers
from rights_support import HANDOVER, entries
from web_support import csrf_token, decide, ledger_size, make_staff, staff_sign_in

from decisions import rights
from service.api_reports import verified_audit_figures

STAFF_ROLES = ("reviewer", "compliance_officer", "admin")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@pytest.fixture
def app(make_app: Any) -> Any:
    app = make_app(WEB_COOKIE_SECURE=False)
    runtime = app.extensions["fairdun"]
    for role in STAFF_ROLES:
        make_staff(runtime, role.replace("_", "-"), role)
    return app


def _as(app: Any, role: str) -> Any:
    client = app.test_client()
    assert staff_sign_in(client, role.replace("_", "-")).status_code == 303
    return client


def _staff_id(runtime: Any, name: str) -> str:
    return next(a["user_id"] for a in rights.staff_accounts(runtime.db) if a["name"] == name)


def _text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def _invalid(page: str, field: str) -> bool:
    """The field is marked: aria-invalid on the control and an error tied to it."""
    return bool(re.search(rf'id="{field}" name="{field}"[^>]*aria-invalid="true"', page)) and f'id="{field}-error"' in page


def _says_day(text: str, day: date) -> bool:
    """The words name ``day`` (its day, month and year), whichever order the locale puts them in."""
    return bool(re.search(rf"\b{day.day}\b", text)) and MONTHS[day.month - 1] in text and str(day.year) in text


def _rectification(app: Any, auth: Any, client: Any) -> dict[str, Any]:
    decide(client, auth)
    response = client.post("/v1/subjects/C-10023/rectifications", headers=auth("compliance_officer"),
                           json={"concerns": "address", "statement": "I moved to Hamburg"})
    assert response.status_code == 201, response.json
    return response.json


def test_request_pages_refuse_reviewers_and_admins(app: Any, auth: Any, client: Any) -> None:
    request = _rectification(app, auth, client)
    runtime = app.extensions["fairdun"]
    before = ledger_size(runtime)
    for role in ("reviewer", "admin"):
        staff = _as(app, role)
        token = csrf_token(staff, "/console/home")
        for path in (f"/console/requests/{request['request_id']}", "/console/lookup"):
            assert staff.get(path).status_code == 403, (role, path)
        for path, data in ((f"/console/requests/{request['request_id']}/extension",
                            {"reason": "complexity", "notice": "we need more time to check the address"}),
                           (f"/console/requests/{request['request_id']}/resolution",
                            {"resolution": "rectified", "rationale": "corrected"}),
                           ("/console/lookup", {"debtor_ref": "C-10023", "purpose": "dispute_handling"})):
            response = staff.post(path, data={"csrf_token": token, **data})
            assert response.status_code == 403 and "Not allowed for your role" in _text(response), (role, path)
    assert ledger_size(runtime) == before


def test_an_officer_extends_a_request_and_its_deadline_reads_as_the_apis(app: Any, auth: Any, client: Any) -> None:
    request = _rectification(app, auth, client)
    runtime = app.extensions["fairdun"]
    officer = _as(app, "compliance_officer")
    url = f"/console/requests/{request['request_id']}"
    page = _text(officer.get(url))
    due_on = date.fromisoformat(request["due_on"])
    shown = re.search(r'data-due-on="([0-9-]+)">([^<]+)<', page)
    assert shown is not None and shown.group(1) == request["due_on"]
    assert _says_day(shown.group(2), due_on) and not _says_day(shown.group(2), due_on + timedelta(days=1))
    assert "(CET)" in shown.group(2) and "Extend the deadline" in page and "Resolve the rectification" in page
    queue = _text(officer.get("/console/requests"))
    assert f'data-due-on="{request["due_on"]}"' in queue and "curl" not in queue and "/v1/" not in queue

    token = csrf_token(officer, url)
    before = ledger_size(runtime)
    short = officer.post(f"{url}/extension", data={"csrf_token": token, "reason": "complexity", "notice": "later"})
    assert short.status_code == 422 and _invalid(_text(short), "notice")
    unknown = officer.post(f"{url}/extension", data={"csrf_token": token, "reason": "holidays",
                                                    "notice": "we need more time to check the address"})
    assert unknown.status_code == 422 and _invalid(_text(unknown), "reason")
    too_late = officer.post(f"{url}/extension", data={"csrf_token": token, "reason": "complexity",
                                                     "notice": "we need more time to check the address",
                                                     "until": "2027-06-30"})
    assert too_late.status_code == 422 and _invalid(_text(too_late), "until")
    assert "we need more time" in _text(too_late)                 # what was typed is kept
    assert ledger_size(runtime) == before and rights.get_request(runtime.rights, request["request_id"])["extended_to"] is None

    done = officer.post(f"{url}/extension", data={"csrf_token": token, "reason": "number_of_requests",
                                                 "notice": "we received many requests this month"}, follow_redirects=True)
    page = _text(done)
    assert done.status_code == 200 and "Request extended: the deadline is now" in page
    api = client.get(f"/v1/requests/{request['request_id']}", headers=auth("compliance_officer")).json
    extended = date.fromisoformat(api["extended_to"])
    shown = re.search(r'data-due-on="([0-9-]+)">([^<]+)<', page)
    assert shown is not None and shown.group(1) == api["extended_to"] and _says_day(shown.group(2), extended)
    assert "Extend the deadline" not in page                        # once only
    [entry] = entries(runtime, "subject_request_extended")
    assert entry["body"]["actor"] == f"staff:{_staff_id(runtime, 'compliance-officer')}"
    assert entry["body"]["reason"] == "number_of_requests" and "many requests" not in str(entry["body"])
    again = officer.post(f"{url}/extension", data={"csrf_token": token, "reason": "complexity",
                                                  "notice": "we need more time to check the address"})
    assert again.status_code == 409 and "extended once only" in _text(again)


def test_an_officer_resolves_a_rectification(app: Any, auth: Any, client: Any) -> None:
    request = _rectification(app, auth, client)
    runtime = app.extensions["fairdun"]
    officer = _as(app, "compliance_officer")
    url = f"/console/requests/{request['request_id']}"
    token = csrf_token(officer, url)
    before = ledger_size(runtime)
    bad = officer.post(f"{url}/resolution", data={"csrf_token": token, "resolution": "maybe", "rationale": "hm"})
    assert bad.status_code == 422 and _invalid(_text(bad), "resolution")
    missing = officer.post(f"{url}/resolution", data={"csrf_token": token, "resolution": "rectified"})
    assert missing.status_code == 422 and _invalid(_text(missing), "rationale")
    assert ledger_size(runtime) == before

    done = officer.post(f"{url}/resolution", data={"csrf_token": token, "resolution": "rectified",
                                                  "rationale": "the AR system has the new address"},
                        follow_redirects=True)
    page = _text(done)
    assert done.status_code == 200 and "Request resolved: rectified" in page and "fulfilled: rectified" in page
    assert "Resolve the rectification" not in page
    [entry] = entries(runtime, "rectification_resolved")
    assert entry["body"]["actor"].startswith("staff:") and entries(runtime, "restriction_lifted")
    closed = officer.post(f"{url}/resolution", data={"csrf_token": token, "resolution": "rejected", "rationale": "no"})
    assert closed.status_code == 409


def test_a_review_request_is_answered_through_its_case(app: Any, auth: Any, client: Any) -> None:
    runtime = app.extensions["fairdun"]
    decision = decide(client, auth, **HANDOVER)
    rights.request_review(runtime.rights, runtime.pseudonyms.subject("C-10023"), decision_id=decision["decision_id"],
                          statement="Please look again", channel="portal", actor="portal")
    item = rights.request_queue(runtime.rights)[0]
    page = _text(_as(app, "compliance_officer").get(f"/console/requests/{item['request_id']}"))
    assert "Respond" in page and f"/console/reviews/{item['case_id']}" in page
    assert "Resolve the rectification" not in page


def test_an_admin_creates_and_revokes_an_api_key(app: Any, client: Any) -> None:
    runtime = app.extensions["fairdun"]
    admin = _as(app, "admin")
    token = csrf_token(admin, "/console/admin/api-keys")
    before = ledger_size(runtime)
    for data, field in (({"name": "", "role": "auditor"}, "name"), ({"name": "ERP", "role": "root"}, "role"),
                        ({"name": "ERP\x07", "role": "auditor"}, "name")):
        response = admin.post("/console/admin/api-keys", data={"csrf_token": token, **data})
        assert response.status_code == 422 and _invalid(_text(response), field), data
    from service.auth import list_api_keys
    assert list_api_keys(runtime.db) == []

    created = admin.post("/console/admin/api-keys", data={"csrf_token": token, "name": "ERP production",
                                                         "role": "auditor"})
    page = _text(created)
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    secret = re.search(r'<code class="secret" id="secret">(fd_[^<]+)</code>', page)
    assert secret is not None and "not shown again" in page
    assert client.get("/v1/ledger/status", headers={"Authorization": f"Bearer {secret.group(1)}"}).status_code == 200
    listed = _text(admin.get("/console/admin/api-keys"))
    assert "ERP production" in listed and "auditor" in listed and secret.group(1) not in listed
    assert "(CET)" in listed and "never" not in listed               # used once, at the minute above
    assert ledger_size(runtime) == before                           # keys are not ledger events (as /v1, CLI)

    [key] = list_api_keys(runtime.db)
    revoked = admin.post(f"/console/admin/api-keys/{key.key_id}/revoke", data={"csrf_token": token},
                         follow_redirects=True)
    assert revoked.status_code == 200 and "API key “ERP production” is revoked." in _text(revoked)
    assert client.get("/v1/ledger/status", headers={"Authorization": f"Bearer {secret.group(1)}"}).status_code == 401
    assert list_api_keys(runtime.db)[0].revoked_at is not None

    admin.post("/console/admin/api-keys", data={"csrf_token": token, "name": "ops", "role": "admin"})
    last = next(k for k in list_api_keys(runtime.db) if k.name == "ops")
    refused = admin.post(f"/console/admin/api-keys/{last.key_id}/revoke", data={"csrf_token": token})
    assert refused.status_code == 409 and "last active admin key" in _text(refused)
    assert admin.post(f"/console/admin/api-keys/{uuid.UUID(int=999)}/revoke",
                      data={"csrf_token": token}).status_code == 404


def test_an_admin_creates_and_disables_staff_accounts(app: Any, clock: Any) -> None:
    runtime = app.extensions["fairdun"]
    admin = _as(app, "admin")
    token = csrf_token(admin, "/console/admin/staff")
    before = ledger_size(runtime)
    good = {"name": "new-reviewer", "role": "reviewer", "password": "another long password",
            "confirm": "another long password"}
    for changes, field in (({"name": "no spaces please"}, "name"), ({"role": "auditor"}, "role"),
                           ({"password": "short", "confirm": "short"}, "password"), ({"confirm": "different"}, "confirm")):
        response = admin.post("/console/admin/staff", data={"csrf_token": token, **good, **changes})
        page = _text(response)
        assert response.status_code == 422 and _invalid(page, field), changes
        assert "another long password" not in page                   # a password is never echoed
    taken = admin.post("/console/admin/staff", data={"csrf_token": token, **good, "name": "reviewer"})
    assert taken.status_code == 409 and "exists" in _text(taken)
    assert ledger_size(runtime) == before and len(rights.staff_accounts(runtime.db)) == 3

    created = admin.post("/console/admin/staff", data={"csrf_token": token, **good}, follow_redirects=True)
    assert created.status_code == 200 and "Staff account “new-reviewer” (reviewer) is created." in _text(created)
    new_id = _staff_id(runtime, "new-reviewer")
    [entry] = [e for e in entries(runtime, "staff_user_created") if e["body"]["user_id"] == new_id]
    assert entry["body"] == {"user_id": new_id, "role": "reviewer", "actor": f"staff:{_staff_id(runtime, 'admin')}"}

    clock.advance(minutes=3)
    person = app.test_client()
    assert staff_sign_in(person, "new-reviewer", "another long password").status_code == 303
    assert person.get("/console/reviews").status_code == 200
    listed = _text(admin.get("/console/admin/staff"))
    row = re.search(r"<td data-label=\"Name\">new-reviewer</td>.*?</tr>", listed, re.S)
    assert row is not None and "reviewer" in row.group(0) and "never" not in row.group(0) and "(CET)" in row.group(0)

    disabled = admin.post(f"/console/admin/staff/{new_id}/disable", data={"csrf_token": token}, follow_redirects=True)
    assert disabled.status_code == 200 and "is disabled; its sessions have ended" in _text(disabled)
    assert entries(runtime, "staff_user_disabled")[-1]["body"]["user_id"] == new_id
    assert person.get("/console/reviews").status_code == 303        # signed out at once
    own = admin.post(f"/console/admin/staff/{_staff_id(runtime, 'admin')}/disable", data={"csrf_token": token})
    assert own.status_code == 409 and "your own account" in _text(own)
    again = admin.post(f"/console/admin/staff/{new_id}/disable", data={"csrf_token": token})
    assert again.status_code == 409
    assert admin.post(f"/console/admin/staff/{uuid.UUID(int=999)}/disable", data={"csrf_token": token}).status_code == 404


def test_admin_pages_refuse_reviewers_and_officers(app: Any) -> None:
    runtime = app.extensions["fairdun"]
    admin_id = _staff_id(runtime, "admin")
    before = ledger_size(runtime)
    for role in ("reviewer", "compliance_officer"):
        staff = _as(app, role)
        token = csrf_token(staff, "/console/home")
        assert staff.get("/console/admin/api-keys").status_code == 403
        assert staff.get("/console/admin/staff").status_code == 403
        for path, data in (("/console/admin/api-keys", {"name": "x", "role": "admin"}),
                           ("/console/admin/staff", {"name": "x", "role": "admin", "password": "p" * 20,
                                                     "confirm": "p" * 20}),
                           (f"/console/admin/staff/{admin_id}/disable", {})):
            assert staff.post(path, data={"csrf_token": token, **data}).status_code == 403, (role, path)
    assert ledger_size(runtime) == before and len(rights.staff_accounts(runtime.db)) == 3
    home = _text(_as(app, "admin").get("/console/home"))
    assert 'href="/console/admin/api-keys"' in home and 'href="/console/admin/staff"' in home


def test_verify_now_records_and_shows_the_result(app: Any, auth: Any, client: Any) -> None:
    runtime = app.extensions["fairdun"]
    decide(client, auth)
    reviewer = _as(app, "reviewer")
    assert reviewer.post("/console/ledger/verify",
                         data={"csrf_token": csrf_token(reviewer, "/console/home")}).status_code == 403
    assert rights.ledger_status(runtime.db)["last_verification"] is None
    for role in ("compliance_officer", "admin"):
        staff = _as(app, role)
        page = _text(staff.get("/console/ledger"))
        assert "Verify now" in page
        done = staff.post("/console/ledger/verify", data={"csrf_token": csrf_token(staff, "/console/ledger")},
                          follow_redirects=True)
        page = _text(done)
        status = rights.ledger_status(runtime.db)["last_verification"]
        assert done.status_code == 200 and status["ok"] and status["entries"] == ledger_size(runtime)
        assert f"Verification passed: {status['entries']} entries" in page and "Passed" in page

    # a tampered entry: the same button reports the failure, and it is recorded
    past_the_triggers(runtime.db, "UPDATE ledger_entries SET kind = 'event' WHERE seq = 1")
    officer = _as(app, "compliance_officer")
    page = _text(officer.post("/console/ledger/verify", data={"csrf_token": csrf_token(officer, "/console/ledger")},
                              follow_redirects=True))
    assert "Verification FAILED at seq 1" in page and "FAILED" in page
    assert rights.ledger_status(runtime.db)["last_verification"]["ok"] is False


def test_a_staff_look_up_is_ledgered_with_its_purpose_and_is_no_access_request(app: Any, auth: Any, client: Any,
                                                                                 clock: Any) -> None:
    runtime = app.extensions["fairdun"]
    decide(client, auth)
    subject = runtime.pseudonyms.subject("C-10023")
    officer = _as(app, "compliance_officer")
    token = csrf_token(officer, "/console/lookup")
    before = ledger_size(runtime)
    for data, field in (({"debtor_ref": "C-10023"}, "purpose"), ({"debtor_ref": "C-10023", "purpose": "curiosity"},
                                                                 "purpose"), ({"purpose": "dispute_handling"},
                                                                              "debtor_ref")):
        response = officer.post("/console/lookup", data={"csrf_token": token, **data})
        assert response.status_code == 422 and _invalid(_text(response), field), data
    bad = client.get("/v1/subjects/C-10023/access?purpose=curiosity", headers=auth("compliance_officer"))
    assert bad.status_code == 422 and "purpose" in str(bad.json)
    assert ledger_size(runtime) == before

    pdf = officer.post("/console/lookup", data={"csrf_token": token, "debtor_ref": "C-10023",
                                               "purpose": "dispute_handling"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    api = client.get("/v1/subjects/C-10023/access?purpose=complaint_handling", headers=auth("compliance_officer"))
    assert api.status_code == 200 and api.json["subject"]["pseudonym"] == subject
    lookups = [e["body"] for e in entries(runtime, "staff_lookup_recorded")]
    assert [(b["purpose"], b["subject"]) for b in lookups] == [("dispute_handling", subject),
                                                               ("complaint_handling", subject)]
    assert lookups[0]["actor"] == f"staff:{_staff_id(runtime, 'compliance-officer')}"
    assert lookups[1]["actor"].startswith("api-key:") and "C-10023" not in str(lookups)
    assert entries(runtime, "subject_request_received") == []
    assert rights.request_queue(runtime.rights, status="all") == []

    # the debtor's own Art. 15 request (no purpose) is still one, and only it counts
    assert client.get("/v1/subjects/C-10023/access", headers=auth("compliance_officer")).status_code == 200
    [received] = entries(runtime, "subject_request_received")
    assert received["body"]["type"] == "access"
    today = clock().date()
    figures = verified_audit_figures(app, first_day=today, last_day=today, now=clock() + timedelta(hours=1))
    assert figures["requests"]["received"] == 1
    assert {r["type"]: r["received"] for r in figures["requests"]["by_type"] if r["received"]} == {"access": 1}
