"""The tab pages: an HTML shell per tab that loads the front-end bundle, and /static/.

``GET /tabs/<page>`` returns ``templates/shell.html``; the React bundle built
from ``tabs/frontend`` (into ``static/build``) renders the page named in
``data-page``. Script and style URLs carry a hash of the file's content, and
chunk names contain one, so browsers and the Teams clients may cache them
for a year.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import jinja2
from aiohttp import web

from teams_app.i18n import language_of
from teams_app.settings import Settings

logger = logging.getLogger(__name__)

TABS_DIR = Path(__file__).resolve().parent
STATIC_DIR = TABS_DIR / "static"
TEMPLATES_DIR = TABS_DIR / "templates"
STATIC_PREFIX = "/static"
BUNDLE_SCRIPT = "build/app.js"
# Written by tabs/frontend/build.mjs: the chunks app.js imports statically.
BUNDLE_MANIFEST = "build/manifest.json"
# Chunk file names contain a hash of their content.
CHUNKS_PREFIX = f"{STATIC_PREFIX}/build/chunks/"
SHELL_STYLE = "shell.css"

# The personal tabs, and "signin": the page web sign-in returns to.
PAGES = ("my", "library", "mentors", "calendar", "forum", "news", "stats")
SIGNIN_PAGE = "signin"

# (Russian, English) titles of the browser window or tab.
_TITLES = {
    "my": ("Мои кейсы", "My cases"),
    "library": ("Библиотека", "Library"),
    "mentors": ("Наставники", "Mentors"),
    "calendar": ("Календарь", "Calendar"),
    "forum": ("Форум", "Forum"),
    "news": ("Новости", "News"),
    "stats": ("Статистика", "Statistics"),
    "signin": ("Вход", "Sign in"),
}
_APP_NAME = ("Наставничество", "Mentoring")
_TEXTS = {
    "loading": ("Загрузка…", "Loading…"),
    "noscript": (
        "Для этой страницы нужен JavaScript. Включите его в браузере или откройте приложение в Microsoft Teams.",
        "This page needs JavaScript. Turn it on in your browser or open the app in Microsoft Teams.",
    ),
    "not_built": (
        "Интерфейс не собран: выполните bash .ci/setup на сервере.",
        "The front end is not built: run bash .ci/setup on the server.",
    ),
}

# Cache lifetime of a static file requested with its content hash (?v=...).
VERSIONED_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class _FileVersion:
    mtime_ns: int
    size: int
    digest: str


class StaticVersions:
    """Content hashes of static files, recomputed only when a file changes on disk."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._known: dict[str, _FileVersion] = {}

    def url(self, name: str) -> str | None:
        """Return ``/static/<name>?v=<hash>``, or None when the file does not exist."""
        path = self._root / name
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        known = self._known.get(name)
        if known is None or (known.mtime_ns, known.size) != (stat.st_mtime_ns, stat.st_size):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            known = _FileVersion(stat.st_mtime_ns, stat.st_size, digest)
            self._known[name] = known
        return f"{STATIC_PREFIX}/{name}?v={known.digest}"


class BundleManifest:
    """The preload list of ``build/manifest.json``, reread only when the file changes."""

    def __init__(self, root: Path) -> None:
        self._path = root / BUNDLE_MANIFEST
        self._stamp: tuple[int, int] | None = None
        self._preload: tuple[str, ...] = ()

    def preload_urls(self) -> tuple[str, ...]:
        """Return the URLs of the chunks to preload; none when the manifest is missing or invalid."""
        try:
            stat = self._path.stat()
        except FileNotFoundError:
            return ()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._stamp = stamp
            self._preload = self._read()
        return self._preload

    def _read(self) -> tuple[str, ...]:
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
            names = [str(name) for name in data["preload"]]
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.error("front-end manifest unreadable path=%s error=%s", self._path, error)
            return ()
        build = STATIC_PREFIX + "/" + BUNDLE_SCRIPT.rsplit("/", 1)[0]
        return tuple(f"{build}/{name}" for name in names if ".." not in name)


def pick_language(query_locale: str | None, accept_language: str, default_locale: str) -> str:
    """Choose ``ru`` or ``en``: ``?locale=``, then Accept-Language by weight, then the default."""
    if query_locale:
        return language_of(query_locale)
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                weight = float(params[2:])
            except ValueError:
                continue
        primary = tag.strip().split("-", 1)[0].lower()
        if primary in ("ru", "en") and weight > 0:
            ranked.append((-weight, index, primary))
    if ranked:
        return min(ranked)[2]
    return language_of(default_locale)


class TabPages:
    """Render the shell of each tab."""

    def __init__(self, settings: Settings, static_dir: Path = STATIC_DIR) -> None:
        self.settings = settings
        self.static_dir = static_dir
        self._versions = StaticVersions(static_dir)
        self._manifest = BundleManifest(static_dir)
        self._environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self._bundle_missing_logged = False

    def render(self, page: str, language: str) -> str:
        english = language == "en"
        script_url = self._versions.url(BUNDLE_SCRIPT)
        if script_url is None and not self._bundle_missing_logged:
            logger.error("front-end bundle missing path=%s", self.static_dir / BUNDLE_SCRIPT)
            self._bundle_missing_logged = True
        texts = {key: pair[english] for key, pair in _TEXTS.items()}
        return self._environment.get_template("shell.html").render(
            lang=language,
            page=page,
            title=f"{_TITLES[page][english]} · {_APP_NAME[english]}",
            script_url=script_url,
            preload_urls=self._manifest.preload_urls() if script_url else (),
            style_url=self._versions.url(SHELL_STYLE),
            # Origins of local Teams stand-ins allowed to frame the tabs. The
            # page lets teams-js accept their messages too.
            host_origins=json.dumps(list(self.settings.extra_frame_ancestors)),
            texts=texts,
        )


PAGES_KEY = web.AppKey("tab_pages", TabPages)


async def tab_page(request: web.Request) -> web.Response:
    page = request.match_info["page"]
    if page not in PAGES and page != SIGNIN_PAGE:
        raise web.HTTPNotFound(text=f"There is no tab called {page!r}.")
    pages = request.app[PAGES_KEY]
    language = pick_language(
        request.query.get("locale"),
        request.headers.get("Accept-Language", ""),
        pages.settings.default_locale,
    )
    response = web.Response(text=pages.render(page, language), content_type="text/html")
    # The shell names the current bundle, so it must not be cached itself.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Language"] = language
    return response


async def tabs_index(request: web.Request) -> web.Response:
    raise web.HTTPFound("/tabs/my")


async def _static_cache_headers(request: web.Request, response: web.StreamResponse) -> None:
    if not request.path.startswith(STATIC_PREFIX + "/") or response.status != 200:
        return
    if "v" in request.query or request.path.startswith(CHUNKS_PREFIX):
        response.headers["Cache-Control"] = f"public, max-age={VERSIONED_MAX_AGE}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"


def setup_pages(app: web.Application, settings: Settings) -> None:
    """Add the tab pages under /tabs/ and the static files under /static/."""
    app[PAGES_KEY] = TabPages(settings)
    app.router.add_get("/tabs", tabs_index)
    app.router.add_get("/tabs/", tabs_index)
    app.router.add_get("/tabs/{page:[a-z]+}", tab_page)
    app.router.add_static(STATIC_PREFIX, STATIC_DIR, follow_symlinks=False)
    app.on_response_prepare.append(_static_cache_headers)
