import sys

from django.core.management.base import BaseCommand, CommandError

from reporting.document import report_html, report_pdf, shown_figures
from reporting.exports import figures_json


class Command(BaseCommand):
    help = "Produit le rapport d'activité d'une année en PDF, HTML ou JSON."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="année du rapport")
        parser.add_argument("--format", choices=["pdf", "html", "json"], default="pdf")
        parser.add_argument(
            "--output",
            help="fichier à écrire (sinon la sortie standard ; dans un terminal, un PDF est écrit "
            "dans rapport-activite-ANNÉE.pdf)",
        )

    def handle(self, *args, year: int, format: str, output: str | None, **options):
        if not 1900 <= year <= 2200:
            raise CommandError("--year : une année sur quatre chiffres, par exemple 2023.")
        if format == "json":
            _, _, content = figures_json(year, shown_figures(year))
        elif format == "html":
            content = report_html(year).encode("utf-8")
        else:
            content = report_pdf(year)
        if output is None and format == "pdf" and sys.stdout.isatty():
            # A PDF does not show in a terminal: the README's command writes it beside you.
            output = f"rapport-activite-{year}.pdf"
        if output:
            with open(output, "wb") as file:
                file.write(content)
            self.stderr.write(f"Rapport {year} ({format}) écrit dans {output}.")
        elif format == "pdf":
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
        else:
            self.stdout.write(content.decode("utf-8"))
