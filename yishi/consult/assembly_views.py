"""The residents' (villagers') meeting or representatives' meeting: its record, attendance
and count (001 §二(一)1). Thin: the services check every rule."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yishi.core.refusals import Action, attempt_action
from yishi.intake import selectors as register
from yishi.places.models import Person
from yishi.places.permissions import is_staff_at

from . import access, forms, rules, services
from .models import Assembly, AssemblyAttendance
from .services import assemblies


def _assembly(user: Any, pk: int, *, staff_only: bool) -> Assembly:
    assembly = Assembly.objects.select_related("topic__community").filter(pk=pk).first()
    if assembly is None:
        raise Http404
    if staff_only:
        access.get_topic_for_staff(user, assembly.topic_id)
    else:
        access.get_topic_for_user(user, assembly.topic_id)
    return assembly


@login_required
def assembly_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Who is eligible and present, the quorum (还差 N 人), then the count and its arithmetic."""
    assembly = _assembly(request.user, pk, staff_only=False)
    community = assembly.topic.community
    staff = is_staff_at(request.user, community)
    present = assemblies.present_count(assembly)
    attendance = list(AssemblyAttendance.objects.filter(assembly=assembly)
                      .select_related("person").order_by("at", "id"))
    here = {a.person_id for a in attendance}
    reps: list[Person] = []
    if staff and assembly.kind == "representatives" and not assembly.decided:
        ids = register.representative_ids(community, assembly.held_on)
        reps = [p for p in Person.objects.filter(pk__in=ids).order_by("name", "pk")
                if p.pk not in here]
    return render(request, "consult/assembly.html", {
        "assembly": assembly, "topic": assembly.topic, "staff": staff,
        "acting": staff and services.can_run(request.user, community),
        "present": present, "attendance": attendance if staff else [],
        "needed": rules.needed_for_assembly(kind=assembly.kind, eligible=assembly.eligible),
        "missing": rules.missing_for_assembly(kind=assembly.kind, eligible=assembly.eligible,
                                              present=present),
        "quorum_clause": rules.ASSEMBLY_QUORUMS[assembly.kind][2],
        "representatives": reps,
        "attend_form": forms.AssemblyAttendForm(community=community, auto_id="attend_%s"),
        "decision_form": forms.AssemblyDecisionForm(auto_id="decide_%s"),
        "explanation": assemblies.explanation(assembly),
    })


ASSEMBLY_ACTIONS: dict[str, Action[Assembly]] = {
    "attend": Action(
        form=lambda a, post: forms.AssemblyAttendForm(post, community=a.topic.community),
        run=lambda user, a, d: services.mark_present(actor=user, assembly=a, person=d["found"])),
    "decide": Action(
        form=lambda a, post: forms.AssemblyDecisionForm(post),
        run=lambda user, a, d: services.decide_assembly(
            actor=user, assembly=a, yes=d["yes"], no=d["no"], abstain=d["abstain"],
            decision=d["decision"], minutes=d["minutes"])),
}


@login_required
@require_POST
def assembly_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    assembly = _assembly(request.user, pk, staff_only=True)
    attempt_action(request, ASSEMBLY_ACTIONS, action, assembly, done=_("Saved."))
    return redirect("consult:assembly", assembly.pk)



