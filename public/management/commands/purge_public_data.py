from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from public.services import public_data_purge


class Command(BaseCommand):
    help = (
        "Applique la durée de conservation (RETENTION_MONTHS) à ce que gardent les pages "
        "publiques : inscriptions des actions passées, coordonnées et textes des demandes."
    )

    def handle(self, *args, **options):
        months = settings.RETENTION_MONTHS
        done = public_data_purge(today=timezone.localdate(), months=months)
        self.stdout.write(
            f"Durée de conservation : {months} mois. Inscriptions effacées : "
            f"{done['inscriptions']} ; demandes vidées de leurs coordonnées et textes : "
            f"{done['demandes']}."
        )
