"""Kinds of personal data, the detected spans and how overlapping spans merge."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

NAME = "name"
SCHOOL = "school"
ORGANISATION = "organisation"
EMAIL = "email"
PHONE = "phone"
HANDLE = "handle"
ADDRESS = "address"
PLACE = "place"

# When two detections overlap, the merged span takes the kind listed first.
# Structured kinds come first because their regular expressions are exact,
# while the named-entity model may tag an e-mail or a handle as ORG.
KINDS_BY_PRIORITY = (EMAIL, HANDLE, PHONE, ADDRESS, SCHOOL, ORGANISATION, NAME, PLACE)
KINDS = frozenset(KINDS_BY_PRIORITY)

PLACEHOLDERS = {
    "ru": {
        NAME: "[имя]",
        SCHOOL: "[школа]",
        ORGANISATION: "[организация]",
        EMAIL: "[e-mail]",
        PHONE: "[телефон]",
        HANDLE: "[аккаунт]",
        ADDRESS: "[адрес]",
        PLACE: "[место]",
    },
    "en": {
        NAME: "[name]",
        SCHOOL: "[school]",
        ORGANISATION: "[organisation]",
        EMAIL: "[e-mail]",
        PHONE: "[phone]",
        HANDLE: "[handle]",
        ADDRESS: "[address]",
        PLACE: "[place]",
    },
}

_PRIORITY = {kind: rank for rank, kind in enumerate(KINDS_BY_PRIORITY)}
_WHITESPACE_ONLY = re.compile(r"[ \t\u00a0]*")


@dataclass(frozen=True, order=True)
class Span:
    """A detected piece of personal data: ``text[start:end]`` is of ``kind``."""

    start: int
    end: int
    kind: str


def merge_spans(spans: Iterable[Span], text: str) -> list[Span]:
    """Merge overlapping spans, and same-kind spans separated only by spaces.

    Overlaps become their union with the highest-priority kind, so a model's
    ORG span around a regular-expression school match yields one school span.
    Joining "Кравцова" and "Елена Викторовна" into one name span gives one
    placeholder for the whole person instead of two in a row.
    """
    ordered = sorted(span for span in spans if span.end > span.start)
    merged: list[Span] = []
    for span in ordered:
        if merged:
            last = merged[-1]
            touches_same_kind = (
                span.kind == last.kind
                and span.start >= last.end
                and _WHITESPACE_ONLY.fullmatch(text, last.end, span.start) is not None
            )
            if span.start < last.end or touches_same_kind:
                kind = min(last.kind, span.kind, key=_PRIORITY.__getitem__)
                merged[-1] = Span(last.start, max(last.end, span.end), kind)
                continue
        merged.append(span)
    return merged
