from django.core.management.base import BaseCommand

from followups.digests import digests_send


class Command(BaseCommand):
    help = (
        "Envoie les récapitulatifs hebdomadaires par courriel (à lancer chaque jour par cron) : "
        "chacun reçoit le sien le jour choisi dans son compte, une seule fois par semaine."
    )

    def handle(self, *args, **options):
        sent = digests_send()
        self.stdout.write(
            f"{sent} récapitulatif{'s' if sent > 1 else ''} envoyé{'s' if sent > 1 else ''}."
        )
