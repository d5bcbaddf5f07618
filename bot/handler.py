"""The Teams activity handler: identify the sender, then pass the activity to the dispatch table."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from botbuilder.core import InvokeResponse, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.schema import Activity, ChannelAccount
from botbuilder.schema.teams import TeamInfo, TeamsChannelAccount

from bot.adapter_fixes import card_invoke_response, message_invoke_response, status_of
from bot.cards.common import Card
from bot.cards.render import render_card
from bot.cards.welcome import build_welcome_card
from bot.compose import COMPOSE_QUERY, answer_compose_query, is_compose_extension
from bot.dispatch import ActionContext, ActionResult, command_for, run_action
from bot.notifier import Notifier, card_activity
from teams_app.domain.errors import DomainError
from teams_app.i18n import gettext_noop as N_
from teams_app.i18n import translator_for
from teams_app.workflow import Workflow
from teams_app.workflow.views import Actor, CardRecord, TeamsIdentity

logger = logging.getLogger(__name__)

ADAPTIVE_CARD_ACTION = "adaptiveCard/action"

UNKNOWN_TEXT = N_("I did not recognise this command. Choose what to do on the card below.")
INVALID_ACTION = N_("This card sent an action the bot cannot read. Nothing was changed.")

# Seconds to wait for the connector's member lookup before the turn goes on
# without the sender's name.
MEMBER_LOOKUP_TIMEOUT = 2.0


class MentoringBot(TeamsActivityHandler):
    """A thin adapter over the workflow: parse the activity, run one action, show the result."""

    def __init__(
        self,
        workflow: Workflow,
        notifier: Notifier,
        *,
        member_lookup_timeout: float = MEMBER_LOOKUP_TIMEOUT,
    ) -> None:
        self.workflow = workflow
        self.notifier = notifier
        self.member_lookup_timeout = member_lookup_timeout

    # ------------------------------------------------------------- every turn

    async def on_turn(self, turn_context: TurnContext) -> None:
        actor = await self._identify(turn_context)
        if actor is None:
            logger.info(
                "activity ignored: no sender type=%s activity=%s",
                turn_context.activity.type,
                turn_context.activity.id,
            )
            return
        turn_context.turn_state[_ACTOR_STATE] = actor
        await super().on_turn(turn_context)

    async def _identify(self, turn_context: TurnContext) -> Actor | None:
        """Find or create the sender and, in a personal chat, store the conversation reference."""
        activity = turn_context.activity
        sender = activity.from_property
        if sender is None or not sender.id:
            return None

        name = (sender.name or "").strip()
        email = None
        # Teams waits five seconds for the response to a message extension
        # invoke, so its sender is not looked up through the connector.
        if not name and not is_compose_extension(activity):
            # installationUpdate and conversationUpdate carry no name. Without
            # the lookup, a user created by them stays nameless, which shows
            # as a mentor without a name on the teacher's candidates card.
            member = await self._look_up_member(turn_context, sender.id)
            if member is not None:
                name = (member.name or "").strip()
                # Teams chat deep links take the Microsoft Entra user principal
                # name (Microsoft Learn, "Deep link to Teams chat"), which
                # usually equals the mail address.
                email = member.email or member.user_principal_name or None

        identity = TeamsIdentity(
            teams_user_id=sender.id,
            aad_object_id=sender.aad_object_id,
            tenant_id=_tenant_of(activity),
            display_name=name,
            locale=activity.locale,
            email=email,
        )

        # Cards go to the user's 1:1 chat only, because a channel or group
        # chat reference would show a teacher's case to everybody in it.
        reference = None
        if _is_personal(activity):
            reference = TurnContext.get_conversation_reference(activity).serialize()
        return await self.workflow.identify(identity, reference)

    async def _look_up_member(
        self, turn_context: TurnContext, member_id: str
    ) -> TeamsChannelAccount | None:
        """Fetch a member's profile from the connector, or return None if that fails or times out.

        The lookup is one GET /v3/conversations/{id}/members/{member id}. It
        is optional, so every failure is logged and the turn goes on.

        NOTE: msrest 0.7.1 sends the request from an executor thread. After
        the timeout that thread still waits for the response, up to msrest's
        own connection timeout (100 s by default).
        """
        conversation = turn_context.activity.conversation
        try:
            return await asyncio.wait_for(
                TeamsInfo.get_member(turn_context, member_id), self.member_lookup_timeout
            )
        except Exception as error:
            logger.warning(
                "member lookup failed user=%s conversation=%s status=%s error=%s",
                member_id,
                conversation.id if conversation else None,
                status_of(error),
                type(error).__name__,
            )
            return None

    # ------------------------------------------------------------- welcome

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._send_welcome(turn_context)

    async def on_teams_members_added_dispatch(
        self,
        members_added: list[ChannelAccount],
        team_info: TeamInfo,
        turn_context: TurnContext,
    ) -> None:
        """Send nothing: ``on_turn`` already identified the sender and stored the reference.

        An install in personal scope brings both this activity and an
        ``installationUpdate`` add, so only the latter sends the welcome card.
        The SDK's version would also fetch every added member from the connector.
        """

    async def _send_welcome(self, turn_context: TurnContext) -> None:
        actor = _actor(turn_context)
        card = build_welcome_card(translator_for(actor.locale), actor.roles)
        await turn_context.send_activity(card_activity(card))

    # ----------------------------------------------------------- text commands

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        context = self._context(turn_context)
        text = TurnContext.remove_recipient_mention(activity) if activity.text else ""
        command = command_for(text)
        if command is None:
            translate = context.translate
            await turn_context.send_activity(MessageFactory.text(translate(UNKNOWN_TEXT)))
            card = build_welcome_card(translate, context.actor.roles)
            await turn_context.send_activity(card_activity(card))
            return
        result = await run_action(context, command.verb.value, command.data)
        await self._post_result(turn_context, context, result)
        if result.replacement is not None:
            await turn_context.send_activity(card_activity(result.replacement))
        if result.notice:
            await turn_context.send_activity(MessageFactory.text(result.notice))
        if result.outcome is not None:
            await self.notifier.schedule(result.outcome)

    # ---------------------------------------------------------- card actions

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        if turn_context.activity.name == COMPOSE_QUERY:
            # The SDK's handler would serialise the body twice, as for card actions.
            return await answer_compose_query(self.workflow, turn_context.activity)
        if turn_context.activity.name != ADAPTIVE_CARD_ACTION:
            return await super().on_invoke_activity(turn_context)
        context = self._context(turn_context)
        action = _action_of(turn_context.activity)
        if action is None:
            return message_invoke_response(context.translate(INVALID_ACTION))
        verb, data = action
        logger.info(
            "card action verb=%s user=%s activity=%s",
            verb,
            context.actor.user_id,
            context.dedupe_key,
        )
        result = await run_action(context, verb, data)
        return await self._answer_invoke(turn_context, context, result)

    async def _answer_invoke(
        self, turn_context: TurnContext, context: ActionContext, result: ActionResult
    ) -> InvokeResponse:
        clicked = await self._clicked_card(context, result)
        await self._post_result(turn_context, context, result)
        if result.outcome is not None:
            extra = (clicked,) if clicked is not None else ()
            await self.notifier.schedule(result.outcome, also_refresh=extra)
        elif clicked is not None and result.refresh_clicked:
            self.notifier.schedule_refresh(clicked)

        # The card in the invoke response replaces the clicked one only for the
        # user who clicked, on that device. The update in place reaches every device.
        if result.replacement is not None:
            if result.replace_in_place and context.reply_to_id:
                reference = TurnContext.get_conversation_reference(turn_context.activity)
                self.notifier.schedule_update(
                    reference.serialize(),
                    context.reply_to_id,
                    result.replacement,
                    user_id=context.actor.user_id,
                    case_id=clicked.case_id if clicked is not None else None,
                )
            return card_invoke_response(result.replacement)
        if result.notice:
            return message_invoke_response(result.notice)
        if clicked is not None:
            card = await self._render_record(context, clicked)
            if card is not None:
                return card_invoke_response(card)
        # The clicked card is not one the bot keeps up to date: the menu.
        return card_invoke_response(build_welcome_card(context.translate, context.actor.roles))

    async def _clicked_card(
        self, context: ActionContext, result: ActionResult
    ) -> CardRecord | None:
        """Return the stored clicked card, recording it first when the result requests it."""
        if not context.reply_to_id:
            return None
        ref = result.record_clicked_as
        if ref is not None:
            await self.workflow.record_card(
                context.actor.user_id,
                ref.kind,
                context.conversation_id,
                context.reply_to_id,
                case_id=ref.case_id,
                entry_id=ref.entry_id,
                assignment_id=ref.assignment_id,
                round_id=ref.round_id,
            )
        return await self.workflow.find_card(context.conversation_id, context.reply_to_id)

    async def _render_record(self, context: ActionContext, record: CardRecord) -> Card | None:
        try:
            return await render_card(
                self.workflow,
                context.actor,
                record.kind,
                case_id=record.case_id,
                assignment_id=record.assignment_id,
                round_id=record.round_id,
                entry_id=record.entry_id,
                latest=record.latest,
            )
        except DomainError as error:
            logger.warning(
                "clicked card not rendered: %s user=%s card=%s",
                error.code,
                context.actor.user_id,
                record.id,
            )
            return None

    # ------------------------------------------------------------- helpers

    async def _post_result(
        self, turn_context: TurnContext, context: ActionContext, result: ActionResult
    ) -> None:
        """Send the new messages of a result into the chat, recording the case cards."""
        for post in result.posts:
            if post.card is not None:
                response = await turn_context.send_activity(card_activity(post.card))
            else:
                response = await turn_context.send_activity(MessageFactory.text(post.text or ""))
            ref = post.record
            if ref is not None and response is not None and response.id:
                await self.workflow.record_card(
                    context.actor.user_id,
                    ref.kind,
                    context.conversation_id,
                    response.id,
                    case_id=ref.case_id,
                    entry_id=ref.entry_id,
                    assignment_id=ref.assignment_id,
                    round_id=ref.round_id,
                )

    def _context(self, turn_context: TurnContext) -> ActionContext:
        activity = turn_context.activity
        actor = _actor(turn_context)
        # The actor's locale is the language the user chose, else the client's.
        locale = actor.locale
        return ActionContext(
            workflow=self.workflow,
            actor=actor,
            translate=translator_for(locale),
            locale=locale,
            conversation_id=activity.conversation.id if activity.conversation else "",
            activity_id=activity.id or "",
            reply_to_id=activity.reply_to_id,
        )


_ACTOR_STATE = "mentoring.actor"


def _actor(turn_context: TurnContext) -> Actor:
    actor: Actor = turn_context.turn_state[_ACTOR_STATE]
    return actor


def actor_of(turn_context: TurnContext) -> Actor | None:
    """Return the user identified for this turn, or None if identifying failed or was skipped."""
    actor: Actor | None = turn_context.turn_state.get(_ACTOR_STATE)
    return actor


def _action_of(activity: Activity) -> tuple[str, Mapping[str, Any]] | None:
    """Return the verb and data of an ``Action.Execute`` invoke, or None if it has none."""
    value = activity.value if isinstance(activity.value, dict) else {}
    action = value.get("action")
    if not isinstance(action, dict) or action.get("type") != "Action.Execute":
        return None
    data = action.get("data")
    return str(action.get("verb") or ""), data if isinstance(data, dict) else {}


def _is_personal(activity: Activity) -> bool:
    conversation = activity.conversation
    return conversation is not None and conversation.conversation_type == "personal"


def _tenant_of(activity: Activity) -> str:
    if activity.conversation is not None and activity.conversation.tenant_id:
        return activity.conversation.tenant_id
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = channel_data.get("tenant") or {}
    return str(tenant.get("id") or "")
