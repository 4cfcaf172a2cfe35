"""Experiments over HTTP: a compliance officer pre-registers, starts and stops them; auditors
read them (``decisions.experiments``). Unknown experiment 404, refused transition 409, invalid
registration 422 naming the field."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for

from decisions import experiments as registry
from decisions.errors import storage_guard
from decisions.experiment_results import results
from decisions.off_policy import estimate

from .api import json_body
from .auth import Role, requires
from .errors import ApiError
from .openapi import operation
from .schemas.experiment import (
    EstimateRequestSchema,
    EstimateSchema,
    ExperimentListSchema,
    ExperimentNoteSchema,
    ExperimentRequestSchema,
    ExperimentResultsSchema,
    ExperimentSchema,
)

__all__ = ["bp"]

bp = Blueprint("experiments", __name__, url_prefix="/v1")
READERS = (Role.COMPLIANCE_OFFICER, Role.AUDITOR)
_ID = "<uuid:experiment_id>"
_request = ExperimentRequestSchema()
_note = ExperimentNoteSchema()
_estimate = EstimateRequestSchema()


@contextmanager
def _errors() -> Iterator[None]:
    try:
        with storage_guard("the experiment"):   # database or ledger down: 503
            yield
    except registry.UnknownExperiment as exc:
        raise ApiError(404, exc.code, str(exc)) from exc
    except registry.TransitionRefused as exc:
        raise ApiError(409, exc.code, str(exc)) from exc


def _actor() -> dict[str, str]:
    return {"via": "api", "api_key_id": g.api_key.key_id}


def _change(step: Callable[..., registry.Experiment], experiment_id: str, **kwargs: Any) -> dict[str, Any]:
    runtime = current_app.extensions["fairdun"]
    with _errors(), runtime.db.unit_of_work() as uow:
        changed = step(uow.session, experiment_id, now=runtime.clock(), actor=_actor(), **kwargs)
        uow.commit()
    return changed.as_dict()


@bp.post("/experiments")
@requires(Role.COMPLIANCE_OFFICER)
@operation(summary="Pre-register an experiment (compliance officer)", request=ExperimentRequestSchema,
           responses={201: ExperimentSchema})
def register_experiment() -> Response:
    spec = _request.load(json_body())
    runtime = current_app.extensions["fairdun"]
    with _errors(), runtime.db.unit_of_work() as uow:
        created = registry.register(uow.session, spec, experiment_id=runtime.new_id(), now=runtime.clock(),
                                    actor=_actor())
        uow.commit()
    response = jsonify(created.as_dict())
    response.status_code = 201
    response.headers["Location"] = url_for("experiments.get_experiment", experiment_id=created.id)
    return response


@bp.get("/experiments")
@requires(*READERS)
@operation(summary="Every experiment and its status", responses={200: ExperimentListSchema})
def list_experiments() -> Response:
    with _errors(), current_app.extensions["fairdun"].db.reading() as session:
        return jsonify({"experiments": [e.as_dict() for e in registry.experiments(session).values()]})


@bp.get(f"/experiments/{_ID}")
@requires(*READERS)
@operation(summary="One experiment", responses={200: ExperimentSchema})
def get_experiment(experiment_id: Any) -> Response:
    with _errors(), current_app.extensions["fairdun"].db.reading() as session:
        return jsonify(registry.experiment(session, str(experiment_id)).as_dict())


@bp.post(f"/experiments/{_ID}/start")
@requires(Role.COMPLIANCE_OFFICER)
@operation(summary="Start allocating decisions to the arms", responses={200: ExperimentSchema})
def start_experiment(experiment_id: Any) -> Response:
    return jsonify(_change(registry.start, str(experiment_id)))


@bp.post(f"/experiments/{_ID}/stop")
@requires(Role.COMPLIANCE_OFFICER)
@operation(summary="Stop allocating decisions", request=ExperimentNoteSchema, responses={200: ExperimentSchema})
def stop_experiment(experiment_id: Any) -> Response:
    note = _note.load(json_body() if request.content_length else {})["note"]
    return jsonify(_change(registry.stop, str(experiment_id), note=note))


@bp.get(f"/experiments/{_ID}/results")
@requires(*READERS)
@operation(summary="Each arm's outcomes and guardrail rates with 95 % intervals, and each arm's difference from "
                   "the first", responses={200: ExperimentResultsSchema})
def experiment_results(experiment_id: Any) -> Response:
    runtime = current_app.extensions["fairdun"]
    zone = runtime.config.get("RIGHTS_TIMEZONE") or "Europe/Berlin"   # the controller's days
    with _errors(), runtime.db.reading() as session:
        return jsonify(results(session, registry.experiment(session, str(experiment_id)), now=runtime.clock(),
                               zone=zone))


@bp.post(f"/experiments/{_ID}/estimates")
@requires(*READERS)
@operation(summary="What a candidate strategy (an arm per risk band) would have achieved: off-policy IPS and SNIPS "
                   "estimates from the logged propensities, with 95 % intervals (computes; writes nothing)",
           request=EstimateRequestSchema, responses={200: EstimateSchema})
def experiment_estimate(experiment_id: Any) -> Response:
    body = _estimate.load(json_body())
    runtime = current_app.extensions["fairdun"]
    zone = runtime.config.get("RIGHTS_TIMEZONE") or "Europe/Berlin"   # the controller's days, as the results
    with _errors(), runtime.db.reading() as session:
        return jsonify(estimate(session, registry.experiment(session, str(experiment_id)), strategy=body["strategy"],
                                metric=body["metric"], now=runtime.clock(), zone=zone))
