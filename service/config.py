"""Configuration: defaults, then ``FAIRDUN_*`` environment variables, then the
mapping a caller (a test) passes to ``create_app``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from decisions.messages import CreditorDefaults, MessageSettings
from decisions.messages.limits import PORTAL_URL_MAX, url_problem
from decisions.privacy import CONFIGURABLE_TEXTS, LANGUAGES, Controller

__all__ = ["configure", "read_config", "message_settings", "controller_settings", "payment_settings"]

DEFAULTS: dict[str, Any] = {
    "INSTANCE_PATH": "./instance",
    "DATABASE_URL": None,            # default: SQLite in the instance folder
    "MODEL_ARTIFACT": None,          # default: the shipped artifact (explain/models/default.json)
    "MODEL_SHA256": None,            # default: the shipped artifact's recorded SHA-256
    "POLICY_BUNDLE": None,           # default: the shipped policies_rego/
    "POLICY_ENGINE": "opa",          # the embedded engine: "opa" (the real OPA, in-process) or "regopy"
    "OPA_URL": None,                 # http(s)://host:port of an OPA server: evaluate there instead of embedded
    "OPA_TIMEOUT": 2.0,              # seconds per request to OPA
    "GLOBAL_STOP": False,            # AI Act Art. 14(4)(e) stop switch: every decision goes to human review
    "LADDER": None,                  # default: decisions/ladder.json
    "PROTECTED_ATTRIBUTES": None,    # never model features; default: explain.protected's list (a list replaces it)
    "MODELS_MAX_CONTENT_LENGTH": 8 * 1024 * 1024,  # POST /v1/models (a model artifact)
    "MAX_CONTENT_LENGTH": 64 * 1024,              # one decision or event
    # POST /v1/runs: a body over RUNS_MAX_CONTENT_LENGTH bytes is refused unread (413), one of more than
    # RUNS_MAX_ITEMS items is refused by counting them before any is validated (413 too_many_items).
    # 32 MiB leaves about 3.3 KB per item at 10,000 items (the DESIGN.md example request is 1.1 KB).
    "RUNS_MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
    "RUNS_MAX_ITEMS": 10_000,
    "RUNS_BATCH_SIZE": 250,          # items evaluated together (one batch ahead of the one being recorded)
    # items recorded per transaction: a request waits for the run at most one slice; unset, 20 on
    # SQLite (its one write lock) and 50 on PostgreSQL (claim locks; fewer commits, measured faster)
    "RUNS_SLICE_SIZE": None,
    # Runs across hosts (service/run_queue.py): "procrastinate" makes POST /v1/runs queue a run's chunks
    # for `fairdun worker` on the PostgreSQL database; unset, runs execute in the web process.
    "RUN_QUEUE": None,
    "RUN_CHUNK_SIZE": 1000,          # items per queued chunk
    "WORKER_HEARTBEAT_SECONDS": 10,  # a worker's heartbeat ...
    "WORKER_STALLED_SECONDS": 30,    # ... and the silence after which its chunk goes to another worker
    "LEDGER_ORIGIN": "fairdun/ledger",     # checkpoint origin line and signing key name
    "LEDGER_CHECKPOINT_ENTRIES": 1000,     # sign a checkpoint at least every so many entries
    "LEDGER_CHECKPOINT_SECONDS": 10,       # ... or seconds, while entries arrive
    "RETENTION_SCHEDULE": None,      # default: the shipped retention/schedule.json
    "RIGHTS_TIMEZONE": "Europe/Berlin",  # the controller's zone: Art. 12(3) deadlines end at its midnight
    "RIGHTS_HOLIDAYS": "DE",         # public holidays that move a deadline (ISO 3166: DE, DE-BY; none)
    "WEB_COOKIE_SECURE": True,       # portal/console session cookie only over HTTPS (false: plain-HTTP local demo)
    "WEB_SESSION_IDLE_MINUTES": 30,  # a portal or console session ends after so long without a request
    "WEB_SESSION_MAX_MINUTES": 480,  # ... and so long after signing in, whatever happens
    "API_RATE_LIMIT": "600/minute",  # /v1 requests per API key, counted in the database (all workers); "off": none
    "WEB_SIGN_IN_RATE_LIMIT": "10 per minute",  # sign-in POSTs per client address and worker (a flood guard in front of the throttle)
    # The creditor messages name when a request names none (creditor.name, creditor.contact), and the
    # installation's address, whose /portal/ every message points the debtor to (decisions/messages).
    "CREDITOR_NAME": None,
    "CREDITOR_ADDRESS": None,        # one line, commas between the lines of the postal address
    "CREDITOR_EMAIL": None,
    "CREDITOR_PHONE": None,
    "CREDITOR_WEBSITE": None,
    "PORTAL_BASE_URL": None,         # e.g. https://dunning.example.com (the portal is at <it>/portal/)
    # How a debtor pays, shown on the portal for an invoice whose request gave no invoice.payment: a
    # bank transfer (IBAN, BIC, payee: default the creditor's name; the reference is the invoice
    # number) and/or a payment page (https). Unset: the portal shows no payment details.
    "PAYMENT_IBAN": None,
    "PAYMENT_BIC": None,
    "PAYMENT_PAYEE": None,
    "PAYMENT_LINK": None,
    # The controller of the debtors' data (GDPR Art. 13/14), printed in every letter and e-mail, on the
    # portal and in the access export: FAIRDUN_CONTROLLER_NAME, _ADDRESS, _EMAIL (required), _PHONE, _DPO,
    # and per language _LEGITIMATE_INTEREST_EN/_DE, _RECIPIENTS_*, _RETENTION_*, _SOURCE_* (optional:
    # the shipped texts of decisions/privacy.json), or the same in a JSON file (CONTROLLER_FILE; the
    # variables win). See README, Configuration.
    "CONTROLLER_FILE": None,
    "LOG_LEVEL": "INFO",
    "JSON_SORT_KEYS": False,
}


def configure(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Read the settings and refuse any a request or message would fail on (the service's start)."""
    read_config(app, overrides)
    from .ratelimit import parse_rate_limit

    parse_rate_limit(app.config["API_RATE_LIMIT"])   # a limit that cannot be read stops the start
    message_settings(app.config)   # a creditor, controller or portal address messages could not print stops the start
    payment_settings(app.config)   # payment details the portal could not show stop the start


