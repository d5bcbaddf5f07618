"""The "My cases" tab in Chromium: a teacher answers questions, a mentor accepts an offer.

The workflow on the tab server's database brings each case to the point of
the test. The page then does the step under test inside the stand-in Teams
host. The bot's notifications go to a fake Bot
Connector on loopback. Each test saves screenshots in Russian and English,
light and dark, and runs axe-core on every state it shows.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Locator, expect
from sqlalchemy import select

from teams_app.domain.enums import AssignmentStatus, CaseStatus
from teams_app.storage.db import Database
from teams_app.storage.models import (
    Assignment,
    Case,
    CaseQuestion,
    CaseRevision,
    QuestionRound,
    User,
)
from teams_app.workflow import Workflow
from teams_app.workflow.views import Actor
from tests.bot.fake_connector import FakeConnector
from tests.factories import CASE_FORM, make_mentor, make_user
from tests.tabs.browser.conftest import OpenInTeams
from tests.tabs.browser.harness import (
    BROWSER_MARKS,
    PAGE_BACKGROUNDS,
    TabServer,
    check_accessibility,
    horizontal_overflow,
    page_background,
    save_screenshot,
    screenshot_path,
)

pytestmark = BROWSER_MARKS

AREA = "class_management"
QUESTIONS = ("Сколько детей в классе?", "Что уже помогало?")
LOCALES = {"ru": "ru-RU", "en": "en-US"}
TEXTS = {
    "ru": {
        "case": "Кейс {number}",
        "waiting_answers": "Ждёт ваших ответов на вопросы наставника",
        "send": "Отправить ответы",
        "too_long": "не длиннее 1\u00a0000 символов",
        "redefine": "Хотите переформулировать кейс?",
        "keep": "Нет, оставить эту версию",
        "accept": "Принять",
        "open_offer": "Открыть, чтобы прочитать или отказаться",
        "ask": "Задайте учителю вопросы",
        "waiting_work": "Ждёт ваших вопросов или возможного решения",
        "offers": "Предложения, которые ждут вашего ответа",
        "availability": "Доступность",
        "areas": "Ваши области консультирования: Управление классом и мотивация.",
    },
    "en": {
        "case": "Case {number}",
        "waiting_answers": "Waiting for you to answer the mentor's questions",
        "send": "Send the answers",
        "too_long": "at most 1,000 characters",
        "redefine": "Do you want to redefine the case?",
        "keep": "No, keep this version",
        "accept": "Accept",
        "open_offer": "Open to read or decline",
        "ask": "Ask the teacher questions",
        "waiting_work": "Waiting for you to ask questions or write a possible solution",
        "offers": "Offers waiting for your answer",
        "availability": "Availability",
        "areas": "Your areas of advice: Class management and motivation.",
    },
}
# What a mentor reads on the case page about the teacher's answers and actions.
NEUTRAL_TEXTS = {
    "ru": {
        "case": "Кейс {number}",
        "neutral": ("Что учитель уже предпринимал", "Вопрос наставнику"),
        "teacher_only": ("Что вы уже предпринимали", "Ваш вопрос наставнику"),
        "teacher": "Учитель",
        "you": "Вы",
        "submitted": "отправил(а) кейс",
        "accepted": "принял(а) кейс",
        "send_questions": "Отправить вопросы",
        "rounds": "Вопросы и ответы",
    },
    "en": {
        "case": "Case {number}",
        "neutral": ("What the teacher has already tried", "The teacher's question to the mentor"),
        "teacher_only": ("What you have already tried", "Your question to the mentor"),
        "teacher": "The teacher",
        "you": "You",
        "submitted": "submitted the case",
        "accepted": "accepted the case",
        "send_questions": "Send the questions",
        "rounds": "Questions and answers",
    },
}
COMBINATIONS = [("ru", "default"), ("ru", "dark"), ("en", "default"), ("en", "dark")]


@pytest_asyncio.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.close()


@pytest_asyncio.fixture
async def server_workflow(tab_server: TabServer) -> AsyncIterator[Workflow]:
    """The workflow on the tab server's database, to prepare cases the page then acts on."""
    database = Database(tab_server.settings.database_url)
    yield Workflow(database, tab_server.settings)
    await database.dispose()


