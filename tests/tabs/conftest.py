"""Fixtures for the tabs: the real app on a test database, called as a given role.

``tabs.call(role)`` signs in a fresh user of that role with a demo sign-in
token (the app runs in demo mode here). Tests of Entra sign-in mint real RS256
tokens against a local signing-key endpoint instead (``tests/tabs/tokens.py``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient

from tabs.routes import SERVICES_KEY
from teams_app.app import create_app
from teams_app.domain.enums import Role
from teams_app.services import Services
from teams_app.settings import Settings
from teams_app.workflow.views import Actor
from tests.factories import make_user

ROLE_NAMES = ("anonymous", "teacher", "mentor", "moderator")
_ROLES: dict[str, tuple[Role, ...]] = {
    "teacher": (),
    "mentor": (Role.MENTOR,),
    "moderator": (Role.MODERATOR,),
}


@dataclass
class SignedIn:
    """A user signed in to the tabs, with the header that proves it."""

    actor: Actor
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class TabsClient:
    """The app's HTTP client plus helpers to sign in as a role."""

    def __init__(self, client: TestClient, app: web.Application) -> None:
        self.client = client
        self.app = app

    @property
    def services(self) -> Services:
        return self.app[SERVICES_KEY]

    async def sign_in(
        self,
        role: str = "teacher",
        name: str | None = None,
        *,
        areas: tuple[str, ...] = (),
        locale: str = "ru-RU",
    ) -> SignedIn:
        """Create a user with ``role`` (teacher, mentor or moderator) and sign them in."""
        actor = await make_user(
            self.services.workflow,
            name or f"Test {role}",
            roles=_ROLES[role],
            areas=areas,
            locale=locale,
        )
        session = await self.services.web_sessions.start_demo_session(actor.user_id)
        return SignedIn(actor, session.token)

    async def request(
        self,
        method: str,
        path: str,
        user: SignedIn | None = None,
        *,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        all_headers = dict(headers or {})
        if user is not None:
            all_headers.update(user.headers)
        return await self.client.request(method, path, json=json, headers=all_headers, **kwargs)


@pytest_asyncio.fixture
async def tabs(settings: Settings, aiohttp_client: Any) -> TabsClient:
    app_settings = dataclasses.replace(
        settings, migrate_on_start=True, demo=True, public_base_url="https://mentoring.test"
    )
    app = create_app(app_settings)
    client = await aiohttp_client(app)
    return TabsClient(client, app)
