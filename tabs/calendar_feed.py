"""The public iCalendar subscription feed at ``/calendar/feed/{secret}.ics``.

Calendar apps fetch a subscribed URL without any sign-in, so the secret in the
path is the only credential. It is looked up by its hash, a revoked or
replaced secret answers 404, and the secret is masked in the access log.
"""

from __future__ import annotations

import hashlib
import logging
import re

from aiohttp import web

from teams_app.calendar_ics import CONTENT_TYPE, calendar_document
from teams_app.services import Services
from teams_app.settings import Settings

logger = logging.getLogger(__name__)

FEED_ROUTE = "/calendar/feed/{secret:[A-Za-z0-9_-]{16,128}}.ics"
_SECRET_IN_PATH = re.compile(r"(/calendar/feed/)[A-Za-z0-9_-]+")


class _MaskFeedSecrets(logging.Filter):
    """Replace feed secrets in access-log lines, so a log reader cannot subscribe."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "/calendar/feed/" in record.msg:
            record.msg = _SECRET_IN_PATH.sub(r"\1***", record.msg)
        line = getattr(record, "first_request_line", None)
        if isinstance(line, str):
            record.first_request_line = _SECRET_IN_PATH.sub(r"\1***", line)
        return True


_MASK = _MaskFeedSecrets()


def setup_calendar_feed(app: web.Application, services: Services, settings: Settings) -> None:
    """Add the feed route and mask its secrets in aiohttp's access log."""
    access_log = logging.getLogger("aiohttp.access")
    if _MASK not in access_log.filters:
        access_log.addFilter(_MASK)

    async def calendar_feed(request: web.Request) -> web.Response:
        contents = await services.events.feed(request.match_info["secret"])
        if contents is None:
            return web.Response(status=404, text="Not found.\n", headers={"Cache-Control": "no-store"})
        body = calendar_document(
            contents.events,
            public_base_url=settings.public_base_url,
            locale=contents.locale,
            feed=True,
        )
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {
            "ETag": etag,
            "Cache-Control": "private, no-cache",
            "Content-Disposition": 'inline; filename="calendar.ics"',
        }
        if etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        return web.Response(
            body=body, content_type=CONTENT_TYPE, charset="utf-8", headers=headers
        )

    app.router.add_get(FEED_ROUTE, calendar_feed)
