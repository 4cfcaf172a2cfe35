"""Experiments: the pre-registration a compliance officer sends, and what the API returns."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from decisions.case import CHANNELS, DEBTOR_KINDS
from decisions.experiment_results import WINDOWS
from decisions.experiments import FACTORS, GUARDRAIL_METRICS, OUTCOME_METRICS
from decisions.off_policy import BANDS

from .fields import Jurisdiction

__all__ = ["ExperimentRequestSchema", "ExperimentSchema", "ExperimentListSchema", "ExperimentNoteSchema",
           "ExperimentResultsSchema", "EstimateRequestSchema", "EstimateSchema"]

# Send hours are local wall-clock hours; the gate still checks every planned time, this only
# keeps a registration from asking for an hour no window in the catalogue allows.
SEND_HOURS = range(8, 21)
MAX_ARMS = 4


class ArmSchema(Schema):
    name = fields.String(required=True, validate=validate.Regexp(r"[a-z0-9_-]{1,40}"),
                         metadata={"description": "lower-case letters, digits, _ or -"})
    value = fields.Raw(required=True, metadata={
        "description": "channel: email, letter, sms or phone; send_hour: a local hour 8…20; wording: a variant id"})


class PopulationSchema(Schema):
    jurisdictions = fields.List(Jurisdiction(), required=True, validate=validate.Length(min=1, max=50))
    debtor_kinds = fields.List(fields.String(validate=validate.OneOf(DEBTOR_KINDS)), required=True,
                               validate=validate.Length(min=1))


class GuardrailSchema(Schema):
    metric = fields.String(required=True, validate=validate.OneOf(GUARDRAIL_METRICS))
    max = fields.Float(required=True, validate=validate.Range(min=0, max=1, min_inclusive=False),
                       metadata={"description": "an arm stops when its rate exceeds this"})
    min_n = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100_000), metadata={
        "description": "decisions an arm needs before the guardrail is checked (default 20)"})


class ExperimentRequestSchema(Schema):
    """A pre-registration. Arms differ only in ``factor``; the level, fees and legal threats are
    never a factor, and vulnerable debtors, debtors who objected to profiling and claims under
    review are never allocated (README, "Experiments")."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    hypothesis = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                               metadata={"description": "what is expected and why (no personal data)"})
    primary_metric = fields.String(load_default="paid_14d", validate=validate.OneOf(OUTCOME_METRICS))
    factor = fields.String(required=True, validate=validate.OneOf(FACTORS))
    arms = fields.List(fields.Nested(ArmSchema), required=True, validate=validate.Length(min=2, max=MAX_ARMS))
    population = fields.Nested(PopulationSchema, required=True)
    guardrails = fields.List(fields.Nested(GuardrailSchema), required=True, validate=validate.Length(min=1))
    seed = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=2**63 - 1))

    @validates_schema(skip_on_field_errors=True)
    def _arms(self, data: dict[str, Any], **_: Any) -> None:
        arms, factor = data["arms"], data["factor"]
        errors: dict[str, list[str]] = {}
        if len({a["name"] for a in arms}) < len(arms):
            errors.setdefault("arms", []).append("Arm names must differ.")
        if len({str(a["value"]) for a in arms}) < len(arms):
            errors.setdefault("arms", []).append("Arm values must differ: arms differ in the factor.")
        for arm in arms:
            value = arm["value"]
            if factor == "channel" and value not in CHANNELS:
                errors.setdefault("arms", []).append(f"channel arms take one of {', '.join(CHANNELS)}.")
            elif factor == "send_hour" and (type(value) is not int or value not in SEND_HOURS):
                errors.setdefault("arms", []).append("send_hour arms take a whole local hour from 8 to 20.")
        if factor == "wording":
            # the templates have one wording per tone and obligation set; variants would have to
            # be written and reviewed before they could be compared
            errors["factor"] = ["No wording variants are installed; experiment on channel or send_hour."]
        if len({g["metric"] for g in data["guardrails"]}) < len(data["guardrails"]):
            errors["guardrails"] = ["One guardrail per metric."]
        if errors:
            raise ValidationError(errors)


class ExperimentNoteSchema(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000),
                         metadata={"description": "why (no personal data); recorded in the ledger"})


class ArmStateSchema(Schema):
    name = fields.String()
    value = fields.Raw()
    stopped = fields.Dict(allow_none=True, metadata={"description": "reason (guardrail, officer), detail, at, seq"})


