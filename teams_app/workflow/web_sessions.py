"""Who is signed in to the tabs: Entra users by tenant and object id, demo sign-ins by token.

A user who signs in to a tab is the same person the bot knows when the tenant
and Entra object id match those the bot stored from the user's activities.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import secrets
import zoneinfo
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from teams_app.domain.enums import Role
from teams_app.domain.errors import FieldError, NotFound, ValidationFailed
from teams_app.settings import Settings
from teams_app.storage.db import Database
from teams_app.storage.models import User, UserRole, WebSession, utcnow
from teams_app.workflow.people import roles_of
from teams_app.workflow.views import Actor

logger = logging.getLogger(__name__)

# Prefix that tells a demo sign-in token from an Entra token (a JWT has none).
DEMO_TOKEN_PREFIX = "demo."
DEMO_SESSION_LIFETIME = dt.timedelta(hours=12)


@dataclass(frozen=True)
class WebIdentity:
    """A signed-in tab user as the validated token describes them."""

    tenant_id: str
    object_id: str
    display_name: str
    email: str | None


@dataclass(frozen=True)
class DemoUser:
    user_id: int
    display_name: str
    roles: frozenset[Role]


@dataclass(frozen=True)
class DemoSession:
    token: str
    expires_at: dt.datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class WebSessions:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    async def identify(self, identity: WebIdentity) -> Actor:
        """Find or create the user behind a validated token; every new user is a teacher."""
        try:
            return await self._identify(identity)
        except IntegrityError:
            # The first requests of a new user can race on two workers; the
            # loser finds the winner's row on the second try.
            return await self._identify(identity)

    async def _identify(self, identity: WebIdentity) -> Actor:
        async with self.db.transaction() as session:
            user = await session.scalar(
                select(User).where(
                    User.tenant_id == identity.tenant_id,
                    User.aad_object_id == identity.object_id,
                )
            )
            if user is None:
                user = User(
                    tenant_id=identity.tenant_id,
                    aad_object_id=identity.object_id,
                    display_name=identity.display_name,
                    email=identity.email,
                    locale=self.settings.default_locale,
                )
                session.add(user)
                await session.flush()
                session.add(UserRole(user_id=user.id, role=Role.TEACHER))
                await session.flush()
                logger.info("user created from tab sign-in id=%s", user.id)
            elif not user.display_name and identity.display_name:
                user.display_name = identity.display_name
            roles = await roles_of(session, user.id)
            return Actor(user.id, user.display_name, user.effective_locale, roles)

    # ----------------------------------------------------------- demo sign-in

    async def demo_users(self) -> list[DemoUser]:
        """List everyone the demo mode's local sign-in may sign in as."""
        async with self.db.transaction() as session:
            users = (await session.scalars(select(User).order_by(User.id))).all()
            return [
                DemoUser(user.id, user.display_name, await roles_of(session, user.id))
                for user in users
            ]

    async def start_demo_session(self, user_id: int) -> DemoSession:
        token = DEMO_TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires_at = utcnow() + DEMO_SESSION_LIFETIME
        async with self.db.transaction() as session:
            if await session.get(User, user_id) is None:
                raise NotFound(what=f"user {user_id}")
            await session.execute(delete(WebSession).where(WebSession.expires_at < utcnow()))
            session.add(WebSession(token_hash=_hash(token), user_id=user_id, expires_at=expires_at))
        logger.info("demo session started user=%s", user_id)
        return DemoSession(token, expires_at)

    async def demo_actor(self, token: str) -> Actor | None:
        """Return the actor of a live demo session token, or None."""
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(WebSession).where(WebSession.token_hash == _hash(token))
            )
            if row is None or row.expires_at <= utcnow():
                return None
            user = await session.get(User, row.user_id)
            if user is None:
                return None
            roles = await roles_of(session, user.id)
            return Actor(user.id, user.display_name, user.effective_locale, roles)

    async def end_demo_session(self, token: str) -> None:
        async with self.db.transaction() as session:
            await session.execute(delete(WebSession).where(WebSession.token_hash == _hash(token)))

    async def time_zone(self, user_id: int) -> str:
        async with self.db.transaction() as session:
            user = await session.get(User, user_id)
            return user.time_zone if user else "Europe/Moscow"

    async def set_time_zone(self, actor: Actor, time_zone: str) -> None:
        """Store the IANA time zone the tabs show times in."""
        if time_zone not in _known_time_zones():
            raise ValidationFailed([FieldError("timeZone", "unknown_choice")])
        async with self.db.transaction() as session:
            user = await session.get(User, actor.user_id)
            if user is None:
                raise NotFound(what=f"user {actor.user_id}")
            user.time_zone = time_zone


@functools.cache
def _known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())
