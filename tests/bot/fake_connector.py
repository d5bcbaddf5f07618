"""A fake Bot Connector service: the REST endpoints the bot calls to post and edit messages.

It listens on 127.0.0.1 on a free port, records every request and returns
``{"id": ...}`` like the real service. A test can make it reject requests
to one conversation with 429 and ``Retry-After`` a few times, or block a
conversation with 403 ``MessageWritesBlocked`` as Teams does after the user
blocked or uninstalled the bot.

For GET of one conversation member it returns the profile a test
registered, with name, e-mail and user principal name as Teams and the
Agents Playground return them. These lookups are recorded apart from the
activity requests.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    conversation_id: str
    # The activity id in the URL: the message replied to or updated.
    activity_id: str | None
    body: dict[str, Any]
    status: int
    # The id returned for a successful request: the new or updated message.
    response_id: str | None

    @property
    def kind(self) -> str:
        """Return "send", "reply" or "update", after the connector operation called."""
        if self.method == "PUT":
            return "update"
        return "reply" if self.activity_id else "send"

    @property
    def card(self) -> dict[str, Any] | None:
        """Return the first Adaptive Card attached to the activity, if any."""
        for attachment in self.body.get("attachments") or ():
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return attachment.get("content")
        return None


@dataclass(frozen=True)
class MemberLookup:
    """One GET /v3/conversations/{conversation}/members/{member} and its HTTP status."""

    conversation_id: str
    member_id: str
    status: int


# Error codes the Bot Connector puts in the body, by HTTP status.
_ERROR_CODES = {
    403: "MessageWritesBlocked",
    404: "ConversationNotFound",
    412: "PreconditionFailed",
    429: "TooManyRequests",
}


@dataclass
class _PlannedFailure:
    status: int
    remaining: int
    headers: dict[str, str] = field(default_factory=dict)


class FakeConnector:
    """The Bot Connector REST API for the tests: activities, and GET of one member."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.member_lookups: list[MemberLookup] = []
        self._members: dict[tuple[str, str], dict[str, Any]] = {}
        self._member_lookup_status: int | None = None
        self._member_lookup_delay = 0.0
        self._ids = itertools.count(1)
        self._failures: dict[str, _PlannedFailure] = {}
        self._blocked: set[str] = set()
        self._runner: web.AppRunner | None = None
        self.service_url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self._handle)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._handle)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._handle)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._get_member)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.service_url = f"http://127.0.0.1:{port}/"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def fail(
        self,
        conversation_id: str,
        status: int,
        *,
        times: int = 1,
        retry_after: str | None = None,
    ) -> None:
        """Reject the next ``times`` requests to a conversation with ``status``."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self._failures[conversation_id] = _PlannedFailure(status, times, headers)

    def block(self, conversation_id: str) -> None:
        """Reject every request to a conversation with 403 ``MessageWritesBlocked``."""
        self._blocked.add(conversation_id)

    def add_member(self, conversation_id: str, member: dict[str, Any]) -> None:
        """Register the profile returned for ``member["id"]`` in a conversation."""
        self._members[(conversation_id, member["id"])] = member

    def remove_member(self, conversation_id: str, member_id: str) -> None:
        """Remove a member, so that a lookup of them fails with 404."""
        self._members.pop((conversation_id, member_id), None)

    def fail_member_lookups(self, status: int) -> None:
        """Fail every later member lookup with HTTP ``status``."""
        self._member_lookup_status = status

    def delay_member_lookups(self, seconds: float) -> None:
        """Wait ``seconds`` before responding to each later member lookup."""
        self._member_lookup_delay = seconds

    def to(self, conversation_id: str) -> list[RecordedRequest]:
        """Return the requests to a conversation that succeeded."""
        return [r for r in self.requests if r.conversation_id == conversation_id and r.status < 300]

    async def _handle(self, request: web.Request) -> web.Response:
        conversation_id = request.match_info["conversation"]
        activity_id = request.match_info.get("activity")
        body = await request.json()

        status, headers = self._planned_status(conversation_id)
        response_id = None
        if status < 300:
            response_id = activity_id if request.method == "PUT" else f"1:{next(self._ids)}"
        self.requests.append(
            RecordedRequest(request.method, conversation_id, activity_id, body, status, response_id)
        )
        if response_id is None:
            code = _ERROR_CODES.get(status, "ServiceError")
            return web.json_response(
                {"error": {"code": code, "message": f"Fake connector answered {status}."}},
                status=status,
                headers=headers,
            )
        return web.json_response({"id": response_id})

    async def _get_member(self, request: web.Request) -> web.Response:
        conversation_id = request.match_info["conversation"]
        member_id = request.match_info["member"]
        if self._member_lookup_delay:
            await asyncio.sleep(self._member_lookup_delay)
        member = self._members.get((conversation_id, member_id))
        status = self._member_lookup_status or (200 if member is not None else 404)
        self.member_lookups.append(MemberLookup(conversation_id, member_id, status))
        if status >= 300:
            code = "MemberNotFoundInConversation" if status == 404 else "ServiceError"
            message = f"Fake connector answered {status}."
            return web.json_response({"error": {"code": code, "message": message}}, status=status)
        return web.json_response(member)

    def _planned_status(self, conversation_id: str) -> tuple[int, dict[str, str]]:
        if conversation_id in self._blocked:
            return 403, {}
        failure = self._failures.get(conversation_id)
        if failure is None or failure.remaining <= 0:
            return 200, {}
        failure.remaining -= 1
        return failure.status, failure.headers
