"""Statistics: exact figures on a hand-built set of cases, scopes, periods and CSV export.

The cases are driven through the real workflow; the test then rewrites their
timestamps in the database so that every duration and period boundary is
known to the minute.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from teams_app.domain.enums import CaseStatus, Role
from teams_app.domain.errors import NotFound, ValidationFailed
from teams_app.storage.models import (
    Assignment,
    Case,
    CaseEvent,
    CaseLibraryHit,
    LibraryEntry,
    MentorProfile,
    Reflection,
    Solution,
    User,
)
from teams_app.workflow import Workflow
from teams_app.workflow.stats import Period, parse_period
from tests.tabs.conftest import SignedIn, TabsClient
from tests.workflow.flow import REFLECTION, choosing_case, offer_of, submit

UTC = dt.UTC
YEAR_2025 = {"periodFrom": "2025-01-01", "periodTo": "2025-12-31"}


def at(text: str) -> dt.datetime:
    """Parse a UTC time written as 2025-03-10 09:00."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


async def set_times(
    workflow: Workflow,
    case_id: int,
    *,
    submitted: str,
    offers: Sequence[tuple[str, str | None]] = (),
    solutions: Sequence[str] = (),
    reflection: str | None = None,
) -> None:
    """Rewrite a case's timestamps: offers and solutions in the order they were made.

    Every history event of the case moves to the submission time, so the
    active users of a year follow the submission.
    """
    async with workflow.db.transaction() as session:
        await session.execute(
            update(Case).where(Case.id == case_id).values(created_at=at(submitted))
        )
        await session.execute(
            update(CaseEvent).where(CaseEvent.case_id == case_id).values(created_at=at(submitted))
        )
        assignment_ids = list(
            await session.scalars(
                select(Assignment.id).where(Assignment.case_id == case_id).order_by(Assignment.id)
            )
        )
        assert len(assignment_ids) == len(offers), (case_id, assignment_ids)
        for assignment_id, (offered, responded) in zip(assignment_ids, offers, strict=True):
            await session.execute(
                update(Assignment)
                .where(Assignment.id == assignment_id)
                .values(offered_at=at(offered), responded_at=at(responded) if responded else None)
            )
        solution_ids = list(
            await session.scalars(
                select(Solution.id).where(Solution.case_id == case_id).order_by(Solution.id)
            )
        )
        assert len(solution_ids) == len(solutions), (case_id, solution_ids)
        for solution_id, written in zip(solution_ids, solutions, strict=True):
            await session.execute(
                update(Solution).where(Solution.id == solution_id).values(created_at=at(written))
            )
        if reflection is not None:
            await session.execute(
                update(Reflection)
                .where(Reflection.case_id == case_id)
                .values(created_at=at(reflection))
            )


@dataclass
class World:
    """The hand-built cases and the people behind them."""

    moderator: SignedIn
    first_mentor: SignedIn
    second_mentor: SignedIn
    first_teacher: SignedIn
    anonymous_teacher: SignedIn
    late_teacher: SignedIn
    cases: dict[str, int]
    entries: tuple[int, int]


