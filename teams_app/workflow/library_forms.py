"""Parsing and validation of the library tab's input: searches, materials and edits."""

from __future__ import annotations

import ipaddress
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from teams_app.domain.enums import LibraryEntryKind, MaterialType
from teams_app.domain.errors import FieldError
from teams_app.domain.intake import check_text, split_multi
from teams_app.i18n import SUPPORTED_LANGUAGES
from teams_app.storage.models import LibraryEntry
from teams_app.workflow.library_views import (
    MATERIAL_SUMMARY_LIMIT,
    MATERIAL_TITLE_LIMIT,
    QUERY_LIMIT,
    URL_LIMIT,
    LibraryQuery,
)
from teams_app.workflow.limits import (
    ANSWER_LIMIT,
    CUSTOM_QUESTION_LIMIT,
    ENTRY_TEXT_LIMITS,
    SOLUTION_LIMIT,
)

# Texts of a solved case's body a moderator edits, by API field name.
CASE_TEXT_FIELDS = {
    "essence": "essence",
    "actionsTaken": "actions_taken",
    "whyDifficult": "why_difficult",
    "question": "question",
}


def check_query(query: LibraryQuery) -> list[FieldError]:
    errors: list[FieldError] = []
    if "\x00" in query.text:
        errors.append(FieldError("q", "invalid_character"))
    elif (length := len(unicodedata.normalize("NFC", query.text))) > QUERY_LIMIT:
        errors.append(FieldError("q", "too_long", limit=QUERY_LIMIT, actual=length))
    if (
        query.published_from is not None
        and query.published_to is not None
        and query.published_to < query.published_from
    ):
        errors.append(FieldError("to", "before_start"))
    return errors


def clean_text(raw: Any) -> str:
    return unicodedata.normalize("NFC", "" if raw is None else str(raw)).strip()


