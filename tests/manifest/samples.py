"""Settings with custom ids and host, so tests can see where each value lands."""

from __future__ import annotations

import zipfile
from pathlib import Path

from teams_app.settings import Settings

TEAMS_APP_ID = "3f2b8c41-7d65-4e0a-9b1c-52e8f0a6d7c9"
BOT_APP_ID = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
SSO_CLIENT_ID = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
PUBLIC_HOST = "mentoring.example.org"
APP_VERSION = "2.3.4"


def custom_settings(**changes: object) -> Settings:
    values: dict[str, object] = {
        "public_base_url": f"https://{PUBLIC_HOST}",
        "teams_app_id": TEAMS_APP_ID,
        "app_version": APP_VERSION,
        "app_id": BOT_APP_ID,
        "aad_client_id": SSO_CLIENT_ID,
    }
    values.update(changes)
    return Settings(**values)  # type: ignore[arg-type]


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