async def people(
    workflow: Workflow, connector: FakeConnector, language: str
) -> tuple[Actor, Actor]:
    locale = LOCALES[language]
    teacher = await make_user(
        workflow, "Вера Учителева", locale=locale, service_url=connector.service_url
    )
    mentor = await make_mentor(
        workflow, "Наталья Орлова", (AREA,), locale=locale, service_url=connector.service_url
    )
    return teacher, mentor


async def offered_case(workflow: Workflow, teacher: Actor, mentor: Actor) -> tuple[int, str]:
    outcome = await workflow.submit_case(teacher, {**CASE_FORM, "privacy": "anonymous"})
    assert outcome.case_id is not None
    await workflow.find_mentor(teacher, outcome.case_id)
    await workflow.pick_mentor(teacher, outcome.case_id, mentor.user_id)
    async with workflow.db.transaction() as session:
        number = await session.scalar(select(Case.number).where(Case.id == outcome.case_id))
    assert number is not None
    return outcome.case_id, number


async def case_status(workflow: Workflow, case_id: int) -> CaseStatus:
    async with workflow.db.transaction() as session:
        status = await session.scalar(select(Case.status).where(Case.id == case_id))
    assert status is not None
    return status


@pytest.mark.parametrize(("language", "theme"), COMBINATIONS)
async def test_teacher_answers_questions(
    open_in_teams: OpenInTeams,
    server_workflow: Workflow,
    connector: FakeConnector,
    language: str,
    theme: str,
) -> None:
    texts = TEXTS[language]
    teacher, mentor = await people(server_workflow, connector, language)
    case_id, number = await offered_case(server_workflow, teacher, mentor)
    assignment_id = await _assignment_of(server_workflow, case_id)
    await server_workflow.accept(mentor, assignment_id)
    await server_workflow.ask_questions(mentor, case_id, [], list(QUESTIONS))
    name = f"my-teacher-{language}-{theme}"

    # The list names the case and what it waits for.
    tab = await open_in_teams("my", user_id=teacher.user_id, theme=theme, locale=LOCALES[language])
    frame = tab.frame
    case_link = frame.get_by_role("link", name=texts["case"].format(number=number))
    await expect(case_link).to_be_visible()
    await expect(frame.get_by_text(texts["waiting_answers"])).to_be_visible()
    await save_screenshot(tab.page, f"{name}-list")
    assert await page_background(frame) == PAGE_BACKGROUNDS[theme]
    await check_accessibility(frame)

    # The case page shows the round; a too long answer is rejected and kept.
    await case_link.click()
    heading = frame.get_by_role("heading", level=1, name=texts["case"].format(number=number))
    await expect(heading).to_be_visible()
    first = frame.get_by_role("textbox", name=re.compile(QUESTIONS[0]))
    second = frame.get_by_role("textbox", name=re.compile(QUESTIONS[1]))
    await save_screenshot(tab.page, f"{name}-case")
    await check_accessibility(frame)

    long_answer = "д" * 1001
    await first.fill(long_answer)
    await second.fill("Помогала игра в начале урока.")
    await frame.get_by_role("button", name=texts["send"]).click()
    await expect(frame.get_by_text(re.compile(texts["too_long"])).first).to_be_visible()
    await save_screenshot(tab.page, f"{name}-invalid")
    assert await first.input_value() == long_answer
    assert await second.input_value() == "Помогала игра в начале урока."
    assert await case_status(server_workflow, case_id) == CaseStatus.AWAITING_ANSWERS
    await check_accessibility(frame)

    # A valid answer moves the case on to the choice of keeping or redefining it.
    await first.fill("В классе 28 детей.")
    await frame.get_by_role("button", name=texts["send"]).click()
    await expect(frame.get_by_role("heading", name=texts["redefine"])).to_be_visible()
    await save_screenshot(tab.page, f"{name}-answered")
    await check_accessibility(frame)
    assert await case_status(server_workflow, case_id) == CaseStatus.AWAITING_DECISION
    answers = await _answers_of(server_workflow, case_id)
    assert answers == ["В классе 28 детей.", "Помогала игра в начале урока."]

    await frame.get_by_role("button", name=texts["keep"]).click()
    await expect(frame.get_by_role("heading", name=texts["redefine"])).to_be_hidden()
    assert await case_status(server_workflow, case_id) == CaseStatus.IN_PROGRESS


