"""The validator rejects broken manifests, language files and icons."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from PIL import Image
from referencing.exceptions import Unresolvable

from manifest.content import build_manifest, resolve_identity
from manifest.package import InvalidPackage, Package, assemble_package, write_package
from manifest.validation import (
    icon_problems,
    json_path,
    load_schema,
    localization_problems,
    manifest_problems,
    schema_problems,
)
from tests.manifest.samples import custom_settings, read_zip

# An MCP connector whose authorization type needs a referenceId, without
# one: the schema requires it through "if"/"then".
CONNECTOR_WITHOUT_REFERENCE = {
    "id": "library",
    "displayName": "Library",
    "toolSource": {
        "remoteMcpServer": {
            "mcpServerUrl": "https://mentoring.example.org/mcp",
            "authorization": {"type": "OAuthPluginVault"},
        }
    },
}


@pytest.fixture
def manifest() -> dict:
    return build_manifest(resolve_identity(custom_settings()))


@pytest.fixture
def russian(tmp_path: Path) -> dict:
    files = assemble_package(custom_settings()).files
    return json.loads(files["ru-ru.json"])


def _paths(problems: list) -> list[str]:
    return [problem.path for problem in problems]


def test_valid_manifest_has_no_problems(manifest: dict) -> None:
    assert manifest_problems(manifest) == []


def test_wrong_manifest_version_rejected(manifest: dict) -> None:
    manifest["manifestVersion"] = "1.29"
    problems = manifest_problems(manifest)
    assert _paths(problems) == ["$.manifestVersion"]
    assert "'1.30' was expected" in problems[0].message


def test_draft4_alone_misses_const(manifest: dict) -> None:
    # Shows why a draft-7 run is needed: the declared validator passes it.
    manifest["manifestVersion"] = "1.29"
    schema = load_schema("MicrosoftTeams.schema.json")
    assert list(Draft4Validator(schema).iter_errors(manifest)) == []


def test_missing_required_field_rejected(manifest: dict) -> None:
    del manifest["developer"]
    del manifest["bots"][0]["botId"]
    problems = manifest_problems(manifest)
    messages = {(problem.path, problem.message) for problem in problems}
    assert ("$", "'developer' is a required property") in messages
    assert ("$.bots[0]", "'botId' is a required property") in messages
    assert len(problems) == 2


def test_if_then_violation_rejected(manifest: dict) -> None:
    manifest["agentConnectors"] = [copy.deepcopy(CONNECTOR_WITHOUT_REFERENCE)]
    problems = manifest_problems(manifest)
    assert _paths(problems) == [
        "$.agentConnectors[0].toolSource.remoteMcpServer.authorization"
    ]
    assert "'referenceId' is a required property" in problems[0].message


def test_draft4_alone_misses_if_then(manifest: dict) -> None:
    manifest["agentConnectors"] = [copy.deepcopy(CONNECTOR_WITHOUT_REFERENCE)]
    schema = load_schema("MicrosoftTeams.schema.json")
    assert list(Draft4Validator(schema).iter_errors(manifest)) == []


def test_if_then_satisfied_passes(manifest: dict) -> None:
    connector = copy.deepcopy(CONNECTOR_WITHOUT_REFERENCE)
    connector["toolSource"]["remoteMcpServer"]["authorization"]["referenceId"] = "ref-1"
    manifest["agentConnectors"] = [connector]
    assert manifest_problems(manifest) == []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda m: m["bots"][0].update(botId="not-a-guid"), "$.bots[0].botId"),
        (lambda m: m["name"].update(short="x" * 31), "$.name.short"),
        (lambda m: m.update(accentColor="blue"), "$.accentColor"),
        (lambda m: m.update(unknownField=True), "$"),
        (lambda m: m["staticTabs"][1].update(contentUrl="ftp://x"), "$.staticTabs[1].contentUrl"),
    ],
)
def test_schema_errors_carry_json_path(manifest: dict, change, path: str) -> None:
    change(manifest)
    assert _paths(manifest_problems(manifest)) == [path]


def test_broken_package_not_written(tmp_path: Path) -> None:
    package = assemble_package(custom_settings())
    broken = copy.deepcopy(package.manifest)
    broken["manifestVersion"] = "1.29"
    del broken["accentColor"]
    out = tmp_path / "package.zip"
    with pytest.raises(InvalidPackage) as raised:
        write_package(Package(package.identity, broken, package.files), out)
    assert _paths(raised.value.problems) == ["$", "$.manifestVersion"]
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_remote_ref_not_fetched() -> None:
    schema = {"$ref": "https://example.invalid/remote.schema.json"}
    with pytest.raises(Unresolvable):
        schema_problems({}, schema, "manifest.json")


def test_json_path_quotes_dotted_keys() -> None:
    assert json_path(["bots", 0, "botId"]) == "$.bots[0].botId"
    assert json_path(["name.short"]) == "$['name.short']"


# ------------------------------------------------------- the Russian file


def test_missing_translation_rejected(manifest: dict, russian: dict) -> None:
    del russian["staticTabs[3].name"]
    problems = localization_problems(russian, manifest, "ru-ru.json")
    assert _paths(problems) == ["$['staticTabs[3].name']"]
    assert "'Mentors'" in problems[0].message


def test_stale_translation_rejected(manifest: dict, russian: dict) -> None:
    russian["staticTabs[9].name"] = "Опросы"
    problems = localization_problems(russian, manifest, "ru-ru.json")
    assert _paths(problems) == ["$['staticTabs[9].name']"]


def test_too_long_translation_rejected(manifest: dict, russian: dict) -> None:
    russian["name.short"] = "Н" * 31
    problems = localization_problems(russian, manifest, "ru-ru.json")
    assert _paths(problems) == ["$['name.short']"]


def test_blank_translation_rejected(manifest: dict, russian: dict) -> None:
    russian["description.short"] = "   "
    problems = localization_problems(russian, manifest, "ru-ru.json")
    assert _paths(problems) == ["$['description.short']"]


def test_unknown_localization_key_rejected(manifest: dict, russian: dict) -> None:
    russian["accentColor"] = "#000000"
    paths = _paths(localization_problems(russian, manifest, "ru-ru.json"))
    assert "$" in paths


# ------------------------------------------------------------------ icons


def _png(mode: str, size: tuple[int, int], color) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def test_committed_icons_pass(built_zip: Path) -> None:
    assert icon_problems(read_zip(built_zip)) == []


def test_wrong_icon_size_rejected(built_zip: Path) -> None:
    files = read_zip(built_zip)
    files["color.png"] = _png("RGB", (96, 96), (46, 109, 180))
    problems = icon_problems(files)
    assert [str(problem) for problem in problems] == [
        "color.png: must be 192x192 pixels, got 96x96"
    ]


def test_opaque_outline_rejected(built_zip: Path) -> None:
    files = read_zip(built_zip)
    files["outline.png"] = _png("RGB", (32, 32), (255, 255, 255))
    problems = icon_problems(files)
    assert len(problems) == 1
    assert "alpha channel" in problems[0].message


def test_outline_with_background_rejected(built_zip: Path) -> None:
    files = read_zip(built_zip)
    files["outline.png"] = _png("RGBA", (32, 32), (255, 255, 255, 255))
    problems = icon_problems(files)
    assert len(problems) == 1
    assert "transparent at the corners" in problems[0].message


def test_coloured_outline_rejected(built_zip: Path) -> None:
    files = read_zip(built_zip)
    image = Image.open(io.BytesIO(files["outline.png"])).copy()
    image.putpixel((16, 16), (46, 109, 180, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    files["outline.png"] = buffer.getvalue()
    problems = icon_problems(files)
    assert len(problems) == 1
    assert "must be white" in problems[0].message
    assert "(16, 16)" in problems[0].message


def test_jpeg_icon_rejected(built_zip: Path) -> None:
    files = read_zip(built_zip)
    buffer = io.BytesIO()
    Image.new("RGB", (192, 192), (46, 109, 180)).save(buffer, format="JPEG")
    files["color.png"] = buffer.getvalue()
    assert [str(problem) for problem in icon_problems(files)] == [
        "color.png: must be a PNG image, got JPEG"
    ]
