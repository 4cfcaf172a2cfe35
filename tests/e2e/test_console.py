"""The officer console through the Flask test client (SQLite and PostgreSQL): roles on every
route (anonymous and every wrong staff role, by trying), the sign-in throttle, CSRF, the review outcome
recording whether the explanation page was served, a modified action the policy denies, the
request queue, ledger status, the reports page and the risk model page."""

from __future__ import annotations

import html
import json
import re
import uuid
from typing import Any

from rights_support import HANDOVER, entries
from web_support import PASSWORD, ar_auth, client_at, csrf_token, decide, ledger_size, make_staff, staff_sign_in

from decisions import rights
from explain import default_artifact_path
from service.auth import ROLES_ATTRIBUTE

STAFF_ROLES = ("reviewer", "compliance_officer", "admin")
PUBLIC = {"console.sign_in_form", "console.sign_in", "console.sign_out"}


def _setup(make_app: Any) -> tuple[Any, Any, Any]:
    app = make_app(WEB_COOKIE_SECURE=False)
    runtime = app.extensions["fairdun"]
    for role in STAFF_ROLES:
        make_staff(runtime, role.replace("_", "-"), role)
    return app, app.test_client(), runtime


def _as(app: Any, role: str) -> Any:
    client = app.test_client()
    assert staff_sign_in(client, role.replace("_", "-")).status_code == 303
    return client


def _case_id(runtime: Any) -> str:
    return rights.review_queue(runtime.rights)[0]["case_id"]


def test_every_console_route_refuses_anonymous_users_and_wrong_roles(make_app: Any) -> None:
    app, anonymous, runtime = _setup(make_app)
    token = csrf_token(anonymous, "/console/")
    clients = {role: _as(app, role) for role in STAFF_ROLES}
    tokens = {role: csrf_token(client, "/console/home") for role, client in clients.items()}
    before = ledger_size(runtime)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("console.") or rule.endpoint in PUBLIC:
            continue
        roles = getattr(app.view_functions[rule.endpoint], ROLES_ATTRIBUTE)
        path = rule.rule.replace("<uuid:case_id>", str(uuid.UUID(int=3))).replace("<uuid:request_id>",
                                                                                 str(uuid.UUID(int=4)))
        path = re.sub(r"<uuid:\w+>", str(uuid.UUID(int=5)), path)   # key_id, user_id
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            checked += 1
            response = anonymous.open(path, method=method, data={"csrf_token": token})
            if method == "GET":
                assert response.status_code == 303 and response.headers["Location"] == "/console/", path
            else:
                assert response.status_code == 401, path
            for role, client in clients.items():
                response = client.open(path, method=method, data={"csrf_token": tokens[role]})
                if role in roles:
                    assert response.status_code not in (401, 403), (path, role)
                else:
                    assert response.status_code == 403, (path, role)
                    assert "Not allowed for your role" in response.get_data(as_text=True)
    assert checked == 32
    assert ledger_size(runtime) == before


def test_the_roles_each_page_admits(app: Any) -> None:
    roles = {rule.endpoint: tuple(str(r) for r in getattr(app.view_functions[rule.endpoint], ROLES_ATTRIBUTE))
             for rule in app.url_map.iter_rules() if rule.endpoint.startswith("console.")
             and rule.endpoint not in PUBLIC}
    assert roles["console.case"] == ("reviewer", "compliance_officer")
    assert roles["console.outcome"] == ("reviewer", "compliance_officer")
    assert roles["console.requests"] == ("compliance_officer",)
    assert roles["console.report"] == ("compliance_officer",)
    assert roles["console.ledger"] == ("compliance_officer", "admin")
    assert roles["console.models"] == ("compliance_officer", "admin")
    assert roles["console.home"] == STAFF_ROLES


def test_wrong_passwords_make_that_client_wait_but_the_staff_member_elsewhere_signs_in(make_app: Any,
                                                                                        clock: Any) -> None:
    app, client, _ = _setup(make_app)
    for _ in range(6):
        refused = staff_sign_in(client, "reviewer", "not the password")
        assert refused.status_code == 401 and "not right" in refused.get_data(as_text=True)
    waiting = staff_sign_in(client, "reviewer", PASSWORD)          # the sixth failure made this client wait
    assert waiting.status_code == 429 and "try again after" in waiting.get_data(as_text=True)
    assert client.get("/console/home").status_code == 303
    elsewhere = client_at(app, "192.0.2.81")
    assert staff_sign_in(elsewhere, "reviewer", PASSWORD).status_code == 303
    clock.advance(seconds=61)
    assert staff_sign_in(client, "reviewer", PASSWORD).status_code == 303
    assert client.get("/console/home").status_code == 200