@pytest.mark.parametrize(("language", "theme"), [("ru", "default"), ("en", "dark")])
async def test_mentor_accepts_offer(
    open_in_teams: OpenInTeams,
    server_workflow: Workflow,
    connector: FakeConnector,
    language: str,
    theme: str,
) -> None:
    texts = TEXTS[language]
    teacher, mentor = await people(server_workflow, connector, language)
    case_id, number = await offered_case(server_workflow, teacher, mentor)
    name = f"my-mentor-{language}-{theme}"

    tab = await open_in_teams("my", user_id=mentor.user_id, theme=theme, locale=LOCALES[language])
    frame = tab.frame
    await expect(frame.get_by_role("heading", name=texts["offers"])).to_be_visible()
    await expect(frame.get_by_role("link", name=texts["case"].format(number=number))).to_be_visible()
    await save_screenshot(tab.page, f"{name}-offers")
    await check_accessibility(frame)

    # The mentor's availability and areas of advice follow the lists.
    await expect(frame.get_by_role("heading", name=texts["availability"])).to_be_visible()
    areas = frame.get_by_text(texts["areas"])
    await expect(areas).to_be_visible()
    # The host page's screenshot shows the top of the frame only, so this one is of the panel.
    panel = frame.locator("form[aria-labelledby='availability-heading']").locator("..")
    await panel.screenshot(path=str(screenshot_path(f"{name}-availability")))

    await frame.get_by_role("link", name=texts["open_offer"]).click()
    await expect(
        frame.get_by_role("heading", level=1, name=texts["case"].format(number=number))
    ).to_be_visible()
    await save_screenshot(tab.page, f"{name}-offer")
    await check_accessibility(frame)

    await frame.get_by_role("button", name=texts["accept"], exact=True).click()
    await expect(frame.get_by_role("heading", name=texts["ask"])).to_be_visible()
    await expect(frame.get_by_test_id("waiting-for")).to_have_text(texts["waiting_work"])
    await save_screenshot(tab.page, f"{name}-accepted")
    await check_accessibility(frame)

    assert await case_status(server_workflow, case_id) == CaseStatus.IN_PROGRESS
    assignment_id = await _assignment_of(server_workflow, case_id)
    async with server_workflow.db.transaction() as session:
        assignment = await session.get(Assignment, assignment_id)
        assert assignment is not None
        assert assignment.status == AssignmentStatus.ACCEPTED
    # The bot sends the teacher a message in their chat, as after a click on the card.
    conversation_id = f"a:{await _teams_id(server_workflow, teacher)}"
    assert await _message_arrives(connector, conversation_id, "Наталья Орлова")


async def test_teacher_submits_new_case(
    open_in_teams: OpenInTeams, server_workflow: Workflow, connector: FakeConnector
) -> None:
    teacher, _ = await people(server_workflow, connector, "ru")
    tab = await open_in_teams("my", user_id=teacher.user_id, locale="ru-RU")
    frame = tab.frame
    await frame.get_by_role("button", name="Новый кейс").first.click()
    await expect(frame.get_by_role("heading", level=1, name="Новый кейс")).to_be_visible()
    essence = frame.get_by_role("textbox", name=re.compile("В чём суть проблемы"))
    await essence.fill(CASE_FORM["essence"])

    # An incomplete form is rejected field by field, and what was typed stays.
    await frame.get_by_role("button", name="Отправить кейс").click()
    await expect(frame.get_by_text("Поле «Что вы уже предпринимали» обязательно.")).to_be_visible()
    await expect(frame.get_by_text("Поле «Проблемные поля»: выберите хотя бы один вариант.")).to_be_visible()
    assert await essence.input_value() == CASE_FORM["essence"]
    await save_screenshot(tab.page, "my-new-case-invalid-ru")
    await check_accessibility(frame)

    await frame.get_by_role("textbox", name=re.compile("Что вы уже предпринимали")).fill(
        CASE_FORM["actions_taken"]
    )
    await frame.get_by_role("textbox", name=re.compile("Почему не получается")).fill(
        CASE_FORM["why_difficult"]
    )
    await frame.get_by_role("textbox", name=re.compile("Ваш вопрос наставнику")).fill(
        CASE_FORM["question"]
    )
    await frame.get_by_role("checkbox", name="Родители").check()
    await frame.get_by_role("checkbox", name="Управление классом и мотивация").check()
    await frame.get_by_role("radio", name=re.compile("^Анонимный")).check()
    await frame.get_by_role("radio", name="Нужен совет").check()
    await frame.get_by_role("button", name="Отправить кейс").click()

    await expect(frame.get_by_role("heading", level=1, name=re.compile(r"^Кейс \d{4}-\d{4}$"))).to_be_visible()
    await expect(frame.get_by_role("heading", name="Ответ библиотеки")).to_be_visible()
    await save_screenshot(tab.page, "my-new-case-submitted-ru")
    await check_accessibility(frame)
    async with server_workflow.db.transaction() as session:
        case = await session.scalar(select(Case).where(Case.teacher_id == teacher.user_id))
    assert case is not None
    assert case.status == CaseStatus.NEW


