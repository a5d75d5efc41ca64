"""One path for refusals: what a refused action answers, and how a view runs a form
through a service.

Services refuse with ``RuleViolation`` (or its ``PermissionDenied``) before they write.
``refusal_of`` turns either into a ``Refusal``: the HTTP status, a machine-readable code,
the seed clause and the message for the user. Pages show ``Refusal.text`` (the message
and the clause, never the rule code); the REST API answers ``Refusal.status`` with
``Refusal.as_dict()``.

``attempt`` is the one way a view runs an action: validate the bound form, call the
service with its cleaned data, and on a refusal put the text on the page (a message, or
the form's errors) instead of the success message. ``attempt_action`` looks an action up
in a view's dispatch table (name → ``Action``: form and service) first.

A refusal writes nothing because the services raise before they write. ``attempt`` opens
no transaction of its own: a service keeps its transaction (and the locks it takes) as
short as it made it, e.g. the register import parses the file before it locks anything.

Core imports no other Yishi app: the services are handed in by the views.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .clauses import in_words
from .exceptions import PermissionDenied, RuleViolation

T = TypeVar("T")
Obj = TypeVar("Obj")

# Rules about the request itself (a malformed value, a file that is no photo, a date that
# cannot be), whatever state the matter is in: 400 Bad Request. Every other rule refuses
# the action in the matter's current state (out of order, too late, already done): 409
# Conflict. An actor who holds no role for the action: 403 Forbidden.
INPUT_RULES = frozenset({
    "input", "attachment", "photo", "date", "deadline", "register_file", "sign_in_code",
})

#: Where a refusal goes: a django message, the form's errors, or back to the caller only
#: (an htmx fragment that shows ``Attempt.refusal.text`` itself).
Show = Literal["message", "form", "caller"]


@dataclass(frozen=True)
class Refusal:
    """A refused action as the pages and the API answer it."""

    status: int  # 400, 403 or 409
    code: str  # machine-readable: the rule ("quorum", "transition", "input", ...)
    clause: str  # the seed clause the rule comes from, "" when none
    message: str  # translated, for the user

    @property
    def clause_text(self) -> str:
        """The clause in words: 依据《利川市城乡社区协商实施方案》（二）4.(3)."""
        return in_words(self.clause)

    @property
    def text(self) -> str:
        """As a page shows it: the message, then the clause in words (never the rule code)."""
        if not self.clause:
            return self.message
        return _("%(message)s (%(clause)s)") % {"message": self.message,
                                                "clause": self.clause_text}

    @property
    def tags(self) -> str:
        """CSS classes of the message, so scripts and tests can tell one refusal from another."""
        return f"refusal rule-{self.code}"

    def as_dict(self) -> dict[str, str]:
        """The API's body for the refusal: the clause as a reference and in words."""
        return {"code": self.code, "clause": self.clause, "clause_text": self.clause_text,
                "message": self.message}


def refusal_of(error: RuleViolation) -> Refusal:
    """The refusal a domain exception stands for (the mapping the API reuses)."""
    if isinstance(error, PermissionDenied):
        return Refusal(403, error.rule or "permission", error.clause, error.message)
    code = error.rule or "input"  # a refusal naming no rule is about the input
    return Refusal(400 if code in INPUT_RULES else 409, code, error.clause, error.message)


def rule_errors(checks: Mapping[str, Callable[[], object]]) -> None:
    """For a model's ``clean()``: run each rule check and raise the refusals as one
    ``ValidationError`` keyed by field, each message with its seed clause, so the admin
    form shows what is wrong and why, and saves nothing."""
    errors: dict[str, list[ValidationError]] = {}
    for name, check in checks.items():
        try:
            check()
        except RuleViolation as error:
            errors.setdefault(name, []).append(
                ValidationError(refusal_of(error).text, code=error.rule or "input"))
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]


def form_refusal(form: forms.BaseForm, message: str | Promise = "") -> Refusal:
    """A form that did not validate: 400, code ``input``, its errors (or ``message``)."""
    errors = [str(m) for field in form.errors.values() for m in field]
    return Refusal(400, "input", "",
                   str(message) or " ".join(errors) or _("Please check the form."))


def show_refusal(request: HttpRequest, refusal: Refusal) -> None:
    """Put the refusal on the next page as an error message."""
    messages.error(request, refusal.text, extra_tags=refusal.tags)


@dataclass(frozen=True)
class Attempt(Generic[T]):
    """What ``attempt`` did: the service's result, or the refusal the user was shown."""

    result: T | None
    refusal: Refusal | None

    @property
    def ok(self) -> bool:
        return self.refusal is None


def attempt(
    request: HttpRequest,
    service: Callable[[dict[str, Any]], T],
    *,
    form: forms.BaseForm | None = None,
    done: str | Callable[[T], str] = "",
    show: Show = "message",
    field: str | None = None,
    invalid: str | Promise = "",
) -> Attempt[T]:
    """Run ``form`` through ``service`` for a view.

    An invalid form is refused with its errors (``invalid`` replaces them in a message;
    with ``show="form"`` the form shows them itself). A valid form's cleaned data is
    handed to ``service`` (``{}`` without a form); a ``RuleViolation`` or
    ``PermissionDenied`` it raises goes where ``show`` says (a message; the form's
    ``field``, or its non-field errors; or only back to the caller). On success the
    ``done`` message (or ``done(result)``) is shown and the result returned.
    """
    if form is not None and not form.is_valid():
        refused = form_refusal(form, invalid)
        if show == "message":
            show_refusal(request, refused)
        return Attempt(None, refused)
    try:
        result = service(dict(form.cleaned_data) if form is not None else {})
    except RuleViolation as error:
        refused = refusal_of(error)
        if show == "form" and form is not None:
            form.add_error(field, refused.text)
        elif show != "caller":
            show_refusal(request, refused)
        return Attempt(None, refused)
    text = done(result) if callable(done) else done
    if text:
        messages.success(request, text)
    return Attempt(result, None)


@dataclass(frozen=True)
class Action(Generic[Obj]):
    """An entry of a view's dispatch table (action name → ``Action``): the form the action
    takes, built from the object and the POST data (``None``: it takes none), and the
    service it runs, ``run(actor, obj, cleaned_data)``. ``invalid`` replaces the form's
    errors in the message when the form does not validate."""

    run: Callable[[Any, Obj, dict[str, Any]], object]
    form: Callable[[Obj, Any], forms.BaseForm] | None = None
    invalid: str | Promise = ""  # a gettext_lazy text: the table is built at import


def attempt_action(request: HttpRequest, actions: Mapping[str, Action[Obj]], name: str, obj: Obj,
                   *, done: str) -> Attempt[object]:
    """Look the action up in the view's table (404 for a name not in it) and ``attempt`` it
    on ``obj`` with the POST data, showing a refusal as a message."""
    action = actions.get(name)
    if action is None:
        raise Http404
    form = action.form(obj, request.POST) if action.form is not None else None
    return attempt(request, lambda d: action.run(request.user, obj, d), form=form, done=done,
                   invalid=action.invalid)
