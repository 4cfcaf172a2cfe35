"""The debtor portal through the Flask test client (SQLite and PostgreSQL): sign-in with its
throttle and rate limit, CSRF on every form, one debtor never reaching another's data (by trying), every
page behind the sign-in, session limits, cookie flags and headers, bad input as a 4xx page with
nothing written, the language switch."""

from __future__ import annotations

import html
import json
import re
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rights_support import HANDOVER, entries
from web_support import (
    OTHER,
    access_code,
    ar_auth,
    client_at,
    csrf_token,
    decide,
    ledger_size,
    personal_data,
    portal_sign_in,
)

from service.portal import GUARD_ATTRIBUTE
from service.portal_actions import FORMS as PORTAL_ACTIONS

PUBLIC = {"portal.sign_in_form", "portal.sign_in", "portal.sign_out", "portal.set_language"}


def _setup(make_app: Any, **overrides: Any) -> tuple[Any, Any, Any]:
    """An app serving plain HTTP (the test client), its client and runtime."""
    app = make_app(WEB_COOKIE_SECURE=False, **overrides)
    return app, app.test_client(), app.extensions["fairdun"]


def test_debtor_signs_in_reads_why_and_asks_for_review(make_app: Any) -> None:
    app, client, runtime = _setup(make_app)
    decision = decide(client, ar_auth(app), **HANDOVER)
    signed = portal_sign_in(client, access_code(runtime).lower().replace("-", " "), " inv-42 ")
    assert signed.status_code == 303 and signed.headers["Location"] == "/portal/matters"
    matters = client.get("/portal/matters").get_data(as_text=True)
    assert "Invoice INV-42" in matters and f"/portal/decisions/{decision['decision_id']}" in matters
    why = client.get(f"/portal/decisions/{decision['decision_id']}").get_data(as_text=True)
    assert "is proposed, but a person must review it before anything happens" in why   # said in the page's English
    client.get("/portal/language/de")
    why = client.get(f"/portal/decisions/{decision['decision_id']}").get_data(as_text=True)
    assert decision["explanation"]["summary"] in why.replace("&#39;", "'")   # the recorded German words
    client.get("/portal/language/en")
    token = csrf_token(client, "/portal/matters")
    asked = client.post(f"/portal/decisions/{decision['decision_id']}/review",
                        data={"csrf_token": token, "statement": "I paid on 1 November.\r\nPlease check."})
    assert asked.status_code == 303 and asked.headers["Location"] == "/portal/requests"
    page = client.get("/portal/requests").get_data(as_text=True)
    assert "I paid on 1 November.\nPlease check." in page and "Human review" in page
    received = entries(runtime, "subject_request_received")[-1]
    assert received["body"]["channel"] == "portal" and received["body"]["actor"] == "portal"
    assert "I paid" not in json.dumps(entries(runtime))   # the statement is sealed, never in a ledger body
    assert "a person is reviewing it" in client.get(f"/portal/decisions/{decision['decision_id']}").get_data(as_text=True)


def test_the_why_page_lists_each_rules_finding_once(make_app: Any) -> None:
    app, client, runtime = _setup(make_app)
    auth = ar_auth(app)
    first = decide(client, auth, **HANDOVER)
    portal_sign_in(client, access_code(runtime))
    client.post(f"/portal/decisions/{first['decision_id']}/review",
                data={"csrf_token": csrf_token(client, "/portal/matters")})
    paused = decide(client, auth, **HANDOVER, as_of="2026-11-23T09:00:00Z")
    trace = [r["rule"] for r in paused["explanation"]["policy"]]
    assert trace.count("FD-REVIEW-PAUSE") > 1          # the trace names it for every escalating candidate
    page = client.get(f"/portal/decisions/{paused['decision_id']}").get_data(as_text=True)
    rows = re.findall(r'<tr><td[^>]*><span class="mono rule-id">([A-Z0-9-]+)</span>', page)
    assert rows.count("FD-REVIEW-PAUSE") == 1 and set(rows) == set(trace)


def test_times_of_what_is_sent_are_shown_in_the_debtors_own_zone(make_app: Any) -> None:
    app, client, runtime = _setup(make_app)
    decision = decide(client, ar_auth(app), **{"debtor.timezone": "America/New_York"})
    send_at = datetime.fromisoformat(decision["action"]["send_at"].replace("Z", "+00:00"))
    local, controller = send_at.astimezone(ZoneInfo("America/New_York")), send_at.astimezone(ZoneInfo("Europe/Berlin"))
    portal_sign_in(client, access_code(runtime))
    for path in ("/portal/matters", f"/portal/decisions/{decision['decision_id']}"):
        page = client.get(path).get_data(as_text=True)
        assert f"{local.day} {local:%B %Y}, {local:%H:%M} ({local.tzname()})" in page, path
        assert f"{controller:%H:%M} ({controller.tzname()})" not in page, path


