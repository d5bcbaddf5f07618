"""``python -m manifest build`` run as an administrator would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from manifest.content import DEMO_BOT_APP_ID
from tests.manifest.samples import (
    BOT_APP_ID,
    PUBLIC_HOST,
    SSO_CLIENT_ID,
    TEAMS_APP_ID,
    read_zip,
)

REPOSITORY = Path(__file__).resolve().parents[2]
PACKAGE_FILES = {"manifest.json", "color.png", "outline.png", "ru-ru.json"}


def _run(*arguments: str, **variables: str) -> subprocess.CompletedProcess[str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("MENTORING_", "MICROSOFT_APP_"))
    }
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "-m", "manifest", "build", *arguments],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_build_without_app_id_fails(tmp_path: Path) -> None:
    out = tmp_path / "package.zip"
    result = _run("--out", str(out))
    assert result.returncode != 0
    assert "MICROSOFT_APP_ID is not set" in result.stderr
    assert "--demo" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_build_with_demo_succeeds(tmp_path: Path) -> None:
    out = tmp_path / "package.zip"
    result = _run("--out", str(out), "--demo")
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout
    assert "placeholder" in result.stderr
    files = read_zip(out)
    assert set(files) == PACKAGE_FILES
    manifest = json.loads(files["manifest.json"])
    assert manifest["bots"][0]["botId"] == DEMO_BOT_APP_ID


def test_build_reads_environment(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "package.zip"
    result = _run(
        "--out",
        str(out),
        MICROSOFT_APP_ID=BOT_APP_ID,
        MENTORING_AAD_CLIENT_ID=SSO_CLIENT_ID,
        MENTORING_TEAMS_APP_ID=TEAMS_APP_ID,
        MENTORING_APP_VERSION="3.1.4",
        MENTORING_PUBLIC_BASE_URL=f"https://{PUBLIC_HOST}/",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    manifest = json.loads(read_zip(out)["manifest.json"])
    assert manifest["id"] == TEAMS_APP_ID
    assert manifest["version"] == "3.1.4"
    assert manifest["bots"][0]["botId"] == BOT_APP_ID
    assert manifest["validDomains"] == [PUBLIC_HOST]
    assert manifest["webApplicationInfo"]["resource"] == f"api://{PUBLIC_HOST}/{SSO_CLIENT_ID}"


def test_build_lists_every_settings_problem(tmp_path: Path) -> None:
    out = tmp_path / "package.zip"
    result = _run(
        "--out",
        str(out),
        MICROSOFT_APP_ID="bot",
        MENTORING_PUBLIC_BASE_URL="http://mentoring.example.org",
    )
    assert result.returncode != 0
    assert "MICROSOFT_APP_ID must be a GUID, got 'bot'" in result.stderr
    assert "MENTORING_PUBLIC_BASE_URL must be an https:// URL" in result.stderr
    assert not out.exists()


def test_default_output_is_under_var() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "manifest", "build", "--help"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert "var/mentoring-teams-app.zip" in result.stdout