def test_forms_without_a_valid_csrf_token_are_refused(make_app: Any) -> None:
    app, _, runtime = _setup(make_app)
    decide(app.test_client(), ar_auth(app), **HANDOVER)
    client = _as(app, "compliance_officer")
    before = ledger_size(runtime)
    case = _case_id(runtime)
    for path, data in ((f"/console/reviews/{case}/outcome", {"outcome": "uphold", "rationale": "fine"}),
                       ("/console/reports", {"from": "2026-11-01", "to": "2026-11-30"}),
                       ("/console/sign-in", {"name": "reviewer", "password": PASSWORD}), ("/console/sign-out", {})):
        for form in (data, {**data, "csrf_token": "forged"}):
            assert client.post(path, data=form).status_code == 400, path
    assert ledger_size(runtime) == before and rights.review_case(runtime.rights, case)["status"] == "open"


def test_the_outcome_records_whether_the_explanation_page_was_served(make_app: Any) -> None:
    app, _, runtime = _setup(make_app)
    ar = ar_auth(app)
    first = decide(app.test_client(), ar, **HANDOVER)
    second = decide(app.test_client(), ar, **HANDOVER, **{"invoice.ref": "INV-43"})
    cases = {c["decision_id"]: c["case_id"] for c in rights.review_queue(runtime.rights)}
    client = _as(app, "reviewer")
    page = client.get(f"/console/reviews/{cases[first['decision_id']]}").get_data(as_text=True)
    for shown in ("Contributions", "days_past_due", "Policy trace", "EU-GDPR-22", "Uncertainty (bagged)",
                  "Explanation opened by you: <strong>no</strong>"):
        assert shown in page
    explanation = client.get(f"/console/reviews/{cases[first['decision_id']]}/explanation")
    assert explanation.status_code == 200 and "Principal reasons" in explanation.get_data(as_text=True)
    assert "opened by you: <strong>yes</strong>" in client.get(f"/console/reviews/{cases[first['decision_id']]}").get_data(as_text=True)
    token = csrf_token(client, "/console/home")
    for decision, outcome in ((first, "overturn"), (second, "uphold")):
        done = client.post(f"/console/reviews/{cases[decision['decision_id']]}/outcome",
                           data={"csrf_token": token, "outcome": outcome, "rationale": "checked the file"})
        assert done.status_code == 303
    recorded = {e["body"]["decision_id"]: e["body"] for e in entries(runtime, "review_outcome")}
    assert recorded[first["decision_id"]]["explanation_opened"] is True
    assert recorded[second["decision_id"]]["explanation_opened"] is False
    user = entries(runtime, "staff_user_created")[0]["body"]["user_id"]
    assert recorded[first["decision_id"]]["reviewer"] == f"staff:{user}"
    again = client.post(f"/console/reviews/{cases[first['decision_id']]}/outcome",
                        data={"csrf_token": token, "outcome": "uphold", "rationale": "twice"})
    assert again.status_code == 409 and "closed already" in again.get_data(as_text=True)
    closed = client.get(f"/console/reviews/{cases[first['decision_id']]}").get_data(as_text=True)
    assert "Resume automated escalation" in closed and "checked the file" in closed


