"""The delivery outbox: an operation's notifications stored until a worker has delivered them.

A row is written after the operation committed and marked done once its
notifications were sent and its cards updated. A worker claims a row with a
lease first. The claim is one conditional UPDATE, so two workers never hold
the same row at once. A row whose lease ran out, because its worker crashed
or stopped, is claimed again by the sweeper of any worker.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import CardKind
from teams_app.storage.models import DeliveryOutbox, utcnow
from teams_app.workflow.views import Notification, Outcome

# Claims after which a row is left alone. A delivery that failed this often,
# because the database or the connector failed each time, is not tried again.
MAX_DELIVERY_ATTEMPTS = 5


logger = logging.getLogger(__name__)


def serialise(outcome: Outcome, refresh_card_ids: tuple[int, ...]) -> dict[str, Any]:
    """Return the JSON payload of an outbox row."""
    return {
        "notifications": [
            {
                "recipient_id": notification.recipient_id,
                "kind": notification.kind.value if notification.kind is not None else None,
                "case_id": notification.case_id,
                "assignment_id": notification.assignment_id,
                "round_id": notification.round_id,
                "entry_id": notification.entry_id,
                "message_id": notification.message_id,
                "fields": dict(notification.fields),
            }
            for notification in outcome.notifications
        ],
        "refresh_card_ids": list(refresh_card_ids),
    }


def deserialise(row: DeliveryOutbox) -> tuple[Outcome, tuple[int, ...]]:
    """Return the outcome and the extra card ids stored in an outbox row."""
    notifications = tuple(
        Notification(
            recipient_id=item["recipient_id"],
            kind=CardKind(item["kind"]) if item["kind"] is not None else None,
            case_id=item["case_id"],
            assignment_id=item["assignment_id"],
            round_id=item["round_id"],
            entry_id=item["entry_id"],
            message_id=item["message_id"],
            fields=dict(item["fields"]),
        )
        for item in row.payload["notifications"]
    )
    outcome = Outcome(case_id=row.case_id, entry_id=row.entry_id, notifications=notifications)
    return outcome, tuple(row.payload["refresh_card_ids"])


async def add_delivery(
    session: AsyncSession, outcome: Outcome, refresh_card_ids: tuple[int, ...]
) -> int:
    row = DeliveryOutbox(
        case_id=outcome.case_id,
        entry_id=outcome.entry_id,
        payload=serialise(outcome, refresh_card_ids),
        attempts=0,
    )
    session.add(row)
    await session.flush()
    return row.id


async def claim(session: AsyncSession, delivery_id: int, lease: float) -> DeliveryOutbox | None:
    """Lease the row for ``lease`` seconds and return it, or return None if it is done or leased.

    On PostgreSQL a concurrent claim waits for this transaction and then
    re-checks the WHERE clause against the committed row, so it matches
    nothing. SQLite runs write transactions one at a time.
    """
    now = utcnow()
    result = await session.execute(
        update(DeliveryOutbox)
        .where(
            DeliveryOutbox.id == delivery_id,
            DeliveryOutbox.done_at.is_(None),
            DeliveryOutbox.attempts < MAX_DELIVERY_ATTEMPTS,
            or_(DeliveryOutbox.claimed_until.is_(None), DeliveryOutbox.claimed_until < now),
        )
        .values(
            claimed_until=now + dt.timedelta(seconds=lease),
            attempts=DeliveryOutbox.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    row = await session.get(DeliveryOutbox, delivery_id, populate_existing=True)
    if row is not None and row.attempts >= MAX_DELIVERY_ATTEMPTS:
        # After this attempt the sweeper leaves the row alone for good.
        logger.warning(
            "outbox row on its last attempt id=%s case=%s entry=%s attempts=%s",
            row.id,
            row.case_id,
            row.entry_id,
            row.attempts,
        )
    return row


async def mark_done(session: AsyncSession, delivery_id: int) -> None:
    await session.execute(
        update(DeliveryOutbox)
        .where(DeliveryOutbox.id == delivery_id)
        .values(done_at=utcnow(), claimed_until=None)
        .execution_options(synchronize_session=False)
    )


async def due_ids(session: AsyncSession, min_age: float, limit: int) -> list[int]:
    """Return the oldest rows that are not done and whose lease ran out.

    A row never claimed counts only once it is ``min_age`` seconds old, so
    the worker that wrote it a moment ago gets to claim it first.
    """
    now = utcnow()
    query = (
        select(DeliveryOutbox.id)
        .where(
            DeliveryOutbox.done_at.is_(None),
            DeliveryOutbox.attempts < MAX_DELIVERY_ATTEMPTS,
            or_(
                and_(
                    DeliveryOutbox.claimed_until.is_(None),
                    DeliveryOutbox.created_at < now - dt.timedelta(seconds=min_age),
                ),
                DeliveryOutbox.claimed_until < now,
            ),
        )
        .order_by(DeliveryOutbox.created_at, DeliveryOutbox.id)
        .limit(limit)
    )
    return list(await session.scalars(query))
