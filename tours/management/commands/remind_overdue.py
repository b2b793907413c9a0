from django.core.management.base import BaseCommand

from tours.notifications import send_deadline_reminders


class Command(BaseCommand):
    """E-mail each action owner a digest of their overdue items and those due within 7 days.

    Run it daily from cron; an owner gets at most one such e-mail a day, however often
    it runs. See README.md for the cron line.
    """

    help = (
        "E-mail each action owner their overdue action items and those due within 7 days "
        "(at most once a day per owner)."
    )

    def handle(self, *args, **options):
        sent = send_deadline_reminders()
        self.stdout.write(f"Deadline reminders sent: {sent}.")
