"""The ``yishi`` console script: ``yishi audit_verify`` is ``manage.py audit_verify``."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yishi.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # "yishi audit verify" reads as the design brief writes it; map it to the command.
    if argv[1:3] == ["audit", "verify"]:
        argv = [argv[0], "audit_verify", *argv[3:]]
    execute_from_command_line(argv)
