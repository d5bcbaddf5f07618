"""Loading seed data (rubricator, suggested questions) and demo data; every load is idempotent."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import (
    LibraryEntryKind,
    LibraryEntryStatus,
    MaterialType,
    QuestionKind,
    Role,
)
from teams_app.storage import search
from teams_app.storage.models import (
    ForumSection,
    LibraryEntry,
    LibraryEntryRubric,
    MentorArea,
    MentorProfile,
    Rubric,
    SuggestedQuestion,
    User,
    UserRole,
    utcnow,
)

logger = logging.getLogger(__name__)

SEED_DIR = Path(__file__).resolve().parents[1] / "seed"
DEMO_DIR = SEED_DIR / "demo"
# Demo people live in a tenant of their own, so they never collide with real users.
DEMO_TENANT = "demo"


def _read(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


async def load_reference_data(session: AsyncSession) -> None:
    """Insert or update the rubrics and the suggested questions from ``teams_app/seed``."""
    for position, item in enumerate(_read(SEED_DIR / "rubrics.json")):
        rubric = await session.get(Rubric, item["key"]) or Rubric(key=item["key"])
        rubric.position = position
        rubric.title_ru, rubric.title_en = item["title"]["ru"], item["title"]["en"]
        rubric.description_ru = item["description"]["ru"]
        rubric.description_en = item["description"]["en"]
        session.add(rubric)
    await session.flush()
    await _load_forum_sections(session)

    position = 0
    for group in _read(SEED_DIR / "questions.json"):
        for item in group["questions"]:
            question = await session.get(SuggestedQuestion, item["key"]) or SuggestedQuestion(
                key=item["key"]
            )
            question.group_key = group["key"]
            question.group_title_ru = group["title"]["ru"]
            question.group_title_en = group["title"]["en"]
            question.kind = QuestionKind(group["kind"])
            question.position = position
            question.text_ru, question.text_en = item["text"]["ru"], item["text"]["en"]
            question.rubrics = list(item.get("rubrics", []))
            question.keywords = dict(item.get("keywords", {}))
            session.add(question)
            position += 1
    await session.flush()


# The forum section for public cases; the other sections mirror the rubrics.
WAY_OUT_SECTION = {
    "key": "way_out",
    "title_ru": "Что делать? Ищем выход вместе",
    "title_en": "What to do? Looking for a way out together",
    "description_ru": (
        "Публичные кейсы: опишите ситуацию открыто и ищите решение вместе с коллегами."
    ),
    "description_en": (
        "Public cases: describe a situation openly and look for a solution with colleagues."
    ),
}


async def _load_forum_sections(session: AsyncSession) -> None:
    """Insert or update the forum sections: «way_out» first, then ``rubric:<key>`` per rubric."""
    way_out = await session.get(ForumSection, "way_out") or ForumSection(key="way_out")
    for name, value in WAY_OUT_SECTION.items():
        setattr(way_out, name, value)
    way_out.position = 0
    session.add(way_out)
    for rubric in await session.scalars(select(Rubric).order_by(Rubric.position)):
        key = f"rubric:{rubric.key}"
        section = await session.get(ForumSection, key) or ForumSection(key=key)
        section.rubric_key = rubric.key
        section.position = rubric.position + 1
        section.title_ru, section.title_en = rubric.title_ru, rubric.title_en
        section.description_ru = rubric.description_ru
        section.description_en = rubric.description_en
        session.add(section)


async def load_demo_data(session: AsyncSession) -> None:
    """Insert demo people, library materials and solved cases unless already present.

    Besides the mentors there are two teachers and a moderator, so the tabs'
    demo sign-in offers every role without a Teams chat first.
    """
    for item in _read(DEMO_DIR / "mentors.json"):
        await _demo_mentor(session, item)
    for item in _read(DEMO_DIR / "people.json"):
        await _demo_person(session, item)

    material_ids: dict[str, int] = {}
    for item in _read(DEMO_DIR / "materials.json"):
        entry = await _seeded_entry(
            session,
            item["key"],
            kind=LibraryEntryKind.MATERIAL,
            material_type=MaterialType(item["kind"]),
            language=item["language"],
            title=item["title"],
            summary=item["summary"],
            url=item["url"],
            rubrics=item["rubrics"],
            body={},
        )
        material_ids[item["key"]] = entry.id

    for item in _read(DEMO_DIR / "solved_cases.json"):
        body = {
            key: item[key]
            for key in (
                "essence", "actions_taken", "why_difficult", "question", "participants", "urgency"
            )
        }
        body["rubrics"] = item["rubrics"]
        body["clarifications"] = item["clarifications"]
        body["solutions"] = [
            {"text": s["text"], "materials": [material_ids[k] for k in s.get("materials", [])]}
            for s in item["solutions"]
        ]
        await _seeded_entry(
            session,
            item["key"],
            kind=LibraryEntryKind.SOLVED_CASE,
            material_type=None,
            language=item["language"],
            title=item["title"],
            summary=item["question"],
            url=None,
            rubrics=item["rubrics"],
            body=body,
        )
    await session.flush()


async def _demo_mentor(session: AsyncSession, item: dict[str, Any]) -> None:
    user = await session.scalar(
        select(User).where(User.tenant_id == DEMO_TENANT, User.aad_object_id == item["key"])
    )
    if user is not None:
        return
    user = User(
        tenant_id=DEMO_TENANT,
        aad_object_id=item["key"],
        display_name=f"{item['first_name']} {item['last_name']}",
        email=item.get("email"),
        locale=item.get("locale", "ru-RU"),
    )
    session.add(user)
    await session.flush()
    session.add(UserRole(user_id=user.id, role=Role.MENTOR))
    away = item.get("away_until")
    profile = MentorProfile(
        user_id=user.id,
        last_name=item["last_name"],
        first_name=item["first_name"],
        patronymic=item.get("patronymic", ""),
        position=item.get("position", ""),
        workplace=item.get("workplace", ""),
        interests=item.get("interests", ""),
        links=list(item.get("links", [])),
        motto=item.get("motto", ""),
        max_open_cases=int(item.get("max_open_cases", 3)),
        away_until=dt.date.fromisoformat(away) if away else None,
    )
    profile.areas = [MentorArea(user_id=user.id, rubric_key=key) for key in item["areas"]]
    session.add(profile)


async def _demo_person(session: AsyncSession, item: dict[str, Any]) -> None:
    user = await session.scalar(
        select(User).where(User.tenant_id == DEMO_TENANT, User.aad_object_id == item["key"])
    )
    if user is not None:
        return
    user = User(
        tenant_id=DEMO_TENANT,
        aad_object_id=item["key"],
        display_name=item["display_name"],
        email=item.get("email"),
        locale=item.get("locale", "ru-RU"),
    )
    session.add(user)
    await session.flush()
    for role in item["roles"]:
        session.add(UserRole(user_id=user.id, role=Role(role)))


async def _seeded_entry(session: AsyncSession, seed_key: str, **values: Any) -> LibraryEntry:
    entry = await session.scalar(select(LibraryEntry).where(LibraryEntry.seed_key == seed_key))
    if entry is not None:
        return entry
    entry = LibraryEntry(
        seed_key=seed_key,
        status=LibraryEntryStatus.PUBLISHED,
        published_at=utcnow(),
        **values,
    )
    session.add(entry)
    await session.flush()
    for key in dict.fromkeys(values["rubrics"]):
        session.add(LibraryEntryRubric(entry_id=entry.id, rubric_key=key))
    await search.index_entry(session, entry)
    return entry
