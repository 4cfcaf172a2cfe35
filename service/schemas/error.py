"""The one error body every failure carries."""

from marshmallow import Schema, fields, validate

__all__ = ["ErrorResponseSchema", "ErrorSchema", "ERROR_CODES", "ERROR_EXAMPLE"]

# Every ``code`` an error body may carry (a test finds each code the source raises here).
ERROR_CODES = (
    # the request itself
    "bad_request", "malformed_json", "duplicate_key", "unsupported_media_type", "validation_error", "invalid_input",
    "bad_idempotency_key", "too_many_items", "out_of_range", "request_entity_too_large", "request_uri_too_large",
    "request_header_fields_too_large", "not_found", "method_not_allowed", "not_acceptable",
    # who asks
    "unauthenticated", "unknown_api_key", "forbidden", "rate_limited", "csrf_failed", "too_many_requests",
    "sign_in_refused", "sign_in_locked",
    # the state of what it asks about
    "conflict", "idempotency_conflict", "duplicate_decision", "as_of_before_latest", "domain_error",
    "already_extended", "extension_too_late", "request_closed", "review_closed", "not_modifiable", "not_paused",
    "not_a_rectification", "no_objection", "hold_refused", "hold_released", "name_taken", "own_account", "key_revoked",
    "last_admin_key", "endpoint_disabled", "too_many_endpoints", "unknown_webhook_endpoint", "unknown_delivery",
    "subject_erased", "no_message", "no_letter", "message_incomplete", "message_not_reproducible", "disabled",
    "checkpoint_refused", "ledger_unverified", "assignment_unchanged",
    # the model registry (explain.registry) and retraining from the ledger (service.training_export)
    "registry_error", "unknown_model", "transition_refused", "sign_off_required", "artifact_refused",
    "comparison_required", "no_champion", "unknown_training_set", "bad_comparison",
    # experiments (decisions.experiments)
    "experiment_error", "unknown_experiment",
    # fairdun cannot answer now
    "storage_unavailable", "ledger_unavailable", "policy_unavailable", "message_templates_unavailable",
    "portal_unavailable", "service_unavailable", "internal_error",
)
ERROR_EXAMPLE = {"error": {"status": 422, "code": "validation_error", "message": "the request is not valid",
                           "fields": {"debtor.timezone": ["Not a valid IANA time zone."]},
                           "request_id": "0f8c2d4e-5b1a-4c3d-9e7f-1a2b3c4d5e6f"}}


class ErrorSchema(Schema):
    status = fields.Integer()
    code = fields.String(validate=validate.OneOf(ERROR_CODES), metadata={"example": "validation_error"})
    message = fields.String()
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.List(fields.String()),
                          metadata={"description": "messages per field path, e.g. debtor.timezone"})
    request_id = fields.String(metadata={"description": "the response's Request-Id header: quote it when reporting "
                                                        "a problem (absent on a run item's error)"})


class ErrorResponseSchema(Schema):
    error = fields.Nested(ErrorSchema)