async def build_world(tabs: TabsClient) -> World:
    """Build six cases with known timestamps (UTC; Moscow is three hours ahead).

    - A: class management and parents, urgent. The first mentor declines, the
      second accepts 6 h after submission and 3 h after the offer, solves
      24 h later, and the teacher rates the help 4.
    - B: anonymous, class management, needs advice. The first mentor accepts
      30 minutes after the offer (1.5 h after submission) and solves 8 days
      later.
    - C: education law, expert opinion; closed as answered by the library.
    - D: parents, urgent; offered to the first mentor, not answered yet.
      Submitted at 00:30 Moscow time on 1 January 2025.
    - E: parents; withdrawn. Submitted at 23:59 Moscow time on 31 December
      2024, so outside 2025 in Moscow but inside it in UTC.
    - F: families at risk, which no reachable mentor covers: a moderator
      assigns the second mentor 12 h after submission.
    """
    workflow = tabs.services.workflow
    moderator = await tabs.sign_in("moderator", "Модератор Платформы")
    first_mentor = await tabs.sign_in(
        "mentor", "Первый Наставник", areas=("class_management", "parents")
    )
    second_mentor = await tabs.sign_in(
        "mentor", "Второй Наставник", areas=("class_management", "education_law")
    )
    first_teacher = await tabs.sign_in("teacher", "Ирина Учительская")
    anonymous_teacher = await tabs.sign_in("teacher", "Тайна Анонимова")
    late_teacher = await tabs.sign_in("teacher", "Ольга Декабрьская")
    one, two = first_mentor.actor, second_mentor.actor

    # A
    case_a = await choosing_case(
        workflow,
        first_teacher.actor,
        rubrics="class_management,parents",
        urgency="urgent",
        privacy="personal",
    )
    declined = offer_of(await workflow.pick_mentor(first_teacher.actor, case_a, one.user_id))
    await workflow.decline(one, declined, "Нет времени")
    accepted = offer_of(await workflow.pick_mentor(first_teacher.actor, case_a, two.user_id))
    await workflow.accept(two, accepted)
    await workflow.write_solution(two, case_a, "Введите ритуал начала урока.")
    await workflow.complete(first_teacher.actor, case_a, REFLECTION)
    await set_times(
        workflow,
        case_a,
        submitted="2025-03-10 09:00",
        offers=[("2025-03-10 10:00", "2025-03-10 11:00"), ("2025-03-10 12:00", "2025-03-10 15:00")],
        solutions=["2025-03-11 15:00"],
        reflection="2025-03-12 10:00",
    )

    # B
    case_b = await choosing_case(
        workflow, anonymous_teacher.actor, rubrics="class_management", privacy="anonymous"
    )
    offer = offer_of(await workflow.pick_mentor(anonymous_teacher.actor, case_b, one.user_id))
    await workflow.accept(one, offer)
    await workflow.write_solution(one, case_b, "Попробуйте работу в парах.")
    await set_times(
        workflow,
        case_b,
        submitted="2025-06-01 00:00",
        offers=[("2025-06-01 01:00", "2025-06-01 01:30")],
        solutions=["2025-06-09 01:30"],
    )

    # C
    case_c = await submit(
        workflow, first_teacher.actor, rubrics="education_law", urgency="expert_opinion"
    )
    await workflow.close_by_library(first_teacher.actor, case_c)
    await set_times(workflow, case_c, submitted="2025-08-01 12:00")

    # D
    case_d = await choosing_case(workflow, first_teacher.actor, rubrics="parents", urgency="urgent")
    await workflow.pick_mentor(first_teacher.actor, case_d, one.user_id)
    await set_times(
        workflow, case_d, submitted="2024-12-31 21:30", offers=[("2024-12-31 21:40", None)]
    )

    # E
    case_e = await submit(workflow, late_teacher.actor, rubrics="parents")
    await workflow.withdraw(late_teacher.actor, case_e)
    await set_times(workflow, case_e, submitted="2024-12-31 20:59")

    # F
    case_f = await choosing_case(workflow, first_teacher.actor, rubrics="families_at_risk")
    assert (
        await workflow.case_view(moderator.actor, case_f)
    ).status == CaseStatus.AWAITING_MODERATOR
    await workflow.moderator_assign(moderator.actor, case_f, two.user_id)
    await set_times(
        workflow,
        case_f,
        submitted="2025-09-01 00:00",
        offers=[("2025-09-01 12:00", "2025-09-01 12:00")],
    )

    # The library answered A and C: two entries for C, one of them for A too.
    async with workflow.db.transaction() as session:
        entry_ids = list(
            await session.scalars(select(LibraryEntry.id).order_by(LibraryEntry.id).limit(2))
        )
        await session.execute(delete(CaseLibraryHit))
        for case_id, entry_id, rank in (
            (case_c, entry_ids[0], 1),
            (case_c, entry_ids[1], 2),
            (case_a, entry_ids[0], 1),
        ):
            session.add(CaseLibraryHit(case_id=case_id, entry_id=entry_id, rank=rank))

    return World(
        moderator,
        first_mentor,
        second_mentor,
        first_teacher,
        anonymous_teacher,
        late_teacher,
        {"A": case_a, "B": case_b, "C": case_c, "D": case_d, "E": case_e, "F": case_f},
        (entry_ids[0], entry_ids[1]),
    )


async def overview(
    tabs: TabsClient, user: SignedIn, query: dict[str, str], status: int = 200
) -> dict[str, Any]:
    response = await tabs.request("GET", "/api/v1/stats/overview", user, params=query)
    body = await response.json()
    assert response.status == status, body
    return body


