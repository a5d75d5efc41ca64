import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages(request):  # type: ignore[no-untyped-def]
    """Service tests match the English message ids; pages are tested in zh-hans."""
    if request.module.__name__.rsplit(".", 1)[-1] in {"test_committee", "test_register_import"}:
        with translation.override("en"):
            yield
    else:
        yield
