"""Users, roles and mentor profiles as the workflow reads and changes them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import (
    Role,
)
from teams_app.domain.errors import (
    NotFound,
    NotPermitted,
)
from teams_app.storage.models import (
    ConversationRef,
    MentorArea,
    MentorProfile,
    Rubric,
    User,
    UserRole,
    utcnow,
)
from teams_app.workflow.queries import mentor_name
from teams_app.workflow.views import (
    Actor,
    TeamsIdentity,
)


def require_role(actor: Actor, role: Role) -> None:
    if not actor.has(role):
        raise NotPermitted(role=role.value)


async def find_user(session: AsyncSession, identity: TeamsIdentity) -> User | None:
    if identity.aad_object_id:
        user = await session.scalar(
            select(User).where(
                User.tenant_id == (identity.tenant_id or ""),
                User.aad_object_id == identity.aad_object_id,
            )
        )
        if user is not None:
            return user
    return await session.scalar(select(User).where(User.teams_user_id == identity.teams_user_id))


async def store_reference(
    session: AsyncSession, user_id: int, reference: Mapping[str, Any]
) -> None:
    conversation = reference.get("conversation") or {}
    values = {
        "conversation_id": str(conversation.get("id", "")),
        "service_url": str(reference.get("serviceUrl") or reference.get("service_url") or ""),
        "reference": dict(reference),
        "updated_at": utcnow(),
    }
    stored = await session.get(ConversationRef, user_id)
    if stored is None:
        session.add(ConversationRef(user_id=user_id, **values))
    else:
        for key, value in values.items():
            setattr(stored, key, value)


async def roles_of(session: AsyncSession, user_id: int) -> frozenset[Role]:
    rows = await session.scalars(select(UserRole.role).where(UserRole.user_id == user_id))
    return frozenset(rows)


async def users_with_role(session: AsyncSession, role: Role) -> list[int]:
    rows = await session.scalars(
        select(UserRole.user_id).where(UserRole.role == role).order_by(UserRole.user_id)
    )
    return list(rows)


async def grant_role(session: AsyncSession, user_id: int, role: Role) -> bool:
    """Grant a role; return False when the user already had it."""
    if await session.get(UserRole, (user_id, role)) is not None:
        return False
    session.add(UserRole(user_id=user_id, role=role))
    if role == Role.MENTOR and await session.get(MentorProfile, user_id) is None:
        user = await session.get(User, user_id)
        first, _, last = (user.display_name if user else "").partition(" ")
        session.add(MentorProfile(user_id=user_id, first_name=first, last_name=last))
    await session.flush()
    return True


async def grant_demo_mentor(session: AsyncSession, user: User) -> None:
    granted = False
    for role in (Role.MENTOR, Role.MODERATOR):
        granted = await grant_role(session, user.id, role) or granted
    profile = await session.get(MentorProfile, user.id)
    assert profile is not None
    if granted and not profile.areas:
        # The demo mentor advises on every rubric, so every demo case finds them.
        for key in await rubric_keys(session):
            profile.areas.append(MentorArea(user_id=user.id, rubric_key=key))
        profile.position = profile.position or "Demo mentor"
        profile.max_open_cases = 10


async def mentor_profile_of(session: AsyncSession, user_id: int) -> MentorProfile:
    profile = await session.get(MentorProfile, user_id)
    if profile is None:
        raise NotFound(what=f"mentor profile {user_id}")
    return profile


async def mentor_name_of(session: AsyncSession, user_id: int) -> str:
    user = await session.get(User, user_id)
    assert user is not None
    return mentor_name(await session.get(MentorProfile, user_id), user)


async def rubric_keys(session: AsyncSession) -> set[str]:
    return set(await session.scalars(select(Rubric.key)))