def table(report: dict[str, Any], name: str) -> dict[str, Any]:
    for section in report["sections"]:
        for item in section["tables"]:
            if item["name"] == name:
                return item
    raise AssertionError(f"no table {name}")


def rows_by_key(report: dict[str, Any], name: str) -> dict[str, dict[str, Any]]:
    return {row["key"]: row for row in table(report, name)["rows"]}


def figure(report: dict[str, Any], key: str) -> Any:
    for section in report["sections"]:
        for item in section["figures"]:
            if item["key"] == key:
                return item["value"]
    raise AssertionError(f"no figure {key}")


def column_values(report: dict[str, Any], name: str, column: str) -> dict[str, Any]:
    return {key: row[column] for key, row in rows_by_key(report, name).items()}


# ------------------------------------------------------------------ the platform


async def test_cases_by_rubric_status_urgency(tabs: TabsClient) -> None:
    world = await build_world(tabs)
    report = await overview(tabs, world.moderator, YEAR_2025)

    assert report["scope"] == "platform"
    assert report["period"] == {
        "from": "2025-01-01",
        "to": "2025-12-31",
        "timeZone": "Europe/Moscow",
        "startsAt": "2024-12-31T21:00:00+00:00",
        "endsAt": "2025-12-31T21:00:00+00:00",
    }
    assert figure(report, "cases") == 5
    rubrics = rows_by_key(report, "rubrics")
    assert {key: row["cases"] for key, row in rubrics.items() if row["cases"]} == {
        "class_management": 2,
        "parents": 2,
        "education_law": 1,
        "families_at_risk": 1,
    }
    assert rubrics["class_management"]["share"] == 40.0
    assert rubrics["education_law"]["share"] == 20.0
    assert rubrics["assessment"] == {
        "key": "assessment",
        "rubric": "Контроль и оценивание",
        "cases": 0,
        "share": 0.0,
    }
    assert list(rubrics)[:3] == ["education_law", "professional_ethics", "class_management"]
    assert {k: v for k, v in column_values(report, "statuses", "cases").items() if v} == {
        "completed": 1,
        "solution_offered": 1,
        "answered_by_library": 1,
        "awaiting_mentor": 1,
        "in_progress": 1,
    }
    assert len(table(report, "statuses")["rows"]) == len(CaseStatus)
    assert column_values(report, "urgency", "cases") == {
        "urgent": 2,
        "need_advice": 2,
        "expert_opinion": 1,
    }
    assert column_values(report, "urgency", "share") == {
        "urgent": 40.0,
        "need_advice": 40.0,
        "expert_opinion": 20.0,
    }


async def test_times_to_acceptance_and_solution(tabs: TabsClient) -> None:
    world = await build_world(tabs)
    report = await overview(tabs, world.moderator, YEAR_2025)

    timings = rows_by_key(report, "timings")
    assert list(timings) == [
        "submission_to_acceptance",
        "offer_to_acceptance",
        "submission_to_solution",
        "acceptance_to_solution",
    ]
    # A 6 h, B 1.5 h, F 12 h (the moderator's assignment).
    assert timings["submission_to_acceptance"] | {"measure": ""} == {
        "key": "submission_to_acceptance",
        "measure": "",
        "count": 3,
        "median": 6.0,
        "mean": 6.5,
        "max": 12.0,
    }
    # A 3 h, B 0.5 h; the declined offer and F's assignment do not count.
    assert timings["offer_to_acceptance"]["count"] == 2
    assert timings["offer_to_acceptance"]["median"] == 1.75
    assert timings["offer_to_acceptance"]["mean"] == 1.75
    assert timings["offer_to_acceptance"]["max"] == 3.0
    # A 30 h, B 193.5 h.
    assert timings["submission_to_solution"]["count"] == 2
    assert timings["submission_to_solution"]["median"] == 111.75
    assert timings["submission_to_solution"]["max"] == 193.5
    # A 24 h, B 192 h.
    assert timings["acceptance_to_solution"]["count"] == 2
    assert timings["acceptance_to_solution"]["mean"] == 108.0
    assert figure(report, "medianHours") == 6.0

    distribution = table(report, "timing_distribution")
    assert [column["key"] for column in distribution["columns"]] == [
        "bucket",
        "submissionToAcceptance",
        "offerToAcceptance",
        "submissionToSolution",
        "acceptanceToSolution",
    ]
    by_measure = {
        key: [row[key] for row in distribution["rows"]]
        for key in ("submissionToAcceptance", "offerToAcceptance", "acceptanceToSolution")
    }
    assert by_measure["submissionToAcceptance"] == [0, 1, 2, 0, 0, 0]
    assert by_measure["offerToAcceptance"] == [1, 1, 0, 0, 0, 0]
    # 24 h falls in "1 to 3 days": a bucket includes its lower bound.
    assert by_measure["acceptanceToSolution"] == [0, 0, 0, 1, 0, 1]


