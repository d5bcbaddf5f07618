"""Shared fixtures: a migrated, seeded database on the engine chosen for this run.

With ``MENTORING_TEST_ENGINE=sqlite`` (the default) each test gets a fresh
SQLite file. With ``MENTORING_TEST_ENGINE=postgresql`` one throw-away database
is migrated per test session on ``MENTORING_TEST_POSTGRES_URL`` (default: the
local server), and its tables are emptied before each test.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from teams_app.settings import Settings
from teams_app.storage.db import Database
from teams_app.storage.migrate import upgrade_to_head
from teams_app.storage.models import Base
from teams_app.storage.seed import load_reference_data
from teams_app.workflow import Workflow

ENGINE = os.environ.get("MENTORING_TEST_ENGINE", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get(
    "MENTORING_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
SAMPLES_DIR = Path(__file__).resolve().parents[2] / "shared" / "samples"


def pytest_report_header() -> str:
    return f"database engine: {ENGINE}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The end-to-end tests serve the app on SQLite whatever the engine, so a
    # PostgreSQL run would only repeat them.
    if ENGINE == "sqlite":
        return
    skip = pytest.mark.skip(reason="end-to-end tests run in the SQLite pass only")
    for item in items:
        if item.get_closest_marker("e2e") is not None:
            item.add_marker(skip)


async def _admin_execute(statement: str) -> None:
    engine = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(statement))
    await engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def no_implicit_event_loop() -> None:
    """Mark the main thread as having no current event loop.

    Otherwise pytest-asyncio's first ``asyncio.get_event_loop()`` creates a
    loop that nothing closes. The next ``asyncio.run``, which migrates or
    empties the database in the ``database_url`` fixture, drops that loop.
    Its ResourceWarning then fails whichever test is being set up.
    """
    asyncio.set_event_loop(None)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    name = f"mentoring_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    upgrade_to_head(url)
    yield url
    asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per test session; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("template") / "mentoring.db"
    upgrade_to_head(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if ENGINE == "postgresql":
        url = request.getfixturevalue("postgres_url")
        asyncio.run(_truncate_postgres(url))
        return url
    template = request.getfixturevalue("sqlite_template")
    path = tmp_path / "mentoring.db"
    # The migration closed its connections, so the WAL is checkpointed into the file.
    shutil.copyfile(template, path)
    return f"sqlite+aiosqlite:///{path}"


async def _truncate_postgres(url: str) -> None:
    engine = create_async_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables}, library_search RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, migrate_on_start=False)


@pytest_asyncio.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    db = Database(settings.database_url)
    async with db.transaction() as session:
        await load_reference_data(session)
    yield db
    await db.dispose()


@pytest_asyncio.fixture
async def workflow(database: Database, settings: Settings) -> Workflow:
    return Workflow(database, settings)
