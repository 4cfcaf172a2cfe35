"""``fairdun model``: train, score, register, sign off, approve, retire, list and card model versions.

Thin click wrappers over ``explain`` (training, scoring, cards) and the registry on the
installation's runtime (``explain.registry``). Training and scoring need no installation;
the registry commands use the one ``FAIRDUN_INSTANCE_PATH`` / ``FAIRDUN_DATABASE_URL`` names.
Machine-readable results go to standard output as JSON; errors to standard error as
``{"error": {"code", "message"}}`` with exit status 2; an approval refused for want of a
sign-off (``sign_off_required``) exits with status 3, so scripts can tell it apart.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

__all__ = ["model_group", "protected_attributes"]

CLI_ACTOR = {"via": "cli"}


SIGN_OFF_REQUIRED_STATUS = 3


def _fail(code: str, message: str, status: int = 2) -> NoReturn:
    click.echo(json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False), err=True)
    sys.exit(status)


def _echo(document: Any) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False))


def _config() -> Any:
    """The installation's configuration (defaults, then FAIRDUN_* environment) without an app."""
    from flask import Flask

    from .config import configure

    app = Flask("fairdun.model")
    configure(app, None)
    return app.config


def protected_attributes(config: Any) -> list[str] | None:
    """``PROTECTED_ATTRIBUTES``: None keeps explain's default list; a list or a comma-separated
    string replaces it."""
    value = config.get("PROTECTED_ATTRIBUTES")
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def _settings(path: Path | None, pairs: tuple[str, ...]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    if path is not None:
        try:
            settings = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            _fail("bad_settings", f"--settings {path}: {exc}")
        if not isinstance(settings, dict):
            _fail("bad_settings", f"--settings {path}: expected a JSON object of settings")
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            _fail("bad_settings", f"--set {pair!r}: expected KEY=VALUE")
        try:
            settings[key] = json.loads(raw)
        except ValueError:
            settings[key] = raw
    return settings


def _monotone(pairs: tuple[str, ...]) -> dict[str, int]:
    out = {}
    for pair in pairs:
        column, sep, direction = pair.rpartition("=")
        if not sep or not column or direction not in ("+1", "1", "-1"):
            _fail("bad_monotone", f"--monotone {pair!r}: expected COL=+1 or COL=-1")
        out[column] = -1 if direction == "-1" else 1
    return out


def _guard(action: Callable[[], Any]) -> Any:
    """Run ``action``; the domain's errors become a JSON error and exit status 2."""
    from sqlalchemy.exc import SQLAlchemyError

    from decisions.errors import DomainError
    from explain import ModelError
    from explain.protected import ProtectedAttributeError
    from explain.registry import RegistryError, SignOffRequired
    from ledger import LedgerError

    try:
        return action()
    except (SQLAlchemyError, LedgerError) as exc:
        _fail("storage_unavailable", f"the database or ledger failed ({type(exc).__name__}); nothing was written")
    except ProtectedAttributeError as exc:
        _fail("protected_attribute", str(exc))
    except SignOffRequired as exc:
        _fail(exc.code, str(exc), SIGN_OFF_REQUIRED_STATUS)
    except DomainError as exc:
        _fail(exc.code, str(exc))
    except RegistryError as exc:
        _fail(exc.code, str(exc))
    except ModelError as exc:
        _fail("model_error", str(exc))
    except OSError as exc:
        _fail("io_error", str(exc))


@click.group("model", help="The glass-box risk model: training, scoring, versions and their governance.")
def model_group() -> None:
    pass


@model_group.command("train", help="Train an EBM and print a JSON summary (metrics, baseline, fairness). "
                                   "AR-history mode (--ar-history), a challenger on fairdun's own decisions "
                                   "(--ledger-set, from `fairdun model dataset --from-ledger`) or generic mode "
                                   "(--csv --target).")
@click.option("--ar-history", "ar_history", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="an AR invoice history (the IBM layout, or another export with --mapping)")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="column mapping file for an AR export that is not in the IBM layout")
@click.option("--ledger-set", "ledger_set", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="a training set of this installation's decisions (fairdun model dataset --from-ledger)")
@click.option("--csv", "csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="generic mode: any tabular CSV with a binary target")
@click.option("--target", help="generic mode: the target column")
@click.option("--positive", help="generic mode: the target value that is the positive class")
@click.option("--feature", "features", multiple=True, help="generic mode: a feature column (repeat)")
@click.option("--monotone", multiple=True, help="generic mode: COL=+1 or COL=-1 (repeat)")
@click.option("--order-by", "order_by", help="generic mode: the column that orders rows in time")
@click.option("--protected", multiple=True, help="a protected column: never a feature, measured for fairness")
@click.option("--group-by", "group_by", help="the column fairness is measured by (AR default: the layout's group)")
@click.option("--settings", "settings_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON object of training settings")
@click.option("--set", "set_pairs", multiple=True, help="one setting as KEY=VALUE (JSON value; repeat)")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(min=1),
              help="parallel jobs (never changes the result)")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="write the artifact here")