async def test_rounds_to_find_a_mentor(tabs: TabsClient) -> None:
    world = await build_world(tabs)
    report = await overview(tabs, world.moderator, YEAR_2025)

    rounds = rows_by_key(report, "rounds")
    # B and F in the first round (F by a moderator), A in the second.
    assert {key: (row["searches"], row["byModerator"]) for key, row in rounds.items()} == {
        "1": (2, 1),
        "2": (1, 0),
        "3": (0, 0),
        "4": (0, 0),
    }
    assert rounds["4"]["rounds"] == "4 и больше"
    assert rounds["1"]["share"] == 66.7
    assert figure(report, "meanRounds") == 1.33
    # D waits for the first mentor's answer.
    assert figure(report, "searching") == 1


async def test_mentor_load_and_ratings(tabs: TabsClient) -> None:
    world = await build_world(tabs)
    report = await overview(tabs, world.moderator, YEAR_2025)

    mentors = {row["mentor"]: row for row in table(report, "mentors")["rows"]}
    first = mentors["Первый Наставник"]
    second = mentors["Второй Наставник"]
    # B in work, D offered; A was declined, so not taken.
    assert (first["inWork"], first["offers"], first["handled"]) == (1, 1, 1)
    assert (first["ratings"], first["meanRating"]) == (0, None)
    # F in work; A completed; both taken in 2025.
    assert (second["inWork"], second["offers"], second["handled"]) == (1, 0, 2)
    assert (second["ratings"], second["meanRating"]) == (1, 4.0)
    assert second["maxOpenCases"] == 3
    # Every mentor is listed, with or without cases (the demo mentors too).
    assert len(mentors) >= 2 + 5

    earlier = await overview(
        tabs, world.moderator, {"periodFrom": "2024-01-01", "periodTo": "2024-12-31"}
    )
    earlier_second = {row["mentor"]: row for row in table(earlier, "mentors")["rows"]}[
        "Второй Наставник"
    ]
    # Load is counted now, whatever the period; taken cases and ratings are not.
    assert (earlier_second["inWork"], earlier_second["handled"], earlier_second["ratings"]) == (
        1,
        0,
        0,
    )


async def test_library_answers(tabs: TabsClient) -> None:
    world = await build_world(tabs)
    report = await overview(tabs, world.moderator, YEAR_2025)

    library = rows_by_key(report, "library")
    assert (library["submitted"]["cases"], library["submitted"]["share"]) == (5, 100.0)
    assert (library["shown"]["cases"], library["shown"]["share"]) == (2, 40.0)
    assert (library["answered"]["cases"], library["answered"]["share"]) == (1, 20.0)
    assert (library["answered_of_shown"]["cases"], library["answered_of_shown"]["share"]) == (
        1,
        50.0,
    )
    assert figure(report, "answeredShare") == 20.0
    entries = table(report, "library_entries")["rows"]
    assert [(int(row["key"]), row["cases"]) for row in entries] == [
        (world.entries[0], 1),
        (world.entries[1], 1),
    ]


async def test_active_users_per_year(tabs: TabsClient) -> None:
    world = await build_world(tabs)
    report = await overview(
        tabs, world.moderator, {"periodFrom": "2024-01-01", "periodTo": "2025-12-31"}
    )

    years = rows_by_key(report, "active_users")
    # 2024: only E's teacher (23:59 Moscow time on 31 December).
    assert years["2024"] | {"key": ""} == {
        "key": "",
        "year": "2024",
        "teachers": 1,
        "mentors": 0,
        "total": 1,
        "days": "",
    }
    # 2025: two teachers (A, C, D, F and B) and two mentors; the moderator
    # who assigned F counts as neither.
    assert (years["2025"]["teachers"], years["2025"]["mentors"], years["2025"]["total"]) == (
        2,
        2,
        4,
    )
    assert figure(report, "cases") == 6

    partial = await overview(
        tabs, world.moderator, {"periodFrom": "2024-07-01", "periodTo": "2025-03-10"}
    )
    partial_years = rows_by_key(partial, "active_users")
    assert partial_years["2024"]["days"] == "2024-07-01 – 2024-12-31"
    assert partial_years["2025"]["days"] == "2025-01-01 – 2025-03-10"
    # A (9:00 UTC on 10 March) is in; B is after the period.
    assert (partial_years["2025"]["teachers"], partial_years["2025"]["mentors"]) == (1, 2)


