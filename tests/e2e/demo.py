"""Run the app in demo mode with two Agents Playground instances: a teacher and a mentor.

Run it as ``.venv/bin/python -m tests.e2e.demo`` from the repository root
(``bash .ci/demo`` sets the machine up first). The app serves
``http://127.0.0.1:3978`` on the SQLite database ``var/demo.db``. Demo mode
makes the mentor a mentor and a moderator. The Playground UIs listen on the
ports in ``MENTORING_DEMO_TEACHER_PORT`` and ``MENTORING_DEMO_MENTOR_PORT``
(56150 and 56151 by default). Ctrl+C or SIGTERM stops everything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from pathlib import Path

from aiohttp import web

from teams_app.app import create_app
from teams_app.settings import Settings
from tests.e2e.playground import PlaygroundInstance, PlaygroundUser

logger = logging.getLogger(__name__)

REPOSITORY_DIR = Path(__file__).resolve().parents[2]
DATABASE_PATH = REPOSITORY_DIR / "var" / "demo.db"
APP_HOST = "127.0.0.1"
APP_PORT = 3978
TEACHER_PORT_VARIABLE = "MENTORING_DEMO_TEACHER_PORT"
MENTOR_PORT_VARIABLE = "MENTORING_DEMO_MENTOR_PORT"
DEFAULT_TEACHER_PORT = 56150
DEFAULT_MENTOR_PORT = 56151

DEMO_TENANT_ID = "4f0c2a9e-6b1d-4c3e-8a7f-2d9e1b0c3a51"
DEMO_BOT_ID = "28:mentoring-demo-bot"
DEMO_BOT_NAME = "Наставничество"
TEACHER = PlaygroundUser(
    id="29:demo-teacher",
    name="Анна Петрова",
    aad_object_id="d1111111-1111-4111-8111-111111111111",
    tenant_id=DEMO_TENANT_ID,
    email="anna.petrova@example.com",
)
MENTOR = PlaygroundUser(
    id="29:demo-mentor",
    name="Наталья Орлова",
    aad_object_id="d2222222-2222-4222-8222-222222222222",
    tenant_id=DEMO_TENANT_ID,
    email="natalya.orlova@example.com",
)


def port_from_env(variable: str, default: int) -> int:
    """Read a TCP port from the environment variable ``variable``."""
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    try:
        port = int(value)
    except ValueError:
        raise SystemExit(f"{variable}={value!r} is invalid: expected a TCP port number") from None
    if not 0 < port < 65536:
        raise SystemExit(f"{variable}={port} is invalid: expected a port from 1 to 65535")
    return port


def demo_settings() -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{DATABASE_PATH}",
        host=APP_HOST,
        port=APP_PORT,
        demo=True,
        demo_mentor_ids=(MENTOR.id,),
        public_base_url=f"http://{APP_HOST}:{APP_PORT}",
    )


async def run_demo() -> None:
    """Start the app and both Playgrounds, wait for SIGINT or SIGTERM, then stop them."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)

    settings = demo_settings()
    runner = web.AppRunner(create_app(settings))
    await runner.setup()
    instances: list[PlaygroundInstance] = []
    try:
        site = web.TCPSite(runner, settings.host, settings.port)
        await site.start()
        app_url = f"http://{settings.host}:{settings.port}"
        logger.info("app started at %s database=%s", app_url, DATABASE_PATH)

        endpoint = f"{app_url}/api/messages"
        for user, port in (
            (TEACHER, port_from_env(TEACHER_PORT_VARIABLE, DEFAULT_TEACHER_PORT)),
            (MENTOR, port_from_env(MENTOR_PORT_VARIABLE, DEFAULT_MENTOR_PORT)),
        ):
            instance = PlaygroundInstance(
                user=user,
                bot_endpoint=endpoint,
                ui_port=port,
                bot_id=DEMO_BOT_ID,
                bot_name=DEMO_BOT_NAME,
            )
            await instance.start()
            instances.append(instance)

        teacher, mentor = instances
        print(f"Teacher ({TEACHER.name}): {teacher.url}", flush=True)
        print(f"Mentor and moderator ({MENTOR.name}): {mentor.url}", flush=True)
        print(f"App: {app_url} (health check: {app_url}/healthz)", flush=True)
        print(f"Tabs: {app_url}/tabs/my (pick a demo user to sign in)", flush=True)
        print(f"Public mentor profiles: {app_url}/mentors", flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        await stop.wait()
        logger.info("stopping the demo")
    finally:
        for instance in reversed(instances):
            with contextlib.suppress(Exception):
                await instance.stop()
        await runner.cleanup()
        logger.info("demo stopped")


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(run_demo())


if __name__ == "__main__":
    main()
