"""Factories for people and cases, built through the real workflow operations."""

from __future__ import annotations

import itertools
from typing import Any

from teams_app.domain.enums import Role
from teams_app.storage.models import MentorArea, MentorProfile
from teams_app.workflow import Workflow
from teams_app.workflow.people import grant_role
from teams_app.workflow.views import Actor, TeamsIdentity

_counter = itertools.count(1)

CASE_FORM: dict[str, Any] = {
    "essence": "Шестой класс шумит после большой перемены, дети не могут рассесться.",
    "actions_taken": "Рассаживала шумных, писала замечания, пробовала разминку.",
    "why_difficult": "Нет опыта держать дисциплину без крика.",
    "question": "Какие приёмы помогут быстро переключить класс на работу?",
    "participants": "form_6,fellow_teachers",
    "rubrics": "class_management",
    "privacy": "anonymous",
    "group_consent": "true",
    "urgency": "need_advice",
    "publish_consent": "true",
}


def reference_for(teams_user_id: str, service_url: str = "http://127.0.0.1:9/") -> dict[str, Any]:
    return {
        "activityId": None,
        "user": {"id": teams_user_id, "name": "user"},
        "bot": {"id": "28:bot", "name": "bot"},
        "conversation": {"id": f"a:{teams_user_id}", "conversationType": "personal"},
        "channelId": "msteams",
        "locale": "ru-RU",
        "serviceUrl": service_url,
    }


async def make_user(
    workflow: Workflow,
    name: str = "Анна Петрова",
    *,
    roles: tuple[Role, ...] = (),
    areas: tuple[str, ...] = (),
    locale: str = "ru-RU",
    email: str | None = None,
    service_url: str = "http://127.0.0.1:9/",
) -> Actor:
    """Create a user who chatted with the bot, with extra roles and mentor areas."""
    n = next(_counter)
    teams_id = f"29:user-{n}"
    identity = TeamsIdentity(teams_id, f"00000000-0000-0000-0000-{n:012d}", "tenant-1", name, locale)
    actor = await workflow.identify(identity, reference_for(teams_id, service_url))
    async with workflow.db.transaction() as session:
        for role in roles:
            await grant_role(session, actor.user_id, role)
        if areas:
            profile = await session.get(MentorProfile, actor.user_id)
            assert profile is not None
            profile.areas = [MentorArea(user_id=actor.user_id, rubric_key=a) for a in areas]
        if email:
            from teams_app.storage.models import User

            user = await session.get(User, actor.user_id)
            assert user is not None
            user.email = email
    return await workflow.actor(actor.user_id)


async def make_mentor(workflow: Workflow, name: str, areas: tuple[str, ...], **kwargs: Any) -> Actor:
    return await make_user(workflow, name, roles=(Role.MENTOR,), areas=areas, **kwargs)
