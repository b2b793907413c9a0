from django.core.management.base import BaseCommand

from tours.notifications import send_progress_digests


class Command(BaseCommand):
    """E-mail whoever created or follows action items the progress updates posted since
    their last digest, so a leader sees 有回音 without checking the site.

    Run it daily from cron; each person gets at most one digest a day.
    """

    help = (
        "E-mail the creators and followers of action items the progress updates posted "
        "since their last digest (at most once a day each)."
    )

    def handle(self, *args, **options):
        sent = send_progress_digests()
        self.stdout.write(f"Progress digests sent: {sent}.")
