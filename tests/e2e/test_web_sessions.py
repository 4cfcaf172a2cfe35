"""Server-side sessions of portal and console through the Flask test client (SQLite and
PostgreSQL): a cookie copied before sign-out is refused after it; a password change ends every
other session and re-issues this browser's; a disabled staff account is signed out at its next
request; the idle and absolute limits; a fresh token at every sign-in; the cookie holds only a
token, the database only its digest and pseudonyms; old rows are forgotten."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rights_support import entries
from sqlalchemy import select, update
from web_support import PASSWORD, access_code, ar_auth, csrf_token, decide, make_staff, portal_sign_in, staff_sign_in

from decisions.rights.tables import StaffUserRow
from service.tables import WebSessionRow
from service.web_sessions import disable_staff

COOKIE = "fairdun"           # WEB_COOKIE_SECURE off: the test client speaks plain HTTP
NEW_PASSWORD = "a different long password"


def _setup(make_app: Any, **overrides: Any) -> tuple[Any, Any]:
    app = make_app(WEB_COOKIE_SECURE=False, **overrides)
    return app, app.test_client()


def _copy(app: Any, client: Any) -> Any:
    """Another browser holding a copy of ``client``'s session cookie (as a thief would)."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def _rows(app: Any) -> list[WebSessionRow]:
    with app.extensions["fairdun"].db.reading() as session:
        return list(session.scalars(select(WebSessionRow).order_by(WebSessionRow.created_at)))


def _cookie(app: Any, client: Any) -> dict[str, Any]:
    """What the signed session cookie holds."""
    serializer = app.session_interface.get_signing_serializer(app)
    return dict(serializer.loads(client.get_cookie(COOKIE).value))


def _change_password(client: Any, current: str = PASSWORD, new: str = NEW_PASSWORD) -> Any:
    token = csrf_token(client, "/console/password")
    return client.post("/console/password", data={"csrf_token": token, "current_password": current,
                                                  "password": new, "confirm": new})


def test_a_portal_cookie_copied_before_sign_out_is_refused_after_it(make_app: Any) -> None:
    app, client = _setup(make_app)
    runtime = app.extensions["fairdun"]
    decide(client, ar_auth(app))
    assert portal_sign_in(client, access_code(runtime)).status_code == 303
    token = csrf_token(client, "/portal/matters")
    thief = _copy(app, client)
    assert thief.get("/portal/matters").status_code == 200          # a copy works while the session lives
    assert client.post("/portal/sign-out", data={"csrf_token": token}).status_code == 303
    assert thief.get("/portal/matters").status_code == 303          # ... and not after sign-out
    assert thief.post("/portal/objection", data={"csrf_token": token}).status_code == 401
    assert thief.get("/portal/data").status_code == 303
    [row] = _rows(app)
    assert row.end_reason == "signed_out" and row.surface == "portal"
    assert row.principal == runtime.pseudonyms.subject("C-10023")


def test_a_console_cookie_copied_before_sign_out_is_refused_after_it(make_app: Any) -> None:
    app, client = _setup(make_app)
    make_staff(app.extensions["fairdun"], "rita", "compliance_officer")
    assert staff_sign_in(client, "rita").status_code == 303
    token = csrf_token(client, "/console/home")
    thief = _copy(app, client)
    assert thief.get("/console/requests").status_code == 200
    assert client.post("/console/sign-out", data={"csrf_token": token}).status_code == 303
    assert thief.get("/console/requests").status_code == 303
    assert thief.post("/console/reports", data={"csrf_token": token, "from": "2026-11-01",
                                                "to": "2026-11-30"}).status_code == 401
    assert [r.end_reason for r in _rows(app)] == ["signed_out"]


