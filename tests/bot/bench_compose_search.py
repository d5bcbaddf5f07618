"""Measure the latency of library searches from the compose box.

Not a test: run it by hand, from the repository root::

    .venv/bin/python tests/bot/bench_compose_search.py --requests 300 --extra-entries 2000

It serves the real app on 127.0.0.1 with the demo library plus
``--extra-entries`` generated entries, on a throw-away SQLite file or, with
``--engine postgresql``, on a throw-away database of the local server. It
then posts ``composeExtension/query`` activities (typed queries in Russian and
English, the default query of ``initialRun`` and second pages) over HTTP and,
in turn with each, a ``GET /healthz`` that runs ``SELECT 1``. It prints the
median and 95th percentile latency of both and their ratio. Teams waits five
seconds for a search answer.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from teams_app.app import WORKFLOW_KEY, create_app  # noqa: E402
from teams_app.domain.enums import LibraryEntryKind, LibraryEntryStatus, MaterialType  # noqa: E402
from teams_app.settings import Settings  # noqa: E402
from teams_app.storage import search  # noqa: E402
from teams_app.storage.models import LibraryEntry, LibraryEntryRubric  # noqa: E402

FIXTURES = Path(__file__).with_name("fixtures")
TIMEOUT_SECONDS = 5.0

# (locale, query text or None for the initial run, skip)
QUERIES: list[tuple[str, str | None, int]] = [
    ("ru-RU", None, 0),
    ("ru-RU", "родители", 0),
    ("ru-RU", "родители", 25),
    ("ru-RU", "дисциплина на уроке", 0),
    ("ru-RU", "выгорание", 0),
    ("ru-RU", "трудовой кодекс замены", 0),
    ("en-US", None, 25),
    ("en-US", "parents", 0),
    ("en-US", "online lessons", 0),
    ("en-US", "gifted pupil", 0),
]

SENTENCES = [
    "Разговор с родителями после собрания прошёл трудно.",
    "Класс шумит после большой перемены, дисциплина падает.",
    "Молодой учитель чувствует усталость и выгорание.",
    "Замены уроков и дополнительная нагрузка по Трудовому кодексу.",
    "Ученик скучает на уроках математики и просит задачи сложнее.",
    "Критерии оценивания сочинений вызывают споры с родителями.",
    "Parents write late in the evening and expect quick answers.",
    "Students keep their cameras off in online lessons.",
    "A gifted pupil finishes every task early and gets bored.",
    "Restorative conversations help after a classroom conflict.",
]
RUBRICS = ["parents", "class_management", "professional_ethics", "education_law"]


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requests", type=int, default=200, help="compose queries to time, and as many /healthz"
    )
    parser.add_argument(
        "--extra-entries",
        type=int,
        default=1000,
        help="generated published entries added to the demo library",
    )
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--postgres-admin-url",
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
        help="server on which --engine postgresql creates and drops its database",
    )
    parser.add_argument("--warm-up", type=int, default=20, help="untimed requests of each kind")
    return parser.parse_args()


async def add_generated_entries(app: web.Application, count: int) -> None:
    """Insert ``count`` published entries of mixed sentences, indexed as publishing does."""
    rng = random.Random(20260302)
    workflow = app[WORKFLOW_KEY]
    async with workflow.db.transaction() as session:
        for number in range(count):
            kind = rng.choice(list(LibraryEntryKind))
            rubrics = rng.sample(RUBRICS, 2)
            essence = " ".join(rng.sample(SENTENCES, 4))
            is_material = kind == LibraryEntryKind.MATERIAL
            entry = LibraryEntry(
                kind=kind,
                material_type=MaterialType.ARTICLE if is_material else None,
                status=LibraryEntryStatus.PUBLISHED,
                title=f"{rng.choice(SENTENCES)[:60]} ({number})",
                summary=" ".join(rng.sample(SENTENCES, 2)),
                url="https://example.org/library/generated" if is_material else None,
                body={} if is_material else {"essence": essence},
                rubrics=rubrics,
            )
            session.add(entry)
            await session.flush()
            for key in rubrics:
                session.add(LibraryEntryRubric(entry_id=entry.id, rubric_key=key))
            await search.index_entry(session, entry)


def query_activity(service_url: str, locale: str, query: str | None, skip: int) -> dict[str, Any]:
    name = "compose_initial_run.json" if query is None else "compose_query.json"
    activity: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    activity = copy.deepcopy(activity)
    activity["id"] = f"f:{uuid.uuid4()}"
    activity["serviceUrl"] = service_url
    activity["locale"] = locale
    if query is not None:
        activity["value"]["parameters"] = [{"name": "query", "value": query}]
    activity["value"]["queryOptions"] = {"skip": skip, "count": 25}
    return activity


async def timed_query(session: aiohttp.ClientSession, base: str, activity: dict[str, Any]) -> float:
    start = time.perf_counter()
    async with session.post(f"{base}/api/messages", json=activity) as response:
        body = await response.json()
    elapsed = time.perf_counter() - start
    if response.status != 200 or "composeExtension" not in body:
        raise RuntimeError(f"query failed with {response.status}: {body}")
    return elapsed


async def timed_health(session: aiohttp.ClientSession, base: str) -> float:
    start = time.perf_counter()
    async with session.get(f"{base}/healthz") as response:
        await response.read()
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise RuntimeError(f"/healthz failed with {response.status}")
    return elapsed


def percentile_95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


def report(name: str, samples: list[float]) -> tuple[float, float]:
    median = statistics.median(samples)
    p95 = percentile_95(samples)
    print(
        f"{name:<22} n={len(samples):<5} median={median * 1000:8.2f} ms  "
        f"p95={p95 * 1000:8.2f} ms  max={max(samples) * 1000:8.2f} ms"
    )
    return median, p95


async def run(arguments: argparse.Namespace, database_url: str) -> None:
    settings = Settings(
        database_url=database_url,
        migrate_on_start=True,
        demo=True,
        public_base_url="https://mentoring.example.org",
    )
    app = create_app(settings)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    base = f"http://127.0.0.1:{port}"
    try:
        await add_generated_entries(app, arguments.extra_entries)
        # No connector is called on this path, so the service URL leads nowhere.
        service_url = "http://127.0.0.1:9/"
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for number in range(arguments.warm_up):
                locale, query, skip = QUERIES[number % len(QUERIES)]
                await timed_query(session, base, query_activity(service_url, locale, query, skip))
                await timed_health(session, base)

            queries: list[float] = []
            health: list[float] = []
            for number in range(arguments.requests):
                locale, query, skip = QUERIES[number % len(QUERIES)]
                activity = query_activity(service_url, locale, query, skip)
                queries.append(await timed_query(session, base, activity))
                health.append(await timed_health(session, base))
    finally:
        await runner.cleanup()

    entries = arguments.extra_entries
    print(f"engine={arguments.engine} library=demo+{entries} generated entries")
    query_median, query_p95 = report("composeExtension/query", queries)
    health_median, health_p95 = report("GET /healthz", health)
    print(
        f"ratio query/healthz: median {query_median / health_median:.2f}x, "
        f"p95 {query_p95 / health_p95:.2f}x; "
        f"query p95 is {query_p95 / TIMEOUT_SECONDS:.1%} of Teams' 5 s"
    )


async def with_postgres(arguments: argparse.Namespace) -> None:
    admin_url = arguments.postgres_admin_url
    name = f"mentoring_bench_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        await run(arguments, url)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


def main() -> None:
    arguments = parse_arguments()
    if arguments.requests < 2:
        raise SystemExit("--requests must be at least 2 to compute percentiles")
    if arguments.engine == "postgresql":
        asyncio.run(with_postgres(arguments))
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(run(arguments, url))


if __name__ == "__main__":
    main()
