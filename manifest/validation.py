"""Offline checks of the package against the official Teams JSON schemas.

The schemas come from the npm package ``@microsoft/app-manifest`` installed
in ``manifest/node_modules`` by ``bash .ci/setup``. They declare draft-04 but
use ``const`` (on ``manifestVersion``) and ``if``/``then``, which a draft-04
validator silently ignores. So every document is checked by the declared
validator and by a draft-7 one, which implements both keywords.

Some schema nodes also put keywords such as ``maxLength`` beside ``$ref``
(``name.short`` in the localization schema). Drafts 4 and 7 ignore them,
but Ajv, the validator of the npm package, applies them by default. So such
nodes are rewritten as ``allOf`` of the reference and the other keywords.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError
from jsonschema.validators import validator_for
from PIL import Image
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT4

from manifest.content import (
    COLOR_ICON,
    LOCALIZATION_SCHEMA_URL,
    MANIFEST_VERSION,
    OUTLINE_ICON,
    SCHEMA_URL,
)

NPM_PACKAGE = "@microsoft/app-manifest"
SCHEMA_DIR = (
    Path(__file__).resolve().parent
    / "node_modules"
    / NPM_PACKAGE
    / "build"
    / "json-schemas"
    / "teams"
    / f"v{MANIFEST_VERSION}"
)
MANIFEST_SCHEMA_FILE = "MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA_FILE = "MicrosoftTeams.Localization.schema.json"

# Pixel sizes that Teams requires of the two icons.
COLOR_ICON_SIZE = (192, 192)
OUTLINE_ICON_SIZE = (32, 32)

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


class SchemaNotInstalled(Exception):
    """The npm package with the schemas is missing from manifest/node_modules."""


@dataclass(frozen=True)
class Problem:
    """One reason a package is invalid: the file, the JSON path in it and what is wrong."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


@cache
def load_schema(file_name: str) -> dict[str, Any]:
    """Read one schema of the pinned manifest version from node_modules."""
    path = SCHEMA_DIR / file_name
    if not path.is_file():
        raise SchemaNotInstalled(
            f"{path} not found: the Teams manifest schemas come from the npm package "
            f"{NPM_PACKAGE}; run `bash .ci/setup` to install it into manifest/node_modules."
        )
    return json.loads(path.read_text(encoding="utf-8"))


def _reject_remote_ref(uri: str) -> Resource[Any]:
    # Every $ref must resolve inside the bundled schemas, so nothing is fetched.
    raise NoSuchResource(ref=uri)


@cache
def _registry() -> Registry[Any]:
    resources = [
        (SCHEMA_URL, load_schema(MANIFEST_SCHEMA_FILE)),
        (LOCALIZATION_SCHEMA_URL, load_schema(LOCALIZATION_SCHEMA_FILE)),
    ]
    return Registry(retrieve=_reject_remote_ref).with_resources(  # type: ignore[call-arg]
        (uri, Resource.from_contents(contents, default_specification=DRAFT4))
        for uri, contents in resources
    )


