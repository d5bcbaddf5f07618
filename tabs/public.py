"""Public mentor profiles: server-rendered pages anyone may open without signing in.

``/mentors`` lists the mentors, ``/mentors/{id}`` shows one profile and
``/mentors/{id}/photo`` serves the photo. The pages need no JavaScript, are
rendered by Jinja2 with autoescaping, and show only the public fields of a
profile: never the e-mail, the Teams ids or the availability settings. The
language is ``?lang=`` (or ``?locale=``), then Accept-Language, then the
app's default.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from aiohttp import web

from tabs.pages import pick_language
from teams_app.domain.errors import NotFound, ValidationFailed
from teams_app.i18n import Translator, gettext_noop as N_
from teams_app.services import Services
from teams_app.workflow.profiles import MentorSummary, StoredPhoto

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates" / "public"
PAGE_SIZE = 20
# Cache lifetime of a photo requested with its version (?v=...), which changes with the photo.
VERSIONED_PHOTO_MAX_AGE = 365 * 24 * 3600

_TEXTS = {
    "app_name": N_("Case mentoring for young teachers"),
    "mentors": N_("Mentors"),
    "list_intro": N_(
        "University faculty who help young school teachers with concrete situations "
        "from their work."
    ),
    "filter_rubric": N_("Area of advice"),
    "all_rubrics": N_("All areas"),
    "apply_filter": N_("Show"),
    "no_mentors": N_("No mentor advises on this area yet."),
    "found": N_("Mentors found: {total}"),
    "page_of": N_("Page {page} of {pages}"),
    "previous": N_("Previous page"),
    "next": N_("Next page"),
    "paging": N_("Pages"),
    "photo_of": N_("Photo: {name}"),
    "position": N_("Position"),
    "workplace": N_("Place of work"),
    "university": N_("University"),
    "institute": N_("Institute"),
    "department": N_("Department"),
    "areas": N_("Areas of advice"),
    "interests": N_("Professional interests"),
    "links": N_("Works and projects"),
    "motto": N_("Professional motto"),
    "contact": N_("Contact"),
    "back": N_("All mentors"),
    "language": N_("Language"),
    "not_found_title": N_("Profile not found"),
    "not_found_text": N_(
        "There is no mentor profile at this address. The mentor may have left the "
        "platform, or the link is mistyped."
    ),
}


def setup_public_pages(app: web.Application) -> None:
    """Add the public mentor pages; they read the services the tabs stored on the app."""
    from tabs.routes import SERVICES_KEY

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )

    def services_of(request: web.Request) -> Services:
        return request.app[SERVICES_KEY]

    async def mentor_list(request: web.Request) -> web.Response:
        services = services_of(request)
        page = _Page(request, services, environment)
        rubric = request.query.get("rubric") or None
        number = _page_number(request.query.get("page"))
        try:
            result = await services.profiles.list_mentors(
                page.language, rubric=rubric, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
            )
        except ValidationFailed:
            # An unknown rubric in a hand-edited address lists every mentor.
            rubric = None
            result = await services.profiles.list_mentors(
                page.language, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
            )
        rubrics = await services.workflow.rubrics(page.language)
        pages = max(1, math.ceil(result.total / PAGE_SIZE))
        return page.render(
            "list.html",
            title=page.texts["mentors"],
            mentors=[_card(item, page) for item in result.items],
            rubrics=rubrics,
            rubric=rubric,
            total=result.total,
            page_number=number,
            pages=pages,
            previous_url=page.list_url(rubric, number - 1) if number > 1 else None,
            next_url=page.list_url(rubric, number + 1) if number < pages else None,
            alternate_query={"rubric": rubric} if rubric else {},
        )

    async def mentor_profile(request: web.Request) -> web.Response:
        services = services_of(request)
        page = _Page(request, services, environment)
        mentor_id = _mentor_id(request)
        try:
            if mentor_id is None:
                raise NotFound(what=request.match_info["mentor_id"])
            view = await services.profiles.profile(mentor_id, page.language)
        except NotFound:
            return page.render(
                "not_found.html", status=404, title=page.texts["not_found_title"]
            )
        card = _card(view, page)
        return page.render(
            "profile.html",
            title=f"{card['name']} · {page.texts['mentors']}",
            mentor=card,
            profile=view,
            alternate_query={},
        )

    async def mentor_photo(request: web.Request) -> web.Response:
        mentor_id = _mentor_id(request)
        photo: StoredPhoto | None = None
        if mentor_id is not None:
            try:
                photo = await services_of(request).profiles.photo(mentor_id)
            except NotFound:
                photo = None
        if photo is None:
            return web.Response(
                status=404, text="Not found.\n", headers={"Cache-Control": "no-cache"}
            )
        return photo_response(request, photo)

    app.router.add_get("/mentors", mentor_list)
    app.router.add_get("/mentors/", mentor_list)
    app.router.add_get("/mentors/{mentor_id}", mentor_profile)
    app.router.add_get("/mentors/{mentor_id}/photo", mentor_photo)


def photo_response(request: web.Request, photo: StoredPhoto) -> web.Response:
    """Serve a stored photo with validators; a versioned address may be cached for a year."""
    etag = f'"p{photo.version}"'
    if request.query.get("v") == str(photo.version):
        cache_control = f"public, max-age={VERSIONED_PHOTO_MAX_AGE}, immutable"
    else:
        # The plain address always shows the current photo after a revalidation.
        cache_control = "public, no-cache"
    headers = {
        "ETag": etag,
        "Cache-Control": cache_control,
        "Last-Modified": _http_date(photo),
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline",
    }
    if etag in _etags(request.headers.get("If-None-Match", "")):
        return web.Response(status=304, headers=headers)
    return web.Response(body=photo.content, content_type=photo.content_type, headers=headers)


def _http_date(photo: StoredPhoto) -> str:
    return photo.updated_at.strftime("%a, %d %b %Y %H:%M:%S GMT")


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _mentor_id(request: web.Request) -> int | None:
    raw = request.match_info.get("mentor_id", "")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        return None
    return int(raw)


def _page_number(raw: str | None) -> int:
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        return 1
    return max(1, int(raw))


class _Page:
    """Language, texts and renderer of one public page request."""

    def __init__(
        self, request: web.Request, services: Services, environment: jinja2.Environment
    ) -> None:
        self.request = request
        self.environment = environment
        self.language = pick_language(
            request.query.get("lang") or request.query.get("locale"),
            request.headers.get("Accept-Language", ""),
            services.workflow.settings.default_locale,
        )
        self.translate = Translator(self.language)
        self.texts = {key: self.translate(message) for key, message in _TEXTS.items()}

    def list_url(self, rubric: str | None, number: int) -> str:
        query: dict[str, Any] = {"lang": self.language}
        if rubric:
            query["rubric"] = rubric
        if number > 1:
            query["page"] = number
        return "/mentors?" + urlencode(query)

    def render(self, template: str, *, status: int = 200, **context: Any) -> web.Response:
        alternate = context.pop("alternate_query", {})
        languages = [
            {
                "code": code,
                "name": name,
                "url": self.request.path + "?" + urlencode({**alternate, "lang": code}),
                "current": code == self.language,
            }
            for code, name in (("ru", "Русский"), ("en", "English"))
        ]
        html = self.environment.get_template(template).render(
            lang=self.language,
            t=self.texts,
            translate=self.translate,
            languages=languages,
            list_url=self.list_url(None, 1),
            **context,
        )
        response = web.Response(status=status, text=html, content_type="text/html")
        response.headers["Content-Language"] = self.language
        response.headers["Vary"] = "Accept-Language"
        response.headers["Cache-Control"] = "no-cache"
        return response


def _card(view: MentorSummary, page: _Page) -> dict[str, Any]:
    """Prepare one mentor for a template: the name in the page's order and the photo address."""
    if view.first_name or view.last_name:
        if page.language == "ru":
            parts = (view.last_name, view.first_name, view.patronymic)
        else:
            parts = (view.first_name, view.patronymic, view.last_name)
        name = " ".join(part for part in parts if part)
    else:
        name = view.full_name
    if view.first_name and view.last_name:
        initials = (view.first_name[0] + view.last_name[0]).upper()
    else:
        initials = "".join(part[0] for part in name.split()[:2]).upper()
    photo = f"/mentors/{view.user_id}/photo?v={view.photo_version}" if view.photo_version else None
    return {
        "id": view.user_id,
        "name": name,
        "initials": initials,
        "photo_url": photo,
        "url": f"/mentors/{view.user_id}?lang={page.language}",
        "view": view,
    }
