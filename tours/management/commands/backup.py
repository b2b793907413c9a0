from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from tours.backup import write_backup


class Command(BaseCommand):
    help = (
        "Write the whole database (portable JSON) and every uploaded file into one .tar.gz. "
        "Restore it into a fresh, migrated database with `restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="file to write (default: backups/study-tours-<date-time>.tar.gz)",
        )

    def handle(self, *args, output, **options):
        if output is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            output = Path("backups") / f"study-tours-{stamp}.tar.gz"
        output.parent.mkdir(parents=True, exist_ok=True)
        manifest = write_backup(output)
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"Backup written to {output}: {rows} records, {manifest['files']} files.")
