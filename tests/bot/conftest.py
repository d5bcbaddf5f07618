"""Fixtures for the bot: the real app on a test database, driven by recorded Teams activities.

Activities are the JSON files in ``fixtures/``, shaped like the payloads
Teams posts to ``/api/messages``. Each test patches in its sender, ids and
the ``serviceUrl`` of a fake Bot Connector, so every reply, proactive send
and update in place lands there and can be inspected.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.adapter_fixes import RetryPolicy
from bot.notifier import Notifier
from bot.routes import NOTIFIER_KEY, RETRY_POLICY_KEY
from teams_app.app import WORKFLOW_KEY, create_app
from teams_app.domain.enums import Role
from teams_app.settings import Settings
from teams_app.storage.models import MentorArea, MentorProfile, User
from teams_app.workflow import Workflow
from teams_app.workflow.people import grant_role
from teams_app.workflow.views import Actor
from tests.bot.fake_connector import FakeConnector, RecordedRequest

FIXTURES = Path(__file__).with_name("fixtures")
TENANT_ID = "4f1b8c2a-9d3e-4a6f-b7c1-0e2d5a8f3b91"

_numbers = itertools.count(1)


def load_activity(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ChatUser:
    """A Teams user in a 1:1 chat with the bot."""

    name: str
    locale: str = "ru-RU"
    number: int = dataclasses.field(default_factory=lambda: next(_numbers))
    # Returned by the connector's member lookup only, as activities carry no e-mail.
    email: str | None = None
    tenant_id: str = TENANT_ID

    @property
    def teams_id(self) -> str:
        return f"29:1user-{self.number}"

    @property
    def aad_id(self) -> str:
        return f"6a1f3c2e-0000-4000-8000-{self.number:012d}"

    @property
    def conversation_id(self) -> str:
        return f"a:1chat-{self.number}"

    def member(self) -> dict[str, Any]:
        """Return the profile the Bot Connector returns for this user's member id."""
        first_name, _, last_name = self.name.partition(" ")
        return {
            "id": self.teams_id,
            "name": self.name,
            "aadObjectId": self.aad_id,
            "givenName": first_name,
            "surname": last_name,
            "email": self.email,
            "userPrincipalName": self.email,
            "tenantId": self.tenant_id,
            "userRole": "user",
        }


class SleepRecorder:
    """Stands in for ``asyncio.sleep`` in the retry policy: records the delays, waits none."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class TeamsChat:
    """Posts activities to the app as Teams would and reads what reached the connector."""

    def __init__(self, client: TestClient, connector: FakeConnector, app: web.Application) -> None:
        self.client = client
        self.connector = connector
        self.app = app
        self._activity_ids = itertools.count(1)

    @property
    def workflow(self) -> Workflow:
        return self.app[WORKFLOW_KEY]

    @property
    def notifier(self) -> Notifier:
        return self.app[NOTIFIER_KEY]

    def activity(self, fixture: str, user: ChatUser, **fields: Any) -> dict[str, Any]:
        """Load a fixture activity sent by ``user`` in their chat, with ``fields`` replaced.

        The sender gets a name only where the fixture has one, because Teams
        sends installationUpdate and conversationUpdate without it. ``user``
        is also registered as a member of the chat on the fake connector,
        which the bot queries for a sender without a name.
        """
        activity = copy.deepcopy(load_activity(fixture))
        activity["id"] = f"f:activity-{next(self._activity_ids)}"
        activity["serviceUrl"] = self.connector.service_url
        sender = {"id": user.teams_id, "aadObjectId": user.aad_id}
        if "name" in activity["from"]:
            sender["name"] = user.name
        activity["from"] = sender
        activity["conversation"]["id"] = user.conversation_id
        activity["conversation"]["tenantId"] = user.tenant_id
        activity.setdefault("channelData", {})["tenant"] = {"id": user.tenant_id}
        activity["locale"] = user.locale
        self.connector.add_member(user.conversation_id, user.member())
        for member in activity.get("membersAdded", []):
            member.update(id=user.teams_id, aadObjectId=user.aad_id)
        activity.update(fields)
        return activity

    async def post(self, activity: dict[str, Any], *, settle: bool = True) -> web.Response:
        response = await self.client.post("/api/messages", json=activity)
        if settle:
            await self.notifier.wait_idle()
        return response

    async def say(self, user: ChatUser, text: str) -> web.Response:
        response = await self.post(self.activity("message.json", user, text=text))
        assert response.status == 201, await response.text()
        return response

    async def click(
        self,
        user: ChatUser,
        verb: str,
        data: dict[str, Any] | None = None,
        *,
        reply_to_id: str | None = "1:card",
        activity_id: str | None = None,
    ) -> dict[str, Any]:
        """Press an ``Action.Execute`` button and return the invoke response body."""
        activity = self.click_activity(user, verb, data, reply_to_id=reply_to_id)
        if activity_id is not None:
            activity["id"] = activity_id
        response = await self.post(activity)
        assert response.status == 200, await response.text()
        body: dict[str, Any] = await response.json()
        return body

    def click_activity(
        self,
        user: ChatUser,
        verb: str,
        data: dict[str, Any] | None = None,
        *,
        reply_to_id: str | None = "1:card",
    ) -> dict[str, Any]:
        activity = self.activity("card_action.json", user, replyToId=reply_to_id)
        activity["value"]["action"].update(verb=verb, data=data or {})
        return activity

    async def actor(self, user: ChatUser) -> Actor:
        """Return ``user`` as the bot stored them, without writing anything."""
        async with self.workflow.db.transaction() as session:
            user_id = await session.scalar(
                select(User.id).where(User.teams_user_id == user.teams_id)
            )
        assert user_id is not None, f"the bot has no user for {user.name}"
        return await self.workflow.actor(user_id)

    def sent_to(self, user: ChatUser) -> list[RecordedRequest]:
        return self.connector.to(user.conversation_id)

    async def add_mentor(self, user: ChatUser, areas: tuple[str, ...]) -> Actor:
        """Install the bot for ``user`` and make them a mentor in ``areas``."""
        response = await self.post(self.activity("installation_update.json", user))
        assert response.status == 201
        actor = await self.actor(user)
        async with self.workflow.db.transaction() as session:
            await grant_role(session, actor.user_id, Role.MENTOR)
            profile = await session.get(MentorProfile, actor.user_id)
            assert profile is not None
            profile.areas = [MentorArea(user_id=actor.user_id, rubric_key=key) for key in areas]
        return await self.workflow.actor(actor.user_id)


@pytest_asyncio.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest_asyncio.fixture
async def chat(
    settings: Settings,
    connector: FakeConnector,
    sleeps: SleepRecorder,
    aiohttp_client: Any,
) -> TeamsChat:
    # The shared settings skip start-up work; the app migrates and seeds itself here.
    app = create_app(dataclasses.replace(settings, migrate_on_start=True, connector_timeout=5.0))
    app[RETRY_POLICY_KEY] = RetryPolicy(attempts=4, base_delay=0.01, max_delay=30.0, sleep=sleeps)
    client = await aiohttp_client(app)
    return TeamsChat(client, connector, app)