async def test_period_follows_user_time_zone(tabs: TabsClient) -> None:
    world = await build_world(tabs)
    moscow = await overview(tabs, world.moderator, YEAR_2025)
    assert column_values(moscow, "statuses", "cases")["withdrawn"] == 0
    assert column_values(moscow, "statuses", "cases")["awaiting_mentor"] == 1

    response = await tabs.request("PATCH", "/api/v1/me", world.moderator, json={"timeZone": "UTC"})
    assert response.status == 200
    utc = await overview(tabs, world.moderator, YEAR_2025)
    assert utc["period"]["startsAt"] == "2025-01-01T00:00:00+00:00"
    # In UTC, E (20:59 on 31 December 2024) and D (21:30) both fall in 2024.
    assert column_values(utc, "statuses", "cases")["withdrawn"] == 0
    assert column_values(utc, "statuses", "cases")["awaiting_mentor"] == 0
    assert figure(utc, "cases") == 4

    response = await tabs.request(
        "PATCH", "/api/v1/me", world.moderator, json={"timeZone": "Asia/Vladivostok"}
    )
    assert response.status == 200
    # Ten hours ahead of UTC: E at 06:59 on 1 January 2025 is inside.
    vladivostok = await overview(tabs, world.moderator, YEAR_2025)
    assert column_values(vladivostok, "statuses", "cases")["withdrawn"] == 1


# ------------------------------------------------------------------ a mentor's own figures


async def test_mentor_sees_own_figures(tabs: TabsClient) -> None:
    world = await build_world(tabs)
    report = await overview(tabs, world.second_mentor, YEAR_2025)

    assert report["scope"] == "mine"
    assert [section["name"] for section in report["sections"]] == ["cases", "timing", "mentors"]
    # A and F: the cases the second mentor took in 2025.
    assert figure(report, "cases") == 2
    assert {k: v for k, v in column_values(report, "rubrics", "cases").items() if v} == {
        "class_management": 1,
        "parents": 1,
        "families_at_risk": 1,
    }
    assert {k: v for k, v in column_values(report, "statuses", "cases").items() if v} == {
        "completed": 1,
        "in_progress": 1,
    }
    timings = rows_by_key(report, "timings")
    assert list(timings) == ["offer_to_acceptance", "acceptance_to_solution"]
    # A's offer took 3 h; F's moderator assignment is no offer.
    assert (timings["offer_to_acceptance"]["count"], timings["offer_to_acceptance"]["median"]) == (
        1,
        3.0,
    )
    assert (
        timings["acceptance_to_solution"]["count"],
        timings["acceptance_to_solution"]["median"],
    ) == (1, 24.0)
    (own,) = table(report, "mentors")["rows"]
    assert own["mentor"] == "Второй Наставник"
    assert (own["inWork"], own["handled"], own["ratings"], own["meanRating"]) == (1, 2, 1, 4.0)

    first = await overview(tabs, world.first_mentor, YEAR_2025)
    assert figure(first, "cases") == 1  # B; A was declined
    (first_own,) = table(first, "mentors")["rows"]
    assert (first_own["inWork"], first_own["offers"], first_own["handled"]) == (1, 1, 1)


async def test_mentor_cannot_see_platform(tabs: TabsClient) -> None:
    world = await build_world(tabs)
    body = await overview(tabs, world.first_mentor, {**YEAR_2025, "scope": "platform"}, status=403)
    assert body["code"] == "not_permitted"
    for name in ("rounds", "library", "library_entries", "active_users"):
        response = await tabs.request(
            "GET", f"/api/v1/stats/{name}.csv", world.first_mentor, params=YEAR_2025
        )
        assert response.status == 403, name
    response = await tabs.request(
        "GET", "/api/v1/stats/mentors.csv", world.first_mentor, params=YEAR_2025
    )
    assert response.status == 200
    text = (await response.read()).decode("utf-8-sig")
    assert "Второй Наставник" not in text
    assert "Первый Наставник" in text


