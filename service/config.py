"""Configuration: defaults, then ``FAIRDUN_*`` environment variables, then the
mapping a caller (a test) passes to ``create_app``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

__all__ = ["configure"]

DEFAULTS: dict[str, Any] = {
    "INSTANCE_PATH": "./instance",
    "DATABASE_URL": None,            # default: SQLite in the instance folder
    "MODEL_ARTIFACT": None,          # default: the shipped artifact (explain/models/default.json)
    "MODEL_SHA256": None,            # default: the shipped artifact's recorded SHA-256
    "POLICY_BUNDLE": None,           # default: the shipped policies_rego/
    "LADDER": None,                  # default: decisions/ladder.json
    "MAX_CONTENT_LENGTH": 64 * 1024,              # one decision or event
    "RUNS_MAX_CONTENT_LENGTH": 32 * 1024 * 1024,  # POST /v1/runs
    "RUNS_MAX_ITEMS": 10_000,
    "RUNS_BATCH_SIZE": 250,
    "LOG_LEVEL": "INFO",
    "JSON_SORT_KEYS": False,
}


def configure(app: Flask, overrides: dict[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("FAIRDUN")
    if overrides:
        app.config.from_mapping(overrides)
    instance = Path(app.config["INSTANCE_PATH"]).resolve()
    app.config["INSTANCE_PATH"] = str(instance)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'fairdun.sqlite3'}"
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_CONTENT_LENGTH"])
