"""A community with an entrusted topic, the body that entrusted it, another body, a township."""

from __future__ import annotations

import pytest

from .factories import body, topic_with_outcome


@pytest.fixture
def bodies(tree, people):  # type: ignore[no-untyped-def]
    """区民政局 (which entrusts) and 区住建局 (which does not), each with an official."""
    asked, asked_user = body(tree["city"], "区民政局", username="minzheng")
    other, other_user = body(tree["city"], "区住建局", username="zhujian")
    return {"asked": asked, "asked_user": asked_user, "other": other, "other_user": other_user}


@pytest.fixture
def entrusted(tree, bodies):  # type: ignore[no-untyped-def]
    return topic_with_outcome(tree["a"], entrusted_by="区民政局", title="养老服务站选址")


@pytest.fixture
def users(people):  # type: ignore[no-untyped-def]
    return {k: p.user for k, p in people.items()}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Photos uploaded by the tests land in a temporary folder, not in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
