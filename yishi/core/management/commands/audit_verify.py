from django.core.management.base import BaseCommand, CommandError

from yishi.core.audit import verify


class Command(BaseCommand):
    help = "Verify the hash-chained audit log; exit status 0 only when it is intact."

    def handle(self, *args: object, **options: object) -> None:
        result = verify()
        if not result.ok:
            raise CommandError(
                f"audit chain broken at event #{result.bad_event_id}: {result.reason} "
                f"({result.checked} events verified before it)"
            )
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {result.checked} events"))
