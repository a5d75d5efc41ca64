"""No consultation setting below the seeds: the admin refuses it with the clause."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from yishi.consult import rules
from yishi.consult.models import ConsultSettings, MajorityRule
from yishi.core.clauses import in_words
from yishi.core.exceptions import RuleViolation


def _settings_form(community_pk: int, **over: object) -> dict[str, object]:
    data: dict[str, object] = {"community": community_pk, "notice_days": 3,
                               "publication_days": 7, "quorum_num": 2, "quorum_den": 3,
                               "procedures_offered": "consultation",
                               "default_procedure": "consultation"}
    data.update(over)
    return data


def _majority_form(community_pk: int, **over: object) -> dict[str, object]:
    data: dict[str, object] = {"community": community_pk, "form": "", "share_num": 1,
                               "share_den": 2, "strict": "on", "base": "present"}
    data.update(over)
    return data


@pytest.mark.parametrize("over", [{"quorum_num": 1, "quorum_den": 2},
                                  {"quorum_num": 3, "quorum_den": 5},
                                  {"notice_days": 0}])
def test_the_admin_refuses_a_consultation_setting_below_the_seed(admin_client, tree, over):
    response = admin_client.post("/admin/consult/consultsettings/add/",
                                 _settings_form(tree["a"].pk, **over))
    assert response.status_code == 200
    assert in_words("000 §(二)(4)2") in response.content.decode()
    assert not ConsultSettings.objects.exists()


@pytest.mark.parametrize("over", [{}, {"quorum_num": 3, "quorum_den": 4},
                                  {"quorum_num": 1, "quorum_den": 1}, {"notice_days": 1}])
def test_the_admin_saves_the_seed_or_a_stricter_setting(admin_client, tree, over):
    response = admin_client.post("/admin/consult/consultsettings/add/",
                                 _settings_form(tree["a"].pk, **over))
    assert response.status_code == 302
    assert ConsultSettings.objects.get().community == tree["a"]


@pytest.mark.parametrize("over", [{"share_num": 1, "share_den": 2, "strict": ""},
                                  {"share_num": 2, "share_den": 5}])
def test_the_admin_refuses_a_majority_below_more_than_half(admin_client, tree, over):
    data = _majority_form(tree["a"].pk, **over)
    if data["strict"] == "":
        del data["strict"]  # an unticked box is not posted
    response = admin_client.post("/admin/consult/majorityrule/add/", data)
    assert response.status_code == 200
    assert in_words("000 §(二)(4)3") in response.content.decode()
    assert not MajorityRule.objects.exists()


@pytest.mark.parametrize("over", [{}, {"share_num": 2, "share_den": 3, "strict": ""}])
def test_the_admin_saves_a_majority_of_more_than_half_or_more(admin_client, tree, over):
    data = _majority_form(tree["a"].pk, **over)
    if data["strict"] == "":
        del data["strict"]
    response = admin_client.post("/admin/consult/majorityrule/add/", data)
    assert response.status_code == 302
    assert MajorityRule.objects.count() == 1


def test_the_database_refuses_settings_below_the_seed_too(tree):
    for make in (lambda: ConsultSettings.objects.create(community=tree["a"], quorum_num=1,
                                                        quorum_den=2),
                 lambda: ConsultSettings.objects.create(community=tree["a"], notice_days=0),
                 lambda: MajorityRule.objects.create(community=tree["a"], share_num=1,
                                                     share_den=2, strict=False)):
        with pytest.raises(IntegrityError), transaction.atomic():
            make()
    assert not ConsultSettings.objects.exists() and not MajorityRule.objects.exists()


@given(num=st.integers(1, 60), den=st.integers(1, 60))
def test_the_quorum_floor_is_two_thirds_or_more(num, den):
    if num > den:
        return
    try:
        rules.check_quorum_floor(num, den)
    except RuleViolation as refusal:
        assert refusal.rule == "quorum_floor"
        assert Fraction(num, den) < Fraction(2, 3)
    else:
        assert Fraction(num, den) >= Fraction(2, 3)


@given(num=st.integers(1, 60), den=st.integers(1, 60), strict=st.booleans())
def test_the_majority_floor_never_lets_a_tie_pass(num, den, strict):
    if num > den:
        return
    try:
        rules.check_majority_floor(num, den, strict=strict)
    except RuleViolation as refusal:
        assert refusal.rule == "majority_floor"
    else:
        # Whatever the base, the rule never passes a tie: 5 for of a base of 10.
        assert not rules.vote_passes(yes=5, no=5, abstain=0, present=10, members=10,
                                     share=Fraction(num, den), strict=strict)