def test_a_password_change_ends_every_other_session_and_reissues_this_one(make_app: Any) -> None:
    app, client = _setup(make_app)
    runtime = app.extensions["fairdun"]
    make_staff(runtime, "rita", "reviewer")
    other_browser = app.test_client()
    assert staff_sign_in(client, "rita").status_code == 303
    assert staff_sign_in(other_browser, "rita").status_code == 303
    copy = _copy(app, client)
    before = _cookie(app, client)["staff"]["sid"]

    wrong = _change_password(client, current="not my password")
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)
    assert other_browser.get("/console/home").status_code == 200   # a refused change ends nothing
    same = _change_password(client, new=PASSWORD)
    assert same.status_code == 422 and "the current one" in same.get_data(as_text=True)

    changed = _change_password(client)
    assert changed.status_code == 303 and changed.headers["Location"] == "/console/home"
    assert _cookie(app, client)["staff"]["sid"] != before          # this browser: a new session
    assert "Every other session of your account has ended" in client.get("/console/home").get_data(as_text=True)
    assert other_browser.get("/console/home").status_code == 303    # every other browser: signed out
    assert copy.get("/console/home").status_code == 303             # the copy of the old cookie too
    assert sorted(r.end_reason or "" for r in _rows(app)) == ["", "password_changed", "password_changed"]
    user = entries(runtime, "staff_user_created")[0]["body"]["user_id"]
    assert entries(runtime, "staff_password_changed")[-1]["body"] == {"user_id": user, "by": "self",
                                                                      "actor": f"staff:{user}"}
    assert staff_sign_in(app.test_client(), "rita").status_code == 401
    assert staff_sign_in(app.test_client(), "rita", NEW_PASSWORD).status_code == 303


def test_the_explanations_opened_survive_a_password_change(make_app: Any) -> None:
    from rights_support import HANDOVER

    from decisions import rights

    app, client = _setup(make_app)
    runtime = app.extensions["fairdun"]
    decide(app.test_client(), ar_auth(app), **HANDOVER)
    make_staff(runtime, "rita", "reviewer")
    assert staff_sign_in(client, "rita").status_code == 303
    case = rights.review_queue(runtime.rights)[0]["case_id"]
    assert client.get(f"/console/reviews/{case}/explanation").status_code == 200
    assert _change_password(client).status_code == 303
    assert "opened by you: <strong>yes</strong>" in client.get(f"/console/reviews/{case}").get_data(as_text=True)


def test_disabling_a_staff_account_ends_its_sessions_at_once(make_app: Any, clock: Any) -> None:
    app, client = _setup(make_app)
    runtime = app.extensions["fairdun"]
    make_staff(runtime, "rita", "reviewer")
    make_staff(runtime, "sam", "reviewer")
    other_browser, sams = app.test_client(), app.test_client()
    for browser, name in ((client, "rita"), (other_browser, "rita"), (sams, "sam")):
        assert staff_sign_in(browser, name).status_code == 303
    disable_staff(runtime.db, name="rita", now=clock(), actor="cli")
    assert [r.end_reason for r in _rows(app) if r.end_reason] == ["disabled", "disabled"]
    assert client.get("/console/home").status_code == 303
    assert other_browser.get("/console/reviews").status_code == 303
    assert sams.get("/console/home").status_code == 200               # another account is untouched
    assert staff_sign_in(app.test_client(), "rita").status_code == 401
    assert entries(runtime, "staff_user_disabled")[-1]["body"]["actor"] == "cli"


def test_an_account_disabled_behind_the_consoles_back_is_signed_out_at_its_next_request(make_app: Any,
                                                                                          clock: Any) -> None:
    app, client = _setup(make_app)
    runtime = app.extensions["fairdun"]
    make_staff(runtime, "rita", "reviewer")
    assert staff_sign_in(client, "rita").status_code == 303
    token = csrf_token(client, "/console/home")
    with runtime.db.unit_of_work() as uow:                          # no session ended by whoever did this
        uow.session.execute(update(StaffUserRow).where(StaffUserRow.name == "rita").values(disabled_at=clock()))
        uow.commit()
    assert client.post("/console/reports", data={"csrf_token": token}).status_code == 401
    assert client.get("/console/home").status_code == 303
    assert [r.end_reason for r in _rows(app)] == ["disabled"]