def json_path(parts: Iterable[str | int]) -> str:
    """Format a path into a document as JSONPath, e.g. ``$.bots[0]['name.short']``."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.match(part):
            text += f".{part}"
        else:
            text += "[" + json.dumps(part, ensure_ascii=False).replace('"', "'") + "]"
    return text


def schema_problems(document: Any, schema: Mapping[str, Any], file_name: str) -> list[Problem]:
    """Validate a document with the schema's declared validator and with draft 7.

    Errors that both validators report are listed once.
    """
    declared = validator_for(schema, default=Draft7Validator)
    validator_classes = [declared]
    if declared is not Draft7Validator:
        validator_classes.append(Draft7Validator)

    # Without "$schema" at the root, jsonschema cannot switch a draft-7 run
    # back to the declared draft when it descends into the root.
    root = _apply_ref_siblings({key: value for key, value in schema.items() if key != "$schema"})

    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for validator_class in validator_classes:
        validator = validator_class(
            root,
            registry=_registry(),
            format_checker=validator_class.FORMAT_CHECKER,
        )
        errors: Iterable[ValidationError] = validator.iter_errors(document)
        for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
            path = json_path(error.absolute_path)
            if (path, error.message) in seen:
                continue
            seen.add((path, error.message))
            problems.append(Problem(file_name, path, error.message))
    return problems


def _apply_ref_siblings(node: Any) -> Any:
    """Copy a schema, turning ``{"$ref": r, **others}`` into ``allOf`` of both parts."""
    if isinstance(node, list):
        return [_apply_ref_siblings(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    copied = {key: _apply_ref_siblings(value) for key, value in node.items()}
    reference = copied.get("$ref")
    # A property named "$ref" inside "properties" maps to a schema, not a string.
    if not isinstance(reference, str) or len(copied) == 1:
        return copied
    others = {key: value for key, value in copied.items() if key != "$ref"}
    return {"allOf": [{"$ref": reference}, others]}


def manifest_problems(manifest: Any) -> list[Problem]:
    return schema_problems(manifest, load_schema(MANIFEST_SCHEMA_FILE), "manifest.json")


def localization_problems(
    localization: Any, manifest: Mapping[str, Any], file_name: str
) -> list[Problem]:
    """Validate a language file and check that it translates exactly the manifest's texts."""
    schema = load_schema(LOCALIZATION_SCHEMA_FILE)
    problems = schema_problems(localization, schema, file_name)
    if not isinstance(localization, Mapping):
        return problems

    expected = localizable_strings(manifest, schema)
    for key in sorted(expected.keys() - localization.keys()):
        problems.append(
            Problem(file_name, json_path([key]), f"missing translation of {expected[key]!r}")
        )
    translated = {key for key in localization if key not in ("$schema", "localizationKeys")}
    for key in sorted(translated - expected.keys()):
        problems.append(
            Problem(
                file_name,
                json_path([key]),
                "translates no text of manifest.json: the manifest has no string at this path",
            )
        )
    return problems


def localizable_strings(
    manifest: Mapping[str, Any], localization_schema: Mapping[str, Any]
) -> dict[str, str]:
    """Map each translatable manifest string to its key in a language file.

    A key is the dotted path of the string, e.g. ``staticTabs[1].name``, and
    it is translatable when the localization schema names it as a property
    or matches it with one of its property patterns.
    """
    names = set(localization_schema.get("properties", {})) - {"$schema", "localizationKeys"}
    patterns = [re.compile(p) for p in localization_schema.get("patternProperties", {})]
    return {
        key: value
        for key, value in _flatten(manifest, "")
        if key in names or any(pattern.search(key) for pattern in patterns)
    }


def _flatten(value: Any, prefix: str) -> Iterable[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _flatten(item, f"{prefix}[{index}]")
    elif isinstance(value, str):
        yield prefix, value


def icon_problems(files: Mapping[str, bytes]) -> list[Problem]:
    """Check the icons' format and pixel sizes, and the outline icon's transparency."""
    problems: list[Problem] = []
    images: dict[str, Image.Image] = {}
    for name, size in ((COLOR_ICON, COLOR_ICON_SIZE), (OUTLINE_ICON, OUTLINE_ICON_SIZE)):
        data = files.get(name)
        if data is None:
            problems.append(Problem(name, "", "missing from the package"))
            continue
        try:
            image = Image.open(io.BytesIO(data))
            image.load()
        except (OSError, SyntaxError) as error:
            problems.append(Problem(name, "", f"not a readable image: {error}"))
            continue
        if image.format != "PNG":
            problems.append(Problem(name, "", f"must be a PNG image, got {image.format}"))
        if image.size != size:
            problems.append(
                Problem(name, "", f"must be {size[0]}x{size[1]} pixels, got {image.width}x{image.height}")
            )
        images[name] = image

    outline = images.get(OUTLINE_ICON)
    if outline is not None:
        problems.extend(_outline_problems(outline))
    return problems


def _outline_problems(image: Image.Image) -> list[Problem]:
    # Teams draws the outline icon on its own background, so it must be white
    # on transparent. Anti-aliased edges are partly transparent white.
    if image.mode != "RGBA":
        return [Problem(OUTLINE_ICON, "", f"must have an alpha channel (RGBA), got mode {image.mode}")]
    problems: list[Problem] = []
    width, height = image.size
    corners = [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)]
    if any(image.getpixel(corner)[3] != 0 for corner in corners):
        problems.append(Problem(OUTLINE_ICON, "", "the background must be transparent at the corners"))
    coloured = [
        (x, y)
        for y in range(height)
        for x in range(width)
        if image.getpixel((x, y))[3] > 0 and image.getpixel((x, y))[:3] != (255, 255, 255)
    ]
    if coloured:
        x, y = coloured[0]
        problems.append(
            Problem(
                OUTLINE_ICON,
                "",
                f"visible pixels must be white; {len(coloured)} are not, the first at ({x}, {y})",
            )
        )
    return problems