def test_wrong_codes_make_that_client_wait_but_the_debtor_elsewhere_signs_in(make_app: Any, clock: Any) -> None:
    app, client, runtime = _setup(make_app)
    decide(client, ar_auth(app))
    code = access_code(runtime)
    wrong = "ABCD-EFGH-JKMN" if code != "ABCD-EFGH-JKMN" else "ZZZZ-ZZZZ-ZZZZ"
    for _ in range(5):
        refused = portal_sign_in(client, wrong)
        assert refused.status_code == 401 and "do not match" in refused.get_data(as_text=True)
    assert portal_sign_in(client, wrong).status_code == 401          # the sixth failure: this client waits
    waiting = portal_sign_in(client, code)                          # even with the right code and invoice number
    assert waiting.status_code == 429 and "too many failed attempts" in waiting.get_data(as_text=True)
    assert waiting.headers["Retry-After"] and "22 November 2026, 10:31 (CET)" in waiting.get_data(as_text=True)
    assert client.get("/portal/matters").status_code == 303         # not signed in
    assert portal_sign_in(client_at(app, "192.0.2.80"), code).status_code == 303   # the debtor, elsewhere
    clock.advance(seconds=61)
    assert portal_sign_in(client, code).status_code == 303


def test_sign_ins_are_rate_limited_per_address_on_top_of_the_throttle(make_app: Any) -> None:
    app, client, runtime = _setup(make_app, WEB_SIGN_IN_RATE_LIMIT="3 per minute")
    decide(client, ar_auth(app))
    for _ in range(3):
        assert portal_sign_in(client, "ZZZZ-ZZZZ-ZZZZ", "INV-1").status_code == 401
    limited = portal_sign_in(client, access_code(runtime))
    assert limited.status_code == 429 and limited.headers["Retry-After"]
    assert "Too many attempts" in limited.get_data(as_text=True)


def test_every_form_is_refused_without_or_with_a_wrong_csrf_token_and_nothing_is_written(make_app: Any) -> None:
    app, client, runtime = _setup(make_app)
    decision = decide(client, ar_auth(app), **HANDOVER)
    assert portal_sign_in(client, access_code(runtime)).status_code == 303
    before = ledger_size(runtime)
    posts = [("/portal/sign-in", {"code": access_code(runtime), "invoice_ref": "INV-42"}),
             (f"/portal/decisions/{decision['decision_id']}/review", {"statement": "forged"}),
             ("/portal/objection", {}), ("/portal/data", {"format": "json"}), ("/portal/sign-out", {})]
    for path, data in posts:
        for token in (None, "forged-token"):
            form = dict(data) if token is None else {**data, "csrf_token": token}
            response = client.post(path, data=form)
            assert response.status_code == 400, path
            assert "The form could not be accepted" in response.get_data(as_text=True)
    assert client.post("/portal/objection", headers={"Accept": "application/json"}).json["error"]["code"] == "csrf_failed"
    assert ledger_size(runtime) == before
    assert client.get("/portal/matters").status_code == 200             # still signed in: sign-out was refused too


def test_one_debtor_never_sees_another_debtors_data(make_app: Any) -> None:
    app, client, runtime = _setup(make_app)
    auth = ar_auth(app)
    mine = decide(client, auth)
    theirs = decide(client, auth, **OTHER, **{"invoice.due_on": "2026-10-15"})
    other = app.test_client()
    assert portal_sign_in(other, access_code(runtime, "C-20000"), "INV-77").status_code == 303
    token = csrf_token(other, "/portal/objection")
    assert other.post("/portal/objection", data={"csrf_token": token, "statement": "B's own words"}).status_code == 303

    assert portal_sign_in(client, access_code(runtime), "INV-77").status_code == 401   # my code, their invoice
    assert portal_sign_in(client, access_code(runtime, "C-20000"), "INV-42").status_code == 401
    assert portal_sign_in(client, access_code(runtime)).status_code == 303
    before = ledger_size(runtime)
    assert client.get(f"/portal/decisions/{theirs['decision_id']}").status_code == 404
    token = csrf_token(client, "/portal/matters")
    tried = client.post(f"/portal/decisions/{theirs['decision_id']}/review", data={"csrf_token": token})
    assert tried.status_code == 404 and ledger_size(runtime) == before
    assert client.get(f"/portal/decisions/{uuid.uuid4()}").status_code == 404    # the same answer as for a stranger
    pages = "".join(client.get(p).get_data(as_text=True) for p in ("/portal/matters", "/portal/requests",
                                                                    "/portal/objection"))
    assert "INV-77" not in pages and theirs["decision_id"] not in pages and "B&#39;s own words" not in pages
    assert mine["decision_id"] in pages
    export = client.post("/portal/data", data={"csrf_token": token, "format": "json"})
    assert export.status_code == 200 and export.headers["Content-Disposition"].startswith("attachment")
    document = json.loads(export.data)
    assert [d["decision_id"] for d in document["decisions"]] == [mine["decision_id"]]
    assert "C-20000" not in export.get_data(as_text=True) and "Max Beispiel" not in export.get_data(as_text=True)
    assert [r["type"] for r in document["requests"]] == ["access"]


