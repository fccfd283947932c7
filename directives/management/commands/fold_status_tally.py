"""python manage.py fold_status_tally: add the status tally's pending deltas into its base rows now."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from directives.models import fold_deltas


class Command(BaseCommand):
    help = "Fold the status tally's pending deltas into its base rows (beat does it every 15 seconds)."

    def handle(self, *args, **options):
        folded = fold_deltas()
        if folded is None:
            self.stdout.write(gettext("Another fold of the status tally is running; it folds the pending changes."))
        else:
            self.stdout.write(gettext("Status tally: %(n)d pending changes folded.") % {"n": folded})
