"""What the two server-rendered surfaces share — the debtor portal (``/portal``) and the
officer console (``/console``): the signed session cookie and its key, CSRF protection of
every form, rate limiting of sign-ins, security headers, texts in English and German, form
parsing, and their error pages (``errors.py`` stays the one error path: it asks
``error_page`` first, which answers HTML for these two surfaces and nothing for ``/v1``).

Sessions are Flask's signed cookie (``SECRET_KEY`` generated into ``<instance>/keys/session.key``
on first start, or ``FAIRDUN_SESSION_KEY``): ``HttpOnly``, ``SameSite=Lax``, ``Secure`` unless
``WEB_COOKIE_SECURE`` is off (then the cookie is named ``fairdun`` instead of ``__Host-fairdun``).
A signed-in session ends after ``WEB_SESSION_IDLE_MINUTES`` without a request and
``WEB_SESSION_MAX_MINUTES`` after signing in, both measured with the injected clock.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, Response, current_app, render_template, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect
from marshmallow import Schema, ValidationError

from ledger.timestamps import as_utc, parse_rfc3339, rfc3339
from retention import load_or_create_key

from .errors import error_response, flatten_messages

__all__ = ["init_app", "LANGUAGES", "language", "texts", "form_data", "field_errors",
           "start_session", "signed_in", "end_session", "error_page", "safe_next", "flag"]

LANGUAGES = ("en", "de")
# No script at all on these pages; styles only from our own stylesheet.
_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'")


def flag(value: Any) -> bool:
    """A configuration flag: ``true``/``1``/``yes``/``on`` (any case) or a bool."""
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


def init_app(app: Flask) -> None:
    """Wire the shared parts in; call after every blueprint is registered (the ``/v1``
    blueprints authenticate by bearer key, not cookie, and are exempt from CSRF)."""
    config = app.config
    secure = flag(config["WEB_COOKIE_SECURE"])
    app.secret_key = load_or_create_key(Path(config["INSTANCE_PATH"]), "session")
    config.update(
        SESSION_COOKIE_NAME="__Host-fairdun" if secure else "fairdun",   # __Host-: Secure, Path=/, no Domain
        SESSION_COOKIE_SECURE=secure, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=int(config["WEB_SESSION_MAX_MINUTES"])),
        WTF_CSRF_TIME_LIMIT=None,        # the token lives as long as the session that holds it
    )
    csrf = CSRFProtect(app)
    for blueprint in app.blueprints.values():
        if blueprint.url_prefix == "/v1":
            csrf.exempt(blueprint)
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)   # its INFO lines name the client address
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", headers_enabled=True,
                      default_limits=[])
    rate = str(config["WEB_SIGN_IN_RATE_LIMIT"])
    for endpoint in ("portal.sign_in", "console.sign_in"):
        view: Any = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(rate, scope=endpoint)(view)
    app.extensions["fairdun.web"] = {"limiter": limiter, "csrf": csrf}
    app.extensions["fairdun.error_page"] = error_page

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Any:
        return error_response(400, "csrf_failed", "the form expired or did not come from this site: "
                                                  "load the page again and send it once more")

    app.after_request(_security_headers)
    app.jinja_env.globals.update(t=_t, has_text=_has_text, current_language=language, languages=LANGUAGES)
    app.jinja_env.filters.update(day=_day, moment=_moment, money=_money)


def _on_surface() -> bool:
    return request.path.split("/")[1] in ("portal", "console")


def _security_headers(response: Response) -> Response:
    if _on_surface():
        response.headers["Content-Security-Policy"] = _CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"   # CSRF's HTTPS referrer check needs our own
        response.headers["Cache-Control"] = "no-store"        # pages with personal data are never cached
    return response


# -- texts -----------------------------------------------------------------------------------

@cache
def _all_texts() -> dict[str, dict[str, Any]]:
    return json.loads(resources.files("service").joinpath("web_texts.json").read_text("utf-8"))


def texts(lang: str) -> dict[str, Any]:
    return _all_texts()["de" if lang == "de" else "en"]


def language() -> str:
    """The page's language: chosen in the session, else the browser's preference, else English
    (the console is in English only)."""
    if request.path.split("/")[1] == "console":
        return "en"
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or "en"


def _t(key: str, **params: Any) -> str:
    """The text ``key`` in the page's language (English, then the key itself, where it is
    missing: a page never fails over a text; ``tests/unit/test_web_texts.py`` checks they exist)."""
    text = texts(language()).get(key) or texts("en").get(key) or key
    return text.format(**params) if params else text


def _has_text(key: str) -> bool:
    return key in texts(language())


def _zone(name: str | None = None) -> ZoneInfo:
    """The zone ``name`` (a debtor's, checked when their request came in), else the controller's."""
    try:
        return ZoneInfo(name or current_app.config.get("RIGHTS_TIMEZONE") or "Europe/Berlin")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(current_app.config.get("RIGHTS_TIMEZONE") or "Europe/Berlin")


def _date_words(day: date) -> str:
    month = texts(language())["months"][day.month - 1]
    return f"{day.day}. {month} {day.year}" if language() == "de" else f"{day.day} {month} {day.year}"


def _day(value: Any) -> str:
    """A date (or the local date of a moment) in words: 22 November 2026 / 22. November 2026."""
    if not value:
        return ""
    text = str(value)
    try:
        day = (parse_rfc3339(text).astimezone(_zone()).date() if "T" in text
               else datetime.strptime(text[:10], "%Y-%m-%d").date())
    except ValueError:
        return text
    return _date_words(day)


def _moment(value: Any, zone: str | None = None) -> str:
    """A moment as local date and time in ``zone`` (the debtor's, for what happens to them),
    else in the controller's zone."""
    if not value:
        return ""
    try:
        local = parse_rfc3339(str(value)).astimezone(_zone(zone))
    except ValueError:
        return str(value)
    return f"{_date_words(local.date())}, {local:%H:%M} ({local.tzname()})"


def _money(amount: Any, currency: Any = "") -> str:
    if amount is None:
        return ""
    text = str(amount)
    if language() == "de":
        text = text.replace(".", ",")
    return f"{text} {currency or ''}".strip()


# -- forms -----------------------------------------------------------------------------------

def form_data(schema: Schema) -> dict[str, Any]:
    """The posted form through ``schema`` (unknown fields rejected): the CSRF token is not a
    field, blank fields count as absent, line breaks are ``\\n``. Raises ``ValidationError``."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    raw: dict[str, str] = {}
    for key, value in request.form.items(multi=False):
        if key == name:
            continue
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if value:
            raw[key] = value
    return schema.load(raw)


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    return flatten_messages(exc.messages)


# -- signed-in sessions ----------------------------------------------------------------------

def _now() -> datetime:
    return current_app.extensions["fairdun"].clock()


def start_session(key: str, identity: dict[str, Any]) -> None:
    """Sign in: a fresh session (new CSRF token) holding ``identity`` under ``key``."""
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    now = rfc3339(as_utc(_now()))
    session[key] = {**identity, "at": now, "seen": now}
    if lang in LANGUAGES:
        session["lang"] = lang


def signed_in(key: str) -> dict[str, Any] | None:
    """The identity under ``key`` while its session is alive (idle and absolute limits by the
    injected clock); an expired one is removed."""
    identity = session.get(key)
    if not isinstance(identity, dict):
        return None
    config = current_app.config
    now = as_utc(_now())
    try:
        at, seen = parse_rfc3339(identity["at"]), parse_rfc3339(identity["seen"])
    except (KeyError, TypeError, ValueError):
        session.pop(key, None)
        return None
    if (now - at > timedelta(minutes=int(config["WEB_SESSION_MAX_MINUTES"]))
            or now - seen > timedelta(minutes=int(config["WEB_SESSION_IDLE_MINUTES"])) or seen > now + timedelta(minutes=5)):
        session.pop(key, None)
        return None
    identity["seen"] = rfc3339(now)
    session[key] = identity
    return identity


def end_session(key: str) -> None:
    session.pop(key, None)


def safe_next(target: str | None, prefix: str) -> str | None:
    """A local path under ``prefix`` to return to, or None (no open redirect)."""
    if not target or not target.startswith(prefix + "/") or "//" in target or "\\" in target:
        return None
    return target


# -- error pages -----------------------------------------------------------------------------

def error_page(status: int, code: str, message: str, fields: dict[str, list[str]] | None) -> Any:
    """The HTML error page of the portal and console (same status and code as the JSON body,
    which a client asking for ``application/json`` still gets); None elsewhere."""
    if not _on_surface():
        return None
    if request.accept_mimetypes.best == "application/json":
        return None
    surface = request.path.split("/")[1]
    template = "portal/error.html" if surface == "portal" else "console/error.html"
    body = render_template(template, status=status, code=code, message=message, fields=fields or {})
    return Response(body, status=status, mimetype="text/html")