def test_every_portal_page_requires_a_signed_in_debtor(make_app: Any) -> None:
    app, client, _ = _setup(make_app)
    token = csrf_token(client, "/portal/")
    guarded = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("portal."):
            continue
        view = app.view_functions[rule.endpoint]
        assert getattr(view, GUARD_ATTRIBUTE, False) or rule.endpoint in PUBLIC, rule.endpoint
        if rule.endpoint in PUBLIC:
            continue
        guarded += 1
        path = rule.rule.replace("<uuid:decision_id>", str(uuid.UUID(int=7)))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(path, method=method, data={"csrf_token": token})
            if method == "GET":
                assert response.status_code == 303 and response.headers["Location"] == "/portal/", path
            else:
                assert response.status_code == 401, path
    assert guarded == 8 + len(PORTAL_ACTIONS)   # the pages, and the debtor's actions (service.portal_actions)


def test_a_session_ends_after_idle_time_and_after_its_maximum_age(make_app: Any, clock: Any) -> None:
    app, client, runtime = _setup(make_app, WEB_SESSION_IDLE_MINUTES=30, WEB_SESSION_MAX_MINUTES=60)
    decide(client, ar_auth(app))
    assert portal_sign_in(client, access_code(runtime)).status_code == 303
    clock.advance(minutes=29)
    assert client.get("/portal/matters").status_code == 200
    clock.advance(minutes=29)
    assert client.get("/portal/matters").status_code == 200     # active: still inside the idle limit
    clock.advance(minutes=3)
    assert client.get("/portal/matters").status_code == 303     # 61 minutes after signing in
    assert portal_sign_in(client, access_code(runtime)).status_code == 303
    clock.advance(minutes=31)
    assert client.get("/portal/matters").status_code == 303     # idle for 31 minutes


def test_cookie_flags_and_security_headers(make_app: Any) -> None:
    app = make_app()                                            # the default: secure cookies
    client = app.test_client()
    decide(client, ar_auth(app))
    response = portal_sign_in(client, access_code(app.extensions["fairdun"]))
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-fairdun=") and "; Secure" in cookie and "; HttpOnly" in cookie
    assert "SameSite=Lax" in cookie and "Path=/" in cookie and "Domain" not in cookie
    page = client.get("/portal/")
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store" and page.headers["X-Frame-Options"] == "DENY"
    assert "<script" not in page.get_data(as_text=True)
    insecure = make_app(WEB_COOKIE_SECURE="false").test_client()
    assert insecure.get("/portal/").headers["Set-Cookie"].startswith("fairdun=")


def test_bad_input_is_a_clear_4xx_page_and_nothing_is_written(make_app: Any) -> None:
    app, client, runtime = _setup(make_app)
    decision = decide(client, ar_auth(app), **HANDOVER)
    empty = client.post("/portal/sign-in", data={"csrf_token": csrf_token(client, "/portal/")})
    assert empty.status_code == 422 and "Enter the access code" in empty.get_data(as_text=True)
    assert 'aria-invalid="true"' in empty.get_data(as_text=True)
    assert portal_sign_in(client, access_code(runtime)).status_code == 303
    before = ledger_size(runtime)
    token = csrf_token(client, "/portal/matters")
    review = f"/portal/decisions/{decision['decision_id']}/review"
    assert client.post(review, data={"csrf_token": token, "statement": "x" * 4001}).status_code == 422
    assert client.post(review, data={"csrf_token": token, "statement": "bell\x07"}).status_code == 422
    assert client.post(review, data={"csrf_token": token, "decision_id": str(uuid.uuid4())}).status_code == 422
    assert client.post("/portal/data", data={"csrf_token": token, "format": "xml"}).status_code == 422
    assert client.post("/portal/objection", data={"csrf_token": token, "scope": "all"}).status_code == 422
    assert client.get("/portal/decisions/not-a-uuid").status_code == 404
    assert client.get("/portal/language/fr").status_code == 404
    assert ledger_size(runtime) == before
    as_json = client.get(f"/portal/decisions/{uuid.uuid4()}", headers={"Accept": "application/json"})
    assert as_json.status_code == 404 and as_json.json["error"]["code"] == "not_found"


