"""The JSON API framework of the tabs: declared endpoints, access checks and problems.

Every endpoint is declared on an ``ApiRoutes`` table with the access it needs
and a summary. The same declarations build the aiohttp routes, the OpenAPI
document and the role table that the tests check. Handlers parse input, call
one operation and return JSON-able data; domain errors become
``application/problem+json`` responses here and nowhere else.
"""

from __future__ import annotations

import enum
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from teams_app.domain.enums import Role
from teams_app.domain.errors import (
    AlreadyProcessed,
    DomainError,
    FieldError,
    NotFound,
    NotPermitted,
    StaleAction,
    ValidationFailed,
)
from teams_app.domain.intake import describe_field_error
from teams_app.i18n import Translator, gettext_noop as N_, translator_for
from teams_app.services import Services
from teams_app.settings import Settings
from teams_app.workflow.views import Actor

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
PROBLEM_CONTENT_TYPE = "application/problem+json"
# A JSON request body larger than this is rejected before it is parsed.
MAX_JSON_BODY = 256 * 1024
# Whole numbers in requests must fit a 32-bit signed integer, the Integer
# column of PostgreSQL; larger ids would fail in the database.
MAX_REQUEST_INT = 2**31 - 1


class Access(enum.Enum):
    """Access level of an endpoint, checked by the server before the handler runs."""

    PUBLIC = "public"  # anyone, signed in or not
    USER = "user"  # any signed-in user
    MENTOR = "mentor"
    MODERATOR = "moderator"
    STAFF = "staff"  # a mentor or a moderator

    def allows(self, actor: Actor | None) -> bool:
        if self is Access.PUBLIC:
            return True
        if actor is None:
            return False
        roles = actor.roles
        moderator = Role.MODERATOR in roles or Role.ADMIN in roles
        if self is Access.USER:
            return True
        if self is Access.MENTOR:
            return Role.MENTOR in roles
        if self is Access.MODERATOR:
            return moderator
        return Role.MENTOR in roles or moderator


class ApiProblem(Exception):
    """A problem the API layer itself detects, such as a malformed body or a bad token."""

    def __init__(
        self,
        status: int,
        code: str,
        message_id: str,
        headers: Mapping[str, str] | None = None,
        **fields: object,
    ) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.message_id = message_id
        self.headers = dict(headers or {})
        self.fields = fields


@dataclass
class ApiContext:
    """Handler context besides the request: the caller, the language and the services."""

    request: web.Request
    actor: Actor | None
    locale: str
    services: Services
    settings: Settings

    @property
    def user(self) -> Actor:
        """The signed-in actor; only endpoints that need a user read it."""
        if self.actor is None:
            raise ApiProblem(401, "sign_in_required", N_("Please sign in."))
        return self.actor

    @property
    def translate(self) -> Translator:
        return translator_for(self.locale)

    async def json(self) -> dict[str, Any]:
        """Return the request body as a JSON object, or raise a 400 problem."""
        if self.request.content_length and self.request.content_length > MAX_JSON_BODY:
            raise ApiProblem(
                413, "body_too_large", N_("The request is larger than {limit} bytes."),
                limit=MAX_JSON_BODY,
            )
        raw = await self.request.read()
        if len(raw) > MAX_JSON_BODY:
            raise ApiProblem(
                413, "body_too_large", N_("The request is larger than {limit} bytes."),
                limit=MAX_JSON_BODY,
            )
        try:
            body = json.loads(raw or b"{}", parse_int=_bounded_int, parse_constant=_no_constant)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ApiProblem(400, "invalid_json", N_("The request body is not valid JSON.")) from None
        if not isinstance(body, dict):
            raise ApiProblem(400, "invalid_json", N_("The request body must be a JSON object."))
        return body

    def query_int(self, name: str, default: int, *, minimum: int = 0, maximum: int = 1000) -> int:
        """Read an integer query parameter within bounds, or raise a 422 naming it."""
        raw = self.request.query.get(name)
        if raw is None or raw == "":
            return default
        digits = raw.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()):
            raise ValidationFailed([FieldError(name, "not_a_number")])
        # Python rejects numbers of thousands of digits, and these are out of range anyway.
        if len(digits) <= 18:
            value = int(raw)
        elif raw.startswith("-"):
            value = minimum - 1
        else:
            value = maximum + 1
        if value < minimum:
            raise ValidationFailed([FieldError(name, "too_small", limit=minimum, actual=value)])
        if value > maximum:
            raise ValidationFailed([FieldError(name, "too_large", limit=maximum, actual=value)])
        return value

    def path_int(self, name: str) -> int:
        """Read an integer path parameter; anything else, such as "²" or "１", is a 404."""
        raw = self.request.match_info.get(name, "")
        if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_REQUEST_INT:
            raise NotFound(what=raw)
        return int(raw)


