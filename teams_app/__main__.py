"""Serve the app: ``python -m teams_app`` (settings come from the environment)."""

from __future__ import annotations

import logging

from aiohttp import web

from teams_app.app import create_app
from teams_app.settings import Settings


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = Settings.from_env()
    web.run_app(create_app(settings), host=settings.host, port=settings.port)


if __name__ == "__main__":
    main()