async def test_moderator_who_mentors_chooses_scope(tabs: TabsClient) -> None:
    world = await build_world(tabs)
    workflow = tabs.services.workflow
    async with workflow.db.transaction() as session:
        from teams_app.workflow.people import grant_role

        await grant_role(session, world.second_mentor.actor.user_id, Role.MODERATOR)
    platform = await overview(tabs, world.second_mentor, YEAR_2025)
    assert platform["scope"] == "platform"
    assert figure(platform, "cases") == 5
    mine = await overview(tabs, world.second_mentor, {**YEAR_2025, "scope": "mine"})
    assert mine["scope"] == "mine"
    assert figure(mine, "cases") == 2
    # A moderator who is no mentor has no figures of their own.
    await overview(tabs, world.moderator, {**YEAR_2025, "scope": "mine"}, status=403)
    body = await overview(tabs, world.moderator, {"scope": "everything"}, status=422)
    assert body["errors"][0]["field"] == "scope"


async def test_teacher_is_forbidden(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    for path in ("/api/v1/stats/overview", "/api/v1/stats/rubrics.csv"):
        response = await tabs.request("GET", path, teacher)
        assert response.status == 403, path
        assert (await response.json())["code"] == "forbidden"


async def test_no_figure_names_anonymous_teacher(tabs: TabsClient) -> None:
    world = await build_world(tabs)
    async with tabs.services.workflow.db.transaction() as session:
        teacher = await session.get(User, world.anonymous_teacher.actor.user_id)
        assert teacher is not None
        teacher.email = "tayna@school.example"
    secrets = ("Тайна", "Анонимова", "tayna@school.example")
    for user in (world.first_mentor, world.moderator):
        report = await overview(tabs, user, YEAR_2025)
        text = str(report)
        for secret in secrets:
            assert secret not in text
        for item in (t for s in report["sections"] for t in s["tables"]):
            response = await tabs.request(
                "GET", f"/api/v1{item['csvPath']}", user, params=YEAR_2025
            )
            assert response.status == 200
            body = (await response.read()).decode("utf-8-sig")
            for secret in secrets:
                assert secret not in body, item["name"]
            assert "teacher" not in body.lower()


# ------------------------------------------------------------------ the period


def test_default_period_is_last_twelve_months() -> None:
    # 21:30 UTC on 1 March is already 2 March in Moscow.
    period = parse_period(None, None, "Europe/Moscow", at("2026-03-01 21:30"))
    assert period == Period(dt.date(2025, 3, 3), dt.date(2026, 3, 2), "Europe/Moscow")
    assert period.starts_at == at("2025-03-02 21:00")
    assert period.ends_at == at("2026-03-02 21:00")


def test_period_with_one_date() -> None:
    now = at("2026-03-01 12:00")
    from_only = parse_period("2025-06-01", None, "UTC", now)
    assert (from_only.first_day, from_only.last_day) == (dt.date(2025, 6, 1), dt.date(2026, 3, 1))
    old_from = parse_period("2020-02-29", None, "UTC", now)
    assert old_from.last_day == dt.date(2021, 2, 28)
    to_only = parse_period(None, "2024-02-29", "UTC", now)
    assert (to_only.first_day, to_only.last_day) == (dt.date(2023, 3, 1), dt.date(2024, 2, 29))


@pytest.mark.parametrize(
    ("period_from", "period_to", "field", "code"),
    [
        ("2025-13-01", "2025-12-31", "periodFrom", "invalid_date"),
        ("2025-01-01", "31.12.2025", "periodTo", "invalid_date"),
        ("1999-12-31", "2000-01-31", "periodFrom", "date_out_of_range"),
        ("2025-02-01", "2025-01-31", "periodTo", "before_start"),
        ("2015-01-01", "2025-01-01", "periodTo", "period_too_long"),
    ],
)
def test_period_rejects(period_from: str, period_to: str, field: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_period(period_from, period_to, "UTC", at("2026-03-01 12:00"))
    assert [(e.field, e.code) for e in caught.value.errors] == [(field, code)]


def test_ten_years_is_the_longest_period() -> None:
    period = parse_period("2015-01-01", "2024-12-31", "UTC", at("2026-03-01 12:00"))
    assert period.last_day == dt.date(2024, 12, 31)


async def test_invalid_period_messages(tabs: TabsClient) -> None:
    russian = await tabs.sign_in("moderator")
    english = await tabs.sign_in("moderator", locale="en-US")
    query = {"periodFrom": "2025-31-01", "periodTo": "2014-01-01"}
    body = await overview(tabs, russian, query, status=422)
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("periodFrom", "invalid_date")]
    assert (
        body["errors"][0]["message"] == "Поле «Период с» должно содержать дату в виде 2030-05-14."
    )
    body = await overview(
        tabs, english, {"periodFrom": "2010-01-01", "periodTo": "2025-01-01"}, status=422
    )
    assert body["errors"] == [
        {
            "field": "periodTo",
            "code": "period_too_long",
            "message": "«Period to»: the period may be at most 10 years long.",
            "limit": 10,
        }
    ]
    body = await overview(
        tabs, russian, {"periodFrom": "2010-01-01", "periodTo": "2025-01-01"}, status=422
    )
    assert body["errors"][0]["message"] == "Поле «Период по»: период может быть не длиннее 10 лет."


async def test_default_period_ends_today(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    before = dt.datetime.now(UTC)
    report = await overview(tabs, moderator, {})
    after = dt.datetime.now(UTC)
    expected = {
        parse_period(None, None, "Europe/Moscow", moment).last_day.isoformat()
        for moment in (before, after)
    }
    assert report["period"]["to"] in expected
    assert report["period"]["timeZone"] == "Europe/Moscow"


# ------------------------------------------------------------------ CSV


def read_csv(body: bytes, delimiter: str) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=delimiter))


