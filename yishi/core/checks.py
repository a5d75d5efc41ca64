"""Start-up checks for a production configuration (``YISHI_DEBUG`` off).

``manage.py check --deploy`` reports them as errors, and the WSGI
entry point (``yishi/wsgi.py``) refuses to start with any of them: no server runs in
production with the development secret key, audit key or data key.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me"


def production_problems() -> list[checks.Error]:
    if settings.DEBUG:
        return []
    from .audit import DEVELOPMENT_KEY
    from .crypto import DEVELOPMENT_DATA_KEY

    problems = []
    if not settings.SECRET_KEY or settings.SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        problems.append(checks.Error(
            "YISHI_SECRET_KEY is not set: production needs a long random secret key.",
            hint="Set YISHI_SECRET_KEY (e.g. `python -c \"import secrets; "
                 "print(secrets.token_urlsafe(50))\"`), or YISHI_DEBUG=1 for development.",
            id="yishi.E001"))
    key = getattr(settings, "YISHI_AUDIT_KEY", "")
    if not key or key == DEVELOPMENT_KEY:
        problems.append(checks.Error(
            "YISHI_AUDIT_KEY is not set: production needs the audit chain's own key, kept "
            "outside the database.",
            hint="Set YISHI_AUDIT_KEY, or YISHI_AUDIT_KEY_FILE naming a file only the server "
                 "reads (docs/security.md, \"Audit\").",
            id="yishi.E002"))
    elif len(key) < 32:
        problems.append(checks.Error("YISHI_AUDIT_KEY is shorter than 32 characters.",
                                     id="yishi.E003"))
    data_key = getattr(settings, "YISHI_DATA_KEY", "")
    if not data_key or data_key == DEVELOPMENT_DATA_KEY:
        problems.append(checks.Error(
            "YISHI_DATA_KEY is not set: production needs the key of the residents' phone and "
            "ID numbers at rest, kept outside the database and its backups.",
            hint="Set YISHI_DATA_KEY, or YISHI_DATA_KEY_FILE naming a file only the server "
                 "reads (docs/security.md, \"Personal numbers at rest\").",
            id="yishi.E004"))
    elif len(data_key) < 32:
        problems.append(checks.Error("YISHI_DATA_KEY is shorter than 32 characters.",
                                     id="yishi.E005"))
    elif data_key == key:
        problems.append(checks.Error(
            "YISHI_DATA_KEY is the audit key: each key has one purpose (a copy of the one "
            "must not open the other).", id="yishi.E006"))
    return problems


def database_problems(databases: dict[str, dict[str, Any]], *, replicas: list[str],
                      pgbouncer: bool) -> list[checks.Error]:
    """Replicas and PgBouncer only make sense over PostgreSQL (yishi/core/databases.py)."""
    from .databases import POSTGRESQL

    problems = []
    primary = databases["default"]["ENGINE"]
    for alias in replicas:
        engine = databases[alias]["ENGINE"]
        if primary != POSTGRESQL or engine != POSTGRESQL:
            problems.append(checks.Error(
                f"The read replica '{alias}' is {engine} and the primary {primary}: read "
                "replicas are PostgreSQL streaming replicas of a PostgreSQL primary.",
                hint="Set YISHI_REPLICA_URL to postgres:// URLs of the primary's standbys, "
                     "or unset it (docs/scaling.md, \"Read replicas\").",
                id="yishi.E007"))
    if pgbouncer and primary != POSTGRESQL:
        problems.append(checks.Error(
            f"YISHI_PGBOUNCER=1 but the database is {primary}: PgBouncer pools PostgreSQL "
            "connections only.",
            hint="Set DATABASE_URL to PgBouncer's postgres:// address, or unset "
                 "YISHI_PGBOUNCER (docs/scaling.md, \"PgBouncer\").",
            id="yishi.E008"))
    return problems


def check_databases(app_configs: Any = None, **kwargs: Any) -> list[checks.Error]:
    return database_problems(settings.DATABASES,
                             replicas=list(getattr(settings, "YISHI_READ_REPLICAS", [])),
                             pgbouncer=getattr(settings, "YISHI_PGBOUNCER", False))


def check_production(app_configs: Any = None, **kwargs: Any) -> list[checks.Error]:
    return production_problems()


def refuse_to_start_misconfigured() -> None:
    """Called by the WSGI entry point: a production server never starts misconfigured."""
    problems = production_problems()
    if problems:
        raise ImproperlyConfigured("; ".join(str(p.msg) for p in problems))
