"""Caller identification for the API: an Entra bearer token or a demo sign-in token.

Entra tokens are checked by ``tabs.sso.TokenValidator`` (signature against the
published signing keys, issuer, audience, expiry, scope and tenant). Demo
sign-in tokens are accepted only while the app runs in demo mode.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from tabs.api.core import ApiProblem
from tabs.sso import SigningKeys, TokenError, TokenValidator
from teams_app.i18n import gettext_noop as N_
from teams_app.services import Services
from teams_app.settings import Settings
from teams_app.workflow.views import Actor
from teams_app.workflow.web_sessions import DEMO_TOKEN_PREFIX, WebIdentity

logger = logging.getLogger(__name__)

VALIDATOR_KEY = web.AppKey("token_validator", TokenValidator)
# Seconds to wait for the signing keys of Entra.
KEYS_TIMEOUT = 10.0

DEMO_SESSION_INVALID = N_("Your demo sign-in has expired. Please sign in again.")


def validator_context(settings: Settings):  # type: ignore[no-untyped-def]
    """Open the HTTP session for the signing keys with the app and close it after."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        timeout = aiohttp.ClientTimeout(total=KEYS_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            app[VALIDATOR_KEY] = TokenValidator(settings, SigningKeys(settings, session))
            yield

    return context


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_problem(error: TokenError) -> ApiProblem:
    """Turn a failed token check into a 401 problem (503 when the signing keys are unreachable)."""
    headers = {} if error.http_status == 503 else {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    return ApiProblem(error.http_status, error.code, error.message_id, headers=headers, **error.fields)


async def authenticate(
    request: web.Request, services: Services, settings: Settings, *, required: bool
) -> Actor | None:
    """Return the caller, None for an anonymous call, or raise a 401/503 problem.

    A token that is present but invalid is rejected even on a public endpoint,
    so a client never mistakes a broken sign-in for an anonymous one.
    """
    token = bearer_token(request)
    if token is None:
        if required:
            raise token_problem(TokenError("token_missing"))
        return None

    if token.startswith(DEMO_TOKEN_PREFIX):
        actor = await services.web_sessions.demo_actor(token) if settings.demo else None
        if actor is None:
            raise ApiProblem(
                401,
                "demo_session_invalid",
                DEMO_SESSION_INVALID,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        return actor

    try:
        claims = await request.app[VALIDATOR_KEY].validate(token)
    except TokenError as error:
        logger.info("token rejected code=%s", error.code)
        raise token_problem(error) from None
    identity = WebIdentity(
        tenant_id=claims.tenant_id,
        object_id=claims.object_id,
        display_name=claims.name or "",
        email=claims.email or claims.username or None,
    )
    return await services.web_sessions.identify(identity)
