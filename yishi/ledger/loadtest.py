"""A whole city at once (issue 12, item 5): accounts with sessions on a generated city, then
a mixed workload at a fixed rate from this process against a server on loopback.

``prepare`` gives a slice of the generated city's communities residents, staff and
township officials with accounts and signed-in sessions, one open joint proposal per
community (with enough registered adults that the signatures stay under its threshold) and
an opinion per resident. ``drive`` sends requests on an open loop: request *i* is due at
``i / rate`` seconds, whatever the server's state, and its latency is counted from when it
was due, so a server that falls behind shows its queue in the figures instead of slowing
the load down. Every write the server acknowledged is then looked up in the database
(``lost``). ``measure_pages`` runs each page closed-loop beside the bare one-query view
(``/healthz/``) and gives each page's throughput as a ratio to it.
"""

from __future__ import annotations

import http.client
import queue
import random
import statistics
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction

from yishi.consult.models import Topic
from yishi.intake import services as intake
from yishi.intake.models import Opinion, Signature
from yishi.places.models import Person, Place, PlaceKind, Role, RoleKind

CSRF = "yishiloadtestcsrftoken0123456789"  # 32 characters: an unmasked CSRF secret


@dataclass
class Account:
    username: str
    session: str
    community: int
    kind: str  # "resident", "staff", "township", "city"
    person: int = 0
    opinion: int = 0
    topic: int = 0
    proposal: int = 0
    street: int = 0


@dataclass
class Plan:
    accounts: list[Account]
    communities: list[int]
    notices: list[int] = field(default_factory=list)


def _session(user: Any) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["_yishi_renewed"] = int(time.time())
    store.set_expiry(24 * 3600)
    store.create()
    return str(store.session_key)


