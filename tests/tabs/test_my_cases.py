"""The "My cases" API: a teacher's cases, a mentor's offers and cases, the moderators' queue.

The app runs with the bot's notifier pointed at a fake Bot Connector on
loopback, so each test can also check that a tab action notified the same
people as the card action would.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, make_mocked_request
from sqlalchemy import func, select

from bot.adapter_fixes import RetryPolicy
from bot.notifier import Notifier
from bot.routes import NOTIFIER_KEY, RETRY_POLICY_KEY
from tabs.api.cases import deliver
from tabs.routes import SERVICES_KEY
from teams_app.app import create_app
from teams_app.domain.enums import LibraryEntryKind, LibraryEntryStatus, Role
from teams_app.services import Services
from teams_app.settings import Settings
from teams_app.storage import search
from teams_app.storage.models import Assignment, Case, LibraryEntry, User
from teams_app.workflow.drafts import replace_entry_rubrics
from teams_app.workflow.views import Actor, Outcome
from tests.bot.fake_connector import FakeConnector, RecordedRequest
from tests.factories import CASE_FORM, make_user

API = "/api/v1"
ROLES: dict[str, tuple[Role, ...]] = {
    "teacher": (),
    "mentor": (Role.MENTOR,),
    "moderator": (Role.MODERATOR,),
}
AREA = "class_management"

# The intake form as the page sends it.
CASE_BODY: dict[str, Any] = {
    "essence": CASE_FORM["essence"],
    "actionsTaken": CASE_FORM["actions_taken"],
    "whyDifficult": CASE_FORM["why_difficult"],
    "question": CASE_FORM["question"],
    "participants": ["form_6", "fellow_teachers"],
    "rubrics": [AREA],
    "privacy": "anonymous",
    "groupConsent": True,
    "urgency": "need_advice",
    "publishConsent": True,
}
REFLECTION_BODY = {"willDo": "Введу ритуал", "whatChanged": "Понимаю, что делать", "usefulness": 4}


@dataclass
class TabUser:
    """A signed-in user with the conversation the bot notifies them in."""

    actor: Actor
    token: str
    conversation_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def id(self) -> int:
        return self.actor.user_id


class CaseTabs:
    """Calls the API as a user and waits for the notifications each call schedules."""

    def __init__(self, client: TestClient, app: web.Application, connector: FakeConnector) -> None:
        self.client = client
        self.app = app
        self.connector = connector
        # Every JSON body returned, with the user it went to, for privacy checks.
        self.responses: list[tuple[TabUser, str, Any]] = []

    @property
    def services(self) -> Services:
        return self.app[SERVICES_KEY]

    @property
    def notifier(self) -> Notifier:
        return self.app[NOTIFIER_KEY]

    async def sign_in(
        self,
        role: str = "teacher",
        name: str | None = None,
        *,
        areas: tuple[str, ...] = (),
        locale: str = "ru-RU",
        email: str | None = None,
    ) -> TabUser:
        actor = await make_user(
            self.services.workflow,
            name or f"Test {role}",
            roles=ROLES[role],
            areas=areas,
            locale=locale,
            email=email,
            service_url=self.connector.service_url,
        )
        session = await self.services.web_sessions.start_demo_session(actor.user_id)
        async with self.services.workflow.db.transaction() as db_session:
            user = await db_session.get(User, actor.user_id)
            assert user is not None
            conversation_id = f"a:{user.teams_user_id}"
        return TabUser(actor, session.token, conversation_id)

    async def call(
        self,
        method: str,
        path: str,
        user: TabUser,
        *,
        json_body: Any = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """Send one request, wait for its deliveries and check the status."""
        response = await self.client.request(
            method,
            API + path,
            json=json_body,
            headers={**user.headers, **(headers or {})},
        )
        text = await response.text()
        await self.notifier.wait_idle()
        body = json.loads(text) if text else None
        self.responses.append((user, f"{method} {path}", text))
        assert response.status == status, (method, path, response.status, body)
        return body

    def sent_to(self, user: TabUser) -> list[RecordedRequest]:
        return self.connector.to(user.conversation_id)

    def texts_to(self, user: TabUser) -> list[str]:
        """Return the plain texts and card bodies the bot sent to ``user``, as JSON strings."""
        return [json.dumps(r.body, ensure_ascii=False) for r in self.sent_to(user)]


@pytest_asyncio.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.close()


async def _no_sleep(seconds: float) -> None:
    return None


@pytest_asyncio.fixture
async def tabs(settings: Settings, connector: FakeConnector, aiohttp_client: Any) -> CaseTabs:
    app_settings = dataclasses.replace(
        settings,
        migrate_on_start=True,
        demo=True,
        public_base_url="https://mentoring.test",
        connector_timeout=5.0,
    )
    app = create_app(app_settings)
    app[RETRY_POLICY_KEY] = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.1, sleep=_no_sleep)
    client = await aiohttp_client(app)
    return CaseTabs(client, app, connector)


# ------------------------------------------------------------------ helpers


async def submit(tabs: CaseTabs, teacher: TabUser, **changes: Any) -> dict[str, Any]:
    return await tabs.call("POST", "/cases", teacher, json_body={**CASE_BODY, **changes}, status=201)


async def offered(tabs: CaseTabs, teacher: TabUser, mentor: TabUser) -> tuple[int, int]:
    """Submit a case and offer it to ``mentor``; return (case id, assignment id)."""
    case = await submit(tabs, teacher)
    await tabs.call("POST", f"/cases/{case['id']}/find-mentor", teacher)
    await tabs.call("POST", f"/cases/{case['id']}/mentor", teacher, json_body={"mentorId": mentor.id})
    offers = await tabs.call("GET", "/mentoring/offers", mentor)
    (offer,) = [item for item in offers["items"] if item["case"]["id"] == case["id"]]
    return case["id"], offer["id"]


async def accepted(tabs: CaseTabs, teacher: TabUser, mentor: TabUser) -> int:
    case_id, assignment_id = await offered(tabs, teacher, mentor)
    await tabs.call("POST", f"/mentoring/offers/{assignment_id}/accept", mentor)
    return case_id


async def asked(tabs: CaseTabs, teacher: TabUser, mentor: TabUser) -> tuple[int, dict[str, Any]]:
    """Bring a case to the teacher's answers; return the case id and the open round."""
    case_id = await accepted(tabs, teacher, mentor)
    case = await tabs.call(
        "POST",
        f"/mentoring/cases/{case_id}/questions",
        mentor,
        json_body={"customQuestions": ["Сколько детей в классе?", "Что уже помогало?"]},
    )
    return case_id, case["questionRounds"][-1]


