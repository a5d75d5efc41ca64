"""Named hooks: how a lower app tells a higher one that something happened, without importing it.

``intake`` sits below ``consult`` in the layers (``docs/architecture.md``): it must not call
consult's services, yet an opinion made a topic candidate, or a joint proposal that reached
its threshold, must become a topic in the same transaction. So intake *fires* a named hook and
consult *subscribes* to it in its ``AppConfig.ready()``::

    # yishi/consult/apps.py
    def ready(self) -> None:
        hooks.subscribe(hooks.OPINION_MADE_CANDIDATE, topic_from_opinion)

    # yishi/intake/services/...
    hooks.fire(hooks.OPINION_MADE_CANDIDATE, actor=actor, opinion=opinion)

Unlike Django signals, hooks are declared here by name (a typo fails loudly), each one says
whether it needs a subscriber (a required hook with none raises instead of silently dropping
the work), and subscribers run in the caller's transaction, in the order they subscribed:
a subscriber that raises rolls the whole action back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction


@dataclass(frozen=True)
class Hook:
    name: str
    required: bool  # the action is incomplete without a subscriber
    doc: str


# 000 §(二)(4)1: an opinion the staff turn into a topic candidate (议题候选).
OPINION_MADE_CANDIDATE = Hook(
    "intake.opinion_made_candidate", required=True,
    doc="kwargs: actor, opinion (locked, inside the transaction)",
)
# 000 §(二)(1): a joint proposal signed by 1/10 of residents or 1/5 of representatives.
PROPOSAL_REACHED = Hook(
    "intake.proposal_reached", required=True,
    doc="kwargs: actor, proposal (locked, inside the transaction)",
)

# 000 §(二)(5), §(四)(2): before an outcome is published or its topic closed, the follow-up
# duties must be met (dissenters answered, an unlawful outcome corrected, the legal adviser
# heard). consult sits below followup, so it asks; followup refuses by raising RuleViolation.
# Required: without its subscriber the duties would be skipped silently, so it fails closed.
OUTCOME_DUTIES = Hook(
    "consult.outcome_duties", required=True,
    doc="kwargs: actor, topic (locked, inside the transaction), action ('publish' | 'close'); "
        "a subscriber raises RuleViolation to refuse, before anything is written",
)

# 000 §(二)(1): when the register changes (a signer moves out, turns out to be under age, a
# representative's role ends), the open joint proposals of the community are recounted from
# the signers eligible now. Not required: without intake there are no proposals to recount.
REGISTER_CHANGED = Hook(
    "places.register_changed", required=False,
    doc="kwargs: actor, community (inside the transaction that changed the register)",
)

HOOKS: dict[str, Hook] = {
    h.name: h for h in (OPINION_MADE_CANDIDATE, PROPOSAL_REACHED, OUTCOME_DUTIES,
                        REGISTER_CHANGED)
}

Subscriber = Callable[..., Any]
_subscribers: dict[str, list[Subscriber]] = {}


def subscribe(hook: Hook, func: Subscriber) -> None:
    """Run ``func(**kwargs)`` whenever ``hook`` fires; subscribing twice is a no-op."""
    if hook.name not in HOOKS:
        raise KeyError(f"unknown hook {hook.name!r}")
    funcs = _subscribers.setdefault(hook.name, [])
    if func not in funcs:
        funcs.append(func)


def subscribers(hook: Hook) -> list[Subscriber]:
    return list(_subscribers.get(hook.name, []))


def fire(hook: Hook, **kwargs: Any) -> list[Any]:
    """Call every subscriber in the caller's transaction; their results, in order."""
    if hook.name not in HOOKS:
        raise KeyError(f"unknown hook {hook.name!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"hook {hook.name} must fire inside the action's transaction")
    funcs = subscribers(hook)
    if hook.required and not funcs:
        raise ImproperlyConfigured(
            f"hook {hook.name} has no subscriber: is the app that handles it installed?"
        )
    return [func(**kwargs) for func in funcs]