def parse_material(
    raw: Mapping[str, Any], known_rubrics: set[str]
) -> tuple[dict[str, Any], list[FieldError]]:
    """Validate a new material; return its column values and every field error."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for field, limit in (("title", MATERIAL_TITLE_LIMIT), ("summary", MATERIAL_SUMMARY_LIMIT)):
        value = clean_text(raw.get(field))
        if (error := check_text(field, value, limit)) is not None:
            errors.append(error)
        values[field] = value
    url, error = parse_url("url", raw.get("url"))
    if error is not None:
        errors.append(error)
    else:
        values["url"] = url
    material_type, error = parse_material_type(raw.get("materialType"))
    if error is not None:
        errors.append(error)
    values["material_type"] = material_type
    rubrics, error = parse_rubrics(raw.get("rubrics"), known_rubrics)
    if error is not None:
        errors.append(error)
    values["rubrics"] = rubrics
    language = clean_text(raw.get("language"))
    if not language:
        errors.append(FieldError("language", "required"))
    elif language not in SUPPORTED_LANGUAGES:
        errors.append(FieldError("language", "unknown_choice"))
    values["language"] = language
    return values, errors


def parse_url(field: str, raw: Any) -> tuple[str, FieldError | None]:
    """Check a web link: http or https, a host name with a dot or an IP address, no credentials.

    Return the link with its scheme and host in lower case.
    """
    value = clean_text(raw)
    if not value:
        return "", FieldError(field, "required")
    if len(value) > URL_LIMIT:
        return "", FieldError(field, "too_long", limit=URL_LIMIT, actual=len(value))
    invalid = FieldError(field, "invalid_link")
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in value):
        return "", invalid
    try:
        parts = urlsplit(value)
        # Reading the port raises ValueError unless it is a number from 0 to 65535.
        parts.port  # noqa: B018
    except ValueError:
        return "", invalid
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "", invalid
    if parts.username is not None or parts.password is not None:
        return "", invalid
    if not _valid_host(parts.hostname):
        return "", invalid
    return (
        urlunsplit(
            (parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, parts.fragment)
        ),
        None,
    )


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    if len(labels) < 2:
        return False
    return all(
        0 < len(label) <= 63
        and label[0] != "-"
        and label[-1] != "-"
        and all(char.isalnum() or char == "-" for char in label)
        for label in labels
    )


def parse_material_type(raw: Any) -> tuple[MaterialType | None, FieldError | None]:
    value = clean_text(raw)
    if not value:
        return None, FieldError("materialType", "required")
    try:
        return MaterialType(value), None
    except ValueError:
        return None, FieldError("materialType", "unknown_choice")


def parse_rubrics(raw: Any, known: set[str]) -> tuple[list[str], FieldError | None]:
    keys = list(dict.fromkeys(split_multi(raw)))
    if any(key not in known for key in keys):
        return keys, FieldError("rubrics", "unknown_choice")
    if not keys:
        return keys, FieldError("rubrics", "choose_at_least_one", limit=1)
    return keys, None


@dataclass
class EntryChanges:
    # Column values to set.
    values: dict[str, Any]
    # The new body of a solved case, or None when no body text changed.
    body: dict[str, Any] | None
    # Changed free texts of a solved case by API field name, for the anonymiser.
    texts: dict[str, str]


def parse_entry_edits(
    entry: LibraryEntry, raw: Mapping[str, Any], known_rubrics: set[str]
) -> tuple[EntryChanges, list[FieldError]]:
    """Validate a moderator's edits; only fields present in ``raw`` change."""
    changes = EntryChanges({}, None, {})
    errors: list[FieldError] = []
    solved_case = entry.kind == LibraryEntryKind.SOLVED_CASE

    def text_field(field: str, current: str, limit: int) -> str | None:
        value = clean_text(raw.get(field))
        if (error := check_text(field, value, limit)) is not None:
            errors.append(error)
            return None
        if value != current and solved_case:
            changes.texts[field] = value
        return value

    if "title" in raw:
        limit = ENTRY_TEXT_LIMITS["title"] if solved_case else MATERIAL_TITLE_LIMIT
        if (value := text_field("title", entry.title, limit)) is not None:
            changes.values["title"] = value
    if "rubrics" in raw:
        rubrics, error = parse_rubrics(raw.get("rubrics"), known_rubrics)
        if error is not None:
            errors.append(error)
        else:
            changes.values["rubrics"] = rubrics

    if not solved_case:
        if "summary" in raw:
            value = text_field("summary", entry.summary, MATERIAL_SUMMARY_LIMIT)
            if value is not None:
                changes.values["summary"] = value
        if "url" in raw:
            url, error = parse_url("url", raw.get("url"))
            if error is not None:
                errors.append(error)
            else:
                changes.values["url"] = url
        if "materialType" in raw:
            material_type, error = parse_material_type(raw.get("materialType"))
            if error is not None:
                errors.append(error)
            else:
                changes.values["material_type"] = material_type
        if "language" in raw:
            language = clean_text(raw.get("language"))
            if language not in SUPPORTED_LANGUAGES:
                errors.append(FieldError("language", "unknown_choice"))
            else:
                changes.values["language"] = language
        return changes, errors

    body = dict(entry.body or {})
    body_changed = False
    for field, key in CASE_TEXT_FIELDS.items():
        if field in raw:
            value = text_field(field, str(body.get(key, "")), ENTRY_TEXT_LIMITS[key])
            if value is not None:
                body[key] = value
                body_changed = True
    if "clarifications" in raw:
        items = _edited_list(raw.get("clarifications"), body.get("clarifications"), "clarifications", errors)
        if items is not None:
            clarifications = [dict(item) for item in body.get("clarifications") or []]
            for index, item in enumerate(items):
                for part, limit in (("question", CUSTOM_QUESTION_LIMIT), ("answer", ANSWER_LIMIT)):
                    if part not in item:
                        continue
                    field = f"clarification{part.capitalize()}_{index}"
                    current = str(clarifications[index].get(part, ""))
                    value = clean_text(item.get(part))
                    if (error := check_text(field, value, limit)) is not None:
                        errors.append(error)
                        continue
                    if value != current:
                        changes.texts[field] = value
                    clarifications[index][part] = value
            body["clarifications"] = clarifications
            body_changed = True
    if "solutions" in raw:
        items = _edited_list(raw.get("solutions"), body.get("solutions"), "solutions", errors)
        if items is not None:
            solutions = [dict(item) for item in body.get("solutions") or []]
            for index, item in enumerate(items):
                if "text" not in item:
                    continue
                field = f"solution_{index}"
                value = clean_text(item.get("text"))
                if (error := check_text(field, value, SOLUTION_LIMIT)) is not None:
                    errors.append(error)
                    continue
                if value != str(solutions[index].get("text", "")):
                    changes.texts[field] = value
                solutions[index]["text"] = value
            body["solutions"] = solutions
            body_changed = True
    if body_changed:
        changes.body = body
    return changes, errors


def _edited_list(
    raw: Any, current: Any, field: str, errors: list[FieldError]
) -> list[Mapping[str, Any]] | None:
    """Check that edits of a list of items give one object per existing item."""
    existing = current or []
    if (
        not isinstance(raw, list)
        or len(raw) != len(existing)
        or not all(isinstance(item, Mapping) for item in raw)
    ):
        errors.append(FieldError(field, "item_count", limit=len(existing)))
        return None
    return raw
