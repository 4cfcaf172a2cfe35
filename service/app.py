"""The Flask app factory. Nothing happens at import time."""

from __future__ import annotations

import logging
from contextlib import ExitStack
from typing import Any

from flask import Flask, Response, current_app, g, jsonify
from sqlalchemy import text

from decisions.risk import ModelUnavailable
from ledger import Database

from . import auth, edge, errors, ratelimit, web
from .api import bp as api_bp
from .api_experiments import bp as experiments_bp
from .api_keys import bp as api_keys_bp
from .api_ledger import checkpoint_signer
from .api_ledger import init_app as init_ledger
from .api_messages import init_app as init_messages
from .api_models import bp as models_bp
from .api_reports import bp as reports_bp
from .api_rights import bp as rights_bp
from .api_webhooks import init_app as init_webhooks
from .config import configure
from .console import bp as console_bp
from .openapi import bp as openapi_bp
from .portal import bp as portal_bp
from .portal_actions import FORMS as _PORTAL_ACTIONS  # noqa: F401  (the debtor's actions: routes on portal_bp)
from .run_queue import run_queue_of
from .runner import RunWorker
from .runtime import build_runtime

__all__ = ["create_app", "close_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    configure(app, config)
    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    runtime = build_runtime(app.config)
    runtime.runner = RunWorker(runtime.runs, db=runtime.db, clock=runtime.clock,
                               queue=run_queue_of(app.config, runtime.runs))   # None: runs execute here
    app.extensions["fairdun"] = runtime
    _before_runs(app, runtime.db)   # first, so it is around every write of the request
    errors.init_app(app)
    edge.init_app(app)   # one strict JSON loader, UTF-8 URLs and security headers on /v1
    auth.init_app(app)   # 401/403 with their WWW-Authenticate challenge
    ratelimit.init_app(app, runtime.db)   # 429 with Retry-After beyond FAIRDUN_API_RATE_LIMIT per key
    app.register_blueprint(api_bp)
    app.register_blueprint(openapi_bp)
    init_ledger(app)
    app.register_blueprint(models_bp)
    app.register_blueprint(experiments_bp)
    app.register_blueprint(reports_bp)
    init_messages(app)   # ready-to-send messages (GET /v1/decisions/{id}/message, message.pdf)
    app.register_blueprint(rights_bp)
    app.register_blueprint(api_keys_bp)
    init_webhooks(app)   # webhook endpoints (admin) and the event feed
    app.register_blueprint(portal_bp)
    app.register_blueprint(console_bp)
    web.init_app(app)   # sessions, CSRF (the /v1 blueprints exempt), sign-in rate limits, error pages
    app.add_url_rule("/health", "health", _health)
    return app


def _before_runs(app: Flask, db: Database) -> None:
    """A request is interactive work: on SQLite, a batch run's next slice waits for the whole
    request (its rate-limit count and its decision are two transactions), so a request waits
    for one slice at most (``ledger.handover``)."""

    @app.before_request
    def _hold() -> None:
        g.fairdun_interactive = held = ExitStack()
        held.enter_context(db.interactive())

    @app.teardown_request
    def _release(_exc: BaseException | None) -> None:
        held = g.pop("fairdun_interactive", None)
        if held is not None:
            held.close()


def close_app(app: Flask, *, timeout: float = 60) -> None:
    """Stop what the app started, in order: the runs it executes, then the checkpoint signer
    (it may still be writing), then the database connections. A signer still in flight after
    ``timeout`` seconds is left to finish on its own thread and reported."""
    runtime = app.extensions["fairdun"]
    runtime.runner.shutdown()
    if not checkpoint_signer(app).wait(timeout):
        logging.getLogger(__name__).error("a ledger checkpoint was still being signed at shutdown")
    runtime.db.dispose()


def _policy_health(policy: Any, available: bool) -> dict[str, Any]:
    """The policy engine, its bundle and the Rego test run that let it decide (or why not)."""
    tests = getattr(policy, "tests", None)
    health: dict[str, Any] = {"engine": policy.name, "version": policy.version, "bundle_sha256": policy.bundle_sha256,
                              "available": available, "tests": tests.to_dict() if tests is not None else None}
    if not available:
        health["reason"] = getattr(policy, "reason", "unavailable")
    return health


def _health() -> Response:
    """Liveness and what decisions currently depend on; no authentication, no personal data."""
    runtime = current_app.extensions["fairdun"]
    model, policy = runtime.current_context().model, runtime.context.policy   # the approved model now
    try:
        with runtime.db.reading() as session:
            session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # reported, not raised: health must answer when the database does not
        database = "unavailable"
    model_ok = not isinstance(model, ModelUnavailable)
    policy_ok = getattr(policy, "available", True)
    healthy = database == "ok" and model_ok and policy_ok
    response = jsonify({
        "status": "ok" if healthy else "degraded",
        "database": database,
        "model": {"id": model.id, "sha256": model.sha256, "available": model_ok},
        "policy": _policy_health(policy, policy_ok),
        # data a person must add (a missing base-rate period): the engine still decides, so a
        # warning changes neither the status nor the status code
        "warnings": runtime.policy_warnings(),
    })
    response.status_code = 200 if healthy else 503
    return response
