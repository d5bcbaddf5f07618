"""The home, privacy and terms pages, which the developer block of the Teams manifest links to."""

from __future__ import annotations

from pathlib import Path

import jinja2
from aiohttp import web

from teams_app.i18n import language_of
from teams_app.settings import Settings

TEMPLATES = Path(__file__).with_name("templates") / "legal"
DOCUMENTS = ("privacy", "terms")


def setup_legal_pages(app: web.Application, settings: Settings) -> None:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )

    def handler(document: str):  # type: ignore[no-untyped-def]
        async def show(request: web.Request) -> web.Response:
            requested = request.query.get("lang") or request.headers.get("Accept-Language", "")
            language = language_of(requested.split(",", 1)[0] or settings.default_locale)
            template = environment.get_template(f"{document}.{language}.html")
            html = template.render(language=language, document=document, base=settings.public_base_url)
            response = web.Response(text=html, content_type="text/html")
            response.headers["Content-Language"] = language
            return response

        return show

    for document in DOCUMENTS:
        app.router.add_get(f"/{document}", handler(document))
    app.router.add_get("/", _home)
    app.router.add_get("/favicon.ico", _favicon)


async def _favicon(request: web.Request) -> web.Response:
    """Point browsers that ask for the classic icon path at the app's icon."""
    raise web.HTTPMovedPermanently("/static/icon.png")


async def _home(request: web.Request) -> web.Response:
    """Send visitors of the bare host name to the tabs, which offer sign-in."""
    raise web.HTTPFound("/tabs/")
