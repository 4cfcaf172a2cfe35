"""Experiments in the officer console (``/console/experiments``, compliance officers): the list,
one experiment with its results (every rate with its 95 % interval and the claims it counts
over, each arm's difference from the first) and the off-policy estimate of a strategy that gives
each risk band an arm, pre-registration from a form, start and stop.

The same functions as ``/v1/experiments`` (``decisions.experiments``,
``decisions.experiment_results``); the form is turned into the API's JSON and loaded through the
API's ``ExperimentRequestSchema``, so the console cannot register what the API would refuse. The
acting staff member is recorded as ``{"via": "console", "staff_id": ...}``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, url_for
from marshmallow import ValidationError

from decisions import experiments as registry
from decisions.case import DEBTOR_KINDS
from decisions.errors import storage_guard
from decisions.experiment_results import WINDOWS, results
from decisions.experiments import GUARDRAIL_METRICS, OUTCOME_METRICS
from decisions.off_policy import BANDS, estimate

from . import web
from .console import OFFICERS, bp, staff_requires
from .errors import ApiError
from .schemas.experiment import ExperimentNoteSchema, ExperimentRequestSchema

__all__ = ["form_spec"]

_ID = "<uuid:experiment_id>"
# form field -> where the API schema reports its errors
_FIELDS = {"name": "name", "hypothesis": "hypothesis", "primary_metric": "primary_metric", "factor": "factor",
           "arms": "arms", "population.jurisdictions": "jurisdictions", "population.debtor_kinds": "debtor_kinds",
           "guardrails": "guardrail_max", "seed": "seed"}


def _actor() -> dict[str, str]:
    return {"via": "console", "staff_id": str(g.staff["id"])}


def _number(text: str) -> Any:
    """An arm's value as JSON would carry it: a whole number stays a number (a send hour)."""
    return int(text) if text.strip().isdigit() else text.strip()


def form_spec(form: Any) -> dict[str, Any]:
    """The pre-registration the form describes, as ``POST /v1/experiments`` takes it. Arms are
    one ``name = value`` per line; jurisdictions are separated by commas or spaces."""
    arms = []
    for line in (form.get("arms") or "").splitlines():
        if line.strip():
            name, _, value = line.partition("=")
            arms.append({"name": name.strip(), "value": _number(value)})
    guardrail: dict[str, Any] = {"metric": form.get("guardrail_metric") or ""}
    for key, field in (("max", "guardrail_max"), ("min_n", "guardrail_min_n")):
        if form.get(field):
            guardrail[key] = form.get(field)
    seed: Any = form.get("seed") or None
    return {"name": form.get("name") or "", "hypothesis": form.get("hypothesis") or "",
            "primary_metric": form.get("primary_metric") or "paid_14d", "factor": form.get("factor") or "",
            "arms": arms, "guardrails": [guardrail],
            "population": {"jurisdictions": (form.get("jurisdictions") or "").replace(",", " ").split(),
                           "debtor_kinds": form.getlist("debtor_kinds")},
            "seed": int(seed) if seed is not None and str(seed).isdigit() else seed}


def _form_errors(exc: ValidationError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, messages in web.field_errors(exc).items():
        field = next((f for prefix, f in _FIELDS.items() if name == prefix or name.startswith(prefix + ".")), "main")
        found.setdefault(field, []).extend(messages)
    return found


def _labelled(names: Any) -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in names]


def _options(form: Any) -> dict[str, Any]:
    return {"metrics": _labelled(OUTCOME_METRICS), "guardrail_metrics": _labelled(GUARDRAIL_METRICS),
            "debtor_kinds": DEBTOR_KINDS,
            "chosen_kinds": form.getlist("debtor_kinds") if hasattr(form, "getlist") else ["consumer"]}


def _list_page(*, errors: dict[str, list[str]] | None = None, form: Any = None) -> str:
    with storage_guard("the experiments"), current_app.extensions["fairdun"].db.reading() as session:
        found = list(registry.experiments(session).values())
    return render_template("console/experiments.html", experiments=[e.as_dict() for e in found], errors=errors or {},
                           form=form if form is not None else {}, **_options(form))


@bp.get("/experiments")
@staff_requires(*OFFICERS)
def experiments() -> Any:
    """Every experiment and its status, and the pre-registration form."""
    return _list_page()