async def test_csv_for_russian_excel(tabs: TabsClient) -> None:
    world = await build_world(tabs)
    response = await tabs.request(
        "GET", "/api/v1/stats/timings.csv", world.moderator, params=YEAR_2025
    )
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="stats-timings-2025-01-01-2025-12-31.csv"'
    )
    body = await response.read()
    assert b"\r\n" in body
    rows = read_csv(body, ";")
    assert rows[0] == [
        "Показатель",
        "Кейсы",
        "Медиана, часов",
        "Среднее, часов",
        "Наибольшее, часов",
    ]
    assert rows[1] == ["От подачи до согласия наставника", "3", "6,00", "6,50", "12,00"]
    assert rows[2] == ["От предложения до согласия", "2", "1,75", "1,75", "3,00"]

    response = await tabs.request(
        "GET", "/api/v1/stats/rubrics.csv", world.moderator, params=YEAR_2025
    )
    rubrics = read_csv(await response.read(), ";")
    assert rubrics[0] == ["Рубрика", "Кейсы", "Доля кейсов, %"]
    assert ["Управление классом и мотивация", "2", "40,0"] in rubrics
    assert len(rubrics) == 1 + 12


async def test_csv_for_english_excel(tabs: TabsClient) -> None:
    await build_world(tabs)
    english = await tabs.sign_in("moderator", locale="en-US")
    response = await tabs.request("GET", "/api/v1/stats/mentors.csv", english, params=YEAR_2025)
    assert response.status == 200
    rows = read_csv(await response.read(), ",")
    assert rows[0] == [
        "Mentor",
        "Cases in work now",
        "Offers waiting now",
        "Open cases at most",
        "Cases taken in the period",
        "Ratings in the period",
        "Mean usefulness, 1 to 5",
    ]
    assert ["Второй Наставник", "1", "0", "3", "2", "1", "4.00"] in rows
    assert ["Первый Наставник", "1", "1", "3", "1", "0", ""] in rows


async def test_csv_neutralises_formulas(tabs: TabsClient) -> None:
    world = await build_world(tabs)
    async with tabs.services.workflow.db.transaction() as session:
        profile = await session.get(MentorProfile, world.first_mentor.actor.user_id)
        assert profile is not None
        profile.first_name = '=HYPERLINK("http://127.0.0.1/x","click")'
        profile.last_name = ""
        second = await session.get(MentorProfile, world.second_mentor.actor.user_id)
        assert second is not None
        second.first_name, second.last_name = "@SUM(A1:A2)", ""
    response = await tabs.request(
        "GET", "/api/v1/stats/mentors.csv", world.moderator, params=YEAR_2025
    )
    rows = read_csv(await response.read(), ";")
    names = [row[0] for row in rows]
    assert '\'=HYPERLINK("http://127.0.0.1/x","click")' in names
    assert "'@SUM(A1:A2)" in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)


