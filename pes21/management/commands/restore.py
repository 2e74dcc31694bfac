from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pes21.backup import RestoreError, backup_restore


class Command(BaseCommand):
    help = "Remplace toutes les données par celles d'une sauvegarde (tout ou rien)."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="ne pas demander de confirmation")

    def handle(self, *args, archive: Path, yes: bool, **options):
        if not yes:
            answer = input("Toutes les données actuelles seront remplacées. Continuer ? [oui/non] ")
            if answer.strip().lower() not in ("oui", "o", "yes", "y"):
                raise CommandError("Restauration annulée.")
        try:
            summary = backup_restore(source=archive)
        except RestoreError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde restaurée ({summary['files']} documents ; "
                f"{summary['removed']} document(s) absent(s) de la sauvegarde supprimé(s))."
            )
        )
