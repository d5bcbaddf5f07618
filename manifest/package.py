"""Assemble, validate and zip the Teams app package."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manifest.content import (
    COLOR_ICON,
    OUTLINE_ICON,
    RUSSIAN_FILE,
    PackageIdentity,
    build_manifest,
    resolve_identity,
)
from manifest.validation import (
    Problem,
    icon_problems,
    localization_problems,
    manifest_problems,
)
from teams_app.settings import Settings

MANIFEST_FOLDER = Path(__file__).resolve().parent
MANIFEST_FILE = "manifest.json"
DEFAULT_OUTPUT = Path("var") / "mentoring-teams-app.zip"

# Every entry gets this timestamp, so equal inputs give byte-equal zips.
_ZIP_TIMESTAMP = (2024, 1, 1, 0, 0, 0)


class InvalidPackage(Exception):
    """A package that breaks the schema or the icon rules, raised before anything is written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Package:
    """The files of a package by their name at the zip root, and the ids in it."""

    identity: PackageIdentity
    manifest: dict[str, Any]
    files: dict[str, bytes]


def assemble_package(settings: Settings, *, demo: bool = False) -> Package:
    """Build the manifest for ``settings`` and collect the files beside it.

    Raises ``manifest.content.PackageConfigError`` for unusable settings.
    """
    identity = resolve_identity(settings, demo=demo)
    manifest = build_manifest(identity)
    files = {
        MANIFEST_FILE: _json_bytes(manifest),
        COLOR_ICON: (MANIFEST_FOLDER / COLOR_ICON).read_bytes(),
        OUTLINE_ICON: (MANIFEST_FOLDER / OUTLINE_ICON).read_bytes(),
        RUSSIAN_FILE: (MANIFEST_FOLDER / RUSSIAN_FILE).read_bytes(),
    }
    return Package(identity=identity, manifest=manifest, files=files)


def package_problems(package: Package) -> list[Problem]:
    """Validate the manifest, the Russian file and the icons of a package."""
    problems = manifest_problems(package.manifest)
    try:
        russian = json.loads(package.files[RUSSIAN_FILE].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        problems.append(Problem(RUSSIAN_FILE, "", f"not valid UTF-8 JSON: {error}"))
    else:
        problems.extend(localization_problems(russian, package.manifest, RUSSIAN_FILE))
    problems.extend(icon_problems(package.files))
    return problems


def write_package(package: Package, out: Path) -> Path:
    """Validate the package and write it as a zip, or raise ``InvalidPackage`` without writing."""
    problems = package_problems(package)
    if problems:
        raise InvalidPackage(problems)

    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in package.files.items():
            entry = zipfile.ZipInfo(name, date_time=_ZIP_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    partial.replace(out)
    return out


def build_package(settings: Settings, out: Path, *, demo: bool = False) -> Package:
    """Assemble, validate and write the package for ``settings`` to ``out``."""
    package = assemble_package(settings, demo=demo)
    write_package(package, out)
    return package


def _json_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
