"""Nothing irreversible on one tap: an action that cannot be undone asks first.

A form of such an action carries ``data-confirm`` (the question) and, optionally,
``data-confirm-detail`` (what will happen). With JavaScript (``static/js/confirm.js``) the
page asks in a dialog and, on 确认, sends the form with ``confirmed=1``. Without it, or when
the dialog was skipped, the view calls ``ask_first``: a POST without ``confirmed=1`` gets a
confirmation page that says the same and sends the same fields again with ``confirmed=1``.
The server is therefore the one that makes sure: a form posted without confirming changes
nothing.

Core imports no other Yishi app; views hand in their questions (``Confirm``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise

CONFIRMED = "confirmed"  # the field a confirmed form carries, with the value "1"

# Fields never sent again from the confirmation page: the token is the page's own.
_NOT_REPEATED = frozenset({"csrfmiddlewaretoken", CONFIRMED})


@dataclass(frozen=True)
class Confirm:
    """What an irreversible action asks: the question, what will happen, the button."""

    question: str | Promise  # 「确定结束表决吗？」
    detail: str | Promise = ""  # 「结束后不能再投票，结果立即计算。」
    button: str | Promise = ""  # the confirming button's words; "" for 确认
    # A template shown above the question, e.g. the notice exactly as the public will see it.
    preview: str = ""
    preview_context: dict[str, Any] = field(default_factory=dict)


def is_confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRMED) == "1"


def ask_first(request: HttpRequest, confirm: Confirm, *, back: str,
              carry: Sequence[tuple[str, str]] = ()) -> HttpResponse | None:
    """``None`` when the POST was confirmed; otherwise the page that asks (nothing written).

    ``back`` is where 取消 leads (the page the form was on). ``carry`` are fields the page
    sends besides the POSTed ones, e.g. the token of uploaded files kept until then (a
    page cannot send a file again)."""
    if is_confirmed(request):
        return None
    fields = [(name, value) for name in request.POST
              if name not in _NOT_REPEATED for value in request.POST.getlist(name)]
    fields += [(name, value) for name, value in carry if name not in _NOT_REPEATED]
    return render(request, "_confirm_page.html", {
        "confirm": confirm, "fields": fields, "action": request.get_full_path(), "back": back,
        **confirm.preview_context,
    })