async def answered(tabs: CaseTabs, teacher: TabUser, mentor: TabUser) -> int:
    case_id, question_round = await asked(tabs, teacher, mentor)
    answers = {str(q["id"]): f"Ответ {q['id']}" for q in question_round["questions"]}
    await tabs.call(
        "POST",
        f"/cases/{case_id}/rounds/{question_round['id']}/answers",
        teacher,
        json_body={"answers": answers},
    )
    return case_id


async def solved(tabs: CaseTabs, teacher: TabUser, mentor: TabUser) -> int:
    case_id = await accepted(tabs, teacher, mentor)
    await tabs.call(
        "POST",
        f"/mentoring/cases/{case_id}/solutions",
        mentor,
        json_body={"solution": "Введите ритуал начала урока."},
    )
    return case_id


async def people(tabs: CaseTabs) -> tuple[TabUser, TabUser]:
    teacher = await tabs.sign_in("teacher", "Вера Учителева")
    mentor = await tabs.sign_in("mentor", "Наталья Орлова", areas=(AREA,))
    return teacher, mentor


async def add_material(tabs: CaseTabs, title: str, rubrics: list[str]) -> int:
    async with tabs.services.workflow.db.transaction() as session:
        entry = LibraryEntry(
            kind=LibraryEntryKind.MATERIAL,
            status=LibraryEntryStatus.PUBLISHED,
            language="ru",
            title=title,
            summary=f"{title}: краткое описание",
            url="https://example.org/material",
            rubrics=rubrics,
        )
        session.add(entry)
        await session.flush()
        await replace_entry_rubrics(session, entry)
        await search.index_entry(session, entry)
        return entry.id


def field_errors(problem: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["field"]: item for item in problem["errors"]}


# ------------------------------------------------------------------ teacher