@click.option("--card", "card_dir", type=click.Path(file_okay=False, path_type=Path),
              help="also write the model card (Markdown, JSON, SVG charts) into this folder")
def train_command(ar_history: Path | None, mapping: Path | None, ledger_set: Path | None, csv_file: Path | None,
                  target: str | None,
                  positive: str | None, features: tuple[str, ...], monotone: tuple[str, ...],
                  order_by: str | None, protected: tuple[str, ...], group_by: str | None,
                  settings_file: Path | None, set_pairs: tuple[str, ...], jobs: int, out: Path | None,
                  card_dir: Path | None) -> None:
    if sum(source is not None for source in (ar_history, ledger_set, csv_file)) != 1:
        _fail("usage", "give one of --ar-history CSV, --ledger-set CSV or --csv CSV --target COL")
    generic_only = {"--target": target, "--positive": positive, "--feature": features,
                    "--monotone": monotone, "--order-by": order_by}
    settings = _settings(settings_file, set_pairs)
    base = protected_attributes(_config())

    def checked(kind: Any) -> None:
        try:
            kind(**settings)
        except (TypeError, ValueError) as exc:   # an unknown setting, or a value out of range
            _fail("bad_settings", str(exc))

    def train() -> tuple[dict, dict]:
        missing = [name for name in ("interpret", "pandas", "sklearn") if importlib.util.find_spec(name) is None]
        if missing:
            _fail("missing_extra", f"training needs {missing}: pip install 'fairdun[train]'")
        if ar_history is not None or ledger_set is not None:
            used = [flag for flag, value in generic_only.items() if value]
            if used:
                _fail("usage", f"{used} belong to generic mode (--csv)")
        if ledger_set is not None:
            if mapping is not None or group_by or protected:
                _fail("usage", "a ledger set has its own columns: no --mapping, --group-by or --protected")
            from explain.ledger_set import train_from_ledger_set
            from explain.training import TrainingSettings

            checked(TrainingSettings)
            return train_from_ledger_set(ledger_set, n_jobs=jobs, **settings)
        if ar_history is not None:
            from explain.layout import load_layout
            from explain.training import TrainingSettings, train_from_ar_history

            checked(TrainingSettings)
            return train_from_ar_history(ar_history, layout=load_layout(mapping) if mapping else None,
                                         group_by=group_by, protected=protected, protected_attributes=base,
                                         n_jobs=jobs, **settings)
        if mapping is not None:
            _fail("usage", "--mapping belongs to AR-history mode (--ar-history)")
        if not target:
            _fail("usage", "generic mode needs --target COL")
        from explain.generic import GenericSettings, train_from_csv

        checked(GenericSettings)
        assert csv_file is not None   # (the generic mode is chosen by --csv)
        return train_from_csv(csv_file, target=target, features=features or None, monotone=_monotone(monotone),
                              protected=protected, group_by=group_by, order_by=order_by, positive=positive,
                              protected_attributes=base, n_jobs=jobs, **settings)

    artifact, summary = _guard(train)
    if out is not None:
        from explain import write_artifact

        summary["artifact"] = str(out)
        _guard(lambda: write_artifact(artifact, out))
    if card_dir is not None:
        from explain.card import write_model_card

        summary["card"] = _guard(lambda: write_model_card(artifact, summary["sha256"], card_dir))
    _echo(summary)


