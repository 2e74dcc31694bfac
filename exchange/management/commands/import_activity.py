from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.services import activity_import


class Command(BaseCommand):
    help = (
        "Importe les données d'activité (dossier de CSV, .zip ou classeur .xlsx) selon le "
        "format partagé ; tout ou rien."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="dossier, fichier .zip, .xlsx ou .csv")
        parser.add_argument(
            "--dry-run", action="store_true", help="vérifier seulement, sans rien enregistrer"
        )

    def handle(self, *args, path: str, dry_run: bool, **options) -> None:
        source = Path(path)
        if not source.exists():
            raise CommandError(f"{path} : fichier ou dossier introuvable.")
        report = activity_import(source=source, dry_run=dry_run)
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            for group in report.more:
                self.stderr.write(str(group))
            raise CommandError(
                f"{report.problem_count} problème(s) : rien n'a été enregistré "
                f"(vérification en {report.seconds_display()} s)."
            )
        if report.written:
            self.stdout.write(self.style.SUCCESS(f"Import terminé en {report.seconds_display()} s"))
        else:
            self.stdout.write(
                f"Vérification terminée en {report.seconds_display()} s : aucun problème, "
                "rien n'a été enregistré (--dry-run)."
            )