async def test_csv_of_unknown_table(tabs: TabsClient) -> None:
    moderator = await tabs.sign_in("moderator")
    response = await tabs.request("GET", "/api/v1/stats/users.csv", moderator)
    assert response.status == 404
    with pytest.raises(NotFound):
        await tabs.services.stats.table(moderator.actor, "users")
    response = await tabs.request(
        "GET", "/api/v1/stats/rubrics.csv", moderator, params={"periodTo": "never"}
    )
    assert response.status == 422
    assert (await response.json())["errors"][0]["field"] == "periodTo"


# ------------------------------------------------------------------ realistic volume


async def test_figures_agree_on_workflow_data(tabs: TabsClient) -> None:
    """Drive a dozen cases through every path and check that the tables add up."""
    workflow = tabs.services.workflow
    moderator = await tabs.sign_in("moderator")
    mentors = [
        (await tabs.sign_in("mentor", f"Наставник {n}", areas=areas)).actor
        for n, areas in enumerate(
            [
                ("class_management", "parents"),
                ("class_management", "assessment"),
                ("parents", "assessment"),
                ("class_management",),
            ]
        )
    ]
    teachers = [(await tabs.sign_in("teacher", f"Учитель {n}")).actor for n in range(4)]
    rubric_cycle = ["class_management", "parents", "assessment", "class_management,parents"]
    for index in range(12):
        teacher = teachers[index % len(teachers)]
        rubrics = rubric_cycle[index % len(rubric_cycle)]
        path = index % 6
        if path == 0:
            case_id = await submit(workflow, teacher, rubrics=rubrics)
            await workflow.close_by_library(teacher, case_id)
            continue
        case_id = await choosing_case(workflow, teacher, rubrics=rubrics)
        candidates = await workflow.candidates(case_id, "ru")
        offer = offer_of(await workflow.pick_mentor(teacher, case_id, candidates[0].user_id))
        mentor = next(m for m in mentors if m.user_id == candidates[0].user_id)
        if path == 1:
            continue  # the offer stays open
        if path == 2:
            await workflow.decline(mentor, offer, None)
            candidates = await workflow.candidates(case_id, "ru")
            offer = offer_of(await workflow.pick_mentor(teacher, case_id, candidates[0].user_id))
            mentor = next(m for m in mentors if m.user_id == candidates[0].user_id)
        await workflow.accept(mentor, offer)
        if path == 3:
            await workflow.withdraw(teacher, case_id)
            continue
        await workflow.write_solution(mentor, case_id, "Возможное решение.")
        if path in (4, 5):
            await workflow.complete(teacher, case_id, {**REFLECTION, "usefulness": str(path)})

    report = await overview(tabs, moderator, {})
    cases = figure(report, "cases")
    assert cases == 12
    assert sum(column_values(report, "statuses", "cases").values()) == cases
    assert sum(column_values(report, "urgency", "cases").values()) == cases
    assert sum(column_values(report, "rubrics", "cases").values()) == 15  # 3 cases with two rubrics
    timings = rows_by_key(report, "timings")
    # Every case but the library's two and the two open offers found a mentor.
    assert timings["submission_to_acceptance"]["count"] == 8
    assert all(row["median"] is None or row["median"] >= 0 for row in timings.values())
    distribution = table(report, "timing_distribution")["rows"]
    assert sum(row["submissionToAcceptance"] for row in distribution) == 8
    rounds = rows_by_key(report, "rounds")
    assert (rounds["1"]["searches"], rounds["2"]["searches"]) == (6, 2)
    mentors_rows = table(report, "mentors")["rows"]
    assert sum(row["handled"] for row in mentors_rows) == 8
    assert sum(row["offers"] for row in mentors_rows) == 2
    assert sum(row["ratings"] for row in mentors_rows) == 4
    rated = [row["meanRating"] for row in mentors_rows if row["ratings"]]
    assert all(4 <= rating <= 5 for rating in rated)
    library = rows_by_key(report, "library")
    assert library["answered"]["cases"] == 2
    async with workflow.db.transaction() as session:
        answering = set(
            await session.scalars(
                select(Assignment.mentor_id).where(Assignment.responded_at.is_not(None))
            )
        )
    (year,) = [row for row in table(report, "active_users")["rows"] if row["teachers"]]
    assert (year["teachers"], year["mentors"]) == (4, len(answering))
