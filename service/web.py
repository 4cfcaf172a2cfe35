"""What the two server-rendered surfaces share — the debtor portal (``/portal``) and the
officer console (``/console``): the signed-in sessions and the cookie that carries them, CSRF
protection of every form, the sign-in throttle and rate limit, security headers, texts in
English and German, form parsing, and their error pages (``errors.py`` stays the one error path:
it asks ``error_page`` first, which answers HTML for these two surfaces and nothing for ``/v1``).

Sessions live on the server (``service.web_sessions``): Flask's signed cookie (``SECRET_KEY``
generated into ``<instance>/keys/session.key`` on first start, or ``FAIRDUN_SESSION_KEY``) holds
only a random session token per surface, the CSRF token and the language choice; who is signed
in, and whether still, is the ``web_sessions`` row's to say, checked on every request (idle and
absolute limits ``WEB_SESSION_IDLE_MINUTES`` / ``WEB_SESSION_MAX_MINUTES`` by the injected
clock; ``seen_at`` written at most once a minute). Sign-out ends the row, so a copy of the
cookie taken before is refused after. The cookie is ``HttpOnly``, ``SameSite=Lax``, ``Secure``
unless ``WEB_COOKIE_SECURE`` is off (then it is named ``fairdun`` instead of ``__Host-fairdun``).

Sign-in is guarded twice: Flask-Limiter's ``WEB_SIGN_IN_RATE_LIMIT`` per client address and
worker (in memory: a cheap flood guard in front of the database) and the throttle of
``decisions.rights.portal_access`` (in the database, shared by all workers: waits per client
address and per account; see there and ``decisions.rights.staff``). The client address is the
peer's, or with ``WEB_TRUSTED_PROXIES`` = n the n-th from the right in ``X-Forwarded-For``;
IPv6 addresses count by their /64 (what one subscriber holds).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import math
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, Response, current_app, g, render_template, request, session
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFError, CSRFProtect
from marshmallow import Schema, ValidationError
from sqlalchemy.orm import Session

from decisions import l10n
from decisions.errors import storage_guard
from decisions.privacy import law_words
from decisions.rights.portal_access import Limits, SignInRefused, Throttle
from ledger.timestamps import as_utc, parse_rfc3339
from retention import load_or_create_key

from . import web_sessions
from .errors import ApiError, error_response, flatten_messages

__all__ = ["init_app", "LANGUAGES", "WEB_DEFAULTS", "language", "texts", "form_data", "field_errors",
           "start_session", "signed_in", "end_session", "renew_session", "keep", "client_address", "throttle",
           "retry_after", "cookie_name", "moment", "due_day", "due_moment", "error_page", "safe_next", "flag"]

LANGUAGES = ("en", "de")
# No script at all on these pages; styles only from our own stylesheet.
_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'")
# The settings of sessions and sign-in beside ``service.config``'s (a value set there, in the
# environment or by the caller wins).
WEB_DEFAULTS: dict[str, Any] = {
    "WEB_SIGN_IN_CLIENT_FAILURES": 5,      # failures a client address makes before it waits
    "WEB_SIGN_IN_ACCOUNT_FAILURES": 10,    # ... a staff name from unknown browsers / a debtor's code, ditto
    "WEB_SIGN_IN_FIRST_WAIT_SECONDS": 60,  # the first wait; each further failure doubles it
    "WEB_SIGN_IN_MAX_WAIT_MINUTES": 60,    # ... up to this
    "WEB_SIGN_IN_FORGET_HOURS": 24,        # failures are forgotten so long after the last one
    "WEB_TRUSTED_PROXIES": 0,              # reverse proxies in front that append to X-Forwarded-For
    "WEB_DEVICE_COOKIE_DAYS": 90,          # how long a console browser stays known to its account
    "WEB_SESSION_KEEP_HOURS": 24,          # dead session rows are deleted so long after their maximum age
}
_SURFACES = {"portal": "portal", "staff": "console"}    # session key in the cookie -> web_sessions.surface
_TOUCH_EVERY = timedelta(minutes=1)                    # seen_at is written at most this often
_CACHE = "_fairdun_signed_in"
T = TypeVar("T")


def flag(value: Any) -> bool:
    """A configuration flag: ``true``/``1``/``yes``/``on`` (any case) or a bool."""
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


def init_app(app: Flask) -> None:
    """Wire the shared parts in; call after every blueprint is registered (the ``/v1``
    blueprints authenticate by bearer key, not cookie, and are exempt from CSRF)."""
    config = app.config
    for name, value in WEB_DEFAULTS.items():
        config.setdefault(name, value)
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
    limiter = Limiter(client_address, app=app, storage_uri="memory://", headers_enabled=True, default_limits=[])
    rate = str(config["WEB_SIGN_IN_RATE_LIMIT"])
    for endpoint in ("portal.sign_in", "console.sign_in"):
        view: Any = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(rate, scope=endpoint)(view)
    wait = {"first_delay": timedelta(seconds=int(config["WEB_SIGN_IN_FIRST_WAIT_SECONDS"])),
            "max_delay": timedelta(minutes=int(config["WEB_SIGN_IN_MAX_WAIT_MINUTES"])),
            "forget_after": timedelta(hours=int(config["WEB_SIGN_IN_FORGET_HOURS"]))}
    sign_in_throttle = Throttle(
        key=hmac.new(app.secret_key, b"fairdun sign-in throttle", hashlib.sha256).digest(),
        client=Limits(free=int(config["WEB_SIGN_IN_CLIENT_FAILURES"]), **wait),
        account=Limits(free=int(config["WEB_SIGN_IN_ACCOUNT_FAILURES"]), **wait))
    limits = web_sessions.SessionLimits(idle=timedelta(minutes=int(config["WEB_SESSION_IDLE_MINUTES"])),
                                        max_age=timedelta(minutes=int(config["WEB_SESSION_MAX_MINUTES"])),
                                        keep=timedelta(hours=int(config["WEB_SESSION_KEEP_HOURS"])))
    app.extensions["fairdun.web"] = {"limiter": limiter, "csrf": csrf, "throttle": sign_in_throttle,
                                     "session_limits": limits}
    app.extensions["fairdun.error_page"] = error_page

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Any:
        return error_response(400, "csrf_failed", "the form expired or did not come from this site: "
                                                  "load the page again and send it once more")

    app.after_request(_security_headers)
    app.jinja_env.globals.update(t=_t, has_text=_has_text, current_language=language, languages=LANGUAGES)
    app.jinja_env.filters.update(day=_day, moment=moment, money=_money, due_day=due_day, due_moment=due_moment,
                                  time=_time, number=_number, percent=_percent, readable=_readable)


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
    if "{gdpr}" in text or "{art22}" in text:   # the signed-in debtor's law (GB: UK GDPR), else the GDPR
        privacy = g.get("privacy")
        words = privacy["words"] if privacy else law_words("eu", language())
        text = text.replace("{gdpr}", words["short"]).replace("{art22}", words["art22"])
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
    return l10n.format_day(day, language())


def _day(value: Any) -> str:
    """A date (or the local date of a moment) in words, by locale (Babel): 22 November 2026 /
    22. November 2026."""
    if not value:
        return ""
    text = value if isinstance(value, (date, datetime)) else str(value)
    moment = l10n.to_moment(text) if isinstance(text, (str, datetime)) else None
    if moment is not None:
        return l10n.format_day(moment, language(), _zone())
    return l10n.format_day(text, language())


def _local(value: Any, zone: str | None, format_: Callable[[datetime, str, Any], str]) -> str:
    """``value`` (a datetime or RFC 3339 text) formatted by ``format_`` in the page's language and
    ``zone`` (else the controller's); text that is no moment is shown as it is."""
    if not value:
        return ""
    try:
        instant = as_utc(value) if isinstance(value, datetime) else parse_rfc3339(str(value))
    except ValueError:
        return str(value)
    return format_(instant, language(), _zone(zone))


def moment(value: Any, zone: str | None = None) -> str:
    """A moment as local date and time in ``zone`` (the debtor's, for what happens to them),
    else in the controller's zone, always with the zone: 22 November 2026, 10:31 (CET) /
    22. November 2026, 10:31 (CET)."""
    return _local(value, zone, l10n.format_moment)


def _time(value: Any, zone: str | None = None) -> str:
    """Only the time of a moment, with its zone: 10:31 (CET)."""
    return _local(value, zone, l10n.format_time_of_day)


def _last_day(end: Any) -> tuple[date, datetime] | None:
    """The last day of a period, from the instant it ends, with that day's final moment in the
    controller's zone. Deadlines are stored as the instant the period expires: the expiry of the
    last hour of its last day (Reg. 1182/71 Art. 3(2)(c)), that is local midnight AFTER the last
    day. Read as a date, that instant is the day after; the last day is the day of the moment
    just before it, the day the API names as ``due_on`` / ``extended_to``."""
    try:
        instant = as_utc(end) if isinstance(end, datetime) else parse_rfc3339(str(end))
    except ValueError:
        return None
    final = (instant - timedelta(microseconds=1)).astimezone(_zone())
    return final.date(), final


def due_day(end: Any) -> str:
    """A deadline (the instant it ends) as the last day, in words: 6 January 2027."""
    if not end:
        return ""
    last = _last_day(end)
    return _date_words(last[0]) if last else str(end)


_END_OF_DAY = {"en": "end of day", "de": "Tagesende"}


def due_moment(end: Any) -> str:
    """A deadline for the console: its last day, to the end of that day, with the zone:
    6 January 2027, end of day (CET)."""
    if not end:
        return ""
    last = _last_day(end)
    if not last:
        return str(end)
    return f"{_date_words(last[0])}, {_END_OF_DAY.get(language(), 'end of day')} ({l10n.zone_abbreviation(last[1], language())})"


def _money(amount: Any, currency: Any = "") -> str:
    """An amount by locale (Babel): 2,50 € (de), €2.50 (en)."""
    if amount is None or amount == "":
        return ""
    return l10n.format_money(amount, currency, language())


def _readable(text: Any, zone: str | None = None) -> str:
    """A recorded text (a decision's summary) with its ISO dates in words and each time with the
    zone it was written in (``zone``: the debtor's; the summary's send time is theirs)."""
    if not text:
        return ""
    return l10n.readable_dates(str(text), language(), _zone(zone))


def _number(value: Any, digits: int | None = None) -> str:
    """A number with the page's separators: 1,234 / 1.234."""
    return l10n.format_number(value, language(), digits)


def _percent(ratio: Any, digits: int = 1) -> str:
    """A ratio as a percentage: 12.3 % / 12,3 %."""
    return l10n.format_percent(ratio, language(), digits)


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
    return as_utc(current_app.extensions["fairdun"].clock())


def _db() -> Any:
    return current_app.extensions["fairdun"].db


def _session_limits() -> web_sessions.SessionLimits:
    limits: web_sessions.SessionLimits = current_app.extensions["fairdun.web"]["session_limits"]
    return limits


def _held(key: str) -> dict[str, Any]:
    held = session.get(key)
    return held if isinstance(held, dict) and isinstance(held.get("sid"), str) else {}


def start_session(key: str, principal: str) -> None:
    """Sign ``principal`` in on the surface of ``key`` (``portal``, ``staff``): a new session on
    the server under a fresh random token (nothing the browser brought is reused: no fixation)
    and a fresh cookie (a new CSRF token; the language choice kept). Sessions the old cookie
    held end ("replaced")."""
    lang = session.get("lang")
    now = _now()
    with storage_guard("the sign-in"), _db().unit_of_work() as uow:
        for other in _SURFACES:
            held = _held(other)
            if held:
                web_sessions.end_session(uow.session, web_sessions.token_sha256(held["sid"]), reason="replaced",
                                         now=now)
        token = web_sessions.open_session(uow.session, surface=_SURFACES[key], principal=principal, now=now)
        web_sessions.forget_old(uow.session, now=now, limits=_session_limits())
        uow.commit()
    session.clear()
    session.permanent = True
    session[key] = {"sid": token}
    if lang in LANGUAGES:
        session["lang"] = lang
    g.pop(_CACHE, None)


def signed_in(key: str, identify: Callable[[Session, str], dict[str, Any] | None] | None = None
              ) -> dict[str, Any] | None:
    """Who is signed in on the surface of ``key``, or None. The cookie only points at the
    session: the server's row must be alive, and ``identify(db session, principal)`` (the
    console's: the staff account, None once disabled) must still know the principal; else the
    row is ended and the cookie forgets it. The result is ``principal``, what ``identify``
    returned and what ``keep`` noted in the cookie."""
    cached: dict[str, Any] = g.setdefault(_CACHE, {})
    if key not in cached:
        cached[key] = _signed_in(key, identify)
    identity: dict[str, Any] | None = cached[key]
    return identity


def _signed_in(key: str, identify: Callable[[Session, str], dict[str, Any] | None] | None) -> dict[str, Any] | None:
    held = _held(key)
    if not held:
        session.pop(key, None)
        return None
    now, digest = _now(), web_sessions.token_sha256(held["sid"])
    with storage_guard("the session"), _db().reading() as reading:
        row = web_sessions.find(reading, digest)
        ended = web_sessions.why_ended(row, surface=_SURFACES[key], now=now, limits=_session_limits())
        found: dict[str, Any] | None = {}
        if ended is None and row is not None and identify is not None:
            found = identify(reading, row.principal)
            if found is None:
                ended = "disabled"
        running = row is not None and row.ended_at is None
        principal, seen = (row.principal, as_utc(row.seen_at)) if row is not None else ("", now)
    if ended is not None or found is None:
        if running:
            with storage_guard("the session"), _db().unit_of_work() as uow:
                web_sessions.end_session(uow.session, digest, reason=ended or "ended", now=now)
                uow.commit()
        session.pop(key, None)
        return None
    if now - seen >= _TOUCH_EVERY:
        with storage_guard("the session"), _db().unit_of_work() as uow:
            web_sessions.touch(uow.session, digest, now=now)
            uow.commit()
    extras = {name: value for name, value in held.items() if name != "sid"}
    return {**extras, **found, "principal": principal}


def keep(key: str, **values: Any) -> None:
    """Note small values with the signed-in session in its (signed) cookie — what the server
    served this browser, e.g. the explanations a reviewer opened; never who is signed in."""
    held = _held(key)
    if held:
        session[key] = {**held, **values}
        g.pop(_CACHE, None)


def end_session(key: str, reason: str = "signed_out") -> None:
    """Sign out: the server ends the session (a copy of the cookie is refused from now on)."""
    held = _held(key)
    if held:
        with storage_guard("the sign-out"), _db().unit_of_work() as uow:
            web_sessions.end_session(uow.session, web_sessions.token_sha256(held["sid"]), reason=reason, now=_now())
            uow.commit()
    session.pop(key, None)
    g.pop(_CACHE, None)


def renew_session(key: str, reason: str, change: Callable[[Session, datetime], T]) -> T:
    """Change the signed-in principal's credentials with ``change(db session, now)`` and, in the
    same transaction, end every session of the principal (``reason``: this browser's, a copy of
    its cookie and every other browser's) and open a new one for this browser. A
    ``SignInRefused`` from ``change`` (a wrong current password) is committed — its failure
    counts — and raised; any other error writes nothing."""
    identity = signed_in(key)
    if identity is None:
        raise ApiError(401, "unauthenticated", "sign in first")
    surface, now = _SURFACES[key], _now()
    with storage_guard("the change"), _db().unit_of_work() as uow:
        try:
            result = change(uow.session, now)
        except SignInRefused:
            uow.commit()
            raise
        web_sessions.end_sessions_of(uow.session, surface=surface, principal=identity["principal"], reason=reason,
                                     now=now)
        token = web_sessions.open_session(uow.session, surface=surface, principal=identity["principal"], now=now)
        uow.commit()
    session[key] = {**_held(key), "sid": token}
    g.pop(_CACHE, None)
    return result


# -- sign-in throttle ------------------------------------------------------------------------

def throttle() -> Throttle:
    sign_in_throttle: Throttle = current_app.extensions["fairdun.web"]["throttle"]
    return sign_in_throttle


def client_address() -> str:
    """The client as the sign-in limits see it: the peer's address or, behind
    ``WEB_TRUSTED_PROXIES`` = n proxies, the n-th address from the right of ``X-Forwarded-For``
    (each proxy appends the address it saw; what the client wrote itself is further left and
    ignored). An IPv6 address counts by its /64, which one subscriber holds whole."""
    address = request.remote_addr or ""
    hops = int(current_app.config.get("WEB_TRUSTED_PROXIES") or 0)
    if hops > 0:
        forwarded = [a.strip() for a in ",".join(request.headers.getlist("X-Forwarded-For")).split(",") if a.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def retry_after(until: datetime) -> dict[str, str]:
    """The ``Retry-After`` header of a refusal until ``until`` (whole seconds, at least 1)."""
    return {"Retry-After": str(max(1, math.ceil((as_utc(until) - _now()).total_seconds())))}


def cookie_name(name: str) -> str:
    """A cookie of ours: ``__Host-`` (Secure, Path=/, no Domain) unless cookies are not secure."""
    return f"__Host-{name}" if current_app.config["SESSION_COOKIE_SECURE"] else name


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

