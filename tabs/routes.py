"""The one route table of the tabs: API endpoints, pages, static files and public profiles."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from aiohttp import web

from tabs.api import all_endpoints
from tabs.api.core import (
    API_PREFIX,
    ApiContext,
    ApiProblem,
    Endpoint,
    api_problem,
    domain_problem,
    json_data,
    problem_response,
)
from tabs.api.openapi import build_document
from tabs.calendar_feed import setup_calendar_feed
from tabs.identity import authenticate, validator_context
from tabs.legal import setup_legal_pages
from tabs.pages import setup_pages
from tabs.public import setup_public_pages
from tabs.security import security_headers_middleware
from teams_app.domain.errors import DomainError
from teams_app.i18n import SUPPORTED_LANGUAGES, gettext_noop as N_, translator_for
from teams_app.services import Services
from teams_app.settings import Settings

logger = logging.getLogger(__name__)

SERVICES_KEY = web.AppKey("tab_services", Services)


def setup_tabs(app: web.Application, services: Services, settings: Settings) -> None:
    """Mount the API, the pages and the public profiles on the app."""
    app[SERVICES_KEY] = services
    app.middlewares.append(security_headers_middleware(settings))
    app.cleanup_ctx.append(validator_context(settings))

    endpoints = all_endpoints()
    for endpoint in endpoints:
        app.router.add_route(endpoint.method, endpoint.full_path, _api_handler(endpoint))
    document = build_document(endpoints, settings.app_version)

    async def openapi(request: web.Request) -> web.Response:
        return web.json_response(document)

    app.router.add_get(f"{API_PREFIX}/openapi.json", openapi)
    setup_legal_pages(app, settings)
    app.router.add_route("*", API_PREFIX + "/{tail:.*}", _unknown_endpoint)
    setup_pages(app, settings)
    setup_public_pages(app)
    setup_calendar_feed(app, services, settings)


def request_locale(request: web.Request, actor_locale: str | None, default: str) -> str:
    """Pick the language of a response: the page's Accept-Language, then the user's locale.

    The pages send the language they are shown in, which follows the Teams
    client, so messages and labels match the page around them.
    """
    header = request.headers.get("Accept-Language", "")
    first = header.split(",", 1)[0].split(";", 1)[0].strip()
    if first and first.split("-", 1)[0].lower() in SUPPORTED_LANGUAGES:
        return first
    return actor_locale or default


def _api_handler(endpoint: Endpoint):  # type: ignore[no-untyped-def]
    async def handle(request: web.Request) -> web.StreamResponse:
        services = request.app[SERVICES_KEY]
        settings = services.workflow.settings
        locale = request_locale(request, None, settings.default_locale)
        try:
            actor = await authenticate(
                request, services, settings, required=endpoint.access.value != "public"
            )
            locale = request_locale(request, actor.locale if actor else None, locale)
            if actor is not None:
                # Services pick labels by the actor's locale; follow the page's language.
                actor = dataclasses.replace(actor, locale=locale)
            if not endpoint.access.allows(actor):
                raise ApiProblem(
                    403, "forbidden", N_("Your role does not allow this action.")
                )
            ctx = ApiContext(request, actor, locale, services, settings)
            result: Any = await endpoint.handler(request, ctx)
        except ApiProblem as problem:
            return api_problem(problem, translator_for(locale))
        except DomainError as error:
            return domain_problem(error, translator_for(locale))
        except Exception:
            logger.exception("API handler failed %s %s", endpoint.method, endpoint.path)
            translate = translator_for(locale)
            return problem_response(
                500, "internal_error", translate(N_("Something went wrong on our side.")), translate
            )
        if isinstance(result, web.StreamResponse):
            return result
        return json_data(result, status=endpoint.status)

    handle.__name__ = endpoint.operation_id
    return handle


async def _unknown_endpoint(request: web.Request) -> web.Response:
    translate = translator_for(request_locale(request, None, "en"))
    if request.method == "OPTIONS":
        return web.Response(status=204)
    return problem_response(
        404, "unknown_endpoint", translate(N_("No such API endpoint.")), translate
    )
