"""The library tab's API: search, filters, paging, entry pages, materials and moderation.

The app runs in demo mode, so the demo library (ten materials, eight solved
cases) is present in every test. Tests add their own entries with words the
demo library does not use, or assert on their own entries only.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pytest
from sqlalchemy import select

from teams_app.storage.models import Case, CaseEvent, LibraryEntry, User
from tests.tabs.conftest import SignedIn, TabsClient
from tests.workflow.flow import REFLECTION, accepted_case, answered_case

API = "/api/v1/library"
_link_numbers = itertools.count(1)


def material(**changes: Any) -> dict[str, Any]:
    """Return a valid material body, with ``changes`` applied."""
    body = {
        "title": "Памятка для классного руководителя",
        "url": "https://example.org/library/memo",
        "summary": "Как вести разговор с родителями после собрания.",
        "materialType": "article",
        "rubrics": ["parents"],
        "language": "ru",
    }
    body.update(changes)
    return body


async def add(tabs: TabsClient, user: SignedIn, **changes: Any) -> dict[str, Any]:
    """Add a material through the API; each call gets its own link unless one is given."""
    changes.setdefault("url", f"https://example.org/library/{next(_link_numbers)}")
    response = await tabs.request("POST", f"{API}/entries", user, json=material(**changes))
    assert response.status == 201, await response.text()
    return await response.json()


async def search(tabs: TabsClient, user: SignedIn, **params: Any) -> dict[str, Any]:
    response = await tabs.request("GET", f"{API}/entries", user, params=_params(params))
    assert response.status == 200, await response.text()
    return await response.json()


async def search_problem(
    tabs: TabsClient, user: SignedIn, *, language: str = "en", **params: Any
) -> dict[str, Any]:
    response = await tabs.request(
        "GET", f"{API}/entries", user, params=_params(params),
        headers={"Accept-Language": language},
    )
    assert response.status == 422, await response.text()
    return await response.json()


def _params(params: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for name, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        pairs.extend((name, str(item)) for item in values)
    return pairs


def ids(page: dict[str, Any]) -> list[int]:
    return [item["id"] for item in page["items"]]


def error_fields(problem: dict[str, Any]) -> dict[str, str]:
    return {item["field"]: item["code"] for item in problem["errors"]}


async def set_published_at(tabs: TabsClient, entry_id: int, moment: dt.datetime) -> None:
    async with tabs.services.workflow.db.transaction() as session:
        entry = await session.get(LibraryEntry, entry_id)
        assert entry is not None
        entry.published_at = moment


async def published_case(
    tabs: TabsClient, moderator: SignedIn, *, essence: str | None = None
) -> tuple[int, SignedIn, SignedIn]:
    """Walk a case to a published library entry; return (entry id, teacher, mentor)."""
    workflow = tabs.services.workflow
    teacher = await tabs.sign_in("teacher", "Анна Петрова")
    mentor = await tabs.sign_in("mentor", "Борис Сергеевич Ким", areas=("class_management",))
    changes = {"essence": essence} if essence else {}
    case_id, _ = await accepted_case(workflow, teacher.actor, mentor.actor, **changes)
    await answered_case(workflow, teacher.actor, mentor.actor, case_id)
    await workflow.keep_version(teacher.actor, case_id)
    await workflow.write_solution(mentor.actor, case_id, "Введите постоянный ритуал начала урока.")
    outcome = await workflow.complete(teacher.actor, case_id, REFLECTION)
    assert outcome.entry_id is not None
    response = await tabs.request("POST", f"{API}/entries/{outcome.entry_id}/publish", moderator)
    assert response.status == 200, await response.text()
    return outcome.entry_id, teacher, mentor


# ----------------------------------------------------------------- morphology


async def test_russian_plural_finds_instrumental(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor")
    expected = await add(tabs, mentor, title="Разговор с родителями", summary="После собрания.")
    other = await add(tabs, mentor, title="Шумный класс", summary="Дисциплина после звонка.")

    by_plural = ids(await search(tabs, reader, q="родители"))
    by_instrumental = ids(await search(tabs, reader, q="родителями"))
    by_genitive = ids(await search(tabs, reader, q="РОДИТЕЛЕЙ"))

    assert expected["id"] in by_plural
    assert expected["id"] in by_instrumental
    assert expected["id"] in by_genitive
    assert other["id"] not in by_plural


async def test_english_forms_find_parents(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor")
    expected = await add(
        tabs, mentor, title="Talking to parents", summary="A parent's complaint.", language="en"
    )
    other = await add(tabs, mentor, title="Seating plans", summary="Noise.", language="en")

    for query in ("parent", "parents", "Parenting", "PARENT'S"):
        found = ids(await search(tabs, reader, q=query))
        assert expected["id"] in found, query
        assert other["id"] not in found, query


async def test_demo_case_found_by_instrumental(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher")

    page = await search(tabs, reader, q="родителями", type="solved_case")

    assert page["total"] >= 1
    assert all(item["kind"] == "solved_case" for item in page["items"])


async def test_stop_words_alone_match_nothing(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher")

    page = await search(tabs, reader, q="на the и of")

    assert page["total"] == 0
    assert page["items"] == []


async def test_specific_query_skips_unrelated_entry(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor")
    related = await add(tabs, mentor, title="Собрание с родителями", summary="Как его провести.")
    unrelated = await add(
        tabs, mentor, title="Класс шумит на перемене", summary="Сигнал тишины."
    )

    found = ids(await search(tabs, reader, q="собрание с родителями в пятом классе"))

    assert related["id"] in found
    assert unrelated["id"] not in found


async def test_relevance_puts_fuller_match_first(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor")
    one_word = await add(tabs, mentor, title="Квазиметодика урока", summary="Обзор.")
    both_words = await add(tabs, mentor, title="Квазиметодика и квазиоценка", summary="Обзор.")

    page = await search(tabs, reader, q="квазиметодика квазиоценка")

    assert page["sort"] == "relevance"
    assert ids(page)[:1] == [both_words["id"]]
    assert one_word["id"] in ids(page)


# -------------------------------------------------------------------- filters


async def test_filter_by_several_rubrics(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor")
    parents = await add(tabs, mentor, title="Зебранотка первая", rubrics=["parents"])
    law = await add(tabs, mentor, title="Зебранотка вторая", rubrics=["education_law"])
    digital = await add(tabs, mentor, title="Зебранотка третья", rubrics=["digital_technologies"])

    found = ids(await search(tabs, reader, q="зебранотка", rubric=["parents", "education_law"]))
    comma_joined = ids(await search(tabs, reader, q="зебранотка", rubric="parents,education_law"))

    assert sorted(found) == sorted([parents["id"], law["id"]])
    assert sorted(comma_joined) == sorted(found)
    assert digital["id"] not in found


async def test_unknown_rubric_is_rejected(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher")

    problem = await search_problem(tabs, reader, rubric="no_such_rubric")

    assert error_fields(problem) == {"rubrics": "unknown_choice"}


async def test_filter_by_type_and_material_type(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor")
    book = await add(tabs, mentor, title="Зебракнига", materialType="book")
    video = await add(tabs, mentor, title="Зебравидео", materialType="video")

    cases = await search(tabs, reader, type="solved_case", limit=50)
    materials = await search(tabs, reader, type="material", limit=50)
    books = await search(tabs, reader, type="material", materialType="book", limit=50)
    books_or_videos = await search(tabs, reader, materialType=["book", "video"], limit=50)

    assert cases["total"] == 8
    assert {item["kind"] for item in cases["items"]} == {"solved_case"}
    assert {item["kind"] for item in materials["items"]} == {"material"}
    assert {item["materialType"] for item in books["items"]} == {"book"}
    assert book["id"] in ids(books)
    assert video["id"] not in ids(books)
    assert {book["id"], video["id"]} <= set(ids(books_or_videos))


async def test_filter_by_date_in_user_time_zone(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor")
    late = await add(tabs, mentor, title="Зебрадата поздняя")
    early = await add(tabs, mentor, title="Зебрадата ранняя")
    # 22:30 UTC on 10 March is 01:30 on 11 March in Moscow (UTC+3).
    await set_published_at(tabs, late["id"], dt.datetime(2030, 3, 10, 22, 30, tzinfo=dt.UTC))
    await set_published_at(tabs, early["id"], dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC))

    from_11 = ids(await search(tabs, reader, q="зебрадата", **{"from": "2030-03-11"}))
    to_10 = ids(await search(tabs, reader, q="зебрадата", to="2030-03-10"))
    march = ids(await search(tabs, reader, q="зебрадата", **{"from": "2030-03-01"}, to="2030-03-31"))
    april = ids(await search(tabs, reader, q="зебрадата", **{"from": "2030-04-01"}))

    assert from_11 == [late["id"]]
    assert to_10 == [early["id"]]
    assert sorted(march) == sorted([late["id"], early["id"]])
    assert april == []


async def test_invalid_parameters_name_fields(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher", locale="ru-RU")

    problem = await search_problem(
        tabs, reader, type="podcast", materialType="podcast", sort="random",
        **{"from": "2030-13-01"}, status="lost",
    )
    order = await search_problem(tabs, reader, **{"from": "2030-03-02"}, to="2030-03-01")
    long_query = await search_problem(tabs, reader, q="слово " * 50)
    russian = await search_problem(tabs, reader, language="ru-RU", q="слово " * 50)

    assert error_fields(problem) == {
        "type": "unknown_choice",
        "materialType": "unknown_choice",
        "sort": "unknown_choice",
        "from": "invalid_date",
        "status": "unknown_choice",
    }
    assert error_fields(order) == {"to": "before_start"}
    assert long_query["errors"][0]["limit"] == 200
    assert "200" in long_query["errors"][0]["message"]
    assert "Search text" in long_query["errors"][0]["message"]
    assert "Текст поиска" in russian["errors"][0]["message"]


async def test_statuses_other_than_published_need_moderator(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor")
    moderator = await tabs.sign_in("moderator")

    for user in (teacher, mentor):
        response = await tabs.request("GET", f"{API}/entries", user, params={"status": "draft"})
        assert response.status == 403
    response = await tabs.request("GET", f"{API}/entries", moderator, params={"status": "any"})
    assert response.status == 200


# --------------------------------------------------------------------- paging


async def test_paging_boundaries(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor")
    added = [(await add(tabs, mentor, title=f"Зебрастраница {n}"))["id"] for n in range(5)]

    pages = [await search(tabs, reader, q="зебрастраница", offset=offset, limit=2)
             for offset in (0, 2, 4, 5, 50)]

    assert [len(page["items"]) for page in pages] == [2, 2, 1, 0, 0]
    assert {page["total"] for page in pages} == {5}
    seen = [entry_id for page in pages for entry_id in ids(page)]
    assert sorted(seen) == sorted(added)
    assert pages[2]["offset"] == 4
    assert pages[2]["limit"] == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 51}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": "two"}, "offset"),
    ],
)
async def test_paging_rejects_bad_numbers(
    tabs: TabsClient, params: dict[str, Any], field: str
) -> None:
    reader = await tabs.sign_in("teacher")

    problem = await search_problem(tabs, reader, **params)

    assert [item["field"] for item in problem["errors"]] == [field]


async def test_without_words_newest_first(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor")
    older = await add(tabs, mentor, title="Зебрапорядок старый")
    newer = await add(tabs, mentor, title="Зебрапорядок новый")
    await set_published_at(tabs, older["id"], dt.datetime(2031, 1, 1, tzinfo=dt.UTC))
    await set_published_at(tabs, newer["id"], dt.datetime(2031, 6, 1, tzinfo=dt.UTC))

    page = await search(tabs, reader, limit=2)
    oldest = await search(tabs, reader, q="зебрапорядок", sort="oldest")

    assert page["sort"] == "newest"
    assert ids(page) == [newer["id"], older["id"]]
    assert page["total"] == 18 + 2
    assert ids(oldest) == [older["id"], newer["id"]]


# ----------------------------------------------------------------- entry pages


async def test_material_page_names_who_added_it(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor", "Вера Лебедева")
    added = await add(tabs, mentor, title="Карта конфликта", materialType="book", language="ru")

    response = await tabs.request("GET", f"{API}/entries/{added['id']}", reader)
    page = await response.json()

    assert response.status == 200
    assert page["addedBy"] == "Вера Лебедева"
    assert page["materialType"] == "book"
    assert page["case"] is None
    assert page["rubrics"] == [{"key": "parents", "title": "Взаимодействие с родителями"}]


async def test_solved_case_page_is_anonymous(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    entry_id, teacher, mentor = await published_case(tabs, moderator)
    async with tabs.services.workflow.db.transaction() as session:
        case_number = await session.scalar(
            select(Case.number)
            .join(LibraryEntry, LibraryEntry.source_case_id == Case.id)
            .where(LibraryEntry.id == entry_id)
        )
    assert case_number is not None
    reader = await tabs.sign_in("mentor", "Другой наставник")

    response = await tabs.request("GET", f"{API}/entries/{entry_id}", reader)
    text = await response.text()
    page = json.loads(text)

    assert response.status == 200
    assert page["kind"] == "solved_case"
    assert page["addedBy"] is None
    assert page["case"]["clarifications"] == [
        {"question": "Сколько детей в классе?", "answer": page["case"]["clarifications"][0]["answer"]}
    ]
    assert page["case"]["clarifications"][0]["answer"].startswith("Ответ")
    assert page["case"]["solutions"][0]["text"] == "Введите постоянный ритуал начала урока."
    assert "Анна" not in text
    assert "Петров" not in text
    assert "Борис" not in text
    assert case_number not in text
    assert set(page) == {
        "id", "kind", "materialType", "status", "title", "summary", "url", "language",
        "rubrics", "publishedAt", "updatedAt", "addedBy", "case",
    }
    assert set(page["case"]) == {
        "essence", "actionsTaken", "whyDifficult", "question", "participants", "urgency",
        "clarifications", "solutions",
    }
    assert set(page["case"]["solutions"][0]) == {"text", "materials"}


async def test_unknown_entry_is_404(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher")

    response = await tabs.request("GET", f"{API}/entries/999999", reader)

    assert response.status == 404
    assert (await response.json())["code"] == "not_found"


async def test_filters_list_rubrics_in_user_language(tabs: TabsClient) -> None:
    russian = await tabs.sign_in("teacher", locale="ru-RU")
    english = await tabs.sign_in("teacher", locale="en-US")

    ru = await (await tabs.request("GET", f"{API}/filters", russian)).json()
    en = await (await tabs.request("GET", f"{API}/filters", english)).json()

    assert [r["key"] for r in ru["rubrics"]] == [r["key"] for r in en["rubrics"]]
    assert ru["rubrics"][0]["title"] != en["rubrics"][0]["title"]
    assert ru["materialTypes"] == ["article", "book", "link", "video"]
    assert ru["kinds"] == ["solved_case", "material"]


async def test_rubric_titles_follow_page_language(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher", locale="ru-RU")
    mentor = await tabs.sign_in("mentor")
    added = await add(tabs, mentor, title="Зебраязык")
    path = f"{API}/entries/{added['id']}"

    english = await tabs.request("GET", path, reader, headers={"Accept-Language": "en-US"})
    russian = await tabs.request("GET", path, reader, headers={"Accept-Language": "ru-RU"})

    assert (await english.json())["rubrics"] == [
        {"key": "parents", "title": "Interaction with parents"}
    ]
    assert (await russian.json())["rubrics"] == [
        {"key": "parents", "title": "Взаимодействие с родителями"}
    ]


# ------------------------------------------------------------------ materials


async def test_moderator_adds_material_published_at_once(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator", "Модератор Иванова")
    reader = await tabs.sign_in("teacher")

    added = await add(tabs, moderator, title="Зебрамодератор")

    assert added["status"] == "published"
    assert added["addedBy"] == "Модератор Иванова"
    assert ids(await search(tabs, reader, q="зебрамодератор")) == [added["id"]]


async def test_material_fields_are_checked(tabs: TabsClient) -> None:
    mentor = await tabs.sign_in("mentor")

    response = await tabs.request(
        "POST", f"{API}/entries", mentor,
        json={"title": " ", "url": "", "summary": "", "rubrics": [], "language": "de"},
        headers={"Accept-Language": "en"},
    )
    problem = await response.json()

    assert response.status == 422
    assert error_fields(problem) == {
        "title": "required",
        "summary": "required",
        "url": "required",
        "materialType": "required",
        "rubrics": "choose_at_least_one",
        "language": "unknown_choice",
    }


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"title": "т" * 201}, "title", "too_long"),
        ({"summary": "с" * 2001}, "summary", "too_long"),
        ({"url": "javascript:alert(1)"}, "url", "invalid_link"),
        ({"url": "ftp://example.org/file"}, "url", "invalid_link"),
        ({"url": "http://localhost/page"}, "url", "invalid_link"),
        ({"url": "https://user:secret@example.org/"}, "url", "invalid_link"),
        ({"url": "https://exa mple.org/"}, "url", "invalid_link"),
        ({"url": "https://example.org:99999/"}, "url", "invalid_link"),
        ({"url": "https://" + "a" * 2000 + ".org/"}, "url", "too_long"),
        ({"materialType": "podcast"}, "materialType", "unknown_choice"),
        ({"rubrics": ["parents", "no_such_rubric"]}, "rubrics", "unknown_choice"),
        ({"title": "Нулевой\x00символ"}, "title", "invalid_character"),
    ],
)
async def test_material_field_limits(
    tabs: TabsClient, changes: dict[str, Any], field: str, code: str
) -> None:
    mentor = await tabs.sign_in("mentor")

    response = await tabs.request("POST", f"{API}/entries", mentor, json=material(**changes))
    problem = await response.json()

    assert response.status == 422
    assert error_fields(problem) == {field: code}


async def test_material_limit_message_in_both_languages(tabs: TabsClient) -> None:
    russian = await tabs.sign_in("mentor", locale="ru-RU")
    english = await tabs.sign_in("mentor", locale="en-US")
    body = material(title="т" * 201)

    ru = await (await tabs.request("POST", f"{API}/entries", russian, json=body)).json()
    en = await (await tabs.request("POST", f"{API}/entries", english, json=body)).json()

    assert ru["errors"][0]["message"] == (
        "Поле «Заголовок» должно быть не длиннее 200 символов; сейчас в нём 201."
    )
    assert en["errors"][0]["message"] == "«Title» must be at most 200 characters; it has 201."


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a?b=c#d",
        "http://пример.рф/статья",
        "HTTPS://Example.ORG/Path",
        "http://192.0.2.10/report.pdf",
    ],
)
async def test_valid_links_accepted(tabs: TabsClient, url: str) -> None:
    mentor = await tabs.sign_in("mentor")

    response = await tabs.request("POST", f"{API}/entries", mentor, json=material(url=url))

    assert response.status == 201, await response.text()


async def test_link_scheme_and_host_lower_cased(tabs: TabsClient) -> None:
    mentor = await tabs.sign_in("mentor")

    added = await add(tabs, mentor, url="HTTPS://Example.ORG/Path")

    assert added["url"] == "https://example.org/Path"


async def test_duplicate_link_rejected(tabs: TabsClient) -> None:
    mentor = await tabs.sign_in("mentor")
    await add(tabs, mentor, url="https://example.org/same")

    response = await tabs.request(
        "POST", f"{API}/entries", mentor, json=material(url="https://EXAMPLE.org/same")
    )

    assert response.status == 422
    assert error_fields(await response.json()) == {"url": "duplicate_link"}


async def test_html_payloads_stored_as_text(tabs: TabsClient) -> None:
    mentor = await tabs.sign_in("mentor")
    reader = await tabs.sign_in("teacher")
    title = '<script>alert("x")</script> Зебраскрипт <img src=x onerror=alert(1)>'
    summary = "<b>жирный</b> & <a href='javascript:alert(1)'>ссылка</a>"

    added = await add(tabs, mentor, title=title, summary=summary)
    page = await (await tabs.request("GET", f"{API}/entries/{added['id']}", reader)).json()
    found = await search(tabs, reader, q="зебраскрипт")

    assert page["title"] == title
    assert page["summary"] == summary
    assert found["items"][0]["title"] == title


# ------------------------------------------------------------------ solutions


async def test_mentor_attaches_material_to_own_solution(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    entry_id, teacher, mentor = await published_case(tabs, moderator)
    added = await add(tabs, mentor, title="Зебраприложение")

    solutions = await (await tabs.request("GET", f"{API}/solutions", mentor)).json()
    (solution,) = solutions["items"]
    attached = await tabs.request(
        "POST", f"{API}/solutions/{solution['id']}/materials", mentor,
        json={"materialId": added["id"]},
    )
    again = await tabs.request(
        "POST", f"{API}/solutions/{solution['id']}/materials", mentor,
        json={"materialId": added["id"]},
    )
    reader = await tabs.sign_in("teacher")
    page = await (await tabs.request("GET", f"{API}/entries/{entry_id}", reader)).json()
    case_id = await _source_case(tabs, entry_id)
    case_view = await tabs.services.workflow.case_view(teacher.actor, case_id)

    assert solutions["total"] == 1
    assert solution["excerpt"] == "Введите постоянный ритуал начала урока."
    assert attached.status == 200
    assert [m["id"] for m in (await again.json())["materials"]] == [added["id"]]
    assert [m["id"] for m in page["case"]["solutions"][0]["materials"]] == [added["id"]]
    assert [m.entry_id for m in case_view.solutions[0].materials] == [added["id"]]


async def _source_case(tabs: TabsClient, entry_id: int) -> int:
    async with tabs.services.workflow.db.transaction() as session:
        case_id = await session.scalar(
            select(LibraryEntry.source_case_id).where(LibraryEntry.id == entry_id)
        )
        assert case_id is not None
        return case_id


async def test_attach_checks_owner_and_material(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    entry_id, _, mentor = await published_case(tabs, moderator)
    stranger = await tabs.sign_in("mentor")
    solution_id = (await (await tabs.request("GET", f"{API}/solutions", mentor)).json())["items"][0]["id"]
    hidden = await add(tabs, mentor, title="Зебраскрытый")
    await tabs.request("POST", f"{API}/entries/{hidden['id']}/unpublish", moderator)

    by_stranger = await tabs.request(
        "POST", f"{API}/solutions/{solution_id}/materials", stranger, json={"materialId": hidden["id"]}
    )
    unpublished = await tabs.request(
        "POST", f"{API}/solutions/{solution_id}/materials", mentor, json={"materialId": hidden["id"]}
    )
    solved_case = await tabs.request(
        "POST", f"{API}/solutions/{solution_id}/materials", mentor, json={"materialId": entry_id}
    )
    not_a_number = await tabs.request(
        "POST", f"{API}/solutions/{solution_id}/materials", mentor, json={"materialId": "7"}
    )

    assert by_stranger.status == 404
    assert unpublished.status == 422
    assert error_fields(await unpublished.json()) == {"materialId": "unknown_choice"}
    assert solved_case.status == 422
    assert not_a_number.status == 422
    assert (await (await tabs.request("GET", f"{API}/solutions", stranger)).json())["total"] == 0


async def test_detach_material(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    entry_id, _, mentor = await published_case(tabs, moderator)
    solution_id = (await (await tabs.request("GET", f"{API}/solutions", mentor)).json())["items"][0]["id"]
    added = await add(tabs, mentor, title="Зебраоткрепление", solutionId=solution_id)

    attached = await (await tabs.request("GET", f"{API}/solutions", mentor)).json()
    response = await tabs.request(
        "DELETE", f"{API}/solutions/{solution_id}/materials/{added['id']}", mentor
    )
    page = await (await tabs.request("GET", f"{API}/entries/{entry_id}", mentor)).json()

    assert [m["id"] for m in attached["items"][0]["materials"]] == [added["id"]]
    assert response.status == 200
    assert (await response.json())["materials"] == []
    assert page["case"]["solutions"][0]["materials"] == []


async def test_material_for_foreign_solution_rejected(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    await published_case(tabs, moderator)
    async with tabs.services.workflow.db.transaction() as session:
        from teams_app.storage.models import Solution

        solution_id = await session.scalar(select(Solution.id))
    stranger = await tabs.sign_in("mentor")

    response = await tabs.request(
        "POST", f"{API}/entries", stranger, json=material(solutionId=solution_id)
    )

    assert response.status == 422
    assert error_fields(await response.json()) == {"solutionId": "unknown_choice"}


# ----------------------------------------------------------------- moderation


async def test_edit_material_reindexes(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    reader = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor")
    added = await add(tabs, mentor, title="Зебрастарое название", summary="Про оценки.")

    response = await tabs.request(
        "PATCH", f"{API}/entries/{added['id']}", moderator,
        json={
            "title": "Зебрановое название",
            "summary": "Про домашние задания.",
            "url": "https://example.org/new",
            "rubrics": ["assessment", "parents"],
            "materialType": "video",
        },
    )
    edited = await response.json()

    assert response.status == 200
    assert edited["title"] == "Зебрановое название"
    assert edited["url"] == "https://example.org/new"
    assert edited["materialType"] == "video"
    assert [r["key"] for r in edited["rubrics"]] == ["assessment", "parents"]
    assert ids(await search(tabs, reader, q="зебрановое")) == [added["id"]]
    assert ids(await search(tabs, reader, q="зебрастарое")) == []
    assert added["id"] in ids(await search(tabs, reader, q="домашние задания"))
    assert added["id"] not in ids(await search(tabs, reader, q="оценки"))
    assert added["id"] in ids(await search(tabs, reader, q="зебрановое", rubric="assessment"))


async def test_edit_solved_case_reindexes(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    reader = await tabs.sign_in("teacher")
    entry_id, _, _ = await published_case(tabs, moderator)

    response = await tabs.request(
        "PATCH", f"{API}/entries/{entry_id}", moderator,
        json={
            "essence": "Класс не слушает учителя, слово зебракласс стало шуткой.",
            "clarifications": [{"answer": "Ответ: в классе двадцать пять учеников, говорят зебраответ."}],
            "solutions": [{"text": "Решение: короткая разминка под названием зебрарешение."}],
        },
    )
    edited = await response.json()
    history = await _events(tabs, entry_id)

    assert response.status == 200, edited
    assert edited["case"]["essence"] == "Класс не слушает учителя, слово зебракласс стало шуткой."
    assert edited["case"]["clarifications"][0]["question"] == "Сколько детей в классе?"
    assert ids(await search(tabs, reader, q="зебракласс")) == [entry_id]
    assert ids(await search(tabs, reader, q="зебраответ")) == [entry_id]
    assert ids(await search(tabs, reader, q="зебрарешение")) == [entry_id]
    assert entry_id not in ids(await search(tabs, reader, q="перемены рассесться"))
    assert "library_entry_edited" in history


async def _events(tabs: TabsClient, entry_id: int) -> list[str]:
    case_id = await _source_case(tabs, entry_id)
    async with tabs.services.workflow.db.transaction() as session:
        rows = await session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id))
        return list(rows)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("essence", "Иван Петрович Смирнов из школы № 5 жалуется директору."),
        ("title", "Письмо на ivan.smirnov@mail.ru"),
        ("question", "Позвонить по телефону +7 912 345-67-89?"),
    ],
)
async def test_edit_with_personal_data_rejected(
    tabs: TabsClient, field: str, value: str
) -> None:
    moderator = await tabs.sign_in("moderator", locale="en-US")
    entry_id, _, _ = await published_case(tabs, moderator)
    before = await (await tabs.request("GET", f"{API}/entries/{entry_id}", moderator)).json()

    response = await tabs.request("PATCH", f"{API}/entries/{entry_id}", moderator, json={field: value})
    problem = await response.json()
    after = await (await tabs.request("GET", f"{API}/entries/{entry_id}", moderator)).json()

    assert response.status == 422
    assert error_fields(problem) == {field: "personal_data"}
    assert "personal data" in problem["errors"][0]["message"]
    assert after == before


async def test_edit_keeps_placeholders(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    entry_id, _, _ = await published_case(tabs, moderator)

    response = await tabs.request(
        "PATCH", f"{API}/entries/{entry_id}", moderator,
        json={"essence": "[имя] из [школа] попросила совета у коллег по параллели."},
    )

    assert response.status == 200, await response.text()


async def test_edit_with_wrong_item_count_rejected(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    entry_id, _, _ = await published_case(tabs, moderator)

    response = await tabs.request(
        "PATCH", f"{API}/entries/{entry_id}", moderator,
        json={"solutions": [{"text": "Одно"}, {"text": "Лишнее"}], "title": "т" * 201},
    )

    assert response.status == 422
    assert error_fields(await response.json()) == {"solutions": "item_count", "title": "too_long"}


async def test_unpublish_hides_entry_until_published_again(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    reader = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor")
    added = await add(tabs, mentor, title="Зебраснятие")

    unpublished = await tabs.request("POST", f"{API}/entries/{added['id']}/unpublish", moderator)
    hidden_search = ids(await search(tabs, reader, q="зебраснятие"))
    hidden_page = await tabs.request("GET", f"{API}/entries/{added['id']}", reader)
    hidden_for_author = await tabs.request("GET", f"{API}/entries/{added['id']}", mentor)
    moderator_page = await tabs.request("GET", f"{API}/entries/{added['id']}", moderator)
    moderator_search = ids(
        await search(tabs, moderator, q="зебраснятие", status="unpublished")
    )
    twice = await tabs.request("POST", f"{API}/entries/{added['id']}/unpublish", moderator)
    republished = await tabs.request("POST", f"{API}/entries/{added['id']}/publish", moderator)

    assert unpublished.status == 200
    assert (await unpublished.json())["status"] == "unpublished"
    assert hidden_search == []
    assert hidden_page.status == 404
    assert hidden_for_author.status == 404
    assert moderator_page.status == 200
    assert moderator_search == [added["id"]]
    assert twice.status == 409
    assert (await twice.json())["code"] == "entry_state_conflict"
    assert republished.status == 200
    assert ids(await search(tabs, reader, q="зебраснятие")) == [added["id"]]


async def test_moderation_queue_approve(tabs: TabsClient) -> None:
    workflow = tabs.services.workflow
    moderator = await tabs.sign_in("moderator")
    reader = await tabs.sign_in("teacher")
    teacher = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor", areas=("class_management",))
    case_id, _ = await accepted_case(
        workflow, teacher.actor, mentor.actor,
        essence="В классе слово зебраочередь стало шуткой после перемены.",
    )
    await workflow.write_solution(mentor.actor, case_id, "Попробуйте сигнал тишины.")
    entry_id = (await workflow.complete(teacher.actor, case_id, REFLECTION)).entry_id

    queue = await (await tabs.request("GET", f"{API}/moderation", moderator)).json()
    draft_page = await tabs.request("GET", f"{API}/entries/{entry_id}", reader)
    before = ids(await search(tabs, reader, q="зебраочередь"))
    approved = await tabs.request("POST", f"{API}/entries/{entry_id}/publish", moderator)
    after = ids(await search(tabs, reader, q="зебраочередь"))
    queue_after = await (await tabs.request("GET", f"{API}/moderation", moderator)).json()

    assert ids(queue) == [entry_id]
    assert queue["total"] == 1
    assert draft_page.status == 404
    assert before == []
    assert approved.status == 200
    assert (await approved.json())["status"] == "published"
    assert after == [entry_id]
    assert queue_after["total"] == 0


async def test_moderation_queue_reject(tabs: TabsClient) -> None:
    workflow = tabs.services.workflow
    moderator = await tabs.sign_in("moderator")
    reader = await tabs.sign_in("teacher")
    teacher = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor", areas=("class_management",))
    case_id, _ = await accepted_case(workflow, teacher.actor, mentor.actor)
    await workflow.write_solution(mentor.actor, case_id, "Попробуйте сигнал тишины.")
    entry_id = (await workflow.complete(teacher.actor, case_id, REFLECTION)).entry_id

    rejected = await tabs.request("POST", f"{API}/entries/{entry_id}/unpublish", moderator)
    page = await tabs.request("GET", f"{API}/entries/{entry_id}", reader)
    queue = await (await tabs.request("GET", f"{API}/moderation", moderator)).json()

    assert rejected.status == 200
    assert (await rejected.json())["status"] == "unpublished"
    assert page.status == 404
    assert queue["total"] == 0


async def test_edit_as_mentor_forbidden(tabs: TabsClient) -> None:
    mentor = await tabs.sign_in("mentor")
    added = await add(tabs, mentor, title="Зебраправка")

    response = await tabs.request(
        "PATCH", f"{API}/entries/{added['id']}", mentor, json={"title": "Чужая правка"}
    )

    assert response.status == 403


async def test_time_zone_of_user_moves_day(tabs: TabsClient) -> None:
    reader = await tabs.sign_in("teacher")
    mentor = await tabs.sign_in("mentor")
    added = await add(tabs, mentor, title="Зебразона")
    await set_published_at(tabs, added["id"], dt.datetime(2030, 3, 10, 22, 30, tzinfo=dt.UTC))
    async with tabs.services.workflow.db.transaction() as session:
        user = await session.get(User, reader.actor.user_id)
        assert user is not None
        user.time_zone = "America/New_York"

    on_10 = ids(await search(tabs, reader, q="зебразона", **{"from": "2030-03-10"}, to="2030-03-10"))

    assert on_10 == [added["id"]]
