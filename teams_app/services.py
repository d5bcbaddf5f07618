"""The services of the app, built once per application and shared by the bot and the tabs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from aiohttp import web

from teams_app.settings import Settings
from teams_app.storage.db import Database
from teams_app.workflow import Workflow
from teams_app.workflow.forum import Forum
from teams_app.workflow.news import News
from teams_app.workflow.library import Library
from teams_app.workflow.events import Events
from teams_app.workflow.tab_cases import TabCases
from teams_app.workflow.profiles import Profiles
from teams_app.workflow.stats import Stats
from teams_app.workflow.views import Outcome
from teams_app.workflow.web_sessions import WebSessions


@dataclass(frozen=True)
class Services:
    """One object per area; each takes the database and the settings."""

    workflow: Workflow
    web_sessions: WebSessions
    forum: Forum
    news: News
    events: Events
    cases: TabCases
    profiles: Profiles
    stats: Stats
    library: Library


def build_services(database: Database, settings: Settings, workflow: Workflow) -> Services:
    return Services(
        workflow=workflow,
        web_sessions=WebSessions(database, settings),
        forum=Forum(database, settings),
        news=News(database, settings),
        events=Events(database, settings),
        cases=TabCases(database, settings),
        profiles=Profiles(database, settings),
        stats=Stats(database, settings),
        library=Library(database, settings, workflow),
    )


class OutcomeScheduler(Protocol):
    """Delivers the notifications of a committed operation (the bot's notifier)."""

    async def schedule(self, outcome: Outcome) -> None: ...


# Set by the bot when it starts, so the tabs notify people the way the bot does.
OUTCOME_SCHEDULER_KEY = web.AppKey("outcome_scheduler", OutcomeScheduler)
