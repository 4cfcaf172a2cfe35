"""The model registry over HTTP: list versions and cards (admin, auditor, compliance officer);
register, approve and retire versions (admin only; each a ledger event naming the API key); sign
off a version's findings in the name of a compliance officer or admin (compliance officer or admin
key; the event names the staff account and the API key that recorded it).

Views parse, call one registry function (``explain.registry`` on the runtime) and map its
errors: unknown version 404, refused status change 409 (``sign_off_required`` when an approval
lacks the sign-off its artifact asks for: the message and ``fields.findings`` name what needs
one), refused artifact, note or signer 422.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from marshmallow import Schema, fields, validate

from decisions.errors import storage_guard
from decisions.rights import signing_staff
from explain.card import model_card
from explain.registry import (
    MAX_NOTE,
    ArtifactRefused,
    RegistryError,
    SignOffRequired,
    TransitionRefused,
    UnknownModel,
)

from .api import json_body
from .auth import Role, requires
from .errors import ApiError
from .openapi import operation
from .schemas.document import load_json

__all__ = ["bp"]

bp = Blueprint("models", __name__, url_prefix="/v1")
READERS = (Role.ADMIN, Role.AUDITOR, Role.COMPLIANCE_OFFICER)
_MODEL_ID = "<model_id>"


class ModelVersionSchema(Schema):
    model_id = fields.String()
    sha256 = fields.String()
    status = fields.String(validate=validate.OneOf(("candidate", "approved", "retired")))
    source = fields.String(validate=validate.OneOf(("registered", "deployment")),
                           metadata={"description": "deployment: the installation's default model"})
    registered = fields.Boolean(metadata={"description": "false: the deployment default of a fresh registry"})
    registered_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    approved_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    retired_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    ledger = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True),
                         metadata={"description": "ledger seq of the registration, approval, retirement"})
    summary = fields.Dict(metadata={"description": "holdout metrics and fairness flags at registration"})
    sign_off = fields.Nested(lambda: SignOffSchema())


class SignOffSchema(Schema):
    required = fields.Boolean(metadata={"description": "the artifact's governance check found something"})
    findings = fields.List(fields.String(), metadata={"description": "what needs the sign-off"})
    signed_off_by = fields.String(allow_none=True, metadata={
        "description": "the latest sign-off's signer: staff:<id>, or deployment (the shipped default, adopted)"})
    signed_off_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    seq = fields.Integer(allow_none=True, metadata={"description": "ledger seq of the latest model_signed_off"})


class SignOffRequestSchema(Schema):
    signed_off_by = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={
        "description": "the name of the staff account (compliance officer or admin) who signs off"})
    rationale = fields.String(required=True, validate=validate.Length(min=1, max=MAX_NOTE), metadata={
        "description": "why the findings are acceptable; recorded in the ledger (no personal data)"})


class ModelVersionListSchema(Schema):
    versions = fields.List(fields.Nested(ModelVersionSchema))


class ModelFeatureSchema(Schema):
    name = fields.String()
    kind = fields.String()
    unit = fields.String()
    monotone = fields.String(metadata={"description": "increasing, decreasing or none"})
    binning = fields.String()
    description = fields.String()
    bounds = fields.List(fields.Float(), allow_none=True, metadata={"description": "[min, max] seen in training"})
    domain = fields.List(fields.Float(), allow_none=True,
                         metadata={"description": "[min, max] the feature is clipped to (decision features)"})


class ModelChartsSchema(Schema):
    importances = fields.String(metadata={"description": "file name of the importances chart (SVG)"})
    shapes = fields.Dict(keys=fields.String(), values=fields.String(), metadata={"description": "per feature"})


class ModelReproduceSchema(Schema):
    command = fields.String(metadata={"description": "the fairdun model train command line"})
    settings = fields.Dict()
    software = fields.Dict(keys=fields.String(), values=fields.String())


class ModelCardSchema(Schema):
    """The model card as data (``fairdun model card ID --format json``; built by ``explain.card.model_card``)."""

    model_id = fields.String()
    sha256 = fields.String()
    feature_set = fields.String()
    estimator = fields.String()
    software = fields.Dict(keys=fields.String(), values=fields.String(), metadata={"description": "package versions"})
    terms = fields.Integer()
    outer_bags = fields.Integer()
    random_state = fields.Integer()
    max_abs_diff_vs_interpret = fields.Float(allow_none=True)
    intended_use = fields.Dict()
    target = fields.Dict(metadata={"description": "what the score predicts (name, definition, horizon)"})
    data = fields.Dict(metadata={"description": "the training data: mode, source, snapshots, split"})
    features = fields.List(fields.Nested(ModelFeatureSchema))
    interactions = fields.Integer()
    excluded_attributes = fields.Dict(metadata={"description": "columns left out, each with why"})
    protected_attributes = fields.Dict(allow_none=True)
    metrics = fields.Dict()
    calibration = fields.List(fields.Dict())
    fairness = fields.Dict()
    global_explanation = fields.Dict()
    charts = fields.Nested(ModelChartsSchema)
    uncertainty = fields.Dict()
    limitations = fields.List(fields.String())
    reproduce = fields.Nested(ModelReproduceSchema)
    # risk models over the decision population (issue 16): calibrated bands, safeguard, governance
    populations = fields.Dict(metadata={"description": "metrics on all decisions, pre-due and 3+ days overdue"})
    baselines = fields.List(fields.Dict(), metadata={"description": "baselines trained and evaluated in the same run"})
    bootstrap = fields.Dict(metadata={"description": "the customer-clustered bootstrap behind every interval"})
    calibration_map = fields.Dict(metadata={"description": "the calibration fitted on held-out data"})
    bands = fields.Dict(metadata={"description": "band names, target shares and cut-offs"})
    band_calibration = fields.List(fields.Dict(), metadata={"description": "calibration per band on the holdout"})
    cutoff_neighbourhoods = fields.List(fields.Dict(), metadata={"description": "calibration around each cut-off"})
    calibration_check = fields.Dict(metadata={"description": "the calibration check and its rule"})
    safeguard = fields.Dict(metadata={"description": "FD-OVERSIGHT-UNCERTAIN-SCORE: method, z, review rates"})
    feature_evidence = fields.List(fields.Dict(), metadata={"description": "candidate features tested out of time"})
    governance = fields.Dict(metadata={"description": "findings, whether a sign-off is required, and the version's "
                                                      "record in this installation (status, sign-off)"})


class ModelArtifactSchema(Schema):
    """A model artifact file as written by ``fairdun model train --out`` (sent byte for byte)."""

    format = fields.String(metadata={"example": "fairdun-ebm-artifact"})
    format_version = fields.Integer()
    model_id = fields.String()
    feature_set = fields.String(validate=validate.OneOf(("dunning",)))


class GovernanceNoteSchema(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_NOTE),
                         metadata={"description": "why; recorded in the ledger (no personal data)"})


_note_schema = GovernanceNoteSchema()


def _registry() -> Any:
    return current_app.extensions["fairdun"].models


def _actor() -> dict[str, str]:
    return {"via": "api", "api_key_id": g.api_key.key_id}


@contextmanager
def _registry_errors() -> Iterator[None]:
    try:
        with storage_guard("the model registry"):   # database or ledger down: 503
            yield
    except UnknownModel as exc:
        raise ApiError(404, exc.code, str(exc)) from exc
    except SignOffRequired as exc:
        raise ApiError(409, exc.code, str(exc), {"findings": exc.findings}) from exc
    except TransitionRefused as exc:
        raise ApiError(409, exc.code, str(exc)) from exc
    except ArtifactRefused as exc:
        raise ApiError(422, exc.code, str(exc), {"_body": [str(exc)]}) from exc
    except RegistryError as exc:
        raise ApiError(422, exc.code, str(exc)) from exc


def _note() -> str | None:
    """The optional ``{"note": "…"}``; no body at all is no note."""
    body = json_body() if request.content_length else {}
    return _note_schema.load(body)["note"]


@bp.get("/models")
@requires(*READERS)
@operation(summary="Model versions and their status", responses={200: ModelVersionListSchema})
def list_models() -> Response:
    with _registry_errors():
        return jsonify({"versions": [v.as_dict() for v in _registry().versions()]})


@bp.get(f"/models/{_MODEL_ID}")
@requires(*READERS)
@operation(summary="One model version", responses={200: ModelVersionSchema})
def get_model(model_id: str) -> Response:
    with _registry_errors():
        return jsonify(_registry().version(model_id).as_dict())


@bp.get(f"/models/{_MODEL_ID}/card")
@requires(*READERS)
@operation(summary="The model card of a version, as data", responses={200: ModelCardSchema})
def get_model_card(model_id: str) -> Response:
    with _registry_errors():
        artifact, sha256 = _registry().artifact(model_id)
        record = _registry().version(model_id).as_dict()   # its status and sign-off in this installation
    return jsonify(model_card(artifact, sha256, record))


@bp.post("/models")
@requires(Role.ADMIN)
@operation(summary="Register a model artifact as a candidate", request=ModelArtifactSchema,
           responses={201: ModelVersionSchema})
def register_model() -> Response:
    """The body is the artifact file itself, byte for byte (its SHA-256 is the version's)."""
    request.max_content_length = current_app.config["MODELS_MAX_CONTENT_LENGTH"]
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the artifact as application/json")
    runtime = current_app.extensions["fairdun"]
    artifact = request.get_data(cache=False)
    load_json(artifact)   # the API's JSON rules hold for the artifact too (duplicate names, lone surrogates)
    with _registry_errors():
        version = runtime.models.register(artifact, now=runtime.clock(), actor=_actor())
    response = jsonify(version.as_dict())
    response.status_code = 201
    response.headers["Location"] = url_for("models.get_model", model_id=version.model_id)
    return response


@bp.post(f"/models/{_MODEL_ID}/sign-off")
@requires(Role.COMPLIANCE_OFFICER, Role.ADMIN)
@operation(summary="Sign off a version's findings (failed calibration check, fairness flags) by name",
           request=SignOffRequestSchema, responses={200: ModelVersionSchema})
def sign_off_model(model_id: str) -> Response:
    runtime = current_app.extensions["fairdun"]
    body = SignOffRequestSchema().load(json_body())
    signer = signing_staff(runtime.db, name=body["signed_off_by"])
    with _registry_errors():
        return jsonify(runtime.models.sign_off(model_id, now=runtime.clock(), actor=_actor(),
                                               signed_off_by=f"staff:{signer.user_id}",
                                               rationale=body["rationale"]).as_dict())


@bp.post(f"/models/{_MODEL_ID}/approve")
@requires(Role.ADMIN)
@operation(summary="Approve a candidate: it scores live decisions from now on (409 sign_off_required when its "
                   "findings have no sign-off)", request=GovernanceNoteSchema,
           responses={200: ModelVersionSchema})
def approve_model(model_id: str) -> Response:
    runtime = current_app.extensions["fairdun"]
    note = _note()
    with _registry_errors():
        return jsonify(runtime.models.approve(model_id, now=runtime.clock(), actor=_actor(), note=note).as_dict())


@bp.post(f"/models/{_MODEL_ID}/retire")
@requires(Role.ADMIN)
@operation(summary="Retire a version (retiring the approved one holds decisions until another is approved)",
           request=GovernanceNoteSchema, responses={200: ModelVersionSchema})
def retire_model(model_id: str) -> Response:
    runtime = current_app.extensions["fairdun"]
    note = _note()
    with _registry_errors():
        return jsonify(runtime.models.retire(model_id, now=runtime.clock(), actor=_actor(), note=note).as_dict())
