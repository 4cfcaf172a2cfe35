"""Check a response body against the generated OpenAPI document (JSON Schema 2020-12)."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

__all__ = ["assert_matches"]


def assert_matches(spec: dict[str, Any], component: str, document: Any) -> None:
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(spec))
    schema = {"$ref": f"urn:openapi#/components/schemas/{component}"}
    errors = sorted(Draft202012Validator(schema, registry=registry).iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