def test_language_switch_and_no_open_redirect(make_app: Any) -> None:
    app, client, runtime = _setup(make_app)
    decide(client, ar_auth(app))
    german = client.get("/portal/language/de?next=/portal/")
    assert german.status_code == 303 and german.headers["Location"] == "/portal/"
    page = client.get("/portal/").get_data(as_text=True)
    assert '<html lang="de">' in page and "Zugangscode" in page
    assert client.get("/portal/language/en?next=//evil.example/x").headers["Location"] == "/portal/"
    assert client.get("/portal/language/en?next=https://evil.example/").headers["Location"] == "/portal/"
    assert "Access code" in client.get("/portal/").get_data(as_text=True)
    assert '<html lang="de">' in app.test_client().get("/portal/", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(as_text=True)


def test_no_personal_data_in_the_portal_links(make_app: Any) -> None:
    app, client, runtime = _setup(make_app)
    decide(client, ar_auth(app))
    assert portal_sign_in(client, access_code(runtime)).status_code == 303
    links = set()
    for page in ("/portal/matters", "/portal/requests", "/portal/objection", "/portal/data"):
        links |= set(re.findall(r'(?:href|action)="([^"]+)"', client.get(page).get_data(as_text=True)))
    assert links
    for link in links:
        for secret in personal_data(runtime):
            assert secret.lower() not in link.lower(), (link, secret)


def _text(page: str) -> str:
    """The page's visible text, tags dropped and entities resolved, on one line."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_why_page_prints_each_reason_with_its_direction_and_what_the_score_changed(make_app: Any) -> None:
    app, client, runtime = _setup(make_app)
    auth = ar_auth(app)
    german = decide(client, auth)
    english = decide(client, auth, **{"invoice.ref": "INV-43", "debtor.language": "en"})
    assert portal_sign_in(client, access_code(runtime)).status_code == 303
    headings = {"en": ("What counted in the risk assessment, and in which direction",
                       "What the risk assessment changed in this decision",
                       "What followed from our reminder process or the law, whatever the risk assessment"),
                "de": ("Was in die Risikoeinschätzung einging, und in welche Richtung",
                       "Was die Risikoeinschätzung an dieser Entscheidung geändert hat",
                       "Was sich unabhängig von der Risikoeinschätzung aus unserem Mahnverfahren oder dem Gesetz ergab")}
    labels = {"de": {"raises": "Spricht für ein höheres Risiko", "lowers": "Spricht für ein niedrigeres Risiko"},
              "en": {"raises": "Counts towards a higher risk", "lowers": "Counts towards a lower risk"}}
    for ui in ("en", "de"):
        client.get(f"/portal/language/{ui}?next=/portal/matters")
        in_page_language = (german if ui == "de" else english)["explanation"]   # the same facts, in the page's words
        for decision in (german, english):
            explanation = decision["explanation"]
            assert explanation["reasons"] and explanation["score_role"]["changed"]
            words = _text(client.get(f"/portal/decisions/{decision['decision_id']}").get_data(as_text=True))
            for heading in headings[ui]:
                assert heading in words, (ui, heading)
            # each reason with its direction, in the page's language (said again from the recorded
            # reason where that reproduces the recorded words), in the API's order
            explanation = in_page_language
            shown = [f"{labels[ui][r['direction']]}: {r['text']}" for r in explanation["reasons"]]
            positions = [words.find(line) for line in shown]
            assert -1 not in positions and positions == sorted(positions), (ui, shown)
            for item in explanation["score_role"]["changed"] + explanation["score_role"]["regardless"]:
                assert item["text"] in words
            assert "Keine Risikobewertung" not in words and "No risk score was used" not in words
            assert (t := explanation["counterfactual"]) is None or t["text"] in words


def test_a_decision_without_a_score_says_so_and_lists_facts_without_a_direction(make_app: Any) -> None:
    app, client, runtime = _setup(make_app)
    auth = ar_auth(app)
    decide(client, auth)
    assert portal_sign_in(client, access_code(runtime)).status_code == 303
    token = csrf_token(client, "/portal/objection")
    assert client.post("/portal/objection", data={"csrf_token": token}).status_code == 303
    unscored = decide(client, auth, as_of="2026-11-23T09:00:00Z")
    assert unscored["risk"]["profiling"] is False
    for ui, facts_heading in (("en", "The facts our reminder process used"),
                              ("de", "Die Tatsachen, die unser Mahnverfahren verwendet hat")):
        client.get(f"/portal/language/{ui}?next=/portal/matters")
        words = _text(client.get(f"/portal/decisions/{unscored['decision_id']}").get_data(as_text=True))
        assert {"de": "Es wurde keine Risikobewertung verwendet", "en": "No risk score was used"}[ui] in words
        assert facts_heading in words
        for reason in unscored["explanation"]["reasons"]:     # the German decision's facts, in the page's language
            assert (reason["text"] if ui == "de" else reason["text"].replace(
                "Ihre Rechnung ist seit 23 Tagen fällig.", "Your invoice is 23 days past its due date.")) in words or (
                ui == "en" and reason["feature"] != "days_past_due"), reason
        if ui == "en":
            assert "Your invoice is 23 days past its due date." in words and "Ihre Rechnung" not in words
        assert "Counts towards" not in words and "Spricht für" not in words     # facts raise or lower nothing
        assert "What the risk assessment changed" not in words and "Was die Risikoeinschätzung an" not in words


VULNERABLE = {"debtor.flags.vulnerable": True, "debtor.flags.financial_difficulty": True}


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize(("jurisdiction", "zone", "law"), [("GB", "Europe/London", "uk"), ("DE", "Europe/Berlin", "eu")])
def test_portal_pages_and_access_export_carry_the_controller_and_the_debtor_s_law_and_no_reason_code(
        make_app: Any, lang: str, jurisdiction: str, zone: str, law: str) -> None:
    from debtor_texts import assert_debtor_text, assert_no_codes
    from pdf_tools import pdf_text

    from reports import render_access_report

    app, client, runtime = _setup(make_app)
    decision = decide(client, ar_auth(app), **{"debtor.language": lang, "debtor.jurisdiction": jurisdiction,
                                               "debtor.timezone": zone, **VULNERABLE})
    assert decision["status"] == "needs_review"
    assert any(code in decision["explanation"]["summary"] or code in json.dumps(decision["explanation"]["policy"])
               for code in ("special_category_data", "forbearance"))   # the AR system's record keeps the codes
    portal_sign_in(client, access_code(runtime))
    client.get(f"/portal/language/{lang}")
    pages = {path: html.unescape(client.get(path).get_data(as_text=True))
             for path in ("/portal/matters", f"/portal/decisions/{decision['decision_id']}", "/portal/data",
                          "/portal/objection", "/portal/requests")}
    assert_debtor_text(pages["/portal/data"], lang=lang, law=law)
    short = "UK GDPR" if law == "uk" else "DSGVO" if lang == "de" else "GDPR"
    assert short in pages["/portal/objection"] and short in pages[f"/portal/decisions/{decision['decision_id']}"]
    for page in pages.values():
        assert_no_codes(page)
        if law == "uk":
            assert "DSGVO" not in page and "Art. 22(3)" not in page and "Art. 22 Abs. 3" not in page
    # the access export (JSON and PDF) in the page's language
    token = csrf_token(client, "/portal/data")
    exported = client.post("/portal/data", data={"csrf_token": token, "format": "json"})
    export = json.loads(exported.get_data(as_text=True))
    assert export["law"] == law and export["privacy"]["law"] == law and export["privacy"]["language"] == lang
    shown = {key: export[key] for key in export if key != "decisions"}
    shown["decisions"] = [{k: v for k, v in d.items() if k != "data"} for d in export["decisions"]]   # the request
    text = json.dumps(shown, ensure_ascii=False)   # as received is the debtor's own data (Art. 15(1), (3))
    assert_debtor_text(" ".join(f"{item['label']}: {item['text']}" for item in export["privacy"]["items"]), lang=lang,
                       law=law)
    assert_no_codes(text)
    if law == "uk":
        assert "UK GDPR" in text and "Information Commissioner's Office" in text and "DSGVO" not in text
        found = re.search(r"(?<!UK )GDPR", text)
        assert not found, text[max(0, found.start() - 300):found.end() + 50]
    words = " ".join(pdf_text(render_access_report(export, lang=lang)).split())
    assert_debtor_text(words.split(export["decisions"][0]["decision_id"])[0], lang=lang, law=law)
    assert_no_codes(words)
