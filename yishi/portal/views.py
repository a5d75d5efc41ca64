"""The welcome page, the home page and the notification list: where a visitor and a signed-in user land."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from yishi.consult.models import Topic
from yishi.core import audit, clock
from yishi.core.models import Notification, PasswordDue
from yishi.disclosure import selectors as board_selectors
from yishi.disclosure.rules import parse_small_int
from yishi.disclosure.views import BOARD_COOKIE
from yishi.intake import selectors as intake_selectors
from yishi.intake.models import JointProposal, Signature
from yishi.places.models import Place, PlaceKind, RoleKind
from yishi.places.permissions import is_staff_anywhere, person_of, role_paths, staff_scope_q

from . import codes, sessions


class SignInView(auth_views.LoginView):
    """Sign-in; on a shared phone the session ends when the browser closes."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["code_sign_in"] = bool(getattr(settings, "YISHI_SMS_BACKEND", ""))
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if form.cleaned_data.get("shared_device"):
            self.request.session.set_expiry(0)
        return response


CODE_ACCOUNTS = "_yishi_code_accounts"  # accounts a checked code opened, to choose from
CODE_SIGNED_IN = "_yishi_code_signed_in"  # when this session was opened by a texted code
# A session opened by a code may set a new password without the old one for this long
# (忘记密码: the code proved the registered phone, as the old password would have).
NEW_PASSWORD_MINUTES = 10


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _sign_in_with_code(request: HttpRequest, user: Any) -> HttpResponse:
    target = _safe_next(request)
    shared = request.POST.get("shared_device") == "on"
    auth_login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    request.session[CODE_SIGNED_IN] = int(clock.now().timestamp())
    if shared:
        request.session.set_expiry(0)
    return redirect(target)


