"""Two clerks recording the same procedure step at the same moment: on PostgreSQL with threads."""

from __future__ import annotations

import pytest
from django.db import connection

from yishi.consult import procedure_services as ps
from yishi.consult.models import ProcedureStep
from yishi.core.exceptions import RuleViolation
from yishi.core.models import AuditEvent
from yishi.places.tests.factories import staff

from .helpers import candidate
from .test_concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_two_clerks_recording_the_same_step_record_it_once(tree, cast) -> None:
    clerk = staff(tree["a"], username="clerk_two").user
    topic = candidate(cast, tree, mandatory=False)
    topic = ps.choose_procedure(actor=cast["staff_a"].user, topic=topic, procedure="four_two")
    ps.record_procedure_step(actor=cast["party_a"].user, topic=topic, step="party_proposes")
    results = run_together([
        lambda: ps.record_procedure_step(actor=cast["staff_a"].user, topic=topic,
                                         step="committees_discuss", note="一"),
        lambda: ps.record_procedure_step(actor=clerk, topic=topic, step="committees_discuss",
                                         note="二"),
    ])
    ok = [r for r in results if isinstance(r, ProcedureStep)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(ok) == 1 and len(refused) == 1, results
    assert refused[0].rule == "step_order"
    assert ProcedureStep.objects.filter(topic=topic, step="committees_discuss").count() == 1
    assert AuditEvent.objects.filter(action="topic.procedure.committees_discuss").count() == 1
