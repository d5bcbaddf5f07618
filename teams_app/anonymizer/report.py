"""Measurement of the anonymiser against hand-annotated sample cases.

The gold file is JSON: ``{"cases": {case_id: {field: [{"text": ..., "kind": ...}]}}}``.
Each entry is an exact substring of that field that must not survive. Every
whole-word occurrence of it counts, except occurrences inside a longer entry
of the same field ("Ли" inside "Артём Ли"). An occurrence is caught when
replacements cover all its characters. A replacement that touches no gold
occurrence is a false positive.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from teams_app.anonymizer.core import Anonymizer, Replacement
from teams_app.anonymizer.spans import KINDS, KINDS_BY_PRIORITY

TEXT_FIELDS = ("essence", "actions_taken", "why_difficult", "question")

GoldCases = Mapping[str, Mapping[str, Sequence[Mapping[str, str]]]]


@dataclass(frozen=True)
class GoldOccurrence:
    """One occurrence of a gold entry in a case field."""

    case_id: str
    field: str
    start: int
    end: int
    kind: str
    text: str


@dataclass(frozen=True)
class FalsePositive:
    """A replacement that covers nothing in the gold list."""

    case_id: str
    field: str
    replacement: Replacement


@dataclass
class KindRecall:
    """Gold occurrences of one kind: how many were caught, and which were missed."""

    caught: int = 0
    total: int = 0
    missed: list[GoldOccurrence] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.total if self.total else 1.0


@dataclass
class Evaluation:
    """Per-kind recall and the false positives over a set of cases."""

    by_kind: dict[str, KindRecall]
    false_positives: list[FalsePositive]
    replacement_count: int

    def overall(self) -> KindRecall:
        total = KindRecall()
        for recall in self.by_kind.values():
            total.caught += recall.caught
            total.total += recall.total
            total.missed.extend(recall.missed)
        return total


def load_cases(path: Path) -> list[dict[str, Any]]:
    """Read one JSON case per line, skipping blank lines."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_gold(path: Path) -> GoldCases:
    """Read the gold file and check that every kind is known."""
    with path.open(encoding="utf-8") as gold_file:
        gold = json.load(gold_file)["cases"]
    for case_id, fields in gold.items():
        for field_name, entries in fields.items():
            for entry in entries:
                if entry["kind"] not in KINDS:
                    raise ValueError(
                        f"Gold entry {entry['text']!r} in {case_id}.{field_name} has "
                        f"unknown kind {entry['kind']!r}; expected one of {sorted(KINDS)}."
                    )
    return gold


def find_gold_occurrences(
    case_id: str, field_name: str, text: str, entries: Sequence[Mapping[str, str]]
) -> list[GoldOccurrence]:
    """Return whole-word occurrences of the entries, longest entries first."""
    occurrences: list[GoldOccurrence] = []
    for entry in sorted(entries, key=lambda item: len(item["text"]), reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(entry['text'])}(?!\w)")
        found = [match.span() for match in pattern.finditer(text)]
        if not found:
            raise ValueError(
                f"Gold entry {entry['text']!r} does not occur in {case_id}.{field_name}; "
                "fix the gold file."
            )
        for start, end in found:
            if any(other.start <= start and end <= other.end for other in occurrences):
                continue
            occurrences.append(
                GoldOccurrence(
                    case_id, field_name, start, end, entry["kind"], entry["text"]
                )
            )
    return occurrences


def _covered(replacements: Iterable[Replacement]) -> set[int]:
    return {index for item in replacements for index in range(item.start, item.end)}


def evaluate(
    cases: Sequence[Mapping[str, Any]], gold: GoldCases, anonymizer: Anonymizer
) -> Evaluation:
    """Anonymise every text field of ``cases`` and compare with ``gold``."""
    missing = [case["id"] for case in cases if case["id"] not in gold]
    if missing:
        raise ValueError(
            f"Cases {missing} have no gold entry; add them, with {{}} if clean."
        )

    by_kind = {kind: KindRecall() for kind in KINDS_BY_PRIORITY}
    false_positives = []
    replacement_count = 0
    for case in cases:
        language = "en" if str(case.get("locale", "ru")).startswith("en") else "ru"
        for field_name in TEXT_FIELDS:
            text = case.get(field_name) or ""
            entries = gold[case["id"]].get(field_name, [])
            occurrences = find_gold_occurrences(case["id"], field_name, text, entries)
            replacements = anonymizer.anonymize(text, language).replacements
            replacement_count += len(replacements)

            covered = _covered(replacements)
            for occurrence in occurrences:
                recall = by_kind[occurrence.kind]
                recall.total += 1
                if all(
                    index in covered
                    for index in range(occurrence.start, occurrence.end)
                ):
                    recall.caught += 1
                else:
                    recall.missed.append(occurrence)

            for replacement in replacements:
                touches_gold = any(
                    replacement.start < occurrence.end
                    and occurrence.start < replacement.end
                    for occurrence in occurrences
                )
                if not touches_gold:
                    false_positives.append(
                        FalsePositive(case["id"], field_name, replacement)
                    )
    return Evaluation(by_kind, false_positives, replacement_count)


def format_report(evaluation: Evaluation, verbose: bool = False) -> str:
    """Render per-kind recall, false positives and an overall line."""
    lines = [f"{'kind':<14}{'caught/total':>14}{'recall':>9}"]
    for kind, recall in evaluation.by_kind.items():
        if recall.total:
            lines.append(
                f"{kind:<14}{f'{recall.caught}/{recall.total}':>14}{recall.recall:>9.1%}"
            )
    false_positive_kinds: dict[str, int] = {}
    for item in evaluation.false_positives:
        kind = item.replacement.kind
        false_positive_kinds[kind] = false_positive_kinds.get(kind, 0) + 1
    details = ", ".join(
        f"{kind} {count}" for kind, count in sorted(false_positive_kinds.items())
    )
    lines.append(
        f"false positives: {len(evaluation.false_positives)} of "
        f"{evaluation.replacement_count} replacements"
        + (f" ({details})" if details else "")
    )
    overall = evaluation.overall()
    lines.append(
        f"overall: caught {overall.caught}/{overall.total} ({overall.recall:.1%}), "
        f"{len(evaluation.false_positives)} false positives"
    )
    if verbose:
        for occurrence in overall.missed:
            lines.append(
                f"missed {occurrence.kind} in {occurrence.case_id}.{occurrence.field}: "
                f"{occurrence.text!r}"
            )
        for item in evaluation.false_positives:
            lines.append(
                f"false positive {item.replacement.kind} in {item.case_id}.{item.field}: "
                f"{item.replacement.original!r}"
            )
    return "\n".join(lines)
