import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from reporting.document import json_ready, report_html, report_pdf
from reporting.models import ReportEdition
from reporting.selectors import report_figures


class Command(BaseCommand):
    help = "Produit le rapport d'activité d'une année en PDF, HTML ou JSON."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="année du rapport")
        parser.add_argument("--format", choices=["pdf", "html", "json"], default="pdf")
        parser.add_argument("--output", help="fichier à écrire (sortie standard sinon)")

    def handle(self, *args, year: int, format: str, output: str | None, **options):
        if not 1900 <= year <= 2200:
            raise CommandError("--year : une année sur quatre chiffres, par exemple 2023.")
        if format == "json":
            content = json.dumps(
                _figures(year), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
            ).encode("utf-8")
        elif format == "html":
            content = report_html(year).encode("utf-8")
        else:
            content = report_pdf(year)
        if output:
            with open(output, "wb") as file:
                file.write(content)
            self.stderr.write(f"Rapport {year} ({format}) écrit dans {output}.")
        elif format == "pdf":
            if sys.stdout.isatty():
                raise CommandError("Un PDF ne s'affiche pas dans un terminal : ajoutez --output.")
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
        else:
            self.stdout.write(content.decode("utf-8"))


def _figures(year: int) -> dict:
    """The published (frozen) figures when the year's edition is published, else live ones."""
    edition = ReportEdition.objects.filter(year=year).first()
    if edition and edition.is_published:
        return edition.frozen_figures
    return json_ready(report_figures(year))
