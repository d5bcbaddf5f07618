"""Proactive delivery after an operation: new cards and messages, then cards updated in place.

Each delivery is first stored in the workflow's delivery outbox, then runs in a
background task, so the invoke response goes out within Teams' time limit even
while a send waits out a ``Retry-After``. A sweeper delivers the stored rows
that a crashed or stopped worker left behind. Deliveries for the same case or
library entry run one after another within a process, so the last update of a
card shows the newest state. A failed send or update is logged with the user id
and the case id and never fails the operation that caused it.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from http import HTTPStatus
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ConversationReference
from msrest.exceptions import ClientRequestError, HttpOperationError

from bot.adapter_fixes import RetryPolicy, call_with_retry, status_of
from bot.cards.render import render_card
from teams_app.domain.enums import CardKind
from teams_app.domain.errors import DomainError
from teams_app.i18n import translator_for
from teams_app.workflow import Workflow
from teams_app.workflow.views import CardRecord, Delivery, Notification, Outcome

logger = logging.getLogger(__name__)

# Errors of one connector call that are logged and skipped: HTTP errors such
# as 403 MessageWritesBlocked or 404, transport failures and timeouts.
DELIVERY_ERRORS = (HttpOperationError, ClientRequestError, TimeoutError, OSError)


def card_activity(card: dict[str, Any]) -> Activity:
    return MessageFactory.attachment(CardFactory.adaptive_card(card))


class Notifier:
    """Sends the notifications of an ``Outcome`` and keeps stored cards up to date."""

    def __init__(
        self,
        adapter: CloudAdapter,
        workflow: Workflow,
        *,
        app_id: str,
        retry: RetryPolicy,
        timeout: float,
    ) -> None:
        self.adapter = adapter
        self.workflow = workflow
        self.app_id = app_id
        self.retry = retry
        self.timeout = timeout
        self._tasks: set[asyncio.Task[None]] = set()
        self._locks: weakref.WeakValueDictionary[tuple[str, int | None], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    # ------------------------------------------------------------ scheduling

    async def schedule(
        self, outcome: Outcome, *, also_refresh: Iterable[CardRecord] = ()
    ) -> None:
        """Store ``outcome`` in the delivery outbox, then deliver it in the background.

        The outbox row is written before this returns. If the process stops
        before the row is marked done, the sweeper of any worker on the same
        database delivers it once its lease (``delivery_lease``) has run out,
        or ``delivery_sweep_min_age`` seconds after it was written if no
        worker claimed it. If the outbox cannot be written, the delivery runs
        from memory only and the error is logged.

        NOTE: a delivery interrupted midway is repeated whole, so a recipient
        may get a notification twice, as may a delivery that runs longer than
        its lease. Two workers still order card updates of one case only
        within each process.
        """
        also_refresh = tuple(also_refresh)
        try:
            delivery_id = await self.workflow.enqueue_delivery(outcome, also_refresh)
        except Exception:
            logger.exception(
                "delivery not stored in the outbox, delivering from memory case=%s entry=%s",
                outcome.case_id,
                outcome.entry_id,
            )
            self._start(self.deliver(outcome, also_refresh=also_refresh))
            return
        self._start(self.deliver_stored(delivery_id))

    async def deliver_stored(self, delivery_id: int) -> bool:
        """Claim the outbox row ``delivery_id``, deliver it and mark it done.

        Return False, delivering nothing, when the row is done or another
        worker holds it.
        """
        delivery = await self.workflow.claim_delivery(delivery_id)
        if delivery is None:
            logger.info("delivery skipped: done or claimed elsewhere delivery=%s", delivery_id)
            return False
        await self._deliver_claimed(delivery)
        return True

    async def _deliver_claimed(self, delivery: Delivery) -> None:
        await self.deliver(delivery.outcome, also_refresh=delivery.also_refresh)
        await self.workflow.complete_delivery(delivery.id)

    async def sweep(self, min_age: float) -> int:
        """Claim the outbox rows left undelivered and deliver them in the background.

        Return how many rows were claimed.
        """
        claimed = 0
        for delivery_id in await self.workflow.due_deliveries(min_age):
            delivery = await self.workflow.claim_delivery(delivery_id)
            if delivery is None:
                continue
            claimed += 1
            logger.warning(
                "delivering an abandoned outbox row delivery=%s case=%s attempt=%s",
                delivery.id,
                delivery.outcome.case_id,
                delivery.attempts,
            )
            self._start(self._deliver_claimed(delivery))
        return claimed

    async def run_sweeper(self, interval: float, min_age: float) -> None:
        """Sweep the outbox now and then every ``interval`` seconds until cancelled."""
        logger.info("delivery sweeper started interval=%s", interval)
        while True:
            try:
                await self.sweep(min_age)
            except Exception:
                logger.exception("delivery sweep failed")
            await asyncio.sleep(interval)

    def schedule_refresh(self, record: CardRecord) -> None:
        """Re-render one stored card in the background and update it in place."""
        self._start(self._refresh_serialised(record))

    def schedule_update(
        self,
        reference: dict[str, Any],
        activity_id: str,
        card: dict[str, Any],
        *,
        user_id: int,
        case_id: int | None = None,
    ) -> None:
        """Replace the message ``activity_id`` of a conversation with ``card`` in the background."""
        self._start(
            self._update_message(reference, activity_id, card, user_id=user_id, case_id=case_id)
        )

    def _start(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("delivery task failed", exc_info=task.exception())

    async def wait_idle(self) -> None:
        """Wait until every scheduled delivery finished, including ones scheduled meanwhile."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self, timeout: float) -> None:
        """Give running deliveries ``timeout`` seconds to finish, then cancel the rest."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            logger.warning("deliveries cancelled at shutdown count=%s", len(pending))
            await asyncio.gather(*pending, return_exceptions=True)

    # -------------------------------------------------------------- delivery

    async def deliver(self, outcome: Outcome, *, also_refresh: tuple[CardRecord, ...] = ()) -> None:
        """Send each notification, then update every stored card of the case or entry."""
        async with self._lock_for(outcome):
            sent: set[str] = set()
            undelivered: list[int] = []
            for notification in outcome.notifications:
                try:
                    activity_id = await self._notify(notification)
                except Exception:
                    logger.exception(
                        "notification failed user=%s case=%s kind=%s",
                        notification.recipient_id,
                        notification.case_id,
                        notification.kind,
                    )
                    continue
                if activity_id:
                    sent.add(activity_id)
                elif notification.kind == CardKind.MENTOR_OFFER and notification.assignment_id:
                    # An offer nobody can see would hold the case forever.
                    undelivered.append(notification.assignment_id)

            records = await self._records(outcome)
            known = {record.id for record in records}
            records.extend(r for r in also_refresh if r.id not in known)
            for record in records:
                # A card sent a moment ago already shows the current state.
                if record.activity_id not in sent:
                    await self._refresh_logged(record)

        # Outside the case's lock, which the next round's delivery takes again.
        for assignment_id in undelivered:
            try:
                outcome = await self.workflow.release_undelivered_offer(assignment_id)
            except Exception:
                logger.exception("offer release failed assignment=%s", assignment_id)
                continue
            await self.schedule(outcome)

    async def _refresh_logged(self, record: CardRecord) -> None:
        try:
            await self._refresh(record)
        except Exception:
            logger.exception(
                "card update failed user=%s case=%s card=%s",
                record.recipient_id,
                record.case_id,
                record.id,
            )

    async def _records(self, outcome: Outcome) -> list[CardRecord]:
        records: list[CardRecord] = []
        if outcome.case_id is not None:
            records.extend(await self.workflow.cards_to_refresh(case_id=outcome.case_id))
        if outcome.entry_id is not None:
            seen = {record.id for record in records}
            records.extend(
                record
                for record in await self.workflow.cards_to_refresh(entry_id=outcome.entry_id)
                if record.id not in seen
            )
        return records

    def _lock_for(self, outcome: Outcome) -> asyncio.Lock:
        key = (
            ("case", outcome.case_id)
            if outcome.case_id is not None
            else ("entry", outcome.entry_id)
        )
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    async def _refresh_serialised(self, record: CardRecord) -> None:
        outcome = Outcome(case_id=record.case_id, entry_id=record.entry_id)
        async with self._lock_for(outcome):
            await self._refresh_logged(record)

    async def _notify(self, notification: Notification) -> str | None:
        """Send one notification and return the new message id, or None if it was not sent."""
        user_id = notification.recipient_id
        reference = await self.workflow.conversation_reference(user_id)
        if reference is None:
            logger.warning(
                "notification skipped: no conversation reference user=%s case=%s",
                user_id,
                notification.case_id,
            )
            return None

        # Build the card or the text in the recipient's language.
        try:
            if notification.kind is not None:
                recipient = await self.workflow.actor(user_id)
                card = await render_card(
                    self.workflow,
                    recipient,
                    notification.kind,
                    case_id=notification.case_id,
                    assignment_id=notification.assignment_id,
                    round_id=notification.round_id,
                    entry_id=notification.entry_id,
                    latest=True,
                )
                activity = card_activity(card)
            elif notification.message_id:
                translate = translator_for(await self.workflow.user_locale(user_id))
                text = translate(notification.message_id, **notification.fields)
                activity = MessageFactory.text(text)
            else:
                logger.error(
                    "notification skipped: neither a card kind nor a message user=%s case=%s",
                    user_id,
                    notification.case_id,
                )
                return None
        except DomainError as error:
            logger.warning(
                "notification skipped: %s user=%s case=%s",
                error.code,
                user_id,
                notification.case_id,
            )
            return None

        activity_id = await self._send(reference, activity, user_id, notification.case_id)
        if activity_id and notification.kind is not None:
            await self.workflow.record_card(
                user_id,
                notification.kind,
                str(reference["conversation"]["id"]),
                activity_id,
                case_id=notification.case_id,
                entry_id=notification.entry_id,
                assignment_id=notification.assignment_id,
                round_id=notification.round_id,
            )
        return activity_id

    async def _refresh(self, record: CardRecord) -> None:
        reference = await self.workflow.conversation_reference(record.recipient_id)
        if reference is None:
            logger.warning(
                "card update skipped: no conversation reference user=%s case=%s",
                record.recipient_id,
                record.case_id,
            )
            return
        try:
            recipient = await self.workflow.actor(record.recipient_id)
            card = await render_card(
                self.workflow,
                recipient,
                record.kind,
                case_id=record.case_id,
                assignment_id=record.assignment_id,
                round_id=record.round_id,
                entry_id=record.entry_id,
                latest=record.latest,
            )
        except DomainError as error:
            logger.warning(
                "card update skipped: %s user=%s case=%s card=%s",
                error.code,
                record.recipient_id,
                record.case_id,
                record.id,
            )
            return
        # The card lives in the conversation it was sent to, even if the
        # user's current reference points to a newer one.
        reference = {
            **reference,
            "conversation": {**reference["conversation"], "id": record.conversation_id},
        }
        await self._update_message(
            reference, record.activity_id, card, user_id=record.recipient_id, case_id=record.case_id
        )

    # --------------------------------------------------- connector calls

    async def _send(
        self, reference: dict[str, Any], activity: Activity, user_id: int, case_id: int | None
    ) -> str | None:
        ids: list[str] = []

        async def send(turn_context: TurnContext) -> None:
            # The continuation activity carries a made-up id; without this the
            # message would be posted as a reply to that non-existent message.
            turn_context.activity.id = None
            response = await self._call(
                lambda: turn_context.send_activity(activity), "send", user_id, case_id
            )
            if response is not None and response.id:
                ids.append(response.id)

        failures = await self._continue(reference, send, "send", user_id, case_id)
        if any(status_of(error) == HTTPStatus.FORBIDDEN for error in failures):
            # 403 MessageWritesBlocked: the user blocked or removed the bot.
            await self.workflow.forget_conversation(user_id)
        return ids[0] if ids else None

    async def _update_message(
        self,
        reference: dict[str, Any],
        activity_id: str,
        card: dict[str, Any],
        *,
        user_id: int | None,
        case_id: int | None,
    ) -> None:
        activity = card_activity(card)
        activity.id = activity_id

        async def update(turn_context: TurnContext) -> None:
            await self._call(
                lambda: turn_context.update_activity(activity), "update", user_id, case_id
            )

        await self._continue(reference, update, "update", user_id, case_id)

    async def _continue(
        self,
        reference: dict[str, Any],
        callback: Callable[[TurnContext], Awaitable[None]],
        operation: str,
        user_id: int | None,
        case_id: int | None,
    ) -> list[BaseException]:
        """Run ``callback`` in a proactive turn; log delivery errors and return them."""
        conversation_reference = ConversationReference().deserialize(reference)
        failures: list[BaseException] = []

        async def guarded(turn_context: TurnContext) -> None:
            # Caught here, so that the adapter's turn error handler, which
            # answers the user, never runs for a proactive turn.
            try:
                await callback(turn_context)
            except DELIVERY_ERRORS as error:
                failures.append(error)

        try:
            await self.adapter.continue_conversation(
                conversation_reference, guarded, bot_app_id=self.app_id
            )
        except DELIVERY_ERRORS as error:
            failures.append(error)
        for error in failures:
            logger.warning(
                "delivery failed operation=%s user=%s case=%s status=%s error=%s",
                operation,
                user_id,
                case_id,
                status_of(error),
                type(error).__name__,
            )
        return failures

    async def _call(
        self,
        operation: Callable[[], Awaitable[Any]],
        description: str,
        user_id: int | None,
        case_id: int | None,
    ) -> Any:
        """Run one connector call with the retry policy and a timeout for each attempt."""

        async def attempt() -> Any:
            return await asyncio.wait_for(operation(), self.timeout)

        return await call_with_retry(
            attempt, self.retry, description=f"{description} user={user_id} case={case_id}"
        )
