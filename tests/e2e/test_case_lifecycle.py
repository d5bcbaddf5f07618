"""Two cases from intake to the library, driven through three Agents Playground instances.

The real app (``create_app`` in demo mode on a temporary SQLite database)
talks to a teacher, mentor A and mentor B. Demo mode makes both mentors
mentors and moderators because their Teams ids are in ``demo_mentor_ids``.
Seeded demo mentors never opened a chat with the bot, so the workflow never
offers them, and A and B are the only candidates.

The Playground always sends the locale en-US. The teacher switches the bot
to Russian for case (a), which names a colleague, a school and a phone
number, and back to English for case (b). The mentors stay in English.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from aiohttp import web

from bot.verbs import Verb
from teams_app.app import create_app
from teams_app.settings import Settings
from tests.e2e.playground import (
    E2E_DIR,
    E2E_MARKS,
    CardView,
    PlaygroundBrowser,
    PlaygroundInstance,
    PlaygroundPage,
    PlaygroundUser,
    Selectors,
    free_tcp_port,
)

pytestmark = E2E_MARKS

SCREENSHOT_DIR = E2E_DIR / "screenshots"
TENANT_ID = "5e2a7c14-3b9d-4f61-8c0a-7d4e2b1f9a36"
BOT_ID = "28:e2e-lifecycle-bot"
TEACHER = PlaygroundUser(
    id="29:e2e-lifecycle-teacher",
    name="Анна Петрова",
    aad_object_id="e1111111-1111-4111-8111-111111111111",
    tenant_id=TENANT_ID,
    email="anna.petrova@example.com",
)
MENTOR_A = PlaygroundUser(
    id="29:e2e-lifecycle-mentor-a",
    name="Наталья Орлова",
    aad_object_id="e2222222-2222-4222-8222-222222222222",
    tenant_id=TENANT_ID,
    email="natalya.orlova@example.com",
)
MENTOR_B = PlaygroundUser(
    id="29:e2e-lifecycle-mentor-b",
    name="Игорь Соколов",
    aad_object_id="e3333333-3333-4333-8333-333333333333",
    tenant_id=TENANT_ID,
    email="igor.sokolov@example.com",
)
# Seconds to wait for the UI, above all for a card that another user's action
# makes the bot send.
CARD_TIMEOUT = 30.0

PERSONAL = "Personal: the mentor sees who I am and may contact me directly"
ANONYMOUS = (
    "Anonymous: the mentor never learns who I am or where I work; "
    "everything goes through the bot"
)
FIRST_QUESTION = "How can I get the class to keep the rules that we agreed on?"

# Case (a) in Russian. Its texts name a colleague, a school and a phone
# number, which the published library entry must not contain.
COLLEAGUE = "Светлана Игоревна Воронцова"
SCHOOL = "школа № 1234"
PHONE = "+7 (916) 123-45-67"
RUSSIAN_ESSENCE = (
    "Ученики 7 класса в школе № 1234 перебивают друг друга "
    "и не соблюдают правила урока."
)
RUSSIAN_ACTIONS_TAKEN = (
    "Я написала правила на доске и обсудила их с классом. Моя коллега "
    f"{COLLEAGUE} посоветовала звонить родителям с моего телефона {PHONE}."
)
RUSSIAN_WHY_DIFFICULT = (
    f"Это мой первый год: {SCHOOL} большая, и другие учителя не успевают "
    "приходить на мои уроки."
)
RUSSIAN_FIRST_QUESTION = (
    "Как добиться, чтобы класс соблюдал правила, о которых мы договорились?"
)
RUSSIAN_SECOND_QUESTION = (
    f"Как поговорить с родителями нарушителей, если {COLLEAGUE} из школы № 1234 "
    f"советует звонить им с номера {PHONE}?"
)
# Parts of the colleague's name in every inflected form, the school number and the phone.
PERSONAL_DATA = ("Светлан", "Игоревн", "Воронцов", "1234", "916", "123-45-67")
# What the anonymiser puts in their place in a Russian case.
RUSSIAN_PLACEHOLDERS = ("[имя]", "[школа]", "[телефон]")

CASE_NUMBER = re.compile(r"\b\d{4}-\d{4}\b")
SEEDED_QUESTIONS = (
    Path(__file__).resolve().parents[2] / "teams_app" / "seed" / "questions.json"
)


@pytest_asyncio.fixture
async def app_endpoint(tmp_path: Path) -> AsyncIterator[str]:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'lifecycle.db'}",
        demo=True,
        demo_mentor_ids=(MENTOR_A.id, MENTOR_B.id),
    )
    runner = web.AppRunner(create_app(settings))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/api/messages"
    await runner.cleanup()


def playground_for(user: PlaygroundUser, endpoint: str) -> PlaygroundInstance:
    return PlaygroundInstance(
        user=user,
        bot_endpoint=endpoint,
        ui_port=free_tcp_port(),
        bot_id=BOT_ID,
        bot_name="Mentoring",
    )


async def pick_candidate(
    card: CardView, mentor_name: str, button_title: str = "Choose"
) -> None:
    choose = Selectors.action_button(button_title)
    entry = (
        card.root.locator(".ac-container")
        .filter(has_text=mentor_name)
        .filter(has=card.page.locator(choose))
        .last
    )
    await entry.locator(choose).click()


async def fill_intake(
    card: CardView, *, question: str, privacy: str, publish: bool
) -> None:
    await card.fill_input(
        "What the problem is",
        "Pupils of form 7 interrupt each other and ignore the rules of the lesson.",
    )
    await card.fill_input(
        "What you have already tried",
        "I wrote the rules on the board and talked with the class after the lesson.",
    )
    await card.fill_input(
        "Why you cannot solve it alone",
        "It is my first year and the other teachers have no time to observe my lessons.",
    )
    await card.fill_input("Your question to the mentor", question)
    await card.select_choices("Who is involved", ["Pupils of form 7", "Parents"])
    await card.select_choices(
        "Problem fields",
        ["Class management and motivation", "Interaction with parents"],
    )
    await card.select_choices("Communication format", [privacy])
    await card.select_choices("Urgency", ["I need advice"])
    await card.set_toggle(
        "Consent to a discussion with other mentors and teachers", True
    )
    await card.set_toggle("Consent to publish the solved case in the library", publish)


async def fill_russian_intake(card: CardView) -> None:
    """Fill the intake form of a personal case with publish consent, in Russian."""
    await card.fill_input("В чём суть проблемы", RUSSIAN_ESSENCE)
    await card.fill_input("Что вы уже предпринимали", RUSSIAN_ACTIONS_TAKEN)
    await card.fill_input(
        "Почему не получается решить самостоятельно", RUSSIAN_WHY_DIFFICULT
    )
    await card.fill_input("Ваш вопрос наставнику", RUSSIAN_FIRST_QUESTION)
    await card.select_choices("Участники ситуации", ["Ученики 7 класса", "Родители"])
    await card.select_choices(
        "Проблемные поля",
        ["Управление классом и мотивация", "Взаимодействие с родителями"],
    )
    await card.select_choices(
        "Формат общения",
        ["Личный: наставник видит, кто я, и может связаться со мной напрямую"],
    )
    await card.select_choices("Срочность", ["Нужен совет"])
    await card.set_toggle(
        "Согласие на обсуждение с другими наставниками и учителями", True
    )
    await card.set_toggle("Согласие на публикацию решённого кейса в библиотеке", True)


def case_number(text: str) -> str:
    match = CASE_NUMBER.search(text)
    assert match is not None, f"no case number in:\n{text}"
    return match.group()


def russian_question(english: str) -> str:
    """Return the Russian text of the seeded suggested question ``english``."""
    groups = json.loads(SEEDED_QUESTIONS.read_text(encoding="utf-8"))
    for group in groups:
        for question in group["questions"]:
            if question["text"]["en"] == english:
                return question["text"]["ru"]
    raise AssertionError(f"no seeded suggested question {english!r}")


def assert_no_personal_data(text: str) -> None:
    for piece in PERSONAL_DATA:
        assert piece not in text, f"{piece!r} is in:\n{text}"


async def write_solution(page: PlaygroundPage, text: str) -> None:
    """Send a possible solution from the mentor's newest case card.

    A redefined case reaches the mentor as a new case card, and only the
    newest case card keeps its buttons.
    """
    case_card = await page.card_with_action("Write a possible solution")
    await case_card.click_action("Write a possible solution")
    await case_card.fill_input("Possible solution", text)
    await case_card.click_action("Send the solution")


async def approve_draft(
    page: PlaygroundPage, previous_count: int, number: str
) -> tuple[str, CardView]:
    """Publish the library draft of case ``number`` and return its title and the card."""
    draft = await page.wait_for_new_card(previous_count, "Publish in the library")
    assert number in await draft.text()
    title = await (await draft.input_control("Title in the library")).input_value()
    await draft.click_action("Publish in the library")
    await draft.wait_for_text("published")
    return title, draft


async def test_case_lifecycle(app_endpoint: str) -> None:
    async with (
        playground_for(TEACHER, app_endpoint) as teacher,
        playground_for(MENTOR_A, app_endpoint) as mentor_a,
        playground_for(MENTOR_B, app_endpoint) as mentor_b,
        PlaygroundBrowser(ui_timeout=CARD_TIMEOUT) as browser,
    ):
        # Proactive messages only show on pages that are open.
        teacher_page = await browser.open(teacher)
        a_page = await browser.open(mentor_a)
        b_page = await browser.open(mentor_b)
        # Installation activities carry no user name, so each mentor writes once
        # for the bot to learn the name that candidates cards show.
        for page in (a_page, b_page):
            await page.send_text("menu")
            await page.wait_for_bot_text("My requests")

        # ------------------------------------ (a) a personal case, in Russian
        welcome = await teacher_page.wait_for_new_card(0, "New case")
        await welcome.click_action("Русский")
        await welcome.wait_for_text("Новый кейс")
        before = await teacher_page.card_count()
        await welcome.click_action("Новый кейс")
        form = await teacher_page.wait_for_new_card(before, "В чём суть проблемы")
        await fill_russian_intake(form)
        await form.screenshot(SCREENSHOT_DIR / "lifecycle-01-intake-russian.png")
        before = await teacher_page.card_count()
        await form.click_action("Отправить кейс")
        library = await teacher_page.wait_for_new_card(before, "Найти наставника")
        number = case_number(await library.text())
        assert f"Кейс {number}" in await library.text()
        await library.screenshot(SCREENSHOT_DIR / "lifecycle-02-library-russian.png")

        before = await teacher_page.card_count()
        await library.click_action("Найти наставника")
        candidates = await teacher_page.wait_for_new_card(before, "Выбрать")
        assert MENTOR_A.name in await candidates.text()
        assert MENTOR_B.name in await candidates.text()
        a_before = await a_page.card_count()
        await pick_candidate(candidates, MENTOR_A.name, "Выбрать")

        offer = await a_page.wait_for_new_card(a_before, "Accept")
        assert TEACHER.name in await offer.text()
        await offer.click_action("Decline")
        await offer.fill_input(
            "Reason for declining (optional, the teacher does not see it)",
            "I am away at a conference this month.",
        )
        before = await teacher_page.card_count()
        await offer.click_action("Decline the case")
        second_candidates = await teacher_page.wait_for_new_card(before, "Выбрать")
        assert MENTOR_A.name not in await second_candidates.text()
        assert MENTOR_B.name in await second_candidates.text()
        await teacher_page.screenshot(
            SCREENSHOT_DIR / "lifecycle-03-candidates-after-decline.png"
        )

        b_before = await b_page.card_count()
        await pick_candidate(second_candidates, MENTOR_B.name, "Выбрать")
        offer_b = await b_page.wait_for_new_card(b_before, "Accept")
        b_before = await b_page.card_count()
        await offer_b.click_action("Accept")
        case_b = await b_page.wait_for_new_card(b_before - 1, "Ask questions")
        case_b_text = await case_b.text()
        assert TEACHER.name in case_b_text
        assert RUSSIAN_FIRST_QUESTION in case_b_text

        # A stale click: the teacher's pick of mentor A, sent again after B accepted.
        first_pick, _ = teacher_page.sent_card_actions(Verb.PICK_MENTOR)
        before = await teacher_page.card_count()
        a_before = await a_page.card_count()
        answer = await teacher.send_card_action(first_pick)
        assert answer["type"] == "application/vnd.microsoft.activity.message"
        assert answer["value"].startswith(f"Эта карточка устарела: кейс {number}")
        assert "Ничего не изменено" in answer["value"]
        await teacher_page.send_text("мои кейсы")
        my_cases = await teacher_page.wait_for_new_card(before, "Мои кейсы")
        assert f"Кейс {number}" in await my_cases.text()
        assert "в работе" in await my_cases.text()
        assert await teacher_page.card_count() == before + 1
        assert await a_page.card_count() == a_before

        await case_b.click_action("Ask questions")
        suggested_label = "Suggested questions, those that fit this case first"
        suggested = await case_b.choice_titles(suggested_label)
        assert len(suggested) >= 2
        await case_b.select_choices(suggested_label, suggested[:2])
        await case_b.fill_input(
            "Your own questions, one per line", "Which rules did the class agree on?"
        )
        await b_page.screenshot(SCREENSHOT_DIR / "lifecycle-04-mentor-questions.png")
        before = await teacher_page.card_count()
        await case_b.click_action("Send the questions")

        # The teacher reads the suggested questions in Russian and the mentor's own as typed.
        questions = await teacher_page.wait_for_new_card(before, "Отправить ответы")
        questions_text = await questions.text()
        assert russian_question(suggested[0]) in questions_text
        assert russian_question(suggested[1]) in questions_text
        assert "Which rules did the class agree on?" in questions_text
        answers = questions.root.locator("textarea")
        assert await answers.count() == 3
        for index in range(3):
            await answers.nth(index).fill(
                f"Ответ {index + 1}: класс договорился о трёх правилах."
            )
        before = await teacher_page.card_count()
        await questions.click_action("Отправить ответы")

        choice = await teacher_page.wait_for_new_card(before, "Да, переформулировать")
        before = await teacher_page.card_count()
        await choice.click_action("Да, переформулировать")
        revision_form = await teacher_page.wait_for_new_card(
            before - 1, "Отправить версию 2"
        )
        assert "Версия 2 из 3" in await revision_form.text()
        question_input = await revision_form.input_control("Ваш вопрос наставнику")
        assert await question_input.input_value() == RUSSIAN_FIRST_QUESTION
        await question_input.fill(RUSSIAN_SECOND_QUESTION)
        await teacher_page.screenshot(SCREENSHOT_DIR / "lifecycle-05-revision-form.png")
        await revision_form.click_action("Отправить версию 2")

        await case_b.wait_for_text("Revision 2 of 3")
        case_b_text = await case_b.text()
        assert "Changed since revision 1" in case_b_text
        assert "Your question to the mentor" in case_b_text
        assert RUSSIAN_SECOND_QUESTION in case_b_text
        await b_page.screenshot(SCREENSHOT_DIR / "lifecycle-06-mentor-revision-2.png")

        before = await teacher_page.card_count()
        await write_solution(
            b_page,
            "Agree on the rules with the class again and let pupils keep the log.",
        )
        solution = await teacher_page.wait_for_new_card(
            before, "Запросить второе мнение"
        )
        a_before = await a_page.card_count()
        # The first click opens the confirmation, the second confirms.
        await solution.click_action("Запросить второе мнение")
        await solution.click_action("Запросить второе мнение")

        # A declined and B held the case, so no candidate is left and a moderator assigns.
        assign = await a_page.wait_for_new_card(a_before, "Assign")
        await assign.select_choices("Mentor", [MENTOR_A.name])
        a_before = await a_page.card_count()
        await assign.click_action("Assign")
        await a_page.wait_for_new_card(a_before - 1, "Write a possible solution")
        before = await teacher_page.card_count()
        await write_solution(
            a_page,
            "Hold a short class meeting every Friday to review the rules.",
        )

        final = await teacher_page.wait_for_new_card(before, "Завершить кейс")
        final_text = await final.text()
        assert "let pupils keep the log" in final_text
        assert "class meeting every Friday" in final_text
        await final.fill_input(
            "Что вы теперь сделаете?", "Проведу классный час в пятницу."
        )
        await final.fill_input(
            "Что изменилось для вас?", "Я знаю, с чего начать разговор."
        )
        await final.select_choices(
            "Насколько полезной была помощь?", ["5 — очень полезна"]
        )
        await teacher_page.screenshot(SCREENSHOT_DIR / "lifecycle-07-reflection.png")
        a_before = await a_page.card_count()
        await final.click_action("Завершить кейс")
        await final.wait_for_text("завершён")

        # The published entry keeps the case and drops the colleague, school and phone.
        published_title, published = await approve_draft(a_page, a_before, number)
        assert_no_personal_data(published_title)
        published_text = await published.text()
        assert published_title in published_text
        for placeholder in RUSSIAN_PLACEHOLDERS:
            assert placeholder in published_text
        assert "не соблюдают правила урока" in published_text
        assert_no_personal_data(published_text)
        await published.screenshot(SCREENSHOT_DIR / "lifecycle-08-published-entry.png")

        # Cards of finished steps are re-rendered read-only, without their buttons.
        for stale in (library, candidates, second_candidates):
            assert number in await stale.text()
            titles = await stale.action_titles()
            assert "Найти наставника" not in titles
            assert "Выбрать" not in titles
        await teacher_page.screenshot(SCREENSHOT_DIR / "lifecycle-09-stale-cards.png")

        # ------------------------------- (b) an anonymous case, back in English
        before = await teacher_page.card_count()
        await teacher_page.send_text("english")
        await teacher_page.wait_for_bot_text("The bot now writes in English.")
        await teacher_page.wait_for_new_card(before, "New case")
        before = await teacher_page.card_count()
        await teacher_page.send_text("new case")
        form = await teacher_page.wait_for_new_card(before, "What the problem is")
        await fill_intake(
            form, question=FIRST_QUESTION, privacy=ANONYMOUS, publish=True
        )
        before = await teacher_page.card_count()
        await form.click_action("Submit the case")
        library = await teacher_page.wait_for_new_card(before, "Find a mentor")
        library_text = await library.text()
        assert published_title in library_text
        assert_no_personal_data(library_text)
        anonymous_number = case_number(library_text)
        assert f"Case {anonymous_number}" in library_text
        await library.screenshot(SCREENSHOT_DIR / "lifecycle-10-library-finds-case.png")

        before = await teacher_page.card_count()
        await library.click_action("Find a mentor")
        candidates = await teacher_page.wait_for_new_card(before, "Choose")
        b_before = await b_page.card_count()
        await pick_candidate(candidates, MENTOR_B.name)
        offer_b = await b_page.wait_for_new_card(b_before, "Accept")
        assert "Anonymous teacher" in await offer_b.text()
        b_before = await b_page.card_count()
        await offer_b.click_action("Accept")
        await b_page.wait_for_new_card(b_before - 1, "Write a possible solution")
        before = await teacher_page.card_count()
        await write_solution(
            b_page, "Start each lesson by reading the class rules aloud."
        )
        final = await teacher_page.wait_for_new_card(before, "Complete the case")
        await final.fill_input("What will you do now?", "Read the rules aloud.")
        await final.fill_input("What has changed for you?", "The lessons start calmer.")
        await final.select_choices("How useful was the help?", ["5 — very useful"])
        a_before = await a_page.card_count()
        await final.click_action("Complete the case")
        await approve_draft(a_page, a_before, anonymous_number)
        await b_page.screenshot(SCREENSHOT_DIR / "lifecycle-11-anonymous-mentor.png")

        for page in (a_page, b_page):
            for text in await page.bot_messages().all_inner_texts():
                if anonymous_number not in text:
                    continue
                assert TEACHER.name not in text
                assert TEACHER.email not in text
                assert "Анна" not in text