async def test_case_page_fits_narrow_width(
    open_in_teams: OpenInTeams, server_workflow: Workflow, connector: FakeConnector
) -> None:
    teacher, mentor = await people(server_workflow, connector, "ru")
    case_id, number = await offered_case(server_workflow, teacher, mentor)
    tab = await open_in_teams(
        "my",
        user_id=teacher.user_id,
        locale="ru-RU",
        viewport=(360, 740),
        sub_entity_id=f"/cases/{case_id}",
    )
    heading = tab.frame.get_by_role("heading", level=1, name=f"Кейс {number}")
    await expect(heading).to_be_visible()
    await save_screenshot(tab.page, "my-case-narrow-ru")
    assert await horizontal_overflow(tab.frame) == 0
    await check_accessibility(tab.frame)


# Every checkbox and radio button of a form, with its id and the text of its labels.
CONTROLS_SCRIPT = """
(form) => [...form.querySelectorAll("input[type=checkbox], input[type=radio]")].map((input) => ({
  id: input.id,
  name: [...input.labels].map((label) => label.textContent.trim()).join(" "),
}))
"""


async def _assert_controls_labelled(form: Locator) -> int:
    """Check that each checkbox and radio button of ``form`` has its own id and label; return how many."""
    controls = await form.evaluate(CONTROLS_SCRIPT)
    ids = [control["id"] for control in controls]
    assert all(ids), controls
    assert len(set(ids)) == len(ids), sorted(ids)
    unnamed = [control for control in controls if not control["name"]]
    assert unnamed == []
    return len(controls)


