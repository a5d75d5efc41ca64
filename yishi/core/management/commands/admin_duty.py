"""The installer's tool for the three administrators (三员分立), run on the server.

    manage.py admin_duty grant <username> system|security|audit
    manage.py admin_duty end <username>
    manage.py admin_duty reset-device <username>   # a lost phone: enrol again
    manage.py admin_duty list

Each change is one audit event by ``system:installer``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from yishi.core import audit, services
from yishi.core.exceptions import RuleViolation
from yishi.core.models import AdminDuty, Duty


class Command(BaseCommand):
    help = "Grant, end or list the system, security and audit administrators' duties."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        grant = sub.add_parser("grant", help="make an account one of the administrators")
        grant.add_argument("username")
        grant.add_argument("duty", choices=Duty.values)
        end = sub.add_parser("end", help="end the account's duty")
        end.add_argument("username")
        reset = sub.add_parser("reset-device", help="remove the account's second-factor device")
        reset.add_argument("username")
        sub.add_parser("list", help="who holds which duty")

    def _account(self, username: str) -> Any:
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no account named {username!r}") from None

    def handle(self, *args: Any, **options: Any) -> None:
        what = options["what"]
        if what == "list":
            for row in AdminDuty.objects.filter(ended_at__isnull=True).select_related("user"):
                self.stdout.write(f"{row.duty}\t{row.user.username}\t"
                                  f"since {row.granted_at:%Y-%m-%d}")
            return
        account = self._account(options["username"])
        try:
            if what == "grant":
                services.grant_duty(actor=services.INSTALLER, user=account,
                                    duty=options["duty"])
                self.stdout.write(self.style.SUCCESS(
                    f"{account.username} is now the {options['duty']} administrator; the "
                    "account sets up its second factor at its next sign-in"))
            elif what == "end":
                held = AdminDuty.objects.filter(user=account, ended_at__isnull=True).first()
                if held is None:
                    raise CommandError(f"{account.username} holds no duty")
                services.end_duty(actor=services.INSTALLER, row=held)
                self.stdout.write(self.style.SUCCESS(f"{account.username}'s duty has ended"))
            else:
                with transaction.atomic():
                    devices = list(TOTPDevice.objects.filter(user=account))
                    for device in devices:
                        audit.record(actor=services.INSTALLER,
                                     action="account.second_factor_removed", obj=device)
                        device.delete()
                self.stdout.write(self.style.SUCCESS(
                    f"{len(devices)} device(s) removed; {account.username} enrols again at "
                    "the next sign-in"))
        except RuleViolation as error:
            raise CommandError(error.message) from None