@bp.post("/experiments")
@staff_requires(*OFFICERS)
def register_experiment() -> Any:
    runtime = current_app.extensions["fairdun"]
    try:
        spec = ExperimentRequestSchema().load(form_spec(request.form))
    except ValidationError as exc:
        return _list_page(errors=_form_errors(exc), form=request.form), 422
    try:
        with storage_guard("the experiment"), runtime.db.unit_of_work() as uow:
            created = registry.register(uow.session, spec, experiment_id=runtime.new_id(), now=runtime.clock(),
                                        actor=_actor())
            uow.commit()
    except registry.TransitionRefused as exc:
        return _list_page(errors={"name": [str(exc)]}, form=request.form), 409
    flash(f"Experiment {created.spec['name']} registered. Start it when the hypothesis is final.", "console")
    return redirect(url_for("console.experiment", experiment_id=created.id), 303)


def _strategy(query: Any, arms: list[str]) -> tuple[dict[str, Any] | None, str, dict[str, list[str]]]:
    """The candidate strategy the page's estimate form asks about (an arm per risk band), its
    metric, and what is wrong with the query; no strategy until the form was sent."""
    if "metric" not in query:
        return None, "paid_14d", {}
    chosen = {band: query.get(f"band_{band}", "") for band in BANDS}
    errors = {f"band_{band}": ["Choose one of the experiment's arms."] for band, arm in chosen.items()
              if arm not in arms}
    metric = query.get("metric", "")
    if metric not in WINDOWS:
        errors["metric"] = [f"Choose one of {', '.join(WINDOWS)}."]
    if errors:
        return None, metric, errors
    default = chosen["medium"]
    return {"by": "risk_band", "arms": {b: a for b, a in chosen.items() if a != default}, "default": default}, \
        metric, {}


@bp.get(f"/experiments/{_ID}")
@staff_requires(*OFFICERS)
def experiment(experiment_id: Any) -> Any:
    """The experiment, its arms' results and, when asked, the off-policy estimate of a strategy
    that gives each risk band one of the arms (``decisions.off_policy``)."""
    runtime = current_app.extensions["fairdun"]
    zone = runtime.config.get("RIGHTS_TIMEZONE") or "Europe/Berlin"
    with storage_guard("the experiment"), runtime.db.reading() as session:
        try:
            found = registry.experiment(session, str(experiment_id))
        except registry.UnknownExperiment as exc:
            raise ApiError(404, exc.code, str(exc)) from exc
        computed = results(session, found, now=runtime.clock(), zone=zone)
        strategy, metric, errors = _strategy(request.args, [arm.name for arm in found.arms])
        estimated = (estimate(session, found, strategy=strategy, metric=metric, now=runtime.clock(), zone=zone)
                     if strategy is not None else None)
    page = render_template("console/experiment.html", experiment=found.as_dict(), results=computed,
                           estimated=estimated, errors=errors, query=request.args, bands=BANDS,
                           arm_options=[(arm.name, arm.name) for arm in found.arms], metric_options=_labelled(WINDOWS))
    return (page, 422) if errors else page


def _change(step: Any, experiment_id: Any, message: str, **kwargs: Any) -> Any:
    runtime = current_app.extensions["fairdun"]
    try:
        with storage_guard("the experiment"), runtime.db.unit_of_work() as uow:
            step(uow.session, str(experiment_id), now=runtime.clock(), actor=_actor(), **kwargs)
            uow.commit()
    except registry.UnknownExperiment as exc:
        raise ApiError(404, exc.code, str(exc)) from exc
    except registry.TransitionRefused as exc:
        flash(str(exc), "console")
        return redirect(url_for("console.experiment", experiment_id=experiment_id), 303)
    flash(message, "console")
    return redirect(url_for("console.experiment", experiment_id=experiment_id), 303)


@bp.post(f"/experiments/{_ID}/start")
@staff_requires(*OFFICERS)
def start_experiment(experiment_id: Any) -> Any:
    return _change(registry.start, experiment_id, "Experiment started: decisions of its population are allocated.")


@bp.post(f"/experiments/{_ID}/stop")
@staff_requires(*OFFICERS)
def stop_experiment(experiment_id: Any) -> Any:
    try:
        note = web.form_data(ExperimentNoteSchema())["note"]
    except ValidationError as exc:
        flash("The note is too long: " + " ".join(web.field_errors(exc).get("note", [])), "console")
        return redirect(url_for("console.experiment", experiment_id=experiment_id), 303)
    return _change(registry.stop, experiment_id, "Experiment stopped: no decision is allocated any more.", note=note)