async def test_case_form_ticks_boxes_by_label(
    open_in_teams: OpenInTeams, server_workflow: Workflow, connector: FakeConnector
) -> None:
    teacher, _ = await people(server_workflow, connector, "ru")
    tab = await open_in_teams("my", user_id=teacher.user_id, locale="ru-RU")
    frame = tab.frame
    await frame.get_by_role("button", name="Новый кейс").first.click()
    await expect(frame.get_by_role("heading", level=1, name="Новый кейс")).to_be_visible()
    form = frame.locator("form")
    participants = frame.get_by_role("group", name="Участники ситуации")
    rubrics = frame.get_by_role("group", name="Проблемные поля")
    await expect(participants.get_by_role("checkbox")).to_have_count(18)
    await expect(rubrics.get_by_role("checkbox")).to_have_count(12)
    # 18 participants, 12 rubrics, 2 privacy and 3 urgency choices, 2 consent switches.
    assert await _assert_controls_labelled(form) == 18 + 12 + 2 + 3 + 2
    await check_accessibility(frame)

    # A rejected submit marks the rubric group with its message.
    await frame.get_by_role("button", name="Отправить кейс").click()
    rubrics_message = "Поле «Проблемные поля»: выберите хотя бы один вариант."
    await expect(rubrics).to_have_accessible_description(rubrics_message)
    await check_accessibility(frame)

    texts = {
        "В чём суть проблемы": CASE_FORM["essence"],
        "Что вы уже предпринимали": CASE_FORM["actions_taken"],
        "Почему не получается": CASE_FORM["why_difficult"],
        "Ваш вопрос наставнику": CASE_FORM["question"],
    }
    for label, text in texts.items():
        await frame.get_by_role("textbox", name=re.compile(label)).fill(text)
    # A click on the label text, not on the box, ticks each choice.
    for label in ("Ученики 7 класса", "Родители", "Цифровые технологии", "Взаимодействие с родителями"):
        await frame.get_by_text(label, exact=True).click()
        await expect(frame.get_by_label(label, exact=True)).to_be_checked()
    await expect(form.get_by_role("checkbox", checked=True)).to_have_count(4)
    await frame.get_by_text("Нужен совет", exact=True).click()
    await frame.get_by_role("radio", name=re.compile("^Анонимный")).check()
    await save_screenshot(tab.page, "my-case-form-ticked-ru")
    await frame.get_by_role("button", name="Отправить кейс").click()

    await expect(frame.get_by_role("heading", level=1, name=re.compile(r"^Кейс \d{4}-\d{4}$"))).to_be_visible()
    async with server_workflow.db.transaction() as session:
        case = await session.scalar(select(Case).where(Case.teacher_id == teacher.user_id))
        assert case is not None
        revision = await session.scalar(select(CaseRevision).where(CaseRevision.case_id == case.id))
    assert revision is not None
    assert sorted(revision.participants) == ["form_7", "parents"]
    assert sorted(revision.rubrics) == ["digital_technologies", "parents"]


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_mentor_asks_questions_by_label(
    open_in_teams: OpenInTeams, server_workflow: Workflow, connector: FakeConnector, language: str
) -> None:
    texts = NEUTRAL_TEXTS[language]
    teacher, mentor = await people(server_workflow, connector, language)
    case_id, number = await offered_case(server_workflow, teacher, mentor)
    await server_workflow.accept(mentor, await _assignment_of(server_workflow, case_id))
    suggested = await server_workflow.suggested_questions(case_id, LOCALES[language])
    chosen = [suggested[1], suggested[4]]

    tab = await open_in_teams(
        "my", user_id=mentor.user_id, locale=LOCALES[language], sub_entity_id=f"/cases/{case_id}"
    )
    frame = tab.frame
    await expect(frame.get_by_role("heading", level=1, name=texts["case"].format(number=number))).to_be_visible()
    form = frame.locator("section#ask-questions form")
    await expect(form.get_by_role("checkbox")).to_have_count(len(suggested))
    assert await _assert_controls_labelled(form) == len(suggested)

    # The mentor reads the teacher's answers under labels about the teacher.
    page_text = await frame.locator("main").inner_text()
    for label in texts["neutral"]:
        assert label in page_text
    for label in texts["teacher_only"]:
        assert label not in page_text
    # The history calls the mentor "you" for their own action only.
    events = frame.locator("section#history li")
    await expect(events.filter(has_text=texts["accepted"])).to_have_count(1)
    submitted = await events.filter(has_text=texts["submitted"]).inner_text()
    accepted = await events.filter(has_text=texts["accepted"]).inner_text()
    assert f"{texts['teacher']}\n" in submitted or f"{texts['teacher']} " in submitted
    assert texts["you"] not in submitted
    assert texts["you"] in accepted
    await check_accessibility(frame)

    for question in chosen:
        await form.get_by_text(question.text, exact=True).click()
        await expect(form.get_by_label(question.text, exact=True)).to_be_checked()
    await expect(form.get_by_role("checkbox", checked=True)).to_have_count(2)
    await save_screenshot(tab.page, f"my-mentor-questions-{language}")
    await form.get_by_role("button", name=texts["send_questions"]).click()
    await expect(frame.get_by_role("heading", name=texts["rounds"])).to_be_visible()

    async with server_workflow.db.transaction() as session:
        asked = list(
            await session.scalars(
                select(CaseQuestion)
                .join(QuestionRound, CaseQuestion.round_id == QuestionRound.id)
                .where(QuestionRound.case_id == case_id)
            )
        )
    assert sorted(question.suggested_key or "" for question in asked) == sorted(q.key for q in chosen)
    assert sorted(question.text for question in asked) == sorted(q.text for q in chosen)


async def _message_arrives(connector: FakeConnector, conversation_id: str, text: str) -> bool:
    """Wait up to five seconds for the notifier, which delivers in the background, to send ``text``."""
    for _ in range(50):
        if any(text in str(request.body) for request in connector.to(conversation_id)):
            return True
        await asyncio.sleep(0.1)
    return False


async def _assignment_of(workflow: Workflow, case_id: int) -> int:
    async with workflow.db.transaction() as session:
        assignment_id = await session.scalar(
            select(Assignment.id).where(Assignment.case_id == case_id).order_by(Assignment.id)
        )
    assert assignment_id is not None
    return assignment_id


async def _answers_of(workflow: Workflow, case_id: int) -> list[str | None]:
    async with workflow.db.transaction() as session:
        question_round = await session.scalar(
            select(QuestionRound).where(QuestionRound.case_id == case_id)
        )
        assert question_round is not None
        return [question.answer for question in question_round.questions]


async def _teams_id(workflow: Workflow, actor: Actor) -> str:
    async with workflow.db.transaction() as session:
        user = await session.get(User, actor.user_id)
    assert user is not None and user.teams_user_id is not None
    return user.teams_user_id
