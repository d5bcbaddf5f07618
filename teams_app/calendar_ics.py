"""iCalendar (RFC 5545) documents of events: one event to download, or a user's feed.

The ``icalendar`` library writes the text, so escaping of commas, semicolons,
backslashes and line breaks and the folding of long lines are its job. Times
are written in UTC (``DTSTART:20300331T080000Z``), which every calendar app
reads without a VTIMEZONE block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import urlsplit

import icalendar

from teams_app.domain.enums import EventStatus
from teams_app.i18n import Translator, gettext_noop as N_, translator_for
from teams_app.workflow.events import EventView

PRODUCT_ID = "-//Case mentoring//Calendar//EN"
CONTENT_TYPE = "text/calendar"
# How often a subscribed calendar app is asked to fetch the feed again.
FEED_REFRESH = dt.timedelta(hours=1)


def event_uid(event_id: int, public_base_url: str) -> str:
    """Return the UID of an event: the same in every export and feed, for good."""
    host = urlsplit(public_base_url).hostname or "localhost"
    return f"event-{event_id}@{host}"


def calendar_document(
    events: Sequence[EventView],
    *,
    public_base_url: str,
    locale: str,
    feed: bool = False,
) -> bytes:
    """Build a VCALENDAR with one VEVENT per event; a feed also gets a name and refresh hint."""
    translate = translator_for(locale)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if feed:
        name = translate(N_("Mentoring calendar"))
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
        calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", icalendar.vDuration(FEED_REFRESH))
    for event in events:
        calendar.add_component(_vevent(event, public_base_url, translate))
    return calendar.to_ical()


def _vevent(event: EventView, public_base_url: str, translate: Translator) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event_uid(event.id, public_base_url))
    # Without a METHOD, DTSTAMP is the time the event was last changed (RFC 5545, 3.8.7.2).
    component.add("dtstamp", event.updated_at)
    component.add("last-modified", event.updated_at)
    component.add("created", event.created_at)
    component.add("dtstart", event.starts_at)
    component.add("dtend", event.ends_at)
    component.add("sequence", event.sequence)
    component.add("summary", event.title)
    component.add(
        "status", "CANCELLED" if event.status is EventStatus.CANCELLED else "CONFIRMED"
    )
    description = event.description
    if event.meeting_url:
        link_line = translate(N_("Meeting link: {url}"), url=event.meeting_url)
        description = f"{description}\n\n{link_line}" if description else link_line
    if description:
        component.add("description", description)
    location = event.location or event.meeting_url
    if location:
        component.add("location", location)
    if event.meeting_url:
        component.add("url", event.meeting_url)
    if event.rubrics:
        component.add("categories", [rubric.title for rubric in event.rubrics])
    component.add("class", "PUBLIC" if event.is_public else "PRIVATE")
    return component