def test_console_sessions_end_after_idle_time_and_after_their_maximum_age(make_app: Any, clock: Any) -> None:
    app, client = _setup(make_app, WEB_SESSION_IDLE_MINUTES=30, WEB_SESSION_MAX_MINUTES=60)
    make_staff(app.extensions["fairdun"], "rita", "reviewer")
    assert staff_sign_in(client, "rita").status_code == 303
    clock.advance(minutes=29)
    assert client.get("/console/home").status_code == 200
    clock.advance(minutes=29)
    assert client.get("/console/home").status_code == 200             # active: inside the idle limit
    clock.advance(minutes=3)
    assert client.get("/console/home").status_code == 303             # 61 minutes after signing in
    assert staff_sign_in(client, "rita").status_code == 303
    clock.advance(minutes=31)
    assert client.get("/console/home").status_code == 303             # idle for 31 minutes
    assert [r.end_reason for r in _rows(app)] == ["expired", "idle"]


def test_seen_is_written_at_most_once_a_minute(make_app: Any, clock: Any) -> None:
    app, client = _setup(make_app)
    runtime = app.extensions["fairdun"]
    decide(client, ar_auth(app))
    assert portal_sign_in(client, access_code(runtime)).status_code == 303
    signed_in_at = clock()
    clock.advance(seconds=30)
    assert client.get("/portal/matters").status_code == 200
    assert _rows(app)[0].seen_at.replace(tzinfo=None) == signed_in_at.replace(tzinfo=None)
    clock.advance(seconds=31)
    assert client.get("/portal/matters").status_code == 200
    assert _rows(app)[0].seen_at.replace(tzinfo=None) == clock().replace(tzinfo=None)


def test_every_sign_in_gets_a_fresh_token_and_ends_the_session_the_browser_had(make_app: Any) -> None:
    app, client = _setup(make_app)
    runtime = app.extensions["fairdun"]
    decide(client, ar_auth(app))
    assert portal_sign_in(client, access_code(runtime)).status_code == 303
    planted = _copy(app, client)                                     # a cookie someone got into a browser
    first = _cookie(app, planted)["portal"]["sid"]
    again = planted.post("/portal/sign-in", data={"csrf_token": csrf_token(planted, "/portal/matters"),
                                                  "code": access_code(runtime), "invoice_ref": "INV-42"})
    assert again.status_code == 303
    assert _cookie(app, planted)["portal"]["sid"] != first
    assert client.get("/portal/matters").status_code == 303         # the planted session ended with it
    assert sorted(r.end_reason or "" for r in _rows(app)) == ["", "replaced"]


def test_the_cookie_holds_a_token_and_the_database_only_its_digest(make_app: Any) -> None:
    app, client = _setup(make_app)
    runtime = app.extensions["fairdun"]
    decide(client, ar_auth(app))
    client.get("/portal/language/de")
    assert portal_sign_in(client, access_code(runtime)).status_code == 303
    held = _cookie(app, client)
    assert set(held) <= {"portal", "csrf_token", "lang", "_permanent", "_flashes"} and held["lang"] == "de"
    assert set(held["portal"]) == {"sid"} and len(held["portal"]["sid"]) >= 43         # 256 random bits
    assert 'lang="de"' in client.get("/portal/matters").get_data(as_text=True)       # the language choice kept
    subject = runtime.pseudonyms.subject("C-10023")
    assert subject not in client.get_cookie(COOKIE).value
    [row] = _rows(app)
    assert row.token_sha256 != held["portal"]["sid"] and len(row.token_sha256) == 64


def test_rows_of_dead_sessions_are_forgotten_at_a_later_sign_in(make_app: Any, clock: Any) -> None:
    app, client = _setup(make_app, WEB_SESSION_MAX_MINUTES=60, WEB_SESSION_KEEP_HOURS=24)
    runtime = app.extensions["fairdun"]
    decide(client, ar_auth(app))
    assert portal_sign_in(client, access_code(runtime)).status_code == 303
    clock.advance(hours=25)
    assert portal_sign_in(client, access_code(runtime)).status_code == 303
    assert len(_rows(app)) == 2                                       # the first is dead, but kept a day
    clock.advance(minutes=1)
    assert portal_sign_in(app.test_client(), access_code(runtime)).status_code == 303
    assert len(_rows(app)) == 2                                       # the first is gone
    assert all(clock() - r.created_at.replace(tzinfo=clock().tzinfo) < timedelta(hours=26) for r in _rows(app))
