"""The sign-in throttle of portal and console through the Flask test client (SQLite and
PostgreSQL), with the injected clock and no sleeps: a stranger's failures from other addresses
never stop a debtor holding their letter, nor a staff member in their own browser; a guessing
client waits longer after every failure; guessing across many addresses slows down per account
where that cannot lock the owner out; IPv6 by /64; X-Forwarded-For only behind a trusted proxy;
rows and logs hold no address, name or invoice number."""

from __future__ import annotations

import logging
from typing import Any

from rights_support import entries
from sqlalchemy import select
from web_support import PASSWORD, access_code, ar_auth, client_at, csrf_token, decide, make_staff, staff_sign_in

from decisions.rights.portal_access import ALPHABET
from decisions.rights.tables import SignInThrottleRow

RATE = "1000 per minute"     # Flask-Limiter's flood guard (real time) stays out of the way here
DEVICE = "fairdun-device"    # the console's device cookie, WEB_COOKIE_SECURE off


def _setup(make_app: Any, **overrides: Any) -> tuple[Any, Any]:
    app = make_app(WEB_COOKIE_SECURE=False, WEB_SIGN_IN_RATE_LIMIT=RATE, **overrides)
    runtime = app.extensions["fairdun"]
    decide(app.test_client(), ar_auth(app))
    return app, runtime


def _wrong_codes(runtime: Any) -> list[str]:
    code = access_code(runtime)
    return [c for c in (f"ZZZZ-ZZZZ-ZZZ{letter}" for letter in ALPHABET) if c != code]


def _try(client: Any, code: str, invoice_ref: str = "INV-42", **headers: str) -> Any:
    token = csrf_token(client, "/portal/")
    return client.post("/portal/sign-in", data={"csrf_token": token, "code": code, "invoice_ref": invoice_ref},
                       headers=headers)


def test_a_strangers_failures_never_stop_the_debtor_signing_in(make_app: Any) -> None:
    app, runtime = _setup(make_app)
    wrong = _wrong_codes(runtime)
    stranger = client_at(app, "198.51.100.7")
    statuses = [_try(stranger, wrong[i % len(wrong)]).status_code for i in range(20)]   # the debtor's invoice number
    assert statuses == [401] * 6 + [429] * 14
    for address in range(30):                                       # and from thirty more addresses
        assert _try(client_at(app, f"203.0.113.{address}"), wrong[address % len(wrong)]).status_code == 401
    debtor = client_at(app, "192.0.2.10")
    assert _try(debtor, access_code(runtime)).status_code == 303
    assert debtor.get("/portal/matters").status_code == 200


def test_a_guessing_client_waits_longer_after_every_failure_and_is_forgotten_a_day_later(make_app: Any,
                                                                                          clock: Any) -> None:
    app, runtime = _setup(make_app)
    wrong = iter(_wrong_codes(runtime))
    client = client_at(app, "198.51.100.7")
    for _ in range(5):
        assert _try(client, next(wrong)).status_code == 401         # five failures cost nothing
    for wait in (60, 120, 240, 480, 960, 1920, 3600, 3600):         # doubling, at most an hour
        assert _try(client, next(wrong)).status_code == 401         # each further failure makes the client wait
        clock.advance(seconds=wait - 1)
        refused = _try(client, access_code(runtime))                # even the right code is not looked at,
        assert refused.status_code == 429 and "try again after" in refused.get_data(as_text=True)
        assert refused.headers["Retry-After"]
        clock.advance(seconds=1)                                    # and the refusal extended nothing
    clock.advance(hours=24)                                         # a day without a failure: forgotten
    for _ in range(5):
        assert _try(client, next(wrong)).status_code == 401
    assert _try(client, access_code(runtime)).status_code == 303


def test_only_a_holder_of_the_code_can_make_the_debtor_wait(make_app: Any, clock: Any) -> None:
    app, runtime = _setup(make_app)
    code = access_code(runtime)
    for address in range(11):                                       # the code, guessing invoice numbers
        assert _try(client_at(app, f"203.0.113.{address}"), code, f"INV-{address + 1000}").status_code == 401
    debtor = client_at(app, "192.0.2.10")
    assert _try(debtor, code).status_code == 429
    clock.advance(seconds=60)
    assert _try(debtor, code).status_code == 303


def test_ipv6_clients_count_by_their_64_and_forwarded_for_is_not_trusted_by_default(make_app: Any) -> None:
    app, runtime = _setup(make_app)
    wrong = iter(_wrong_codes(runtime))
    for _ in range(6):
        assert _try(client_at(app, "2001:db8:1:2::1"), next(wrong)).status_code == 401
    assert _try(client_at(app, "2001:db8:1:2:ffff::9"), access_code(runtime)).status_code == 429   # the same /64
    assert _try(client_at(app, "2001:db8:1:3::1"), access_code(runtime)).status_code == 303        # another one
    spoofer = client_at(app, "198.51.100.7")
    for attempt in range(6):
        assert _try(spoofer, next(wrong), **{"X-Forwarded-For": f"203.0.113.{attempt}"}).status_code == 401
    assert _try(spoofer, next(wrong), **{"X-Forwarded-For": "203.0.113.99"}).status_code == 429


