"""Two SQL expressions the dashboards group by, written per database so they stay native.

Django's own ``ExtractMonth``/``TruncDate`` with a time zone run as Python functions row by
row on SQLite; over a city's million opinions that costs seconds. These use SQLite's
``strftime``/``julianday`` and PostgreSQL's ``AT TIME ZONE``/``EXTRACT`` instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Func, IntegerField


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _sqlite_offset() -> str:
    """The zone's offset as an SQLite modifier ('+480 minutes'); Asia/Shanghai has no DST."""
    offset = datetime(2000, 1, 1, tzinfo=_zone()).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return f"{minutes:+d} minutes"


class LocalMonth(Func):
    """The month (1–12) of a stored UTC datetime, in the site's time zone."""

    arity = 1
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(strftime(%s, {sql}, %s) AS INTEGER)", ["%m", *params, _sqlite_offset()]

    def as_postgresql(self, compiler: Any, connection: Any,
                      **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        # date_part (double precision) rather than EXTRACT (numeric): cheaper per row.
        return (f"CAST(date_part('month', ({sql}) AT TIME ZONE %s) AS INTEGER)",
                [*params, settings.TIME_ZONE])


class DaysBetween(Func):
    """Whole days elapsed from ``start`` to ``end`` (both datetimes), rounded down."""

    arity = 2
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        (a, pa), (b, pb) = (compiler.compile(e) for e in self.source_expressions)
        return f"CAST(julianday({b}) - julianday({a}) AS INTEGER)", [*pb, *pa]

    def as_postgresql(self, compiler: Any, connection: Any,
                      **extra: Any) -> tuple[str, list[Any]]:
        (a, pa), (b, pb) = (compiler.compile(e) for e in self.source_expressions)
        # The day field of the interval: whole days elapsed (intervals from subtracting
        # timestamps carry days and time, never months).
        return f"CAST(date_part('day', {b} - {a}) AS INTEGER)", [*pb, *pa]


class LocalYear(Func):
    """The year of a stored UTC datetime, in the site's time zone."""

    arity = 1
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(strftime(%s, {sql}, %s) AS INTEGER)", ["%Y", *params, _sqlite_offset()]

    def as_postgresql(self, compiler: Any, connection: Any,
                      **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return (f"CAST(date_part('year', ({sql}) AT TIME ZONE %s) AS INTEGER)",
                [*params, settings.TIME_ZONE])
