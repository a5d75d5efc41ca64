from django.core.management.base import BaseCommand, CommandError

from yishi.core.audit import verify


class Command(BaseCommand):
    help = ("Verify the keyed audit chain against its head and the signed checkpoint files; "
            "exit status 0 only when it is intact.")

    def handle(self, *args: object, **options: object) -> None:
        result = verify()
        if not result.ok:
            where = f" at event #{result.bad_event_id}" if result.bad_event_id else ""
            raise CommandError(
                f"audit chain broken{where}: {result.reason} "
                f"({result.checked} events verified before it)"
            )
        latest = result.latest_checkpoint
        against = (f", {result.checkpoints} checkpoint(s), the latest after event "
                   f"{latest.count} at {latest.at}" if latest else ", no checkpoint yet")
        self.stdout.write(self.style.SUCCESS(
            f"audit chain intact: {result.checked} events in {result.chains} chain(s){against}"))
