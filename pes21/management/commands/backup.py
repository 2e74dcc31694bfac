import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from pes21.backup import backup_create


class Command(BaseCommand):
    help = "Sauvegarde toutes les données et les documents dans une archive .zip."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="fichier .zip (défaut : var/backups/)")

    def handle(self, *args, output: Path | None, **options):
        if output is None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.VAR_DIR) / "backups" / f"pes21-{stamp}.zip"
        summary = backup_create(output=output)
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde écrite : {output} ({summary['records']} enregistrements, "
                f"{summary['files']} documents)."
            )
        )
