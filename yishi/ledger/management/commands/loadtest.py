"""``manage.py loadtest``: a whole city at once, from a second process on loopback.

On a database ``generate_city`` filled (the same ``DATABASE_URL``), it makes accounts
with sessions (``yishi.ledger.loadtest.prepare``), starts gunicorn with ``--workers``
web workers on a free loopback port with ``--task-workers`` task workers beside it, as
deployed (or uses ``--url``), measures each page and the city's dashboard beside the
bare one-query view (``--pages``), then drives the mixed load at ``--rate`` requests a
second for ``--seconds`` and prints the achieved rate, p50/p95/p99, errors and the
lost-write check. Exit status 1 when any request failed or any acknowledged write is lost.

Run it with the production settings (the three keys set, ``YISHI_DEBUG`` unset): with
DEBUG on, Django keeps every query in memory and the figures come out pessimistic.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yishi.ledger import loadtest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Command(BaseCommand):
    help = "Drive a mixed city workload against a server on loopback and report the figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=500)
        parser.add_argument("--communities", type=int, default=50)
        parser.add_argument("--rate", type=float, default=50.0, help="requests a second")
        parser.add_argument("--seconds", type=float, default=60.0)
        parser.add_argument("--writes", type=float, default=0.2, help="share of writes")
        parser.add_argument("--threads", type=int, default=64, help="client threads")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn web workers")
        parser.add_argument("--task-workers", type=int, default=1,
                            help="task workers beside the server (the districts' and the "
                                 "city's dashboard sums, deliveries)")
        parser.add_argument("--url", default="", help="an already running server instead")
        parser.add_argument("--pages", action="store_true",
                            help="first measure each page beside the bare view")
        parser.add_argument("--page-seconds", type=float, default=5.0)

    def handle(self, *args: Any, **o: Any) -> None:
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: the figures will be pessimistic")
        plan = loadtest.prepare(users=o["users"], communities=o["communities"])
        self.stdout.write(f"{len(plan.accounts)} accounts with sessions in "
                          f"{len(plan.communities)} communities")
        server = None
        helpers: list[subprocess.Popen[bytes]] = []
        url = o["url"]
        outbox = tempfile.TemporaryDirectory(prefix="yishi-loadtest-outbox-")
        if not url:
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            # As deployed, but the residents' messages go to a scratch outbox, not to mail.
            env = {**os.environ, "YISHI_ALLOWED_HOSTS": "127.0.0.1,localhost",
                   "YISHI_NOTIFICATION_BACKENDS": "yishi.core.channels.FileBackend",
                   "YISHI_OUTBOX_DIR": outbox.name}
            env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "yishi.wsgi", "-w", str(o["workers"]),
                 "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120",
                 "--backlog", "2048"], env=env)
            helpers = [subprocess.Popen([sys.executable, "-m", "django", "worker"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                       for _ in range(o["task_workers"])]
            self._wait_for(url, server)
        try:
            if o["pages"]:
                figures = loadtest.measure_pages(url, plan, seconds=o["page_seconds"])
                bare = figures["bare"]
                self.stdout.write(f"{'page':<11} {'req/s':>8} {'× bare':>7}")
                for kind, value in figures.items():
                    self.stdout.write(f"{kind:<11} {value:>8.1f} {value / bare:>7.2f}")
            result = loadtest.drive(url, plan, rate=o["rate"], seconds=o["seconds"],
                                    write_share=o["writes"], threads=o["threads"])
        finally:
            for process in [p for p in (server, *helpers) if p is not None]:
                process.terminate()
                process.wait(timeout=30)
            outbox.cleanup()
        self.stdout.write(f"{o['users']} users, {o['rate']:g} req/s asked for "
                          f"{o['seconds']:g} s, {o['writes']:.0%} writes, "
                          f"{o['workers']} web workers, {o['task_workers']} task workers")
        for line in loadtest.summary(result):
            self.stdout.write(line)
        if result.errors or result.lost:
            raise CommandError(f"{len(result.errors)} errors, {len(result.lost)} lost writes")

    def _wait_for(self, url: str, server: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError("the server did not start (is gunicorn installed, and the "
                                   "production keys set?)")
            try:
                with urllib.request.urlopen(f"{url}/healthz/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        server.terminate()
        raise CommandError("the server did not answer within 60 s")
