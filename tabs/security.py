"""Security headers on every response: a Content-Security-Policy that lets only Teams frame us."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from teams_app.settings import Settings

# The hosts that frame a Teams tab: the Teams clients, Microsoft 365 and Outlook.
TEAMS_FRAME_ANCESTORS = (
    "teams.microsoft.com",
    "*.teams.microsoft.com",
    "*.cloud.microsoft",
    "*.microsoft365.com",
    "*.office.com",
)


def content_security_policy(settings: Settings) -> str:
    """Build the policy: own scripts only, Entra for web sign-in, Teams hosts as frame parents."""
    authority = urlsplit(settings.aad_authority_host)
    sign_in_origin = f"{authority.scheme}://{authority.netloc}"
    ancestors = " ".join(("'self'", *TEAMS_FRAME_ANCESTORS, *settings.extra_frame_ancestors))
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        # Fluent UI inserts its generated CSS rules at run time.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        f"connect-src 'self' {sign_in_origin}",
        # MSAL.js renews web sign-in tokens in a hidden frame of the sign-in host.
        f"frame-src 'self' {sign_in_origin}",
        f"frame-ancestors {ancestors}",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
    return "; ".join(directives)


def security_headers_middleware(settings: Settings):  # type: ignore[no-untyped-def]
    policy = content_security_policy(settings)

    @web.middleware
    async def middleware(request: web.Request, handler):  # type: ignore[no-untyped-def]
        try:
            response = await handler(request)
        except web.HTTPException as error:
            _apply(error, policy)
            raise
        _apply(response, policy)
        return response

    return middleware


def _apply(response: web.StreamResponse, policy: str) -> None:
    if response.prepared:
        return
    response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