def _text(page: str) -> str:
    """The page's visible text, tags dropped and entities resolved, on one line."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_explanation_page_shows_each_reason_with_its_direction_and_what_the_score_changed(
        make_app: Any) -> None:
    app, _, runtime = _setup(make_app)
    ar = ar_auth(app)
    german = decide(app.test_client(), ar, **HANDOVER)
    english = decide(app.test_client(), ar, **HANDOVER, **{"invoice.ref": "INV-43", "debtor.language": "en"})
    cases = {c["decision_id"]: c["case_id"] for c in rights.review_queue(runtime.rights)}
    client = _as(app, "reviewer")
    labels = {"de": {"raises": "Spricht für ein höheres Risiko", "lowers": "Spricht für ein niedrigeres Risiko"},
              "en": {"raises": "Counts towards a higher risk", "lowers": "Counts towards a lower risk"}}
    for decision in (german, english):
        explanation = decision["explanation"]
        assert explanation["reasons"] and explanation["score_role"]["regardless"]
        words = _text(client.get(f"/console/reviews/{cases[decision['decision_id']]}/explanation")
                      .get_data(as_text=True))
        # as the debtor read them: each reason with its direction, in the decision's language and order
        shown = [f"{labels[explanation['language']][r['direction']]}: {r['text']}" for r in explanation["reasons"]]
        positions = [words.find(line) for line in shown]
        assert -1 not in positions and positions == sorted(positions), shown
        for reason in explanation["reasons"]:   # and the model's detail for staff
            assert f"{reason['feature']} = " in words and f"{reason['direction']} the risk" in words
        assert "What the risk score changed in this decision" in words
        for item in explanation["score_role"]["changed"]:
            assert item["text"] in words
        if not explanation["score_role"]["changed"]:
            assert "Nothing: this step would have been the same whatever the risk score." in words
        assert "What followed from the ladder or the law, whatever the score" in words
        for item in explanation["score_role"]["regardless"]:
            assert item["text"] in words
        assert "made without a risk score" not in words


def test_the_explanation_page_of_an_unscored_decision_lists_facts_without_a_direction(make_app: Any) -> None:
    from service.console import _as_shown

    unscored = {"risk": {"profiling": False}, "explanation": {"language": "en", "reasons": [
        {"feature": "stage", "text": "The invoice is 82 days overdue.", "contribution": None}],
        "score_role": {"changed": [], "regardless": []}}}
    shown = _as_shown(unscored)
    assert shown["reasons"] == [] and shown["facts"] == ["The invoice is 82 days overdue."]
    assert shown["left_out"] == 0 and shown["regardless"]        # the no-score sentence is always there
    app = make_app()
    with app.test_request_context():
        from flask import render_template
        page = _text(render_template("console/explanation.html", shown=shown, case={
            "case_id": "0" * 32, "decision": {**unscored, "as_of": "2026-11-22T09:00:00Z"}}))
    assert "The facts the ladder used (no risk score)" in page and "The invoice is 82 days overdue." in page
    assert "Nothing: the decision was made without a risk score." in page
    assert shown["regardless"][0] in page
    assert "Counts towards" not in page and "the risk)" not in page


def test_a_modified_action_is_checked_by_the_policy_gate_and_bad_forms_write_nothing(make_app: Any) -> None:
    app, _, runtime = _setup(make_app)
    decide(app.test_client(), ar_auth(app), **HANDOVER)
    case = _case_id(runtime)
    client = _as(app, "reviewer")
    token = csrf_token(client, "/console/home")
    before = ledger_size(runtime)
    url = f"/console/reviews/{case}/outcome"
    bad = [{"outcome": "modify", "rationale": "r"},                                        # no action
           {"outcome": "overturn", "rationale": "r", "kind": "reminder"},                  # action without modify
           {"outcome": "modify", "rationale": "r", "kind": "reminder", "level": "2"},      # a message needs a channel
           {"outcome": "modify", "rationale": "r", "kind": "reminder", "level": "two", "channel": "letter"},
           {"outcome": "modify", "rationale": "r", "kind": "reminder", "channel": "letter", "send_at": "tomorrow"},
           {"outcome": "maybe", "rationale": "r"}, {"outcome": "uphold"},
           {"outcome": "uphold", "rationale": "r", "explanation_opened": "true"}]           # not a field: the server knows
    for form in bad:
        response = client.post(url, data={"csrf_token": token, **form})
        assert response.status_code == 422, form
        assert "There is a problem" in response.get_data(as_text=True)
    denied = client.post(url, data={"csrf_token": token, "outcome": "modify", "rationale": "r", "kind": "reminder",
                                    "level": "2", "channel": "sms", "tone": "gentle"})   # no SMS consent
    assert denied.status_code == 422 and "the policy denies this action" in denied.get_data(as_text=True)
    assert ledger_size(runtime) == before
    modified = client.post(url, data={"csrf_token": token, "outcome": "modify", "rationale": "a letter instead",
                                      "kind": "reminder", "level": "2", "channel": "letter", "tone": "gentle",
                                      "send_at": "2026-11-23T09:00", "send_zone": "Europe/Berlin"})
    assert modified.status_code == 303
    action = entries(runtime, "review_outcome")[-1]["body"]["action"]
    assert action["channel"] == "letter" and action["send_at"] == "2026-11-23T08:00:00Z" and action["fees"] == []


def test_request_queue_and_request_page(make_app: Any) -> None:
    app, _, runtime = _setup(make_app)
    decision = decide(app.test_client(), ar_auth(app), **HANDOVER)
    subject = runtime.pseudonyms.subject("C-10023")
    rights.request_review(runtime.rights, subject, decision_id=decision["decision_id"], statement="Please look again",
                          channel="portal", actor="portal")
    client = _as(app, "compliance_officer")
    queue = client.get("/console/requests").get_data(as_text=True)
    assert "review" in queue and "on time" in queue and "C-10023" not in queue
    request_id = rights.request_queue(runtime.rights)[0]["request_id"]
    detail = client.get(f"/console/requests/{request_id}").get_data(as_text=True)
    assert "Please look again" in detail and subject in detail
    assert client.get("/console/requests?status=later").status_code == 422
    assert client.get(f"/console/requests/{uuid.uuid4()}").status_code == 404


def test_ledger_status_page(make_app: Any) -> None:
    from service.api_ledger import checkpoint_signer, notary

    app, _, runtime = _setup(make_app)
    decide(app.test_client(), ar_auth(app))
    # the decision's checkpoint is signed on a background thread: the page shows it once signed
    assert checkpoint_signer(app).wait(timeout=60)
    client = _as(app, "admin")
    assert "has not been verified yet" in client.get("/console/ledger").get_data(as_text=True)

    rights.verify_and_record(runtime.db, notary(app), now=runtime.clock())
    page = client.get("/console/ledger").get_data(as_text=True)
    assert "Passed" in page and "Latest signed checkpoint" in page and "Tree size" in page


def test_reports_page_downloads_the_audit_report(make_app: Any, clock: Any) -> None:
    app, _, runtime = _setup(make_app)
    decide(app.test_client(), ar_auth(app))
    client = _as(app, "compliance_officer")
    token = csrf_token(client, "/console/reports")
    before = ledger_size(runtime)
    backwards = client.post("/console/reports", data={"csrf_token": token, "from": "2026-11-30", "to": "2026-11-01"})
    assert backwards.status_code == 422 and "ends before it begins" in backwards.get_data(as_text=True)
    assert client.post("/console/reports", data={"csrf_token": token, "from": "30.11.2026",
                                                 "to": "2026-11-30"}).status_code == 422
    assert ledger_size(runtime) == before
    report = client.post("/console/reports", data={"csrf_token": token, "from": "2026-11-01", "to": "2026-11-30"})
    assert report.status_code == 200 and report.mimetype == "application/pdf" and report.data.startswith(b"%PDF")
    assert report.headers["Content-Disposition"] == 'attachment; filename="audit-report-2026-11-01-2026-11-30.pdf"'


def test_risk_model_page_shows_sign_offs_drift_and_live_calibration(make_app: Any, clock: Any) -> None:
    from datetime import UTC, datetime

    app, _, runtime = _setup(make_app)
    auth = ar_auth(app)
    api = app.test_client()
    # due 31 October, decided 22 November: resolved at the end of 29 November (decision + 7 days)
    decide(api, auth, **{"invoice.ref": "INV-PAID"})
    decide(api, auth, **{"invoice.ref": "INV-UNPAID"})
    clock.now = datetime(2026, 11, 26, 9, tzinfo=UTC)
    paid = api.post("/v1/events", json={"debtor_ref": "C-10023", "invoice_ref": "INV-PAID", "type": "payment_received",
                                        "at": "2026-11-25T10:00:00Z", "amount": "120.00", "currency": "EUR",
                                        "on_date": "2026-11-25"}, headers=auth("ar_system"))
    assert paid.status_code == 201, paid.json
    clock.now = datetime(2026, 11, 27, 9, tzinfo=UTC)
    early = _as(app, "compliance_officer").get("/console/models").get_data(as_text=True)
    assert "0 decisions resolved, 2 not yet" in early
    assert "by the deployment (no named person)" in early     # the shipped default, not yet adopted
    clock.now = datetime(2026, 12, 15, 9, tzinfo=UTC)
    client = _as(app, "compliance_officer")     # a fresh session (the first one idled out)
    before = ledger_size(runtime)
    page = client.get("/console/models").get_data(as_text=True)
    assert ledger_size(runtime) == before                      # reading writes no ledger entry
    assert "2 scored decisions, 1 customers" in page and "2 decisions resolved, 0 not yet" in page
    # one of two late: 50.0 %; one customer: no interval, too few customers to judge
    cells = re.sub(r"<td [^>]*>", "<td>", page)                 # without the cells' data-label attributes
    assert "<td>2026-11</td><td>2</td><td>1</td>" in cells and "50.0 %" in page and "too few customers" in page
    assert "<td>DE</td><td>2</td><td>1</td>" in cells
    for feature in json.loads(default_artifact_path().read_bytes())["reference"]["features"]:
        assert f'<span class="mono">{feature}</span>' in page
    # a named sign-off shows with the account's id
    officer = rights.signing_staff(runtime.db, name="compliance-officer")
    default_id = json.loads(default_artifact_path().read_bytes())["model_id"]
    runtime.models.sign_off(default_id, now=runtime.clock(), actor={"via": "cli"},
                            signed_off_by=f"staff:{officer.user_id}", rationale="card read")
    assert f"staff:{officer.user_id}" in client.get("/console/models").get_data(as_text=True)
