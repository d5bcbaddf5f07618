"""The app factory: the one place that wires settings, storage, workflow, bot and tabs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.engine import make_url

from teams_app.services import build_services
from teams_app.settings import Settings
from teams_app.storage.db import Database
from teams_app.storage.migrate import upgrade_to_head_async
from teams_app.storage.seed import load_demo_data, load_reference_data
from teams_app.workflow import Workflow

logger = logging.getLogger(__name__)

SETTINGS_KEY = web.AppKey("settings", Settings)
DATABASE_KEY = web.AppKey("database", Database)
WORKFLOW_KEY = web.AppKey("workflow", Workflow)


def create_app(settings: Settings) -> web.Application:
    """Build the aiohttp application; the database opens and closes with the app."""
    from bot.routes import setup_bot
    from tabs.routes import setup_tabs

    _ensure_sqlite_folder(settings.database_url)
    database = Database(settings.database_url)
    workflow = Workflow(database, settings)

    app = web.Application()
    app[SETTINGS_KEY] = settings
    app[DATABASE_KEY] = database
    app[WORKFLOW_KEY] = workflow
    app.cleanup_ctx.append(_database_context)
    app.router.add_get("/healthz", health)
    setup_bot(app, workflow, settings)
    setup_tabs(app, build_services(database, settings, workflow), settings)
    return app


async def prepare_database(database: Database, settings: Settings) -> None:
    """Migrate the schema and load seed data (and demo data in demo mode); safe to repeat."""
    await upgrade_to_head_async(settings.database_url)
    async with database.transaction() as session:
        await load_reference_data(session)
        if settings.demo:
            await load_demo_data(session)


async def _database_context(app: web.Application) -> AsyncIterator[None]:
    database = app[DATABASE_KEY]
    settings = app[SETTINGS_KEY]
    if settings.migrate_on_start:
        await prepare_database(database, settings)
    logger.info("database ready dialect=%s demo=%s", database.dialect, settings.demo)
    yield
    await database.dispose()


async def health(request: web.Request) -> web.Response:
    """Report whether the app and its database answer."""
    async with request.app[DATABASE_KEY].transaction() as session:
        await session.execute(text("SELECT 1"))
    return web.json_response({"status": "ok"})


def _ensure_sqlite_folder(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
