"""marshmallow schemas of the public API: validation of what comes in,
documentation (OpenAPI) of what goes out."""

from .decision import DecisionRequestSchema, DecisionResponseSchema
from .error import ErrorResponseSchema
from .event import EventRequestSchema, EventResponseSchema
from .run import RunRequestSchema, RunStatusSchema

__all__ = ["DecisionRequestSchema", "DecisionResponseSchema", "ErrorResponseSchema", "EventRequestSchema",
           "EventResponseSchema", "RunRequestSchema", "RunStatusSchema"]