def test_behind_a_trusted_proxy_the_address_it_saw_counts(make_app: Any) -> None:
    app, runtime = _setup(make_app, WEB_TRUSTED_PROXIES=1)
    wrong = iter(_wrong_codes(runtime))
    proxy = client_at(app, "10.0.0.1")
    for _ in range(6):                         # the client wrote its own header; the proxy appended the truth
        assert _try(proxy, next(wrong), **{"X-Forwarded-For": f"192.0.2.{_}, 198.51.100.7"}).status_code == 401
    assert _try(proxy, access_code(runtime), **{"X-Forwarded-For": "198.51.100.7"}).status_code == 429
    assert _try(proxy, access_code(runtime), **{"X-Forwarded-For": "198.51.100.8"}).status_code == 303


def test_throttle_rows_and_logs_hold_no_address_name_or_invoice_number(make_app: Any, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    app, runtime = _setup(make_app)
    make_staff(runtime, "rita", "reviewer")
    client = client_at(app, "198.51.100.7")
    assert _try(client, access_code(runtime), "INV-31337").status_code == 401
    assert staff_sign_in(client, "rita", "not the password").status_code == 401
    with runtime.db.reading() as session:
        rows = session.scalars(select(SignInThrottleRow)).all()
    assert len(rows) == 4              # portal client and subject, console client and name
    for row in rows:
        assert len(row.key) == 64 and int(row.key, 16) >= 0
    for secret in ("198.51.100.7", "INV-31337", "rita", access_code(runtime)):
        assert secret not in caplog.text


def _sign_out(browser: Any) -> None:
    token = csrf_token(browser, "/console/home")
    assert browser.post("/console/sign-out", data={"csrf_token": token}).status_code == 303


def test_strangers_guessing_a_staff_password_cannot_keep_the_staff_member_out_of_their_browser(
        make_app: Any, clock: Any) -> None:
    app, runtime = _setup(make_app)
    make_staff(runtime, "rita", "reviewer")
    browser = client_at(app, "192.0.2.10")
    assert staff_sign_in(browser, "rita").status_code == 303        # her browser is known from now on
    _sign_out(browser)
    stranger = client_at(app, "198.51.100.7")
    assert [staff_sign_in(stranger, "rita", "guess").status_code for _ in range(8)] == [401] * 6 + [429] * 2
    for address in range(5):                                        # more addresses: eleven failures in all
        assert staff_sign_in(client_at(app, f"203.0.113.{address}"), "rita", "guess").status_code == 401
    unknown = staff_sign_in(client_at(app, "192.0.2.11"), "rita")   # an unknown browser waits (the trade)
    assert unknown.status_code == 429 and "try again after 22 November 2026, 10:31 (CET)" in unknown.get_data(
        as_text=True)
    assert staff_sign_in(browser, "rita").status_code == 303        # her own browser does not
    assert browser.get("/console/home").status_code == 200
    clock.advance(seconds=60)
    assert staff_sign_in(client_at(app, "192.0.2.11"), "rita").status_code == 303


def test_a_device_cookie_stops_exempting_after_its_own_failures_and_after_a_password_change(
        make_app: Any, clock: Any) -> None:
    app, runtime = _setup(make_app)
    make_staff(runtime, "rita", "reviewer")
    home, laptop, office = (client_at(app, f"192.0.2.{n}") for n in (10, 20, 30))
    for browser in (home, laptop, office):
        assert staff_sign_in(browser, "rita").status_code == 303
        _sign_out(browser)
    stolen = home.get_cookie(DEVICE).value
    for address in range(11):
        assert staff_sign_in(client_at(app, f"203.0.113.{address}"), "rita", "guess").status_code == 401
    for address in range(6):                                        # the stolen device cookie, many addresses
        thief = client_at(app, f"198.51.100.{address}")
        thief.set_cookie(DEVICE, stolen)
        assert staff_sign_in(thief, "rita", "guess").status_code == 401
    thief = client_at(app, "198.51.100.50")
    thief.set_cookie(DEVICE, stolen)
    assert staff_sign_in(thief, "rita").status_code == 429          # used up: it no longer exempts,
    assert staff_sign_in(home, "rita").status_code == 429           # in the browser it was taken from neither
    assert staff_sign_in(laptop, "rita").status_code == 303         # the laptop's own cookie still does

    token = csrf_token(laptop, "/console/password")
    new = "a brand new password"
    changed = laptop.post("/console/password", data={"csrf_token": token, "current_password": PASSWORD,
                                                     "password": new, "confirm": new})
    assert changed.status_code == 303
    assert staff_sign_in(office, "rita", new).status_code == 429    # its device cookie is void now
    _sign_out(laptop)
    assert staff_sign_in(laptop, "rita", new).status_code == 303    # re-issued with the change
    assert len(entries(runtime, "staff_password_changed")) == 1


def test_guessing_the_current_password_on_the_change_form_is_throttled_per_account(make_app: Any) -> None:
    app, runtime = _setup(make_app, WEB_SIGN_IN_ACCOUNT_FAILURES=3)
    make_staff(runtime, "rita", "reviewer")
    browser = client_at(app, "192.0.2.10")                          # a stolen session, say
    assert staff_sign_in(browser, "rita").status_code == 303
    token = csrf_token(browser, "/console/password")
    form = {"csrf_token": token, "current_password": "a guess", "password": "a brand new password",
            "confirm": "a brand new password"}
    assert [browser.post("/console/password", data=form).status_code for _ in range(5)] == [422] * 4 + [429]
    assert staff_sign_in(client_at(app, "192.0.2.11"), "rita").status_code == 303   # the sign-in is not affected
