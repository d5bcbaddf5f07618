"""Workflow operations: the one set of use cases behind the bot and the tabs."""

from teams_app.workflow.service import Workflow

__all__ = ["Workflow"]
