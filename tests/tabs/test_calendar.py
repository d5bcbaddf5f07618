"""The calendar API: events in local time across DST, registration, iCalendar export, feeds."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import zoneinfo
from typing import Any

import icalendar
import pytest
from sqlalchemy import func, select

from tabs.calendar_feed import _MASK
from teams_app.storage.models import CalendarFeed, Event, EventRegistration
from teams_app.workflow.events import EventFull
from tests.tabs.conftest import SignedIn, TabsClient
from tests.workflow.flow import accepted_case

UTC = dt.UTC


# ------------------------------------------------------------------ helpers


def wall(moment: dt.datetime) -> str:
    """Format a naive wall time the way the form sends it."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def soon(days: int = 20, hour: int = 18) -> dt.datetime:
    """A naive wall time some days ahead, at a whole hour."""
    day = dt.date.today() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour))


def event_form(**changes: Any) -> dict[str, Any]:
    start = soon()
    form: dict[str, Any] = {
        "kind": "online",
        "title": "Как начать урок без шума",
        "description": "Разбираем приёмы первых пяти минут урока.",
        "startsAt": wall(start),
        "endsAt": wall(start + dt.timedelta(hours=1, minutes=30)),
        "timeZone": "Europe/Moscow",
        "meetingUrl": "https://teams.microsoft.com/l/meetup-join/abc",
        "rubrics": ["class_management"],
        "isPublic": True,
        "capacity": None,
    }
    form.update(changes)
    return form


def next_transition(zone_name: str, forward: bool) -> tuple[dt.datetime, dt.timedelta, dt.timedelta]:
    """Find the next change of a zone's UTC offset, hour by hour from tomorrow.

    Returns the first UTC instant on the new offset, the old offset and the new one.
    ``forward`` picks a spring-forward change (the offset grows) or a fall-back one.
    """
    zone = zoneinfo.ZoneInfo(zone_name)
    start = dt.datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    previous = start.astimezone(zone).utcoffset()
    for hours in range(1, 24 * 400):
        moment = start + dt.timedelta(hours=hours)
        offset = moment.astimezone(zone).utcoffset()
        assert offset is not None and previous is not None
        if offset != previous and (offset > previous) == forward:
            return moment, previous, offset
        previous = offset
    raise AssertionError(f"{zone_name} changes no offset within 400 days")


async def create(tabs: TabsClient, user: SignedIn, **changes: Any) -> dict[str, Any]:
    response = await tabs.request("POST", "/api/v1/events", user, json=event_form(**changes))
    assert response.status == 201, await response.text()
    return await response.json()


async def rejected(tabs: TabsClient, user: SignedIn, **changes: Any) -> dict[str, dict[str, Any]]:
    """Post a form that must fail and return its field errors by field."""
    response = await tabs.request("POST", "/api/v1/events", user, json=event_form(**changes))
    assert response.status == 422, await response.text()
    body = await response.json()
    assert body["code"] == "validation_failed"
    return {error["field"]: error for error in body["errors"]}


