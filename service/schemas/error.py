"""The one error body every failure carries."""

from marshmallow import Schema, fields

__all__ = ["ErrorResponseSchema"]


class ErrorSchema(Schema):
    status = fields.Integer()
    code = fields.String(metadata={"example": "validation_error"})
    message = fields.String()
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.List(fields.String()),
                          metadata={"description": "messages per field path, e.g. debtor.timezone"})
    request_id = fields.String(metadata={"description": "the response's Request-Id header: quote it when reporting "
                                                        "a problem (absent on a run item's error)"})


class ErrorResponseSchema(Schema):
    error = fields.Nested(ErrorSchema)