async def test_case_list_starts_empty(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in()
    body = await tabs.call("GET", "/cases", teacher)
    assert body == {"items": [], "total": 0}


async def test_submitted_case_is_listed(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in()
    case = await submit(tabs, teacher, essence="Слово " * 60)
    body = await tabs.call("GET", "/cases", teacher)
    (item,) = body["items"]
    assert body["total"] == 1
    assert item["id"] == case["id"]
    assert item["number"] == case["number"]
    assert item["status"] == "new"
    assert item["urgency"] == "need_advice"
    assert item["privacy"] == "anonymous"
    assert item["waitingFor"] == "teacher_library_choice"
    assert item["waitingOnYou"] is True
    assert item["mentorName"] is None
    assert item["excerpt"].endswith("…")
    assert len(item["excerpt"]) <= 160
    assert item["updatedAt"].endswith("Z")


async def test_case_list_pages_and_scopes(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in()
    ids = [(await submit(tabs, teacher))["id"] for _ in range(3)]
    await tabs.call("POST", f"/cases/{ids[0]}/withdrawal", teacher)

    first = await tabs.call("GET", "/cases?limit=2", teacher)
    second = await tabs.call("GET", "/cases?limit=2&offset=2", teacher)
    listed = [item["id"] for item in first["items"] + second["items"]]
    assert first["total"] == 3
    assert sorted(listed) == sorted(ids)
    assert listed[0] == ids[0], "the case changed last comes first"

    open_cases = await tabs.call("GET", "/cases?scope=open", teacher)
    closed = await tabs.call("GET", "/cases?scope=closed", teacher)
    assert {item["id"] for item in open_cases["items"]} == set(ids[1:])
    assert [item["id"] for item in closed["items"]] == [ids[0]]
    assert closed["items"][0]["waitingFor"] == "nothing"


async def test_case_list_rejects_bad_paging(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in(locale="en-US")
    problem = await tabs.call("GET", "/cases?scope=everything", teacher, status=422)
    assert field_errors(problem)["scope"]["code"] == "unknown_choice"
    problem = await tabs.call("GET", "/cases?limit=1000", teacher, status=422)
    assert field_errors(problem)["limit"]["limit"] == 100


async def test_case_list_shows_only_own_cases(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in()
    other = await tabs.sign_in()
    await submit(tabs, teacher)
    body = await tabs.call("GET", "/cases", other)
    assert body["total"] == 0


async def test_form_options_in_user_language(tabs: CaseTabs) -> None:
    russian = await tabs.sign_in()
    english = await tabs.sign_in(locale="en-US")
    ru = await tabs.call("GET", "/cases/form", russian)
    en = await tabs.call("GET", "/cases/form", english)
    ru_titles = {rubric["key"]: rubric["title"] for rubric in ru["rubrics"]}
    en_titles = {rubric["key"]: rubric["title"] for rubric in en["rubrics"]}
    assert len(ru_titles) == 12
    assert en_titles["parents"] == "Interaction with parents"
    assert ru_titles["parents"] != en_titles["parents"]
    assert "form_11" in ru["participants"]
    assert ru["limits"]["essence"] == 1000
    assert ru["limits"]["answer"] == 1000


async def test_submit_returns_case_page(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in()
    case = await submit(tabs, teacher)
    assert case["status"] == "new"
    assert case["viewerRelation"] == "teacher"
    assert case["actions"] == ["close_by_library", "find_mentor", "withdraw"]
    assert case["currentRevision"] == 1
    (revision,) = case["revisions"]
    assert revision["actionsTaken"] == CASE_FORM["actions_taken"]
    assert revision["participants"] == ["form_6", "fellow_teachers"]
    assert revision["changedFields"] == []
    assert "teacher" not in case
    # The bot posts the library's first answer in the teacher's chat.
    assert len(tabs.sent_to(teacher)) == 1


async def test_submit_reports_fields_in_russian(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in()
    problem = await tabs.call(
        "POST",
        "/cases",
        teacher,
        json_body={**CASE_BODY, "essence": "я" * 1001, "actionsTaken": "", "rubrics": []},
        status=422,
    )
    errors = field_errors(problem)
    assert problem["code"] == "validation_failed"
    assert set(errors) == {"essence", "actionsTaken", "rubrics"}
    assert errors["essence"]["code"] == "too_long"
    assert errors["essence"]["limit"] == 1000
    assert errors["essence"]["actual"] == 1001
    assert "1\u00a0000" in errors["essence"]["message"]
    assert "символов" in errors["essence"]["message"]
    assert errors["actionsTaken"]["code"] == "required"
    assert errors["actionsTaken"]["message"] == "Поле «Что вы уже предпринимали» обязательно."
    assert await tabs.call("GET", "/cases", teacher) == {"items": [], "total": 0}


async def test_submit_reports_fields_in_english(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in(locale="en-US")
    problem = await tabs.call(
        "POST",
        "/cases",
        teacher,
        json_body={**CASE_BODY, "whyDifficult": "w" * 1200, "groupConsent": "maybe"},
        status=422,
    )
    errors = field_errors(problem)
    assert errors["whyDifficult"]["message"] == (
        "«Why you cannot solve it alone» must be at most 1,000 characters; it has 1,200."
    )
    assert errors["groupConsent"]["code"] == "invalid_boolean"


async def test_case_page_is_private(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    stranger = await tabs.sign_in()
    case = await submit(tabs, teacher)
    problem = await tabs.call("GET", f"/cases/{case['id']}", stranger, status=403)
    assert problem["code"] == "not_permitted"
    await tabs.call("GET", f"/cases/{case['id']}", mentor, status=403)
    await tabs.call("GET", "/cases/999999", teacher, status=404)


async def test_library_hits_shown_to_teacher(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    entry_id = await add_material(tabs, "Дисциплина в шестом классе", [AREA])
    case = await submit(tabs, teacher)
    stored = await tabs.services.workflow.library_hits(case["id"])
    shown = [hit["entryId"] for hit in case["libraryHits"]]
    assert shown == [hit.entry_id for hit in stored]
    assert entry_id in shown
    await tabs.call("POST", f"/cases/{case['id']}/find-mentor", teacher)
    await tabs.call("POST", f"/cases/{case['id']}/mentor", teacher, json_body={"mentorId": mentor.id})
    assert (await tabs.call("GET", f"/cases/{case['id']}", mentor))["libraryHits"] == []


async def test_close_by_library(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in()
    case = await submit(tabs, teacher)
    closed = await tabs.call("POST", f"/cases/{case['id']}/close-by-library", teacher)
    assert closed["status"] == "answered_by_library"
    assert closed["actions"] == []
    assert closed["waitingFor"] == "nothing"


async def test_stale_action_names_status_in_words(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in()
    case = await submit(tabs, teacher)
    await tabs.call("POST", f"/cases/{case['id']}/close-by-library", teacher)
    problem = await tabs.call("POST", f"/cases/{case['id']}/find-mentor", teacher, status=409)
    assert problem["code"] == "stale_action"
    assert "закрыт" in problem["detail"]
    assert "answered_by_library" not in problem["detail"]
    assert case["number"] in problem["detail"]


async def test_find_and_pick_mentor(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    case = await submit(tabs, teacher)
    case_id = case["id"]
    found = await tabs.call("POST", f"/cases/{case_id}/find-mentor", teacher)
    assert found["status"] == "choosing_mentor"
    assert found["actions"] == ["pick_mentor", "withdraw"]
    assert found["waitingFor"] == "teacher_mentor_pick"

    candidates = await tabs.call("GET", f"/cases/{case_id}/candidates", teacher)
    (candidate,) = candidates
    assert candidate["id"] == mentor.id
    assert candidate["name"] == "Наталья Орлова"
    assert candidate["matchingAreas"] == [AREA]

    picked = await tabs.call(
        "POST", f"/cases/{case_id}/mentor", teacher, json_body={"mentorId": mentor.id}
    )
    assert picked["status"] == "awaiting_mentor"
    assert picked["mentor"]["name"] == "Наталья Орлова"
    assert picked["waitingFor"] == "mentor_acceptance"
    assert picked["waitingOnYou"] is False
    listed = await tabs.call("GET", "/cases", teacher)
    assert listed["items"][0]["mentorName"] == "Наталья Орлова"
    # The mentor got the offer card in their chat.
    (offer,) = tabs.sent_to(mentor)
    assert offer.card is not None


async def test_candidates_only_for_own_case(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    case = await submit(tabs, teacher)
    assert await tabs.call("GET", f"/cases/{case['id']}/candidates", teacher) == []
    await tabs.call("GET", f"/cases/{case['id']}/candidates", mentor, status=403)


async def test_pick_mentor_needs_a_candidate(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    outsider = await tabs.sign_in("mentor", "Пётр Другой", areas=("education_law",))
    case = await submit(tabs, teacher)
    await tabs.call("POST", f"/cases/{case['id']}/find-mentor", teacher)
    problem = await tabs.call("POST", f"/cases/{case['id']}/mentor", teacher, json_body={}, status=422)
    assert field_errors(problem)["mentorId"]["code"] == "required"
    problem = await tabs.call(
        "POST",
        f"/cases/{case['id']}/mentor",
        teacher,
        json_body={"mentorId": outsider.id},
        status=409,
    )
    assert problem["code"] == "mentor_unavailable"


async def test_mentor_accepts_offer(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    case_id, assignment_id = await offered(tabs, teacher, mentor)

    offers = await tabs.call("GET", "/mentoring/offers", mentor)
    (offer,) = offers["items"]
    assert offer["status"] == "offered"
    assert offer["case"]["waitingFor"] == "mentor_acceptance"
    assert offer["case"]["waitingOnYou"] is True
    page = await tabs.call("GET", f"/cases/{case_id}", mentor)
    assert page["actions"] == ["accept", "decline"]
    assert page["ownAssignment"] == {"id": assignment_id, "status": "offered"}

    accepted_page = await tabs.call("POST", f"/mentoring/offers/{assignment_id}/accept", mentor)
    assert accepted_page["status"] == "in_progress"
    assert accepted_page["actions"] == ["ask_questions", "write_solution"]
    assert accepted_page["waitingOnYou"] is True
    current = await tabs.call("GET", "/mentoring/cases", mentor)
    assert [item["case"]["id"] for item in current["items"]] == [case_id]
    assert (await tabs.call("GET", "/mentoring/offers", mentor))["total"] == 0
    # The bot sends the teacher a message naming the mentor who accepted.
    assert any("Наталья Орлова" in text for text in tabs.texts_to(teacher))

    problem = await tabs.call(
        "POST", f"/mentoring/offers/{assignment_id}/accept", mentor, status=409
    )
    assert problem["code"] == "stale_action"


async def test_other_mentor_cannot_accept(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    other = await tabs.sign_in("mentor", "Пётр Другой", areas=(AREA,))
    _, assignment_id = await offered(tabs, teacher, mentor)
    await tabs.call("POST", f"/mentoring/offers/{assignment_id}/accept", other, status=403)
    await tabs.call("POST", "/mentoring/offers/999999/accept", mentor, status=404)


async def test_decline_with_reason(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    second = await tabs.sign_in("mentor", "Пётр Второй", areas=(AREA,))
    case_id, assignment_id = await offered(tabs, teacher, mentor)

    problem = await tabs.call(
        "POST",
        f"/mentoring/offers/{assignment_id}/decline",
        mentor,
        json_body={"declineReason": "п" * 501},
        status=422,
    )
    assert field_errors(problem)["declineReason"]["limit"] == 500
    assert (await tabs.call("GET", "/mentoring/offers", mentor))["total"] == 1

    page = await tabs.call(
        "POST",
        f"/mentoring/offers/{assignment_id}/decline",
        mentor,
        json_body={"declineReason": "Уезжаю на конференцию"},
    )
    assert page["status"] == "choosing_mentor"
    assert page["waitingFor"] == "not_yours"
    assert page["actions"] == []
    past = await tabs.call("GET", "/mentoring/cases?scope=past", mentor)
    (item,) = past["items"]
    assert item["status"] == "declined"

    teacher_page = await tabs.call("GET", f"/cases/{case_id}", teacher)
    assert all(a["declineReason"] is None for a in teacher_page["assignments"])
    candidates = await tabs.call("GET", f"/cases/{case_id}/candidates", teacher)
    assert [c["id"] for c in candidates] == [second.id]
    history = await tabs.call("GET", f"/cases/{case_id}/history", teacher)
    assert "Уезжаю" not in json.dumps(history, ensure_ascii=False)
    mentor_history = await tabs.call("GET", f"/cases/{case_id}/history", mentor)
    (decline,) = [e for e in mentor_history["items"] if e["kind"] == "decline"]
    assert decline["details"]["reason"] == "Уезжаю на конференцию"
    assert decline["actor"] == "you"


async def test_suggested_questions_for_holder_only(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    other = await tabs.sign_in("mentor", "Пётр Другой", areas=(AREA,))
    case_id, assignment_id = await offered(tabs, teacher, mentor)
    problem = await tabs.call(
        "GET", f"/mentoring/cases/{case_id}/suggested-questions", mentor, status=409
    )
    assert problem["code"] == "stale_action"
    await tabs.call("POST", f"/mentoring/offers/{assignment_id}/accept", mentor)
    questions = await tabs.call("GET", f"/mentoring/cases/{case_id}/suggested-questions", mentor)
    assert len(questions) > 5
    assert {"key", "group", "kind", "text", "fit"} <= set(questions[0])
    await tabs.call("GET", f"/mentoring/cases/{case_id}/suggested-questions", other, status=403)


async def test_ask_questions(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    case_id = await accepted(tabs, teacher, mentor)
    suggested = await tabs.call("GET", f"/mentoring/cases/{case_id}/suggested-questions", mentor)

    problem = await tabs.call(
        "POST", f"/mentoring/cases/{case_id}/questions", mentor, json_body={}, status=422
    )
    assert field_errors(problem)["questions"]["code"] == "choose_at_least_one"
    problem = await tabs.call(
        "POST",
        f"/mentoring/cases/{case_id}/questions",
        mentor,
        json_body={"customQuestions": ["в" * 501]},
        status=422,
    )
    assert field_errors(problem)["customQuestions"]["limit"] == 500

    page = await tabs.call(
        "POST",
        f"/mentoring/cases/{case_id}/questions",
        mentor,
        json_body={"suggestedKeys": [suggested[0]["key"]], "customQuestions": ["Сколько детей?"]},
    )
    assert page["status"] == "awaiting_answers"
    (question_round,) = page["questionRounds"]
    assert [q["text"] for q in question_round["questions"]] == [
        suggested[0]["text"],
        "Сколько детей?",
    ]
    teacher_page = await tabs.call("GET", f"/cases/{case_id}", teacher)
    assert teacher_page["actions"] == ["answer_questions", "withdraw"]
    assert teacher_page["waitingFor"] == "teacher_answers"
    assert teacher_page["waitingOnYou"] is True


async def test_answer_questions_validates_each_answer(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    case_id, question_round = await asked(tabs, teacher, mentor)
    first, second = (q["id"] for q in question_round["questions"])
    path = f"/cases/{case_id}/rounds/{question_round['id']}/answers"

    problem = await tabs.call(
        "POST", path, teacher, json_body={"answers": {str(first): "о" * 1001}}, status=422
    )
    errors = field_errors(problem)
    assert errors[f"answer_{first}"]["code"] == "too_long"
    assert errors[f"answer_{first}"]["limit"] == 1000
    assert errors[f"answer_{second}"]["code"] == "required"
    assert "Ваш ответ" in errors[f"answer_{second}"]["message"]
    problem = await tabs.call("POST", path, teacher, json_body={"answers": "да"}, status=422)
    assert field_errors(problem)["answers"]["code"] == "invalid"
    page = await tabs.call("GET", f"/cases/{case_id}", teacher)
    assert page["status"] == "awaiting_answers"


async def test_answer_questions(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    case_id, question_round = await asked(tabs, teacher, mentor)
    answers = {str(q["id"]): f"Ответ {q['id']}" for q in question_round["questions"]}
    path = f"/cases/{case_id}/rounds/{question_round['id']}/answers"

    await tabs.call(
        "POST",
        f"/cases/{case_id}/rounds/999999/answers",
        teacher,
        json_body={"answers": answers},
        status=404,
    )
    await tabs.call("POST", path, mentor, json_body={"answers": answers}, status=403)
    page = await tabs.call("POST", path, teacher, json_body={"answers": answers})
    assert page["status"] == "awaiting_decision"
    assert page["actions"] == ["keep_version", "redefine", "withdraw"]
    stored = page["questionRounds"][0]["questions"]
    assert [q["answer"] for q in stored] == [answers[str(q["id"])] for q in stored]
    assert any("ответил" in text for text in tabs.texts_to(mentor))

    problem = await tabs.call("POST", path, teacher, json_body={"answers": answers}, status=409)
    assert problem["code"] == "stale_action"


async def test_keep_version(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    case_id = await answered(tabs, teacher, mentor)
    page = await tabs.call("POST", f"/cases/{case_id}/keep-version", teacher)
    assert page["status"] == "in_progress"
    assert page["questionRounds"][0]["decision"] == "keep"
    assert page["waitingFor"] == "mentor_work"


async def test_redefine_stores_next_revision(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    case_id = await answered(tabs, teacher, mentor)

    problem = await tabs.call(
        "POST",
        f"/cases/{case_id}/revisions",
        teacher,
        json_body={**CASE_BODY, "question": "в" * 501},
        status=422,
    )
    assert field_errors(problem)["question"]["limit"] == 500

    page = await tabs.call(
        "POST",
        f"/cases/{case_id}/revisions",
        teacher,
        json_body={**CASE_BODY, "question": "Как договориться с классом о правилах?"},
        status=201,
    )
    assert page["currentRevision"] == 2
    assert page["revisions"][1]["changedFields"] == ["question"]
    assert page["revisions"][0]["question"] == CASE_FORM["question"]
    assert page["questionRounds"][0]["decision"] == "redefine"
    mentor_page = await tabs.call("GET", f"/cases/{case_id}", mentor)
    assert mentor_page["currentRevision"] == 2


async def test_redefine_only_after_answers(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    case_id = await accepted(tabs, teacher, mentor)
    problem = await tabs.call(
        "POST", f"/cases/{case_id}/revisions", teacher, json_body=CASE_BODY, status=409
    )
    assert "в работе" in problem["detail"]


async def test_materials_and_solution(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    matching = await add_material(tabs, "Правила класса", [AREA])
    other = await add_material(tabs, "Закон об образовании", ["education_law"])
    case_id = await accepted(tabs, teacher, mentor)

    by_rubric = await tabs.call("GET", f"/mentoring/cases/{case_id}/materials", mentor)
    rubric_ids = [m["entryId"] for m in by_rubric]
    assert matching in rubric_ids
    assert other not in rubric_ids
    assert all(AREA in m["rubrics"] for m in by_rubric)
    by_words = await tabs.call("GET", f"/mentoring/cases/{case_id}/materials?q=закону", mentor)
    word_ids = [m["entryId"] for m in by_words]
    assert other in word_ids
    assert matching not in word_ids
    assert all(m["kind"] == "material" for m in by_rubric + by_words)

    problem = await tabs.call(
        "POST",
        f"/mentoring/cases/{case_id}/solutions",
        mentor,
        json_body={"solution": "р" * 4001},
        status=422,
    )
    assert field_errors(problem)["solution"]["limit"] == 4000
    problem = await tabs.call(
        "POST",
        f"/mentoring/cases/{case_id}/solutions",
        mentor,
        json_body={"solution": "Попробуйте договор", "materialIds": [999999]},
        status=422,
    )
    assert field_errors(problem)["materialIds"]["code"] == "unknown_choice"

    page = await tabs.call(
        "POST",
        f"/mentoring/cases/{case_id}/solutions",
        mentor,
        json_body={"solution": "Попробуйте договор", "materialIds": [matching, other]},
    )
    assert page["status"] == "solution_offered"
    (solution,) = page["solutions"]
    assert solution["mentorName"] == "Наталья Орлова"
    assert [m["entryId"] for m in solution["materials"]] == [matching, other]
    teacher_page = await tabs.call("GET", f"/cases/{case_id}", teacher)
    assert teacher_page["actions"] == ["complete", "second_opinion", "withdraw"]
    assert teacher_page["waitingFor"] == "teacher_reflection"


async def test_solution_needs_the_holder(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    other = await tabs.sign_in("mentor", "Пётр Другой", areas=(AREA,))
    case_id = await accepted(tabs, teacher, mentor)
    await tabs.call(
        "POST",
        f"/mentoring/cases/{case_id}/solutions",
        other,
        json_body={"solution": "Чужое решение"},
        status=403,
    )
    await tabs.call("GET", f"/mentoring/cases/{case_id}/materials", other, status=403)


async def test_second_opinion(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    second = await tabs.sign_in("mentor", "Пётр Второй", areas=(AREA,))
    case_id = await solved(tabs, teacher, mentor)
    page = await tabs.call("POST", f"/cases/{case_id}/second-opinion", teacher)
    assert page["status"] == "choosing_mentor"
    assert page["secondOpinionAvailable"] is False
    assert page["opinion"] == 2
    candidates = await tabs.call("GET", f"/cases/{case_id}/candidates", teacher)
    assert [c["id"] for c in candidates] == [second.id]
    assert any("второе мнение" in text for text in tabs.texts_to(mentor))
    mentor_page = await tabs.call("GET", f"/cases/{case_id}", mentor)
    assert mentor_page["waitingFor"] == "not_yours"


async def test_complete_with_reflection(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    case_id = await solved(tabs, teacher, mentor)
    problem = await tabs.call(
        "POST",
        f"/cases/{case_id}/completion",
        teacher,
        json_body={**REFLECTION_BODY, "usefulness": 9, "willDo": ""},
        status=422,
    )
    errors = field_errors(problem)
    assert errors["usefulness"]["code"] == "out_of_range"
    assert errors["willDo"]["code"] == "required"

    page = await tabs.call("POST", f"/cases/{case_id}/completion", teacher, json_body=REFLECTION_BODY)
    assert page["status"] == "completed"
    assert page["reflection"]["usefulness"] == 4
    assert page["actions"] == []
    assert any("4" in text and "заверш" in text for text in tabs.texts_to(mentor))


async def test_withdraw_notifies_mentor(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    case_id = await accepted(tabs, teacher, mentor)
    await tabs.call("POST", f"/cases/{case_id}/withdrawal", mentor, status=403)
    page = await tabs.call("POST", f"/cases/{case_id}/withdrawal", teacher)
    assert page["status"] == "withdrawn"
    assert any("отозвал" in text for text in tabs.texts_to(mentor))
    assert (await tabs.call("GET", "/mentoring/cases", mentor))["total"] == 0
    past = await tabs.call("GET", "/mentoring/cases?scope=past", mentor)
    assert past["items"][0]["case"]["waitingFor"] == "nothing"


async def test_history_for_each_role(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    moderator = await tabs.sign_in("moderator", "Мария Модератор")
    case_id = await answered(tabs, teacher, mentor)

    own = await tabs.call("GET", f"/cases/{case_id}/history", teacher)
    kinds = [item["kind"] for item in own["items"]]
    assert kinds == [
        "submitted",
        "find_mentor",
        "pick_mentor",
        "accept",
        "ask_questions",
        "answer_questions",
    ]
    accept = own["items"][3]
    assert accept["actor"] == "mentor"
    assert accept["actorName"] == "Наталья Орлова"
    assert own["items"][0]["actor"] == "you"
    assert own["items"][4]["details"]["questionCount"] == 2
    assert "after" not in own["items"][0]

    as_mentor = await tabs.call("GET", f"/cases/{case_id}/history", mentor)
    assert as_mentor["items"][0]["actor"] == "teacher"
    assert as_mentor["items"][0]["actorName"] is None

    full = await tabs.call("GET", f"/cases/{case_id}/history", moderator)
    assert full["items"][0]["after"]["essence"] == CASE_FORM["essence"]
    assert full["items"][1]["statusBefore"] == "new"
    assert full["items"][1]["statusAfter"] == "choosing_mentor"

    stranger = await tabs.sign_in()
    await tabs.call("GET", f"/cases/{case_id}/history", stranger, status=403)


async def test_mentor_history_skips_other_mentors_offers(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    second = await tabs.sign_in("mentor", "Пётр Второй", areas=(AREA,))
    case_id, assignment_id = await offered(tabs, teacher, mentor)
    await tabs.call(
        "POST",
        f"/mentoring/offers/{assignment_id}/decline",
        mentor,
        json_body={"declineReason": "Нет времени"},
    )
    await tabs.call("POST", f"/cases/{case_id}/mentor", teacher, json_body={"mentorId": second.id})
    history = await tabs.call("GET", f"/cases/{case_id}/history", second)
    text = json.dumps(history, ensure_ascii=False)
    assert "Нет времени" not in text
    assert "Наталья Орлова" not in text
    picks = [item for item in history["items"] if item["kind"] == "pick_mentor"]
    assert [item["details"]["mentorName"] for item in picks] == ["Пётр Второй"]


# ---------------------------------------------------------------- moderator


async def moderation_case(tabs: CaseTabs) -> tuple[TabUser, TabUser, TabUser, int]:
    """Return teacher, mentor, moderator and a case the only matching mentor declined."""
    teacher, mentor = await people(tabs)
    moderator = await tabs.sign_in("moderator", "Мария Модератор")
    case_id, assignment_id = await offered(tabs, teacher, mentor)
    await tabs.call("POST", f"/mentoring/offers/{assignment_id}/decline", mentor, json_body={})
    return teacher, mentor, moderator, case_id


async def test_moderator_queue_and_assignment(tabs: CaseTabs) -> None:
    teacher, mentor, moderator, case_id = await moderation_case(tabs)
    law = await tabs.sign_in("mentor", "Ольга Правова", areas=("education_law",))

    queue = await tabs.call("GET", "/mentoring/moderation/cases", moderator)
    (item,) = queue["items"]
    assert item["id"] == case_id
    assert item["waitingFor"] == "moderator"
    assert item["waitingOnYou"] is True
    teacher_page = await tabs.call("GET", f"/cases/{case_id}", teacher)
    assert teacher_page["waitingFor"] == "moderator"
    assert teacher_page["waitingOnYou"] is False
    page = await tabs.call("GET", f"/cases/{case_id}", moderator)
    assert page["viewerRelation"] == "moderator"
    assert page["actions"] == ["assign_mentor"]

    mentors = await tabs.call("GET", "/mentoring/moderation/mentors", moderator)
    assert {m["name"] for m in mentors} >= {"Наталья Орлова", "Ольга Правова"}
    problem = await tabs.call(
        "POST",
        f"/mentoring/moderation/cases/{case_id}/mentor",
        moderator,
        json_body={"mentorId": "Ольга"},
        status=422,
    )
    assert field_errors(problem)["mentorId"]["code"] == "invalid"
    await tabs.call(
        "POST",
        f"/mentoring/moderation/cases/{case_id}/mentor",
        moderator,
        json_body={"mentorId": teacher.id},
        status=404,
    )

    page = await tabs.call(
        "POST",
        f"/mentoring/moderation/cases/{case_id}/mentor",
        moderator,
        json_body={"mentorId": law.id},
    )
    assert page["status"] == "in_progress"
    assert page["mentor"]["name"] == "Ольга Правова"
    assert (await tabs.call("GET", "/mentoring/moderation/cases", moderator))["total"] == 0
    held = await tabs.call("GET", "/mentoring/cases", law)
    assert held["items"][0]["byModerator"] is True
    assert any("Ольга Правова" in text for text in tabs.texts_to(teacher))

    problem = await tabs.call(
        "POST",
        f"/mentoring/moderation/cases/{case_id}/mentor",
        moderator,
        json_body={"mentorId": mentor.id},
        status=409,
    )
    assert "в работе" in problem["detail"]


async def test_mentor_lists_need_mentor_role(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in()
    moderator = await tabs.sign_in("moderator")
    await tabs.call("GET", "/mentoring/offers", teacher, status=403)
    await tabs.call("GET", "/mentoring/moderation/cases", teacher, status=403)
    await tabs.call("GET", "/mentoring/offers", moderator, status=403)
    mentor = await tabs.sign_in("mentor")
    await tabs.call("GET", "/mentoring/moderation/mentors", mentor, status=403)
    problem = await tabs.call("GET", "/mentoring/cases?scope=offered", mentor, status=422)
    assert field_errors(problem)["scope"]["code"] == "unknown_choice"


# ------------------------------------------------------------ idempotency


async def test_idempotency_key_makes_retry_harmless(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in()
    headers = {"Idempotency-Key": "submit-1"}
    await tabs.call("POST", "/cases", teacher, json_body=CASE_BODY, status=201, headers=headers)
    problem = await tabs.call(
        "POST", "/cases", teacher, json_body=CASE_BODY, status=409, headers=headers
    )
    assert problem["code"] == "already_processed"
    async with tabs.services.workflow.db.transaction() as session:
        count = await session.scalar(select(func.count()).select_from(Case))
    assert count == 1

    # Another user's request with the same key is a different request.
    other = await tabs.sign_in()
    await tabs.call("POST", "/cases", other, json_body=CASE_BODY, status=201, headers=headers)


async def test_idempotency_key_is_checked(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in(locale="en-US")
    problem = await tabs.call(
        "POST",
        "/cases",
        teacher,
        json_body=CASE_BODY,
        status=400,
        headers={"Idempotency-Key": "k" * 201},
    )
    assert problem["code"] == "invalid_idempotency_key"
    assert "200" in problem["detail"]


async def test_requests_without_key_are_independent(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in()
    await submit(tabs, teacher)
    await submit(tabs, teacher)
    assert (await tabs.call("GET", "/cases", teacher))["total"] == 2


async def test_failed_validation_keeps_the_key_free(tabs: CaseTabs) -> None:
    teacher = await tabs.sign_in()
    headers = {"Idempotency-Key": "submit-2"}
    await tabs.call(
        "POST",
        "/cases",
        teacher,
        json_body={**CASE_BODY, "essence": ""},
        status=422,
        headers=headers,
    )
    # The rejected request changed nothing, so the corrected retry goes through.
    await tabs.call("POST", "/cases", teacher, json_body=CASE_BODY, status=201, headers=headers)


# ---------------------------------------------------------------- delivery


async def test_delivery_skipped_without_the_bot(caplog: pytest.LogCaptureFixture) -> None:
    request = make_mocked_request("POST", "/api/v1/cases", app=web.Application())
    with caplog.at_level(logging.WARNING, logger="tabs.api.cases"):
        await deliver(request, Outcome(case_id=7))
    assert "notifier is not running case=7" in caplog.text


async def test_delivery_stores_outbox_row(tabs: CaseTabs) -> None:
    teacher, mentor = await people(tabs)
    await offered(tabs, teacher, mentor)
    async with tabs.services.workflow.db.transaction() as session:
        offers = await session.scalar(select(func.count()).select_from(Assignment))
    assert offers == 1
    # The offer reached the mentor, so the notifier did not release it.
    offers_page = await tabs.call("GET", "/mentoring/offers", mentor)
    assert offers_page["total"] == 1
