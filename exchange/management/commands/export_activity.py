from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.services import activity_export_to


class Command(BaseCommand):
    help = "Exporte les données d'activité en fichiers CSV au format partagé."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", help="dossier où écrire les fichiers CSV")
        parser.add_argument("--year", type=int, help="seulement une année (ex. 2022)")

    def handle(self, *args, directory: str, year: int | None, **options) -> None:
        target = Path(directory)
        if target.exists() and not target.is_dir():
            raise CommandError(f"{directory} n'est pas un dossier.")
        target.mkdir(parents=True, exist_ok=True)
        for name, rows in activity_export_to(target, year=year).items():
            self.stdout.write(f"{name} : {max(rows, 0)} ligne(s)")
        self.stdout.write(self.style.SUCCESS(f"Export écrit dans {target}"))
