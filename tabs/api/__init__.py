"""The JSON API of the tabs under ``/api/v1``: one route table per area."""

from __future__ import annotations

from tabs.api import cases, events, forum, library, me, mentors, news
from tabs.api import stats
from tabs.api.core import ApiRoutes, Endpoint

AREAS: tuple[ApiRoutes, ...] = (
    me.routes,
    cases.routes,
    events.routes,
    mentors.routes,
    forum.routes,
    news.routes,
    library.routes,
    stats.routes,
)


def all_endpoints() -> list[Endpoint]:
    return [endpoint for area in AREAS for endpoint in area.endpoints]
