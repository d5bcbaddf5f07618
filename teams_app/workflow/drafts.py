"""Library drafts of completed cases: what is published and how a moderator edits it."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.errors import (
    FieldError,
    NotFound,
    ValidationFailed,
)
from teams_app.domain.intake import check_text
from teams_app.storage.models import (
    Case,
    LibraryEntry,
    LibraryEntryRubric,
    QuestionRound,
    Solution,
)
from teams_app.workflow.limits import ENTRY_TEXT_LIMITS, SOLUTION_LIMIT


async def library_source(session: AsyncSession, case: Case) -> dict[str, Any]:
    """Collect what a published case shows: final revision, clarifications, solutions."""
    revision = case.revisions[-1]
    rounds = await session.scalars(
        select(QuestionRound).where(QuestionRound.case_id == case.id).order_by(QuestionRound.id)
    )
    clarifications = [
        {"question": q.text, "answer": q.answer or ""}
        for question_round in rounds
        for q in question_round.questions
        if q.answer
    ]
    solutions = []
    for solution in await session.scalars(
        select(Solution).where(Solution.case_id == case.id).order_by(Solution.id)
    ):
        solutions.append({"text": solution.text, "materials": list(solution.material_ids or [])})
    return {
        "essence": revision.essence,
        "actions_taken": revision.actions_taken,
        "why_difficult": revision.why_difficult,
        "question": revision.question,
        "participants": list(revision.participants),
        "rubrics": list(revision.rubrics),
        "urgency": case.urgency.value,
        "clarifications": clarifications,
        "solutions": solutions,
    }


ANONYMISED_TEXT_KEYS = ("essence", "actions_taken", "why_difficult", "question")


def map_texts(source: Mapping[str, Any], transform: Any) -> dict[str, Any]:
    body = dict(source)
    for key in ANONYMISED_TEXT_KEYS:
        body[key] = transform(source[key])
    body["clarifications"] = [
        {"question": transform(item["question"]), "answer": transform(item["answer"])}
        for item in source["clarifications"]
    ]
    body["solutions"] = [
        {"text": transform(item["text"]), "materials": item["materials"]}
        for item in source["solutions"]
    ]
    return body


def draft_title(question: str, limit: int = 120) -> str:
    title = " ".join(question.split())
    if len(title) <= limit:
        return title
    return title[: limit - 1].rsplit(" ", 1)[0] + "…"


EDITABLE_ENTRY_FIELDS = ("title", *ANONYMISED_TEXT_KEYS)


def apply_edits(entry: LibraryEntry, edits: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    """Validate the moderator's edits of a draft and return the new title and body."""
    body = dict(entry.body or {})
    title = entry.title
    errors: list[FieldError] = []
    for key, raw in edits.items():
        value = unicodedata.normalize("NFC", str(raw)).strip()
        if key.startswith("solution_"):
            index = key.removeprefix("solution_")
            solutions = [dict(s) for s in body.get("solutions", [])]
            if not index.isdigit() or int(index) >= len(solutions):
                continue
            if (error := check_text(key, value, SOLUTION_LIMIT)) is not None:
                errors.append(error)
            solutions[int(index)]["text"] = value
            body["solutions"] = solutions
            continue
        if key not in EDITABLE_ENTRY_FIELDS:
            continue
        limit = ENTRY_TEXT_LIMITS[key]
        if (error := check_text(key, value, limit)) is not None:
            errors.append(error)
        if key == "title":
            title = value
        else:
            body[key] = value
    if errors:
        raise ValidationFailed(errors)
    return title, body


async def replace_entry_rubrics(session: AsyncSession, entry: LibraryEntry) -> None:
    await session.execute(
        LibraryEntryRubric.__table__.delete().where(LibraryEntryRubric.entry_id == entry.id)
    )
    for key in dict.fromkeys(entry.rubrics or ()):
        session.add(LibraryEntryRubric(entry_id=entry.id, rubric_key=key))


async def lock_entry(session: AsyncSession, entry_id: int) -> LibraryEntry:
    entry = await session.get(LibraryEntry, entry_id, populate_existing=True, with_for_update=True)
    if entry is None:
        raise NotFound(what=f"library entry {entry_id}")
    return entry


def entry_label(entry: LibraryEntry) -> str:
    return f"#{entry.id}"
