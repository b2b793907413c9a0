from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tours.backup import read_manifest, restore_backup
from tours.models import Trip


class Command(BaseCommand):
    help = (
        "Load a backup written by `backup` into this database and its storages. The "
        "database must be freshly migrated and hold no trips (run `migrate` first); "
        "--force skips that check."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--force", action="store_true", help="restore over existing trips")

    def handle(self, *args, archive, force, **options):
        if not archive.is_file():
            raise CommandError(f"No backup at {archive}")
        if Trip.objects.exists() and not force:
            raise CommandError("This database already holds trips; restore into a fresh one.")
        manifest = read_manifest(archive)
        restore_backup(archive)
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: "
            f"{sum(manifest['counts'].values())} records, {manifest['files']} files."
        )
