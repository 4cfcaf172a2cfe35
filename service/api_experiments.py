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

from .api import json_body
from .auth import Role, requires
from .errors import ApiError
from .openapi import operation
from .schemas.experiment import ExperimentListSchema, ExperimentNoteSchema, ExperimentRequestSchema, ExperimentSchema

__all__ = ["bp"]

bp = Blueprint("experiments", __name__, url_prefix="/v1")
READERS = (Role.COMPLIANCE_OFFICER, Role.AUDITOR)
_ID = "<uuid:experiment_id>"
_request = ExperimentRequestSchema()
_note = ExperimentNoteSchema()


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
