from django.core.management import call_command
from django.core.management.base import BaseCommand

from pes21 import throttle
from pes21.housekeeping import PURGES

# Task rows keep their arguments (an address, an e-mail's text): a successful one goes after a
# day, a failed one after two weeks, time enough to read its error in the admin.
TASKS_KEPT_DAYS, FAILED_TASKS_KEPT_DAYS = 1, 14


class Command(BaseCommand):
    help = (
        "Efface ce qui n'a plus d'usage (à lancer chaque jour) : tâches terminées, compteurs "
        "de limitation échus, fichiers d'import en attente depuis plus d'un jour, imports "
        "finis depuis plus d'un mois."
    )

    def handle(self, *args, **options):
        call_command(
            "prune_db_task_results",
            min_age_days=TASKS_KEPT_DAYS,
            failed_min_age_days=FAILED_TASKS_KEPT_DAYS,
            verbosity=0,
        )
        counts = [("compteurs de limitation", throttle.purge())]
        counts += [(label, purge()) for label, purge in PURGES]
        self.stdout.write("Effacés : " + ", ".join(f"{label} {n}" for label, n in counts) + ".")
