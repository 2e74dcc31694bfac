from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.tasks import send_digests


class Command(BaseCommand):
    help = (
        "Confie au processus de travail l'envoi des récapitulatifs hebdomadaires (à lancer "
        "chaque jour) : chacun reçoit le sien le jour choisi dans son compte, une fois par semaine."
    )

    def handle(self, *args, **options):
        # The worker sends them: a slow or failing mail server never holds the daily run.
        send_digests.enqueue(timezone.localdate().isoformat())
        self.stdout.write("Récapitulatifs du jour confiés au processus de travail.")
