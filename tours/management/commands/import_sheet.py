from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from tours.models import Trip
from tours.services import import_sheet, preview_sheet
from tours.sheets import SHEETS, read_sheet


class Command(BaseCommand):
    """Import a roster, itinerary or action list (.xlsx or .csv) into a trip, all or nothing.

    Prints what was (or with --dry-run, would be) created, updated and left alone, and every
    problem by row and column; exits with an error and saves nothing if there is one.
    """

    help = "Import a roster, itinerary or action list (.xlsx or .csv) into a trip."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--trip", type=int, required=True, help="the trip's id")
        parser.add_argument("--sheet", choices=sorted(SHEETS), required=True)
        parser.add_argument("--dry-run", action="store_true", help="check and report only")
        parser.add_argument(
            "--user", help="record this username in the history and check its permissions"
        )

    def handle(self, *args, file, trip, sheet, dry_run, user, **options):
        trip_obj = Trip.objects.filter(pk=trip).first()
        if trip_obj is None:
            raise CommandError(f"No trip with id {trip}.")
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"No user named {user}.")
        try:
            with file.open("rb") as handle:
                table = read_sheet(handle, sheet)
            service = preview_sheet if dry_run else import_sheet
            preview = service(trip=trip_obj, user=account, sheet=sheet, table=table)
        except OSError as error:
            raise CommandError(str(error)) from None
        except PermissionDenied:
            raise CommandError(f"{user} may not import a {sheet} sheet.") from None
        except ValidationError as invalid:
            for message in invalid.messages:
                self.stderr.write(message)
            raise CommandError("Nothing was imported.") from None
        for row in preview.changed_rows:
            self.stdout.write(f"{row.number}\t{row.action_label}\t{row.label}")
        for message in [*preview.warnings, *preview.errors]:
            self.stderr.write(str(message))
        self.stdout.write(
            f"{'Would import' if dry_run else 'Imported'}: {preview.created} new, "
            f"{preview.updated} updated, {preview.unchanged} unchanged; "
            f"{len(preview.new_people)} new people, "
            f"{len(preview.new_organizations)} new organizations."
        )
        if preview.errors:
            raise CommandError("The sheet has errors; nothing would be imported.")
