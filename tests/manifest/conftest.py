"""Fixtures for the Teams app package tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifest.package import build_package
from manifest.validation import SCHEMA_DIR
from tests.manifest.samples import custom_settings


@pytest.fixture(autouse=True)
def schemas_installed() -> None:
    if not SCHEMA_DIR.is_dir():
        pytest.fail(
            f"{SCHEMA_DIR} is missing: run `bash .ci/setup` to install the npm package "
            "@microsoft/app-manifest into manifest/node_modules",
            pytrace=False,
        )


@pytest.fixture
def built_zip(tmp_path: Path) -> Path:
    out = tmp_path / "out" / "package.zip"
    build_package(custom_settings(), out)
    return out