def parse_ics(body: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return list(calendar.walk("VEVENT"))


# ------------------------------------------------------------------ creating and time zones


async def test_create_online_event_in_moscow(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", "Ольга Белова")
    start = soon()
    event = await create(tabs, teacher, startsAt=wall(start), endsAt=wall(start + dt.timedelta(hours=2)))

    expected_start = (start - dt.timedelta(hours=3)).replace(tzinfo=UTC)
    assert dt.datetime.fromisoformat(event["startsAt"]) == expected_start
    assert dt.datetime.fromisoformat(event["endsAt"]) == expected_start + dt.timedelta(hours=2)
    assert event["startsLocal"] == wall(start)
    assert event["timeZone"] == "Europe/Moscow"
    assert event["organiserName"] == "Ольга Белова"
    assert event["isOrganiser"] is True
    assert event["canEdit"] is True
    assert event["sequence"] == 0
    assert event["status"] == "scheduled"
    assert [rubric["key"] for rubric in event["rubrics"]] == ["class_management"]
    assert event["meetingUrl"] == "https://teams.microsoft.com/l/meetup-join/abc"


async def test_create_without_rubrics(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    form = event_form()
    del form["rubrics"]
    response = await tabs.request("POST", "/api/v1/events", teacher, json=form)
    assert response.status == 201, await response.text()
    assert (await response.json())["rubrics"] == []


async def test_offline_event_needs_location(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    errors = await rejected(tabs, teacher, kind="offline", location="  ", meetingUrl=None)
    assert errors["location"]["code"] == "required"

    event = await create(tabs, teacher, kind="offline", location="Школа № 5, актовый зал")
    assert event["kind"] == "offline"
    assert event["location"] == "Школа № 5, актовый зал"


@pytest.mark.parametrize("zone_name", ["Europe/Berlin", "America/New_York"])
async def test_spring_forward_gap_rejected(tabs: TabsClient, zone_name: str) -> None:
    teacher = await tabs.sign_in("teacher", locale="en-US")
    change, before, _after = next_transition(zone_name, forward=True)
    # The first wall minute that the clocks skip, plus half an hour.
    missing = (change + before).replace(tzinfo=None) + dt.timedelta(minutes=30)

    errors = await rejected(
        tabs,
        teacher,
        timeZone=zone_name,
        startsAt=wall(missing),
        endsAt=wall(missing + dt.timedelta(hours=2)),
    )
    assert errors["startsAt"]["code"] == "nonexistent_local_time"
    assert "«Start»" in errors["startsAt"]["message"]
    assert "clocks move forward" in errors["startsAt"]["message"]
    assert "endsAt" not in errors


async def test_spring_forward_gap_message_in_russian(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", locale="ru-RU")
    change, before, _after = next_transition("Europe/Berlin", forward=True)
    missing = (change + before).replace(tzinfo=None) + dt.timedelta(minutes=15)

    errors = await rejected(
        tabs,
        teacher,
        timeZone="Europe/Berlin",
        startsAt=wall(missing - dt.timedelta(hours=3)),
        endsAt=wall(missing),
    )
    assert errors["endsAt"]["code"] == "nonexistent_local_time"
    assert "«Окончание»" in errors["endsAt"]["message"]
    assert "часы переводят вперёд" in errors["endsAt"]["message"]


@pytest.mark.parametrize("zone_name", ["Europe/Berlin", "America/New_York"])
async def test_fall_back_time_takes_first_occurrence(tabs: TabsClient, zone_name: str) -> None:
    teacher = await tabs.sign_in("teacher")
    change, before, after = next_transition(zone_name, forward=False)
    # A wall time inside the repeated hour: it happens once on each offset.
    repeated = (change + after).replace(tzinfo=None) + dt.timedelta(minutes=30)

    event = await create(
        tabs,
        teacher,
        timeZone=zone_name,
        startsAt=wall(repeated),
        endsAt=wall(repeated + dt.timedelta(hours=2)),
    )
    # fold=0: the first occurrence, still on the summer (larger) offset.
    first = (repeated - before).replace(tzinfo=UTC)
    assert dt.datetime.fromisoformat(event["startsAt"]) == first
    # Two hours of wall time across the change last three hours.
    assert dt.datetime.fromisoformat(event["endsAt"]) - first == dt.timedelta(hours=3)
    assert event["startsLocal"] == wall(repeated)


async def test_moscow_has_no_dst(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    with pytest.raises(AssertionError, match="changes no offset"):
        next_transition("Europe/Moscow", forward=True)
    # The wall time Berlin skips exists in Moscow and is UTC+3 all year.
    change, before, _after = next_transition("Europe/Berlin", forward=True)
    local = (change + before).replace(tzinfo=None) + dt.timedelta(minutes=30)
    for moment in (local, local + dt.timedelta(days=210)):
        event = await create(
            tabs, teacher, startsAt=wall(moment), endsAt=wall(moment + dt.timedelta(hours=1))
        )
        expected = (moment - dt.timedelta(hours=3)).replace(tzinfo=UTC)
        assert dt.datetime.fromisoformat(event["startsAt"]) == expected


async def test_form_limits_in_english(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", locale="en-US")
    start = soon()
    errors = await rejected(
        tabs,
        teacher,
        title="x" * 201,
        endsAt=wall(start - dt.timedelta(minutes=1)),
        meetingUrl="http://example.test/meeting",
        capacity=0,
        timeZone="Europe/Moscow",
        rubrics=["no_such_rubric"],
    )
    assert errors["title"]["code"] == "too_long"
    assert errors["title"]["limit"] == 200
    assert errors["title"]["message"] == "«Title» must be at most 200 characters; it has 201."
    assert errors["endsAt"]["code"] == "ends_before_start"
    assert errors["endsAt"]["message"] == "«End» must be later than the start."
    assert errors["meetingUrl"]["code"] == "invalid_url"
    assert "https://" in errors["meetingUrl"]["message"]
    assert errors["capacity"]["code"] == "out_of_range"
    assert errors["rubrics"]["code"] == "unknown_choice"


async def test_form_limits_in_russian(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", locale="ru-RU")
    start = soon()
    errors = await rejected(
        tabs,
        teacher,
        title="",
        endsAt=wall(start + dt.timedelta(days=7, minutes=1)),
        timeZone="Europe/Atlantis",
    )
    assert errors["title"]["code"] == "required"
    assert errors["title"]["message"] == "Поле «Заголовок» обязательно."
    assert errors["timeZone"]["code"] == "unknown_time_zone"
    assert "«Часовой пояс»" in errors["timeZone"]["message"]

    errors = await rejected(tabs, teacher, endsAt=wall(start + dt.timedelta(days=7, minutes=1)))
    assert errors["endsAt"]["code"] == "too_long_duration"
    assert errors["endsAt"]["limit"] == 7
    assert errors["endsAt"]["message"] == "«Окончание»: мероприятие может длиться не больше 7 дней."


async def test_seven_days_exactly_allowed(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    start = soon()
    event = await create(tabs, teacher, endsAt=wall(start + dt.timedelta(days=7)))
    duration = dt.datetime.fromisoformat(event["endsAt"]) - dt.datetime.fromisoformat(
        event["startsAt"]
    )
    assert duration == dt.timedelta(days=7)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("startsAt", "14.05.2030 18:00", "invalid_date_time"),
        ("startsAt", "2030-05-14T18:00+02:00", "invalid_date_time"),
        ("startsAt", "", "required"),
        ("kind", "hybrid", "unknown_choice"),
        ("kind", None, "required"),
        ("isPublic", "yes", "invalid_boolean"),
        ("capacity", "ten", "not_a_number"),
        ("capacity", 10_001, "out_of_range"),
        ("meetingUrl", "https://", "invalid_url"),
        ("meetingUrl", "javascript:alert(1)", "invalid_url"),
        ("description", "x" * 5001, "too_long"),
        ("timeZone", "", "required"),
    ],
)
async def test_form_field_errors(tabs: TabsClient, field: str, value: Any, code: str) -> None:
    teacher = await tabs.sign_in("teacher")
    errors = await rejected(tabs, teacher, **{field: value})
    assert errors[field]["code"] == code
    assert errors[field]["message"]


async def test_start_in_past_rejected(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", locale="en-US")
    start = soon(days=-1)
    errors = await rejected(
        tabs, teacher, startsAt=wall(start), endsAt=wall(start + dt.timedelta(hours=1))
    )
    assert errors["startsAt"]["code"] == "in_the_past"
    assert errors["startsAt"]["message"] == "«Start» must not be in the past."


async def test_rejected_form_keeps_nothing(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    await rejected(tabs, teacher, title="")
    async with tabs.services.workflow.db.transaction() as session:
        count = await session.scalar(select(func.count()).select_from(Event))
    assert count == 0


# ------------------------------------------------------------------ editing and cancelling


async def test_organiser_edits_and_sequence_grows(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    event = await create(tabs, teacher)
    path = f"/api/v1/events/{event['id']}"

    response = await tabs.request("PATCH", path, teacher, json={"title": "Новое название"})
    assert response.status == 200, await response.text()
    changed = await response.json()
    assert changed["title"] == "Новое название"
    assert changed["sequence"] == 1
    assert changed["startsAt"] == event["startsAt"]

    # Sending the same values again changes nothing, so the sequence stays.
    response = await tabs.request("PATCH", path, teacher, json={"title": "Новое название"})
    assert (await response.json())["sequence"] == 1

    response = await tabs.request(
        "PATCH", path, teacher, json={"rubrics": ["class_management", "parents"]}
    )
    body = await response.json()
    assert response.status == 200, body
    assert body["sequence"] == 2
    assert {rubric["key"] for rubric in body["rubrics"]} == {"class_management", "parents"}


async def test_edit_validates_merged_form(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher")
    event = await create(tabs, teacher)
    response = await tabs.request(
        "PATCH", f"/api/v1/events/{event['id']}", teacher, json={"endsAt": event["startsLocal"]}
    )
    assert response.status == 422
    body = await response.json()
    assert [error["code"] for error in body["errors"]] == ["ends_before_start"]


async def test_only_organiser_or_moderator_edits(tabs: TabsClient) -> None:
    organiser = await tabs.sign_in("teacher")
    other = await tabs.sign_in("mentor")
    moderator = await tabs.sign_in("moderator")
    event = await create(tabs, organiser)
    path = f"/api/v1/events/{event['id']}"

    for method, suffix, body in (("PATCH", "", {"title": "Чужое"}), ("POST", "/cancel", {})):
        response = await tabs.request(method, path + suffix, other, json=body)
        assert response.status == 403
        assert (await response.json())["code"] == "not_organiser"

    response = await tabs.request("GET", path, other)
    assert (await response.json())["canEdit"] is False

    response = await tabs.request("PATCH", path, moderator, json={"title": "Поправлено модератором"})
    assert response.status == 200
    assert (await response.json())["sequence"] == 1


async def test_cancel_bumps_sequence_once(tabs: TabsClient) -> None:
    organiser = await tabs.sign_in("teacher")
    guest = await tabs.sign_in("teacher")
    event = await create(tabs, organiser)
    path = f"/api/v1/events/{event['id']}"

    first = await (await tabs.request("POST", path + "/cancel", organiser)).json()
    again = await (await tabs.request("POST", path + "/cancel", organiser)).json()
    assert first["status"] == "cancelled"
    assert first["sequence"] == 1
    assert again["sequence"] == 1

    response = await tabs.request("PUT", path + "/registration", guest)
    assert response.status == 409
    assert (await response.json())["code"] == "event_cancelled"
    response = await tabs.request("PATCH", path, organiser, json={"title": "Ещё раз"})
    assert response.status == 409

    listed = await (await tabs.request("GET", "/api/v1/events", guest)).json()
    assert event["id"] not in [item["id"] for item in listed["items"]]


async def test_capacity_not_below_registrations(tabs: TabsClient) -> None:
    organiser = await tabs.sign_in("teacher", locale="en-US")
    event = await create(tabs, organiser, capacity=5)
    path = f"/api/v1/events/{event['id']}"
    for _ in range(3):
        guest = await tabs.sign_in("teacher")
        assert (await tabs.request("PUT", path + "/registration", guest)).status == 200

    response = await tabs.request("PATCH", path, organiser, json={"capacity": 2})
    assert response.status == 422
    (error,) = (await response.json())["errors"]
    assert error["code"] == "below_registrations"
    assert error["limit"] == 3
    assert "at least 3" in error["message"]


# ------------------------------------------------------------------ registering


async def test_register_and_unregister_are_idempotent(tabs: TabsClient) -> None:
    organiser = await tabs.sign_in("teacher")
    guest = await tabs.sign_in("teacher")
    event = await create(tabs, organiser, capacity=3)
    path = f"/api/v1/events/{event['id']}/registration"

    for _ in range(2):
        response = await tabs.request("PUT", path, guest)
        assert response.status == 200
        state = await response.json()
        assert state["registered"] is True
        assert state["registeredCount"] == 1

    shown = await (await tabs.request("GET", f"/api/v1/events/{event['id']}", guest)).json()
    assert shown["isRegistered"] is True
    assert shown["placesLeft"] == 2

    for _ in range(2):
        state = await (await tabs.request("DELETE", path, guest)).json()
        assert state["registered"] is False
        assert state["registeredCount"] == 0


async def test_capacity_holds_under_concurrent_registrations(tabs: TabsClient) -> None:
    organiser = await tabs.sign_in("teacher")
    event = await create(tabs, organiser, capacity=2)
    guests = [await tabs.sign_in("teacher", f"Гость {i}") for i in range(8)]
    path = f"/api/v1/events/{event['id']}/registration"

    responses = await asyncio.gather(*(tabs.request("PUT", path, guest) for guest in guests))
    statuses = sorted(response.status for response in responses)
    assert statuses == [200, 200] + [409] * 6
    for response in responses:
        if response.status == 409:
            assert (await response.json())["code"] == "event_full"

    async with tabs.services.workflow.db.transaction() as session:
        stored = await session.scalar(
            select(func.count()).where(EventRegistration.event_id == event["id"])
        )
    assert stored == 2


async def test_same_user_registers_twice_concurrently(tabs: TabsClient) -> None:
    organiser = await tabs.sign_in("teacher")
    guest = await tabs.sign_in("teacher")
    event = await create(tabs, organiser, capacity=1)
    path = f"/api/v1/events/{event['id']}/registration"

    responses = await asyncio.gather(*(tabs.request("PUT", path, guest) for _ in range(4)))
    assert [response.status for response in responses] == [200] * 4
    counts = {(await response.json())["registeredCount"] for response in responses}
    assert counts == {1}


async def test_full_event_message(tabs: TabsClient) -> None:
    organiser = await tabs.sign_in("teacher")
    event = await create(tabs, organiser, capacity=1)
    path = f"/api/v1/events/{event['id']}/registration"
    assert (await tabs.request("PUT", path, await tabs.sign_in("teacher"))).status == 200

    late = await tabs.sign_in("teacher", locale="en-US")
    response = await tabs.request("PUT", path, late)
    assert response.status == 409
    body = await response.json()
    assert body["detail"] == "All 1 places of this event are taken."


async def test_registrants_visible_to_organiser_only(tabs: TabsClient) -> None:
    organiser = await tabs.sign_in("teacher")
    guest = await tabs.sign_in("teacher", "Игорь Смирнов")
    moderator = await tabs.sign_in("moderator")
    event = await create(tabs, organiser)
    base = f"/api/v1/events/{event['id']}"
    await tabs.request("PUT", base + "/registration", guest)

    response = await tabs.request("GET", base + "/registrations", guest)
    assert response.status == 403
    assert (await response.json())["code"] == "not_organiser"

    for viewer in (organiser, moderator):
        response = await tabs.request("GET", base + "/registrations", viewer)
        assert response.status == 200
        (registrant,) = await response.json()
        assert registrant["displayName"] == "Игорь Смирнов"
        assert registrant["userId"] == guest.actor.user_id


# ------------------------------------------------------------------ visibility and listing


async def test_private_event_hidden_from_others(tabs: TabsClient) -> None:
    organiser = await tabs.sign_in("teacher")
    stranger = await tabs.sign_in("mentor")
    moderator = await tabs.sign_in("moderator")
    event = await create(tabs, organiser, isPublic=False, title="Закрытая встреча")
    path = f"/api/v1/events/{event['id']}"

    listed = await (await tabs.request("GET", "/api/v1/events", stranger)).json()
    assert listed["items"] == []
    assert listed["total"] == 0
    for suffix, method in (("", "GET"), ("/ics", "GET"), ("/registration", "PUT")):
        response = await tabs.request(method, path + suffix, stranger)
        assert response.status == 404, suffix
    assert (await tabs.request("GET", path, moderator)).status == 200

    mine = await (await tabs.request("GET", "/api/v1/calendar", organiser)).json()
    assert [item["id"] for item in mine["items"]] == [event["id"]]


async def test_public_list_pages_and_filters(tabs: TabsClient) -> None:
    organiser = await tabs.sign_in("mentor")
    viewer = await tabs.sign_in("teacher")
    created = []
    for days in (30, 10, 20):
        start = soon(days=days)
        created.append(
            await create(
                tabs,
                organiser,
                title=f"Через {days} дней",
                startsAt=wall(start),
                endsAt=wall(start + dt.timedelta(hours=1)),
                kind="offline" if days == 20 else "online",
                location="Москва" if days == 20 else "",
                rubrics=["parents"] if days == 30 else ["class_management"],
            )
        )

    page = await (await tabs.request("GET", "/api/v1/events?limit=2", viewer)).json()
    assert page["total"] == 3
    assert [item["title"] for item in page["items"]] == ["Через 10 дней", "Через 20 дней"]
    page = await (await tabs.request("GET", "/api/v1/events?limit=2&offset=2", viewer)).json()
    assert [item["title"] for item in page["items"]] == ["Через 30 дней"]

    page = await (await tabs.request("GET", "/api/v1/events?rubric=parents", viewer)).json()
    assert [item["title"] for item in page["items"]] == ["Через 30 дней"]
    page = await (await tabs.request("GET", "/api/v1/events?kind=offline", viewer)).json()
    assert [item["title"] for item in page["items"]] == ["Через 20 дней"]
    assert page["total"] == 1

    response = await tabs.request("GET", "/api/v1/events?kind=hybrid", viewer)
    assert response.status == 422


async def test_calendar_range_in_user_time_zone(tabs: TabsClient) -> None:
    organiser = await tabs.sign_in("teacher")
    response = await tabs.request("PATCH", "/api/v1/me", organiser, json={"timeZone": "America/New_York"})
    assert response.status == 200
    # 01:30 in Moscow is still the previous evening in New York.
    start = soon(days=40, hour=1) + dt.timedelta(minutes=30)
    event = await create(
        tabs, organiser, startsAt=wall(start), endsAt=wall(start + dt.timedelta(hours=1))
    )
    moscow_day = start.date()
    new_york_day = moscow_day - dt.timedelta(days=1)

    def query(day: dt.date) -> str:
        return f"/api/v1/calendar?from={day.isoformat()}&to={(day + dt.timedelta(days=1)).isoformat()}"

    body = await (await tabs.request("GET", query(new_york_day), organiser)).json()
    assert body["timeZone"] == "America/New_York"
    assert [item["id"] for item in body["items"]] == [event["id"]]
    body = await (await tabs.request("GET", query(moscow_day), organiser)).json()
    assert body["items"] == []

    response = await tabs.request("GET", "/api/v1/calendar?from=2030-01-01&to=2030-12-31", organiser)
    assert response.status == 422
    assert (await response.json())["errors"][0]["field"] == "to"


async def test_calendar_lists_registered_not_others(tabs: TabsClient) -> None:
    organiser = await tabs.sign_in("teacher")
    guest = await tabs.sign_in("teacher")
    own = await create(tabs, guest, title="Моё")
    joined = await create(tabs, organiser, title="Записалась")
    await create(tabs, organiser, title="Чужое")
    await tabs.request("PUT", f"/api/v1/events/{joined['id']}/registration", guest)

    body = await (await tabs.request("GET", "/api/v1/calendar", guest)).json()
    assert sorted(item["id"] for item in body["items"]) == sorted([own["id"], joined["id"]])


async def test_consultation_on_anonymous_case(tabs: TabsClient) -> None:
    """A case's event is on its people's calendars, and no view gives a mentor the author's name."""
    teacher = await tabs.sign_in("teacher", "Анна Тайная")
    mentor = await tabs.sign_in("mentor", "Пётр Наставник", areas=("class_management",))
    stranger = await tabs.sign_in("mentor", areas=("class_management",))
    workflow = tabs.services.workflow
    case_id, _ = await accepted_case(workflow, teacher.actor, mentor.actor, privacy="anonymous")

    event = await create(tabs, teacher, isPublic=False, title="Консультация")
    async with workflow.db.transaction() as session:
        stored = await session.get(Event, event["id"])
        assert stored is not None
        stored.case_id = case_id
    await tabs.request("PUT", f"/api/v1/events/{event['id']}/registration", mentor)

    body = await (await tabs.request("GET", "/api/v1/calendar", mentor)).json()
    (item,) = body["items"]
    assert item["isConsultation"] is True
    assert item["organiserName"] is None
    assert "Анна" not in str(item)

    teacher_view = await (await tabs.request("GET", f"/api/v1/events/{event['id']}", teacher)).json()
    assert teacher_view["isConsultation"] is True
    assert teacher_view["organiserName"] == "Анна Тайная"
    assert (await tabs.request("GET", f"/api/v1/events/{event['id']}", stranger)).status == 404

    response = await tabs.request("GET", f"/api/v1/events/{event['id']}/ics", mentor)
    assert "Анна" not in (await response.read()).decode()


async def test_organiser_of_anonymous_consultation_sees_no_author(tabs: TabsClient) -> None:
    teacher = await tabs.sign_in("teacher", "Анна Тайная")
    mentor = await tabs.sign_in("mentor", areas=("class_management",))
    workflow = tabs.services.workflow
    case_id, _ = await accepted_case(workflow, teacher.actor, mentor.actor, privacy="anonymous")
    event = await create(tabs, mentor, isPublic=False, title="Консультация")
    async with workflow.db.transaction() as session:
        stored = await session.get(Event, event["id"])
        assert stored is not None
        stored.case_id = case_id
    await tabs.request("PUT", f"/api/v1/events/{event['id']}/registration", teacher)

    response = await tabs.request("GET", f"/api/v1/events/{event['id']}/registrations", mentor)
    (registrant,) = await response.json()
    assert registrant["userId"] is None
    assert registrant["displayName"] is None


# ------------------------------------------------------------------ iCalendar


async def test_ics_parses_back_in_utc(tabs: TabsClient) -> None:
    organiser = await tabs.sign_in("teacher")
    change, before, _after = next_transition("Europe/Berlin", forward=False)
    repeated = (change + before).replace(tzinfo=None) - dt.timedelta(minutes=30)
    title = 'Встреча; часть 1, "вводная"\\итоги'
    event = await create(
        tabs,
        organiser,
        title=title,
        description="Строка 1\nСтрока 2, с запятой; и точкой с запятой",
        timeZone="Europe/Berlin",
        startsAt=wall(repeated),
        endsAt=wall(repeated + dt.timedelta(hours=1)),
    )
    response = await tabs.request("GET", f"/api/v1/events/{event['id']}/ics", organiser)
    assert response.status == 200
    assert response.content_type == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = await response.read()
    assert b"DTSTART:" in raw
    assert b"Z\r\n" in raw

    (vevent,) = parse_ics(raw)
    starts = vevent.decoded("dtstart")
    assert starts.tzinfo is not None and starts.utcoffset() == dt.timedelta(0)
    assert starts == dt.datetime.fromisoformat(event["startsAt"])
    assert vevent.decoded("dtend") == dt.datetime.fromisoformat(event["endsAt"])
    assert str(vevent["summary"]) == title
    assert str(vevent["description"]).startswith("Строка 1\nСтрока 2, с запятой; и точкой с запятой")
    assert str(vevent["url"]) == event["meetingUrl"]
    assert str(vevent["location"]) == event["meetingUrl"]
    assert int(vevent["sequence"]) == 0
    assert str(vevent["status"]) == "CONFIRMED"
    assert vevent.decoded("dtstamp").utcoffset() == dt.timedelta(0)
    uid = str(vevent["uid"])
    assert uid == f"event-{event['id']}@mentoring.test"

    await tabs.request("PATCH", f"/api/v1/events/{event['id']}", organiser, json={"title": "Другое"})
    await tabs.request("POST", f"/api/v1/events/{event['id']}/cancel", organiser)
    response = await tabs.request("GET", f"/api/v1/events/{event['id']}/ics", organiser)
    (vevent,) = parse_ics(await response.read())
    assert str(vevent["uid"]) == uid
    assert int(vevent["sequence"]) == 2
    assert str(vevent["status"]) == "CANCELLED"


async def test_ics_of_offline_event_has_location(tabs: TabsClient) -> None:
    organiser = await tabs.sign_in("teacher")
    event = await create(
        tabs, organiser, kind="offline", location="Казань, ул. Баумана, 1", meetingUrl=None
    )
    response = await tabs.request("GET", f"/api/v1/events/{event['id']}/ics", organiser)
    (vevent,) = parse_ics(await response.read())
    assert str(vevent["location"]) == "Казань, ул. Баумана, 1"
    assert "url" not in vevent


# ------------------------------------------------------------------ subscription feed


async def test_feed_lifecycle(tabs: TabsClient) -> None:
    owner = await tabs.sign_in("teacher", "Мария Календарная")
    organiser = await tabs.sign_in("teacher")
    guest = await tabs.sign_in("teacher", "Посторонний Гость")
    own = await create(tabs, owner, title="Моё событие")
    joined = await create(tabs, organiser, title="Чужое, я записалась")
    other = await create(tabs, organiser, title="Совсем чужое")
    await tabs.request("PUT", f"/api/v1/events/{joined['id']}/registration", owner)
    await tabs.request("PUT", f"/api/v1/events/{own['id']}/registration", guest)

    status = await (await tabs.request("GET", "/api/v1/calendar/feed", owner)).json()
    assert status == {"active": False, "createdAt": None}

    response = await tabs.request("POST", "/api/v1/calendar/feed", owner)
    assert response.status == 201
    created = await response.json()
    url = created["url"]
    assert url.startswith("https://mentoring.test/calendar/feed/")
    assert created["webcalUrl"] == "webcal://" + url.removeprefix("https://")
    path = url.removeprefix("https://mentoring.test")
    secret = path.removeprefix("/calendar/feed/").removesuffix(".ics")

    # Only the hash of the secret is stored.
    async with tabs.services.workflow.db.transaction() as session:
        feed = await session.get(CalendarFeed, owner.actor.user_id)
        assert feed is not None
        assert feed.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in feed.token_hash

    status = await (await tabs.request("GET", "/api/v1/calendar/feed", owner)).json()
    assert status["active"] is True
    assert "url" not in status

    # No bearer token: calendar apps cannot send one.
    response = await tabs.request("GET", path)
    assert response.status == 200
    assert response.content_type == "text/calendar"
    body = await response.read()
    uids = {str(vevent["uid"]) for vevent in parse_ics(body)}
    assert uids == {f"event-{own['id']}@mentoring.test", f"event-{joined['id']}@mentoring.test"}
    assert f"event-{other['id']}@" not in body.decode()
    assert "Посторонний" not in body.decode()
    assert "ATTENDEE" not in body.decode()
    assert "X-WR-CALNAME:Календарь наставничества" in body.decode()

    etag = response.headers["ETag"]
    response = await tabs.request("GET", path, headers={"If-None-Match": etag})
    assert response.status == 304

    # Rotating makes the old URL stop working.
    rotated = await (await tabs.request("POST", "/api/v1/calendar/feed", owner)).json()
    assert rotated["url"] != url
    assert (await tabs.request("GET", path)).status == 404
    new_path = rotated["url"].removeprefix("https://mentoring.test")
    assert (await tabs.request("GET", new_path)).status == 200

    # Revoking stops the current one.
    response = await tabs.request("DELETE", "/api/v1/calendar/feed", owner)
    assert (await response.json())["active"] is False
    assert (await tabs.request("GET", new_path)).status == 404
    status = await (await tabs.request("GET", "/api/v1/calendar/feed", owner)).json()
    assert status["active"] is False


async def test_feed_unknown_secret_is_404(tabs: TabsClient) -> None:
    response = await tabs.request("GET", "/calendar/feed/" + "A" * 43 + ".ics")
    assert response.status == 404
    response = await tabs.request("GET", "/calendar/feed/short.ics")
    assert response.status == 404


async def test_feed_shows_cancelled_as_cancelled(tabs: TabsClient) -> None:
    owner = await tabs.sign_in("teacher")
    event = await create(tabs, owner)
    await tabs.request("POST", f"/api/v1/events/{event['id']}/cancel", owner)
    created = await (await tabs.request("POST", "/api/v1/calendar/feed", owner)).json()
    response = await tabs.request("GET", created["url"].removeprefix("https://mentoring.test"))
    (vevent,) = parse_ics(await response.read())
    assert str(vevent["status"]) == "CANCELLED"
    assert int(vevent["sequence"]) == 1


def test_access_log_masks_feed_secret() -> None:
    access_log = logging.getLogger("aiohttp.access")
    record = access_log.makeRecord(
        "aiohttp.access",
        logging.INFO,
        __file__,
        1,
        '127.0.0.1 "GET /calendar/feed/Zm9vYmFyYmF6cXV4cXV1eA-_0123.ics HTTP/1.1" 200',
        (),
        None,
    )
    assert _MASK.filter(record)
    assert "Zm9vYmFy" not in record.getMessage()
    assert "/calendar/feed/***.ics" in record.getMessage()


async def test_capacity_holds_for_many_concurrent_registrations(tabs: TabsClient) -> None:
    """Many registrations at once, through the service, for a few last places of several events."""
    organiser = await tabs.sign_in("teacher")
    guests = [await tabs.sign_in("teacher", f"Участник {i}") for i in range(24)]
    events = tabs.services.events
    for _ in range(3):
        event = await create(tabs, organiser, capacity=3)
        results = await asyncio.gather(
            *(events.register(guest.actor, event["id"]) for guest in guests),
            return_exceptions=True,
        )
        accepted = [result for result in results if not isinstance(result, BaseException)]
        failures = [result for result in results if isinstance(result, BaseException)]
        assert len(accepted) == 3
        assert all(isinstance(error, EventFull) for error in failures), failures
        async with tabs.services.workflow.db.transaction() as session:
            stored = await session.scalar(
                select(func.count()).where(EventRegistration.event_id == event["id"])
            )
        assert stored == 3


CALENDAR_QUERY_ERRORS = (
    (
        "ru-RU",
        "?from=2026-01-01&to=2027-12-31",
        "to",
        "range_too_long",
        "Поле «По»: диапазон дат может быть не длиннее 100 дней.",
    ),
    (
        "en-US",
        "?from=2026-01-01&to=2027-12-31",
        "to",
        "range_too_long",
        "«To»: the date range may be at most 100 days long.",
    ),
    (
        "ru-RU",
        "?from=2026-12-01T00:00:00Z",
        "from",
        "invalid_date",
        "Поле «С» должно содержать дату в виде 2030-05-14.",
    ),
    (
        "en-US",
        "?from=2026-12-01&to=01.01.2027",
        "to",
        "invalid_date",
        "«To» must be a date such as 2030-05-14.",
    ),
    (
        "en-US",
        "?from=2026-12-01&to=2026-12-01",
        "to",
        "ends_before_start",
        "«To» must be later than the start.",
    ),
)


@pytest.mark.parametrize(("locale", "query", "field", "code", "message"), CALENDAR_QUERY_ERRORS)
async def test_calendar_range_errors_name_the_range(
    tabs: TabsClient, locale: str, query: str, field: str, code: str, message: str
) -> None:
    user = await tabs.sign_in("teacher", locale=locale)
    response = await tabs.request("GET", f"/api/v1/calendar{query}", user)
    assert response.status == 422, await response.text()
    errors = (await response.json())["errors"]
    assert [(error["field"], error["code"]) for error in errors] == [(field, code)]
    assert errors[0]["message"] == message
    assert "Published" not in errors[0]["message"]
    assert "event may last" not in errors[0]["message"]