def prepare(*, users: int = 500, communities: int = 50, prefix: str = "lt") -> Plan:
    """Accounts with sessions on the generated city; run again, it makes new ones."""
    User = get_user_model()
    run = uuid.uuid4().hex[:6]
    places = list(Place.objects.filter(kind=PlaceKind.COMMUNITY).select_related("parent")
                  .order_by("pk")[:communities])
    if not places:
        raise ValueError("no communities: run manage.py generate_city first")
    password = make_password(None)  # unusable: these accounts sign in by session only
    per_place = max(1, (users - 2 * len(places)) // len(places))
    adult = date(1980, 1, 1)
    accounts: list[Account] = []
    for place in places:
        with transaction.atomic():
            # Enough registered adults that a proposal's threshold (1/10) stays out of reach.
            Person.objects.bulk_create(
                Person(name=f"居民{i}", community=place, birth_date=adult,
                       registered_on=date(2010, 1, 1)) for i in range(10 * per_place + 10))
            staff_user = User.objects.create(username=f"{prefix}-{run}-staff-{place.pk}",
                                             password=password)
            staff = Person.objects.create(name="社区工作者", user=staff_user, community=place,
                                          birth_date=adult, registered_on=date(2010, 1, 1))
            Role.objects.create(person=staff, place=place, kind=RoleKind.STAFF,
                                start=date(2000, 1, 1))
            town_user = User.objects.create(username=f"{prefix}-{run}-town-{place.pk}",
                                            password=password)
            town = Person.objects.create(name="街道干部", user=town_user, birth_date=adult)
            street = place.parent or place
            Role.objects.create(person=town, place=street, kind=RoleKind.TOWNSHIP,
                                start=date(2000, 1, 1))
        topic = Topic.objects.filter(community=place).values_list("pk", flat=True).first() or 0
        accounts.append(Account(staff_user.username, _session(staff_user), place.pk, "staff",
                                person=staff.pk, topic=topic))
        accounts.append(Account(town_user.username, _session(town_user), place.pk, "township",
                                person=town.pk, street=street.pk))
        residents = []
        for i in range(per_place):
            user = User.objects.create(username=f"{prefix}-{run}-res-{place.pk}-{i}",
                                       password=password)
            person = Person.objects.create(name=f"住户{i}", user=user, community=place,
                                           birth_date=adult, registered_on=date(2010, 1, 1))
            residents.append((user, person))
        proposer = residents[0][0]
        draft = intake.draft_proposal(actor=proposer, title="加装电梯", text="五号楼加装电梯。",
                                      category="construction")
        proposal = intake.open_proposal(actor=proposer, proposal=draft)
        for user, person in residents:
            opinion = intake.raise_opinion(actor=user, community=place, place=place,
                                           title="楼道灯不亮", text="三楼楼道灯不亮。",
                                           category="utilities")
            accounts.append(Account(user.username, _session(user), place.pk, "resident",
                                    person=person.pk, opinion=opinion.pk,
                                    proposal=proposal.pk if user != proposer else 0))
    # One official of the whole city, for its dashboard (``measure_pages``).
    root = Place.objects.get(pk=int(places[0].path.strip("/").split("/")[0]))
    with transaction.atomic():
        city_user = User.objects.create(username=f"{prefix}-{run}-city", password=password)
        official = Person.objects.create(name="市民政局干部", user=city_user, birth_date=adult)
        Role.objects.create(person=official, place=root, kind=RoleKind.CITY,
                            start=date(2000, 1, 1))
    accounts.append(Account(city_user.username, _session(city_user), places[0].pk, "city",
                            person=official.pk, street=root.pk))
    from yishi.disclosure.models import Notice

    notices = list(Notice.objects.filter(community__in=places).values_list("pk", flat=True)[:200])
    return Plan(accounts=accounts, communities=[p.pk for p in places], notices=notices)


# --- Requests ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    kind: str
    method: str
    path: str
    account: Account | None = None
    body: dict[str, str] | None = None
    marker: tuple[str, Any] | None = None  # what the database must hold if acknowledged


class Mix:
    """The workload: what each request is, drawn at random with fixed weights."""

    READS = [("board", 25), ("notice", 10), ("opinion", 15), ("queue", 10), ("topic", 10),
             ("dashboard", 10)]

    def __init__(self, plan: Plan, write_share: float, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.plan = plan
        self.write_share = write_share
        self.by_kind: dict[str, list[Account]] = {}
        for a in plan.accounts:
            self.by_kind.setdefault(a.kind, []).append(a)
        self.unsigned = [a for a in self.by_kind.get("resident", []) if a.proposal]
        self.rng.shuffle(self.unsigned)
        self.lock = threading.Lock()

    def next(self) -> Call:
        rng = self.rng
        if rng.random() < self.write_share:
            with self.lock:
                signer = self.unsigned.pop() if self.unsigned and rng.random() < 0.4 else None
            if signer is not None:
                return Call("sign", "POST", f"/intake/proposals/{signer.proposal}/sign/",
                            signer, {}, ("sign", (signer.person, signer.proposal)))
            resident = rng.choice(self.by_kind["resident"])
            mark = f"LT-{uuid.uuid4().hex[:12]}"
            return Call("raise", "POST", "/intake/opinions/new/", resident,
                        {"title": f"垃圾桶满了 {mark}", "text": "北门垃圾桶满了，请及时清运。",
                         "category": "sanitation", "place": str(resident.community)},
                        ("opinion", mark))
        kind = rng.choices([k for k, _w in self.READS], [w for _k, w in self.READS])[0]
        if kind == "board":
            return Call(kind, "GET", f"/public/{rng.choice(self.plan.communities)}/")
        if kind == "notice" and self.plan.notices:
            return Call(kind, "GET", f"/public/notices/{rng.choice(self.plan.notices)}/")
        if kind == "notice":
            return Call(kind, "GET", f"/public/{rng.choice(self.plan.communities)}/archive/")
        if kind == "opinion":
            a = rng.choice(self.by_kind["resident"])
            return Call(kind, "GET", f"/intake/opinions/{a.opinion}/", a)
        if kind == "queue":
            return Call(kind, "GET", "/intake/queue/", rng.choice(self.by_kind["staff"]))
        if kind == "topic":
            staff = [a for a in self.by_kind["staff"] if a.topic] or self.by_kind["staff"]
            a = rng.choice(staff)
            return Call(kind, "GET", f"/consult/topics/{a.topic}/" if a.topic else "/", a)
        a = rng.choice(self.by_kind["township"])
        return Call(kind, "GET", f"/ledger/places/{a.street}/", a)


class _Client:
    """One keep-alive connection per thread."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn: http.client.HTTPConnection | None = None

    def send(self, call: Call) -> int:
        headers = {"Host": f"{self.host}:{self.port}", "Connection": "keep-alive"}
        cookies = [f"csrftoken={CSRF}"]
        if call.account is not None:
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={call.account.session}")
        headers["Cookie"] = "; ".join(cookies)
        payload = None
        if call.method == "POST":
            payload = urlencode({**(call.body or {}), "csrfmiddlewaretoken": CSRF}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}/"
        if call.method == "POST" and self.conn is not None:
            # A write goes on a fresh connection and is never sent twice: a retry after a
            # dropped connection could make it twice.
            self.conn.close()
            self.conn = None
        for attempt in (1, 2) if call.method == "GET" else (2,):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.conn.request(call.method, call.path, body=payload, headers=headers)
                response = self.conn.getresponse()
                response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return response.status
            except (ConnectionError, http.client.HTTPException, OSError):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


@dataclass
class Result:
    sent: int
    seconds: float
    latencies: list[float]
    statuses: Counter[str]
    errors: list[str]
    acknowledged: list[tuple[str, Any]]
    by_kind: dict[str, list[float]]
    lost: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    def percentile(self, q: float, values: list[float] | None = None) -> float:
        data = sorted(self.latencies if values is None else values)
        if not data:
            return 0.0
        return data[min(len(data) - 1, int(q * len(data)))]


OK = {"GET": {200}, "POST": {302}}


def drive(base: str, plan: Plan, *, rate: float, seconds: float, write_share: float = 0.2,
          threads: int = 64, seed: int = 1) -> Result:
    """Send ``rate`` requests a second for ``seconds`` on an open loop, then check writes."""
    mix = Mix(plan, write_share, seed)
    total = int(rate * seconds)
    jobs: queue.Queue[tuple[float, Call] | None] = queue.Queue()
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = {}
    statuses: Counter[str] = Counter()
    errors: list[str] = []
    acknowledged: list[tuple[str, Any]] = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.2

    def worker() -> None:
        client = _Client(base)
        while (item := jobs.get()) is not None:
            due, call = item
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            try:
                status = client.send(call)
                problem = None if status in OK[call.method] else f"{call.kind} {call.path}: {status}"
            except Exception as exc:  # counted as an error, never hidden
                status, problem = 0, f"{call.kind} {call.path}: {type(exc).__name__}: {exc}"
            took = time.perf_counter() - due
            with lock:
                latencies.append(took)
                by_kind.setdefault(call.kind, []).append(took)
                statuses[f"{call.method} {status}"] += 1
                if problem:
                    errors.append(problem)
                elif call.marker is not None:
                    acknowledged.append(call.marker)

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for i in range(total):
        jobs.put((start + i / rate, mix.next()))
    for _ in pool:
        jobs.put(None)
    for t in pool:
        t.join()
    result = Result(total, max(1e-9, time.perf_counter() - start), latencies, statuses,
                    errors, acknowledged, by_kind)
    result.lost = lost_writes(acknowledged)
    return result


def lost_writes(acknowledged: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Every write the server said it made that the database does not hold."""
    marks = [m for kind, m in acknowledged if kind == "opinion"]
    signs = [tuple(m) for kind, m in acknowledged if kind == "sign"]
    found: set[str] = set()
    for i in range(0, len(marks), 500):
        titles = Opinion.objects.filter(
            title__in=[f"垃圾桶满了 {m}" for m in marks[i:i + 500]]).values_list("title", flat=True)
        found.update(title.rsplit(" ", 1)[-1] for title in titles)
    proposals = {q for _p, q in signs}
    signed = set(Signature.objects.filter(proposal__in=proposals, withdrawn_at__isnull=True)
                 .values_list("person_id", "proposal_id")) if proposals else set()
    return ([("opinion", m) for m in marks if m not in found]
            + [("sign", m) for m in signs if m not in signed])


def _closed_loop(base: str, calls: list[Call], seconds: float, clients: int) -> float:
    """Requests a second with ``clients`` each sending the next call as soon as one returns."""
    done = [0] * clients
    failures: list[str] = []
    stop = time.perf_counter() + seconds

    def loop(i: int) -> None:
        client = _Client(base)
        n = 0
        while time.perf_counter() < stop:
            call = calls[(i * 31 + n) % len(calls)]
            status = client.send(call)
            if status != 200:
                failures.append(f"{call.path}: {status}")
            n += 1
        done[i] = n

    started = time.perf_counter()
    pool = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if failures:
        raise RuntimeError(f"{failures[0]} ({len(failures)} failures)")
    return sum(done) / (time.perf_counter() - started)


def measure_pages(base: str, plan: Plan, *, seconds: float = 5.0,
                  clients: int = 8) -> dict[str, float]:
    """Requests a second of each page, closed loop with ``clients`` at once; "bare" is the
    one-query view the others are held against."""
    mix = Mix(plan, 0.0)
    figures = {"bare": _closed_loop(base, [Call("bare", "GET", "/healthz/")], seconds, clients)}
    for kind, _w in Mix.READS:
        calls: list[Call] = []
        while len(calls) < 200:
            call = mix.next()
            if call.kind == kind:
                calls.append(call)
        figures[kind] = _closed_loop(base, calls, seconds, clients)
    # The city's dashboard (a page of its streets and the city's own sum): not in the mix,
    # where a city's few officials are lost among its residents, but a figure of its own.
    city = [Call("city", "GET", f"/ledger/places/{a.street}/", a)
            for a in mix.by_kind.get("city", [])]
    if city:
        figures["city"] = _closed_loop(base, city, seconds, clients)
    return figures


def summary(result: Result) -> list[str]:
    ms = 1000.0
    lines = [
        f"sent {result.sent} requests in {result.seconds:.1f} s: {result.rate:.1f} req/s",
        f"latency p50 {result.percentile(0.5) * ms:.0f} ms, p95 "
        f"{result.percentile(0.95) * ms:.0f} ms, p99 {result.percentile(0.99) * ms:.0f} ms "
        "(from when each request was due)",
        f"errors {len(result.errors)}; writes acknowledged {len(result.acknowledged)}, "
        f"lost {len(result.lost)}",
        "statuses " + ", ".join(f"{k}: {v}" for k, v in sorted(result.statuses.items())),
    ]
    for kind, values in sorted(result.by_kind.items()):
        lines.append(f"  {kind:<10} n={len(values):<6} p50 {statistics.median(values) * ms:.0f} ms"
                     f"  p95 {result.percentile(0.95, values) * ms:.0f} ms")
    lines += [f"  error: {e}" for e in result.errors[:10]]
    return lines