def _bounded_int(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_REQUEST_INT:
        raise ApiProblem(
            422,
            "number_out_of_range",
            N_("The number {value} in the request is out of range; the maximum is {limit}."),
            value=text[:30],
            limit=MAX_REQUEST_INT,
        )
    return value


def _no_constant(name: str) -> Any:
    raise ApiProblem(400, "invalid_json", N_("The request body is not valid JSON."))


Handler = Callable[[web.Request, ApiContext], Awaitable[Any]]
Authenticate = Callable[[web.Request], Awaitable[Actor | None]]


@dataclass(frozen=True)
class Endpoint:
    """One declared API operation."""

    method: str
    path: str  # relative to API_PREFIX, with aiohttp placeholders such as {entry_id}
    handler: Handler
    access: Access
    summary: str
    tag: str
    query: Mapping[str, Any] = field(default_factory=dict)
    body: Mapping[str, Any] | None = None
    response: Mapping[str, Any] | None = None
    # Content type of a successful response other than JSON, such as text/csv.
    produces: str = "application/json"
    # Status of a successful response, such as 201 for a created resource.
    status: int = 200

    @property
    def full_path(self) -> str:
        return API_PREFIX + self.path

    @property
    def operation_id(self) -> str:
        return self.handler.__name__


class ApiRoutes:
    """A table of endpoints of one area; decorators declare them."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.endpoints: list[Endpoint] = []

    def _declare(self, method: str, path: str, **options: Any) -> Callable[[Handler], Handler]:
        def decorator(handler: Handler) -> Handler:
            self.endpoints.append(
                Endpoint(method=method, path=path, handler=handler, tag=self.tag, **options)
            )
            return handler

        return decorator

    def get(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self._declare("GET", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self._declare("POST", path, **options)

    def put(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self._declare("PUT", path, **options)

    def patch(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self._declare("PATCH", path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self._declare("DELETE", path, **options)


# --------------------------------------------------------------------- problems

_STATUS_OF: dict[type[DomainError], int] = {
    NotFound: 404,
    NotPermitted: 403,
    ValidationFailed: 422,
    StaleAction: 409,
    AlreadyProcessed: 409,
}

_TITLES = {
    400: N_("Bad request"),
    401: N_("Not signed in"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    409: N_("Conflict"),
    413: N_("Request too large"),
    422: N_("Invalid input"),
    500: N_("Internal error"),
    503: N_("Service unavailable"),
}


def problem_response(
    status: int,
    code: str,
    detail: str,
    translate: Translator,
    *,
    errors: Sequence[dict[str, Any]] = (),
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    """Build an RFC 9457 problem response with the app's stable ``code``."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": translate(_TITLES.get(status, N_("Error"))),
        "status": status,
        "code": code,
        "detail": detail,
    }
    if errors:
        body["errors"] = list(errors)
    return web.Response(
        status=status,
        text=json.dumps(body, ensure_ascii=False),
        content_type=PROBLEM_CONTENT_TYPE,
        charset="utf-8",
        headers=headers,
    )


def domain_problem(error: DomainError, translate: Translator) -> web.Response:
    status = next(
        (code for kind, code in _STATUS_OF.items() if isinstance(error, kind)), 409
    )
    errors: list[dict[str, Any]] = []
    if isinstance(error, ValidationFailed):
        for item in error.errors:
            entry: dict[str, Any] = {
                "field": item.field,
                "code": item.code,
                "message": describe_field_error(item, translate),
            }
            if item.limit is not None:
                entry["limit"] = item.limit
            if item.actual is not None:
                entry["actual"] = item.actual
            errors.append(entry)
    return problem_response(status, error.code, error.render(translate), translate, errors=errors)


def api_problem(problem: ApiProblem, translate: Translator) -> web.Response:
    detail = translate(problem.message_id, **problem.fields)
    return problem_response(
        problem.status, problem.code, detail, translate, headers=problem.headers
    )


def json_data(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(data, ensure_ascii=False, default=str),
        content_type="application/json",
        charset="utf-8",
    )
