"""One function applies every declared workflow table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .exceptions import RuleViolation


@dataclass(frozen=True)
class Step:
    """A table entry: the state an action leads to and the clause that allows it."""

    target: str
    clause: str = ""


Table = Mapping[tuple[str, str], Step]


def allowed_actions(table: Table, state: str) -> list[str]:
    return [action for (src, action) in table if src == state]


def next_state(table: Table, state: str, action: str, *, labels: Mapping[str, str]) -> Step:
    """The step for ``action`` from ``state``; a pair not in the table is refused.

    The refusal cites the clause the table gives the action (from any state): the step it
    takes out of order is the one that clause lays down.
    """
    step = table.get((state, action))
    if step is None:
        raise RuleViolation(
            _("“%(action)s” is not allowed while the matter is “%(state)s”.")
            % {"action": labels.get(action, action), "state": labels.get(state, state)},
            rule="transition", clause=clause_of(table, action),
        )
    return step


def clause_of(table: Table, action: str) -> str:
    """The clause the table names for ``action``, "" when no entry of it names one."""
    return next((s.clause for (_src, a), s in table.items() if a == action and s.clause), "")
