"""Library search: Russian and English morphology, rubric overlap, published entries only."""

from __future__ import annotations

from typing import Any

import pytest

from teams_app.domain.enums import LibraryEntryKind, LibraryEntryStatus, MaterialType
from teams_app.storage import search
from teams_app.storage.models import LibraryEntry, LibraryEntryRubric
from teams_app.workflow import Workflow


async def add_entry(
    workflow: Workflow,
    title: str,
    *,
    summary: str = "",
    body: dict[str, Any] | None = None,
    rubrics: tuple[str, ...] = (),
    status: LibraryEntryStatus = LibraryEntryStatus.PUBLISHED,
    kind: LibraryEntryKind = LibraryEntryKind.MATERIAL,
) -> int:
    """Store an entry and index it, whatever its status, as publishing would."""
    async with workflow.db.transaction() as session:
        entry = LibraryEntry(
            kind=kind,
            material_type=MaterialType.ARTICLE if kind == LibraryEntryKind.MATERIAL else None,
            status=status,
            title=title,
            summary=summary,
            body=body or {},
            rubrics=list(rubrics),
        )
        session.add(entry)
        await session.flush()
        for key in rubrics:
            session.add(LibraryEntryRubric(entry_id=entry.id, rubric_key=key))
        await search.index_entry(session, entry)
        return entry.id


async def found(workflow: Workflow, query: str, rubrics: tuple[str, ...] = ()) -> list[int]:
    return [hit.entry_id for hit in await workflow.search_library(query, rubrics)]


# ----------------------------------------------------------------- morphology


async def test_russian_plural_finds_instrumental(workflow: Workflow) -> None:
    wanted = await add_entry(
        workflow,
        "Разговор после собрания",
        body={"essence": "Учитель поссорилась с родителями ученика на собрании."},
    )
    await add_entry(workflow, "Шумный класс", summary="Дисциплина после перемены.")

    assert await found(workflow, "родители") == [wanted]


async def test_russian_instrumental_finds_plural(workflow: Workflow) -> None:
    wanted = await add_entry(workflow, "Родители против оценок")

    assert await found(workflow, "с родителями") == [wanted]
    assert await found(workflow, "РОДИТЕЛЬ") == [wanted]


async def test_yo_and_ye_match(workflow: Workflow) -> None:
    wanted = await add_entry(workflow, "Как совмещать работу с учёбой в магистратуре")

    assert await found(workflow, "учёба") == [wanted]
    assert await found(workflow, "учеба") == [wanted]


@pytest.mark.parametrize("query", ["parents", "parent", "parent's", "Parenting"])
async def test_english_forms_find_parents(workflow: Workflow, query: str) -> None:
    wanted = await add_entry(
        workflow,
        "Talking to parents",
        summary="A parent's complaint about grades and how to answer it.",
    )
    await add_entry(workflow, "Classroom noise", summary="Seating plans and signals.")

    assert await found(workflow, query) == [wanted]


async def test_english_parenting_found_by_parents(workflow: Workflow) -> None:
    wanted = await add_entry(workflow, "Parenting styles and school")

    assert await found(workflow, "parents") == [wanted]


async def test_query_operators_are_plain_words(workflow: Workflow) -> None:
    wanted = await add_entry(workflow, "Родители и школа")

    hits = await found(workflow, "родители & | ! ( ) : * ' \" OR NEAR")

    assert hits == [wanted]


async def test_query_without_words_finds_nothing(workflow: Workflow) -> None:
    await add_entry(workflow, "Родители и школа")

    assert await found(workflow, "  !? …  ") == []


# ------------------------------------------------------------ rubric overlap


async def test_rubric_overlap_finds_entry_without_text(workflow: Workflow) -> None:
    tagged = await add_entry(workflow, "Правовые основы", rubrics=("education_law",))
    await add_entry(workflow, "Цифровые инструменты", rubrics=("digital_technologies",))

    assert await found(workflow, "каникулы", ("education_law",)) == [tagged]


async def test_text_and_rubric_rank_first(workflow: Workflow) -> None:
    rubric_only = await add_entry(workflow, "Сложные семьи", rubrics=("parents",))
    text_only = await add_entry(workflow, "Родители на собрании", rubrics=("assessment",))
    both = await add_entry(workflow, "Жалобы родителей директору", rubrics=("parents",))

    hits = await workflow.search_library("родители", ("parents",))

    assert [hit.entry_id for hit in hits][0] == both
    assert set(hit.entry_id for hit in hits) == {both, rubric_only, text_only}
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)


async def test_more_shared_rubrics_rank_higher(workflow: Workflow) -> None:
    one = await add_entry(workflow, "Первое", rubrics=("parents",))
    two = await add_entry(workflow, "Второе", rubrics=("parents", "education_law"))

    hits = await found(workflow, "", ("parents", "education_law"))

    assert hits == [two, one]


# ------------------------------------------------------------------ visibility


@pytest.mark.parametrize(
    "status", [LibraryEntryStatus.DRAFT, LibraryEntryStatus.UNPUBLISHED], ids=str
)
async def test_hidden_entries_never_show(workflow: Workflow, status: LibraryEntryStatus) -> None:
    hidden = await add_entry(
        workflow,
        "Родители жалуются",
        body={"essence": "Родители пишут жалобы."},
        rubrics=("parents",),
        status=status,
        kind=LibraryEntryKind.SOLVED_CASE,
    )
    shown = await add_entry(workflow, "Встреча с родителями", rubrics=("parents",))

    by_text = await found(workflow, "родители")
    by_rubric = await found(workflow, "", ("parents",))
    materials = await workflow.published_materials(("parents",))

    assert hidden not in by_text
    assert hidden not in by_rubric
    assert by_text == [shown]
    assert by_rubric == [shown]
    assert [m.entry_id for m in materials] == [shown]


async def test_published_materials_skip_solved_cases(workflow: Workflow) -> None:
    material = await add_entry(workflow, "Памятка", rubrics=("parents",))
    await add_entry(
        workflow, "Решённый случай", rubrics=("parents",), kind=LibraryEntryKind.SOLVED_CASE
    )

    materials = await workflow.published_materials(("parents",))

    assert [m.entry_id for m in materials] == [material]


async def test_search_limit(workflow: Workflow) -> None:
    ids = [await add_entry(workflow, f"Родители {i}", rubrics=("parents",)) for i in range(6)]

    hits = await workflow.search_library("родители", ("parents",), limit=4)

    assert len(hits) == 4
    assert set(hit.entry_id for hit in hits) <= set(ids)


async def test_stop_words_alone_find_by_rubric(workflow: Workflow) -> None:
    tagged = await add_entry(workflow, "Только для родителей", rubrics=("parents",))

    assert await found(workflow, "не the", ("parents",)) == [tagged]
    assert await found(workflow, "не the") == []