@never_cache
@sensitive_post_parameters("code")
def code_sign_in(request: HttpRequest) -> HttpResponse:
    """短信验证码登录: the number on the register, then the code texted to it (codes.py)."""
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    context: dict[str, Any] = {
        "available": codes.sms_backend() is not None, "step": "phone",
        "phone": request.POST.get("phone", "")[:20], "next": _safe_next(request),
        "shared_device": request.POST.get("shared_device") == "on",
        "minutes": codes.CODE_MINUTES,
    }
    action = request.POST.get("action") if request.method == "POST" else None
    address = str(request.META.get("REMOTE_ADDR", ""))
    if action == "send":
        sent = codes.request_code(phone=context["phone"], address=address)
        if sent.ok:
            context["step"] = "code"
        else:
            context["error"] = sent.message
            # Asked again too soon: the code sent a moment ago is still the one to type.
            context["step"] = "code" if sent.resend_gap else "phone"
    elif action == "check":
        checked = codes.check_code(phone=context["phone"], code=request.POST.get("code", ""))
        if len(checked.accounts) == 1:
            return _sign_in_with_code(request, checked.accounts[0])
        if checked.accounts:
            # One phone, several people (a couple): the code proved the phone; who is it?
            request.session[CODE_ACCOUNTS] = {
                "ids": [u.pk for u in checked.accounts],
                "until": (clock.now() + timedelta(minutes=codes.CODE_MINUTES)).timestamp()}
            context.update(step="choose", accounts=checked.accounts)
        else:
            context.update(step="code", error=checked.message)
    elif action == "choose":
        offered = request.session.get(CODE_ACCOUNTS) or {}
        chosen = parse_small_int(request.POST.get("account"))
        if (chosen is not None and chosen in offered.get("ids", [])
                and offered.get("until", 0) > clock.now().timestamp()):
            user = get_user_model()._default_manager.filter(pk=chosen, is_active=True).first()
            if user is not None:
                request.session.pop(CODE_ACCOUNTS, None)
                return _sign_in_with_code(request, user)
        context["error"] = _("That choice has expired. Ask for a new code.")
    elif action is not None:
        context["error"] = _("Something was missing from the form. Please start again.")
    return render(request, "portal/code_login.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every user's own password page; a password staff had set is then the user's own."""

    audit_action = "account.password_changed"
    audit_after: dict[str, str] = {}

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.user  # the signed-in user whose password the form set
        with transaction.atomic():
            response = super().form_valid(form)
            PasswordDue.objects.filter(user=user).delete()
            audit.record(actor=user, action=self.audit_action, obj=user,
                         after=self.audit_after)
        self.request.session[sessions.DUE] = False
        return response


class NewPasswordView(PasswordChangeView):
    """忘记密码: after signing in with a texted code, a new password without the old one."""

    form_class = SetPasswordForm
    template_name = "portal/password_new.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            opened = int(request.session.get(CODE_SIGNED_IN, 0))
            if clock.now().timestamp() - opened > NEW_PASSWORD_MINUTES * 60:
                messages.info(request, _("To choose a new password without the old one, "
                                         "sign in with a text message code first."))
                return redirect("password_change")
        return super().dispatch(request, *args, **kwargs)

    audit_action = "account.password_reset"
    audit_after = {"how": "sms code"}

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        self.request.session.pop(CODE_SIGNED_IN, None)  # once
        messages.success(self.request, _("Your new password is set. Use it next time."))
        return response

    def get_success_url(self) -> str:
        return resolve_url("home")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers that ask for /favicon.ico before reading the page's <link rel="icon">."""
    return redirect(static("favicon.svg"), permanent=True)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and the benchmarks' bare view: one query, no session."""
    return JsonResponse({"ok": Place.objects.filter(parent__isnull=True).exists()})


@never_cache
@require_GET
def session_keepalive(request: HttpRequest) -> HttpResponse:
    """"Stay signed in": the request itself renews the session (portal/sessions.py).
    401 rather than a redirect once it has ended, so the page knows."""
    return HttpResponse(status=204 if request.user.is_authenticated else 401)


# The public index's chooser on the welcome page up to this many communities; a city's
# visitors follow the link to the index (or a board they opened before) instead.
WELCOME_CHOOSER_LIMIT = 200
WELCOME_NOTICES = 5  # of the remembered board's current notices; the rest are a tap away


def welcome(request: HttpRequest) -> HttpResponse:
    """A signed-out visitor's first page: what Yishi is, the way in, and the notice board
    of their community (the one they last opened here; a single-community site's own)."""
    today = clock.localdate()
    communities = Place.objects.filter(kind=PlaceKind.COMMUNITY)
    remembered = parse_small_int(request.COOKIES.get(BOARD_COOKIE), digits=18)
    count = communities.count()
    if remembered is None and count == 1:
        remembered = communities.values_list("pk", flat=True).first()
    board = notices = None
    if remembered is not None:
        try:
            board = board_selectors.get_board_community(remembered)
        except Http404:
            board = None  # a board that is no more (or a cookie made up): the chooser
        else:
            notices = list(board_selectors.current_notices(board, today)[:WELCOME_NOTICES])
    streets = (board_selectors.communities_by_street()
               if board is None and 1 < count <= WELCOME_CHOOSER_LIMIT else None)
    return render(request, "portal/welcome.html", {
        "board": board, "notices": notices, "today": today, "streets": streets,
        "community_count": count,
    })


def home(request: HttpRequest) -> HttpResponse:
    """A resident's home: my opinions, my proposals, my community's open matters; the
    welcome page before signing in."""
    if not request.user.is_authenticated:
        return welcome(request)
    me = person_of(request.user)
    context: dict[str, object] = {"today": clock.localdate()}
    if me is not None:
        context["my_opinions"] = intake_selectors.with_overdue(
            intake_selectors.opinions_for_resident(me)[:20], context["today"])  # type: ignore[arg-type]
        signed_ids = Signature.objects.filter(person=me, withdrawn_at__isnull=True).values(
            "proposal_id"
        )
        context["my_proposals"] = list(
            JointProposal.objects.filter(Q(proposer=me) | Q(pk__in=signed_ids))
            .select_related("community").order_by("-created_at")[:20]
        )
        if me.community_id:
            context["community"] = me.community
            context["open_proposals"] = list(
                JointProposal.objects.filter(community_id=me.community_id, state="open")
                .order_by("closes_on")[:20]
            )
            context["community_topics"] = list(
                Topic.objects.filter(community_id=me.community_id).order_by("-created_at")[:10]
            )
    if is_staff_anywhere(request.user):
        scope = staff_scope_q(request.user, "community__path")
        queue = intake_selectors.staff_queue(scope, today=context["today"])  # type: ignore[arg-type]
        context["queue_count"] = queue.count()
        context["overdue_count"] = queue.filter(due_date__lt=context["today"]).count()
    # A township's (street's) or the city's officials oversee the places below them: their
    # dashboards and the ledgers, a tap from home (no query for anyone else).
    overseen = role_paths(request.user, {RoleKind.TOWNSHIP, RoleKind.CITY})
    if overseen:
        context["overseen_places"] = list(
            Place.objects.filter(path__in=overseen).order_by("path"))
    return render(request, "portal/home.html", context)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """我的: the person's own pages, the password, the language and 退出 (kept here, away
    from 消息, so no one signs out by a slip of the thumb)."""
    return render(request, "portal/me.html", {"person": person_of(request.user)})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(Notification.objects.filter(recipient_id=request.user.pk)[:100])
    return render(request, "portal/notifications.html", {"items": items})


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """A message's link, through here: the message is read once opened (the badge counts
    one fewer), then on to the page it names, on this site only (a link that leads
    elsewhere, or none, back to the list)."""
    found = Notification.objects.filter(pk=pk, recipient_id=request.user.pk).first()
    if found is None:
        raise Http404
    if found.read_at is None:
        Notification.objects.filter(pk=found.pk, read_at__isnull=True).update(
            read_at=clock.now())
    link = found.link
    if link.startswith("/") and url_has_allowed_host_and_scheme(
            link, allowed_hosts=None, require_https=request.is_secure()):
        return redirect(link)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(recipient_id=request.user.pk, read_at__isnull=True).update(
        read_at=clock.now()
    )
    return redirect("notifications")
