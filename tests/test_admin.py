"""The administrator's command-line tool for roles."""

from __future__ import annotations

import asyncio

import pytest

from teams_app import admin
from teams_app.domain.enums import Role
from teams_app.workflow import Workflow
from tests.factories import make_user


def run_admin(monkeypatch: pytest.MonkeyPatch, database_url: str, *argv: str) -> int:
    """Run the tool as from a shell; callers put it on a thread, since it runs its own loop."""
    monkeypatch.setenv("MENTORING_DATABASE_URL", database_url)
    return admin.main(list(argv))


async def test_grant_by_email_ignores_case(
    workflow: Workflow, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    teacher = await make_user(workflow, "Анна Петрова", email="a.petrova@example.org")

    code = await asyncio.to_thread(
        run_admin, monkeypatch, database_url, "grant", "A.Petrova@Example.org", "mentor"
    )

    assert code == 0
    assert Role.MENTOR in (await workflow.actor(teacher.user_id)).roles


async def test_revoke_by_numeric_id(
    workflow: Workflow, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await make_user(workflow, "Модератор", roles=(Role.MODERATOR,))

    code = await asyncio.to_thread(
        run_admin, monkeypatch, database_url, "revoke", str(user.user_id), "moderator"
    )

    assert code == 0
    assert Role.MODERATOR not in (await workflow.actor(user.user_id)).roles


async def test_unknown_user_fails(
    workflow: Workflow,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = await asyncio.to_thread(
        run_admin, monkeypatch, database_url, "grant", "29:nobody", "mentor"
    )

    assert code == 1
    assert "user not found: '29:nobody'" in capsys.readouterr().err
