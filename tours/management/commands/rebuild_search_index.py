from django.core.management.base import BaseCommand

from tours import search


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index from every trip, site visit, takeaway, question "
        "and action item. Saves keep the index in step; run this after loading data that "
        "bypassed them (fixtures, raw SQL, a restored backup) or after changing what is indexed."
    )

    def handle(self, *args, **options):
        counts = search.rebuild()
        summary = ", ".join(f"{count} {slug}s" for slug, count in counts.items())
        self.stdout.write(f"Search index rebuilt: {summary}.")