@model_group.command("score", help="Score every row of a CSV with a model artifact; writes p_late, "
                                   "uncertainty and reasons per row, in order.")
@click.argument("artifact", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--csv", "csv_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--keep", multiple=True, help="an input column to copy into the output first (repeat)")
@click.option("--sha256", "expected", help="refuse the artifact unless its SHA-256 is this")
def score_command(artifact: Path, csv_file: Path, out: Path, keep: tuple[str, ...], expected: str | None) -> None:
    from explain import load_model
    from explain.scoring_csv import score_csv

    _echo(_guard(lambda: score_csv(load_model(artifact, expected_sha256=expected), csv_file, out, keep=keep)))


@model_group.command("features", help="Write the leak-free decision-time snapshots of an AR history "
                                      "(features, label, split) as CSV, ready for `fairdun model score`.")
@click.option("--ar-history", "ar_history", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--settings", "settings_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--set", "set_pairs", multiple=True)
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def features_command(ar_history: Path, mapping: Path | None, settings_file: Path | None,
                     set_pairs: tuple[str, ...], out: Path) -> None:
    from explain.layout import load_layout
    from explain.training import TrainingSettings, export_snapshots

    settings = _settings(settings_file, set_pairs)
    try:
        TrainingSettings(**settings)
    except (TypeError, ValueError) as exc:
        _fail("bad_settings", str(exc))
    _echo(_guard(lambda: export_snapshots(ar_history, out, layout=load_layout(mapping) if mapping else None,
                                          **settings)))


@model_group.command("dataset", help="Write a leak-free training set of fairdun's own scored decisions from the "
                                     "verified ledger (features as decided, labels from later payments) as CSV; "
                                     "its SHA-256 is recorded in the ledger.")
@click.option("--from-ledger", "from_ledger", is_flag=True, required=True,
              help="build it from this installation's ledger (the only source so far)")
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--include-open", is_flag=True,
              help="keep rows whose label is not known yet, with an empty label (to score, never to train)")
@click.option("--late-after-days", type=click.IntRange(min=0),
              help="the target's days after the due date (default: the approved model's)")
@click.option("--horizon-days", type=click.IntRange(min=0),
              help="the target's days after the decision (default: the approved model's)")
def dataset_command(from_ledger: bool, out: Path, include_open: bool, late_after_days: int | None,
                    horizon_days: int | None) -> None:
    from .cli import open_app
    from .training_export import export_training_set

    target = None
    if late_after_days is not None and horizon_days is not None:
        target = {"late_after_days": late_after_days, "horizon_days": horizon_days}
    elif (late_after_days, horizon_days) != (None, None):
        _fail("bad_target", "name both --late-after-days and --horizon-days, or neither (the approved model's)")
    app = open_app()
    runtime = app.extensions["fairdun"]
    _echo(_guard(lambda: export_training_set(app, out, now=runtime.clock(), include_open=include_open,
                                             target=target, actor=CLI_ACTOR)))


def _runtime() -> Any:
    from .cli import open_app

    return open_app().extensions["fairdun"]


@model_group.command("list", help="Model versions and their status (JSON).")
def list_command() -> None:
    runtime = _runtime()
    _echo([v.as_dict() for v in _guard(runtime.models.versions)])


@model_group.command("register", help="Register an artifact as a candidate (copied into the instance folder).")
@click.argument("artifact", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--note", help="why (recorded in the ledger; no personal data)")
def register_command(artifact: Path, note: str | None) -> None:
    runtime = _runtime()
    _echo(_guard(lambda: runtime.models.register(artifact.read_bytes(), now=runtime.clock(), actor=CLI_ACTOR,
                                                 note=note)).as_dict())


@model_group.command("sign-off", help="Sign off a version's findings (failed calibration check, fairness flags) in "
                                      "the name of a compliance officer or admin, with a rationale (a ledger "
                                      "event); a version whose artifact asks for it is approved only after one.")
@click.argument("model_id")
@click.option("--by", "by", required=True, help="the staff account (compliance officer or admin) who signs off")
@click.option("--rationale", required=True, help="why the findings are acceptable (recorded in the ledger; "
                                                 "no personal data)")
def sign_off_command(model_id: str, by: str, rationale: str) -> None:
    from decisions.rights import signing_staff

    runtime = _runtime()

    def sign() -> Any:
        signer = signing_staff(runtime.db, name=by)
        return runtime.models.sign_off(model_id, now=runtime.clock(), actor=CLI_ACTOR,
                                       signed_off_by=f"staff:{signer.user_id}", rationale=rationale)

    _echo(_guard(sign).as_dict())


@model_group.command("compare", help="Compare a candidate trained on the ledger (--ledger-set) with the model "
                                     "scoring live decisions, on the same recent outcomes (paired bootstrap over "
                                     "debtors), and record the result; a failed non-inferiority check needs a "
                                     "sign-off before approval.")
@click.argument("model_id")
@click.option("--ledger-set", "ledger_set", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="a training set this installation exported (fairdun model dataset --from-ledger)")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="compare on decisions from this day on (default: the candidate's holdout start)")
@click.option("--bootstrap", default=1000, show_default=True, type=click.IntRange(min=100))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--auc-margin", default=0.02, show_default=True, type=click.FloatRange(min=0.0, max=0.5))
@click.option("--brier-margin", default=0.01, show_default=True, type=click.FloatRange(min=0.0, max=0.25))
def compare_command(model_id: str, ledger_set: Path, since: Any, bootstrap: int, seed: int, auc_margin: float,
                    brier_margin: float) -> None:
    from .cli import open_app
    from .training_export import compare_challenger

    app = open_app()
    runtime = app.extensions["fairdun"]
    _echo(_guard(lambda: compare_challenger(app, model_id, ledger_set, now=runtime.clock(),
                                            since=since.date() if since else None, bootstrap=bootstrap, seed=seed,
                                            actor=CLI_ACTOR, auc_margin=auc_margin, brier_margin=brier_margin)))


@model_group.command("approve", help="Approve a candidate: from now on it scores live decisions (a ledger event). "
                                     "A version with findings needs a sign-off first (else exit status 3).")
@click.argument("model_id")
@click.option("--note", help="why (recorded in the ledger; no personal data)")
def approve_command(model_id: str, note: str | None) -> None:
    runtime = _runtime()
    _echo(_guard(lambda: runtime.models.approve(model_id, now=runtime.clock(), actor=CLI_ACTOR,
                                                note=note)).as_dict())


@model_group.command("retire", help="Retire a version (a ledger event). Retiring the approved version "
                                    "holds decisions that need the model until another is approved.")
@click.argument("model_id")
@click.option("--note", help="why (recorded in the ledger; no personal data)")
def retire_command(model_id: str, note: str | None) -> None:
    runtime = _runtime()
    _echo(_guard(lambda: runtime.models.retire(model_id, now=runtime.clock(), actor=CLI_ACTOR,
                                               note=note)).as_dict())


@model_group.command("card", help="The model card of a version (or of an artifact file): Markdown or JSON "
                                  "on standard output, or all of it with the SVG charts into --out.")
@click.argument("model")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="write <id>.md, <id>.card.json and <id>.charts/*.svg here")
def card_command(model: str, fmt: str, out: Path | None) -> None:
    from explain.card import card_json_bytes, model_card, render_model_card, write_model_card

    def load() -> tuple[dict, str, dict | None]:
        path = Path(model)
        if path.suffix == ".json" and path.is_file():
            from explain._artifact import read_artifact

            return (*read_artifact(path), None)
        registry = _runtime().models
        # a registered version's card shows its status and sign-off in this installation
        return (*registry.artifact(model), registry.version(model).as_dict())

    artifact, sha256, record = _guard(load)
    if out is not None:
        _echo(_guard(lambda: write_model_card(artifact, sha256, out, record)))
    elif fmt == "json":
        click.echo(card_json_bytes(model_card(artifact, sha256, record)).decode("utf-8"), nl=False)
    else:
        click.echo(render_model_card(artifact, sha256, record), nl=False)