class ExperimentSchema(Schema):
    id = fields.String()
    name = fields.String()
    hypothesis = fields.String()
    primary_metric = fields.String()
    factor = fields.String()
    arms = fields.List(fields.Nested(ArmStateSchema))
    population = fields.Nested(PopulationSchema)
    guardrails = fields.List(fields.Nested(GuardrailSchema))
    seed = fields.Integer()
    status = fields.String(validate=validate.OneOf(("registered", "running", "stopped")))
    registered_at = fields.String(metadata={"format": "date-time"})
    started_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    stopped_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    ledger = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "ledger seq of registration, start, stop"})


class ExperimentListSchema(Schema):
    experiments = fields.List(fields.Nested(ExperimentSchema))



class RateSchema(Schema):
    rate = fields.Float(allow_none=True, metadata={"description": "null when no claim counts yet"})
    ci_low = fields.Float(allow_none=True, metadata={"description": "95 % Wilson interval"})
    ci_high = fields.Float(allow_none=True)
    n = fields.Integer(metadata={"description": "claims counted (payment: only those whose window has closed)"})
    count = fields.Integer()


class MeanSchema(Schema):
    mean = fields.Float(allow_none=True)
    ci_low = fields.Float(allow_none=True, metadata={"description": "95 % t interval"})
    ci_high = fields.Float(allow_none=True)
    n = fields.Integer()


class ArmMetricsSchema(Schema):
    paid_7d = fields.Nested(RateSchema)
    paid_14d = fields.Nested(RateSchema)
    paid_30d = fields.Nested(RateSchema)
    days_to_payment = fields.Nested(MeanSchema, metadata={"description": "over claims paid within 30 days"})
    dispute_rate = fields.Nested(RateSchema)
    complaint_rate = fields.Nested(RateSchema)
    opt_out_rate = fields.Nested(RateSchema)
    review_request_rate = fields.Nested(RateSchema)


class ArmResultSchema(Schema):
    name = fields.String()
    value = fields.Raw()
    n = fields.Integer(metadata={"description": "claims allocated to the arm"})
    stopped = fields.Dict(allow_none=True)
    metrics = fields.Nested(ArmMetricsSchema)


class EffectSchema(Schema):
    arm = fields.String()
    versus = fields.String(metadata={"description": "the first arm (the control)"})
    metric = fields.String()
    difference = fields.Float(allow_none=True, metadata={"description": "rate of arm minus rate of versus"})
    ci_low = fields.Float(allow_none=True, metadata={"description": "95 % Newcombe (hybrid score) interval"})
    ci_high = fields.Float(allow_none=True)
    n = fields.Integer()
    n_versus = fields.Integer()


class ExperimentResultsSchema(Schema):
    experiment_id = fields.String()
    status = fields.String()
    as_of = fields.String(metadata={"format": "date-time"})
    primary_metric = fields.String()
    confidence = fields.Float()
    arms = fields.List(fields.Nested(ArmResultSchema))
    effects = fields.List(fields.Nested(EffectSchema))


class StrategySchema(Schema):
    by = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("risk_band",)), metadata={
        "description": "what the strategy looks at: the risk band the decision recorded, or nothing (one arm)"})
    arms = fields.Dict(keys=fields.String(validate=validate.OneOf(BANDS)),
                       values=fields.String(validate=validate.Length(min=1, max=40)), load_default=dict,
                       metadata={"description": "the arm per risk band (with by: risk_band)"})
    default = fields.String(required=True, validate=validate.Length(min=1, max=40),
                            metadata={"description": "the arm where no band names one"})

    @validates_schema
    def _arms_need_by(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("arms") and data.get("by") is None:
            raise ValidationError({"arms": ["Arms per band need by: risk_band."]})


class EstimateRequestSchema(Schema):
    strategy = fields.Nested(StrategySchema, required=True)
    metric = fields.String(load_default="paid_14d", validate=validate.OneOf(sorted(WINDOWS)))


class EstimatorSchema(Schema):
    estimate = fields.Float()
    ci_low = fields.Float(metadata={"description": "95 % normal interval, clipped to [0, 1]"})
    ci_high = fields.Float()


class EstimateSchema(Schema):
    experiment_id = fields.String()
    metric = fields.String()
    strategy = fields.Nested(StrategySchema)
    method = fields.String()
    confidence = fields.Float()
    n = fields.Integer(metadata={"description": "claims whose outcome window has closed"})
    matched = fields.Integer(metadata={"description": "of them, claims whose arm is the strategy's choice"})
    effective_n = fields.Float(allow_none=True, metadata={"description": "(sum w)^2 / sum w^2"})
    ips = fields.Nested(EstimatorSchema, allow_none=True, metadata={"description": "inverse propensity scoring"})
    snips = fields.Nested(EstimatorSchema, allow_none=True, metadata={"description": "self-normalised IPS"})
