"""The OpenAPI 3.1 document of the API, built from the declared endpoints."""

from __future__ import annotations

import re
from typing import Any

from tabs.api.core import API_PREFIX, PROBLEM_CONTENT_TYPE, Access, Endpoint

_PLACEHOLDER = re.compile(r"\{(\w+)(?::[^}]*)?\}")

PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string", "description": "Stable machine-readable error code."},
        "detail": {"type": "string", "description": "Message in the user's language."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "limit": {"type": "integer"},
                    "actual": {"type": "integer"},
                },
            },
        },
    },
}


def openapi_path(path: str) -> str:
    """Turn an aiohttp path such as ``/entries/{entry_id:\\d+}`` into ``/entries/{entry_id}``."""
    return _PLACEHOLDER.sub(r"{\1}", path)


def build_document(endpoints: list[Endpoint], version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        path = API_PREFIX + openapi_path(endpoint.path)
        paths.setdefault(path, {})[endpoint.method.lower()] = _operation(endpoint)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Case mentoring tabs API", "version": version},
        "paths": paths,
        "components": {
            "schemas": {"Problem": PROBLEM_SCHEMA},
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Entra access token with the access_as_user scope "
                    "(Teams SSO or web sign-in), or a demo sign-in token in demo mode.",
                }
            },
        },
    }


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    problem = {"content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    success_schema = dict(endpoint.response) if endpoint.response else {}
    success_status = str(endpoint.status)
    operation: dict[str, Any] = {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "x-access": endpoint.access.value,
        "responses": {
            success_status: {
                "description": "Success",
                "content": {endpoint.produces: {"schema": success_schema}},
            },
            "default": {"description": "Problem", **problem},
        },
    }
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PLACEHOLDER.findall(endpoint.path)
    ]
    parameters += [
        {"name": name, "in": "query", "required": False, "schema": schema}
        for name, schema in endpoint.query.items()
    ]
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": dict(endpoint.body)}},
        }
    if endpoint.access is not Access.PUBLIC:
        operation["security"] = [{"bearer": []}]
    return operation