def read_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """The settings (defaults, FAIRDUN_* variables, overrides) without checking those only the
    service needs: commands that neither decide nor write messages (``fairdun policy test``)."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("FAIRDUN")
    if overrides:
        app.config.from_mapping(overrides)
    instance = Path(app.config["INSTANCE_PATH"]).resolve()
    app.config["INSTANCE_PATH"] = str(instance)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'fairdun.sqlite3'}"
    for limit in ("MAX_CONTENT_LENGTH", "RUNS_MAX_CONTENT_LENGTH", "RUNS_MAX_ITEMS"):
        app.config[limit] = int(app.config[limit])


_CREDITOR = ("name", "address", "email", "phone", "website")


def message_settings(config: Mapping[str, Any]) -> MessageSettings:
    """The installation's defaults for messages, checked like a request's creditor fields: a value
    that a request would be refused for raises ValueError naming its variable (fail at start, not
    on the first message). Environment values are strings (a number-like one is read back as text)."""
    from .schemas.message import creditor_settings_problems

    creditor = {key: _text(config.get(f"CREDITOR_{key.upper()}")) for key in _CREDITOR}
    problems = {f"FAIRDUN_CREDITOR_{key.upper()}": texts for key, texts in creditor_settings_problems(creditor).items()}
    portal = _text(config.get("PORTAL_BASE_URL"))
    if portal is not None:
        problem = url_problem(portal, schemes=("https", "http")) if len(portal) <= PORTAL_URL_MAX else \
            f"At most {PORTAL_URL_MAX} characters."
        if problem is not None:
            problems["FAIRDUN_PORTAL_BASE_URL"] = [problem]
    if problems:
        raise ValueError("invalid message settings: " + "; ".join(f"{name}: {' '.join(texts)}"
                                                                  for name, texts in sorted(problems.items())))
    return MessageSettings(creditor=CreditorDefaults(**creditor), portal_url=portal,
                           controller=controller_settings(config))


def payment_settings(config: Mapping[str, Any]) -> dict[str, Any] | None:
    """The installation's payment details for the portal (``PAYMENT_IBAN``, ``_BIC``, ``_PAYEE``,
    ``_LINK``), checked like a request's ``invoice.payment`` (IBAN check digits, BIC, https link):
    ``{"bank_transfer": {"iban", "bic", "account_holder"} | None, "url": str | None}`` or None when
    none is set. A value a request would be refused for raises ValueError naming its variable."""
    from marshmallow import ValidationError

    from .schemas.message import PaymentSchema

    iban, bic, payee, link = (_text(config.get(f"PAYMENT_{key}")) for key in ("IBAN", "BIC", "PAYEE", "LINK"))
    if iban is None and link is None:
        if bic is not None or payee is not None:
            raise ValueError("invalid payment settings: FAIRDUN_PAYMENT_BIC and FAIRDUN_PAYMENT_PAYEE need "
                             "FAIRDUN_PAYMENT_IBAN")
        return None
    given: dict[str, Any] = {"url": link}
    if iban is not None:
        given["bank_transfer"] = {"iban": iban, "bic": bic, "account_holder": payee}
    try:
        payment = PaymentSchema().load(given)
    except ValidationError as exc:
        names = {"url": "FAIRDUN_PAYMENT_LINK", "iban": "FAIRDUN_PAYMENT_IBAN", "bic": "FAIRDUN_PAYMENT_BIC",
                 "account_holder": "FAIRDUN_PAYMENT_PAYEE"}
        problems = []
        for key, texts in exc.normalized_messages().items():
            inner = texts.items() if isinstance(texts, dict) else [(key, texts)]
            for field, words in inner:
                problems.append(f"{names.get(str(field), str(field))}: {' '.join(map(str, words))}")
        raise ValueError("invalid payment settings: " + "; ".join(sorted(problems))) from exc
    transfer = payment.bank_transfer
    return {"url": payment.url, "bank_transfer": None if transfer is None else {
        "iban": transfer.iban, "bic": transfer.bic, "account_holder": transfer.account_holder}}


_CONTROLLER = ("name", "address", "email", "phone", "dpo")


def controller_settings(config: Mapping[str, Any]) -> Controller:
    """The controller (GDPR Art. 13/14) from ``CONTROLLER_FILE`` (JSON: ``name``, ``address``,
    ``email``, ``phone``, ``dpo`` and ``{item: {language: text}}`` for ``legitimate_interest``,
    ``recipients``, ``retention``, ``source``), each overridden by its ``CONTROLLER_*`` variable
    (``CONTROLLER_RETENTION_DE``). A missing required item or a value a debtor could not be shown
    raises ValueError naming the variables (fail at start, not on the first letter)."""
    from .schemas.message import controller_settings_problems

    from_file: dict[str, Any] = {}
    path = _text(config.get("CONTROLLER_FILE"))
    if path is not None:
        try:
            import json

            from_file = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"invalid controller settings: FAIRDUN_CONTROLLER_FILE: {path} cannot be read as "
                             f"JSON ({type(exc).__name__}: {exc})") from exc
        if not isinstance(from_file, dict):
            raise ValueError(f"invalid controller settings: FAIRDUN_CONTROLLER_FILE: {path} is not a JSON object")
    settings: dict[str, Any] = {key: _text(config.get(f"CONTROLLER_{key.upper()}")) or _text(from_file.get(key))
                                for key in _CONTROLLER}
    texts: dict[str, dict[str, str]] = {}
    for item in CONFIGURABLE_TEXTS:
        value = from_file.get(item)
        filed: dict[str, Any] = value if isinstance(value, dict) else {}
        by_lang = {lang: _text(config.get(f"CONTROLLER_{item.upper()}_{lang.upper()}")) or _text(filed.get(lang))
                   for lang in {*LANGUAGES, *filed}}
        given = {lang: text for lang, text in by_lang.items() if text is not None}
        if given:
            texts[item] = given
    settings["texts"] = texts
    problems = controller_settings_problems(settings, languages=LANGUAGES)
    if problems:
        def variable(key: str) -> str:
            if key.startswith("texts."):
                item = key.split(".", 1)[1].upper()
                return "/".join(f"FAIRDUN_CONTROLLER_{item}_{lang.upper()}" for lang in LANGUAGES)
            return f"FAIRDUN_CONTROLLER_{key.upper()}"
        where = f" (or {path})" if path else ""
        raise ValueError(f"invalid controller settings{where}: " + "; ".join(
            f"{variable(key)}: {' '.join(texts)}" for key, texts in sorted(problems.items())))
    return Controller(name=settings["name"], address=settings["address"], email=settings["email"],
                      phone=settings["phone"], dpo=settings["dpo"], texts=texts)


def _text(value: Any) -> str | None:
    """A setting as text; unset or empty is None."""
    if value is None or value == "":
        return None
    return str(value)
