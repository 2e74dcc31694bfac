"""The report of a year as the web page, the HTML file and the PDF show it.

`report_context(year)` gathers the edition's texts, the figures (frozen when the edition is
published, live otherwise) and the charts; the templates only lay them out.
"""

import json
import logging
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string

from .charts import bar_chart
from .models import Focus, FocusSection, ReportEdition
from .presentation import (
    NNBSP,
    differences,
    figure_label,
    flatten,
    render_markdown,
    series_label,
    tile_words,
)
from .selectors import HISTORY_FIGURES, report_figures


@dataclass
class Tile:
    value: object
    label: str
    detail: str = ""
    key: str = ""


def json_ready(figures: dict) -> dict:
    """The figures exactly as the JSON export and the frozen snapshot hold them."""
    return json.loads(json.dumps(figures, cls=DjangoJSONEncoder))


def shown_figures(year: int, *, edition: ReportEdition | None = None) -> dict:
    """The figures a reader of the year's report sees, on the page, in the PDF, the exports and
    `build_report`: frozen once the edition is published, live (JSON-ready) otherwise."""
    if edition is None:
        edition = ReportEdition.objects.filter(year=year).first()
    if edition and edition.is_published:
        return edition.frozen_figures
    return json_ready(report_figures(year))


def _tiles(figures: dict) -> dict[str, list[Tile]]:
    """The tiles of each section; their words come from presentation.FIGURES."""
    flat = flatten(figures)
    sensibilisation = figures["sensibilisation"]
    extra = figures.get("complements", {})
    by_series = " · ".join(
        f"{series_label(code)}{NNBSP}: {count}"
        for code, count in sensibilisation["ateliers_par_cycle"].items()
    )
    by_organisation = " · ".join(
        f"{row['organisme']}{NNBSP}: {row['formations']}"
        for row in extra.get("sensibilisation", {}).get("formations_par_organisme", [])
    )

    def tile(key: str, detail: str = "") -> Tile:
        return Tile(flat.get(key, 0), tile_words(key), detail, key)

    return {
        "dla": [
            tile("dla.structures_beneficiaires"),
            tile("dla.structures_accueillies"),
            tile("dla.diagnostics"),
            tile("dla.ingenieries_individuelles"),
            tile(
                "dla.ingenieries_collectives",
                f"soit {flat.get('dla.ingenieries_collectives_structures', 0)} "
                "structures bénéficiaires",
            ),
            tile("dla.suivis_post"),
        ],
        "creation": [
            tile("creation.projets_accueillis"),
            tile("creation.projets_accompagnes"),
            tile("creation.structures_creees"),
            tile("creation.emplois_crees"),
        ],
        "sensibilisation": [
            tile(
                "sensibilisation.ateliers_pes",
                f"{by_series} ({sensibilisation['ateliers_collectif']} en tout pour le collectif)",
            ),
            tile("sensibilisation.formations", by_organisation),
        ],
        "generateur": [
            tile("generateur.projets_accompagnes"),
            tile("complements.generateur.actions"),
            tile("complements.generateur.participants"),
        ],
        "vie_associative": [tile("vie_associative.benevoles_actifs")],
        "depuis_creation": [
            tile("depuis_creation.porteurs_accueillis"),
            tile("depuis_creation.structures_creees"),
            tile("depuis_creation.emplois_crees"),
            tile("depuis_creation.structures_dla_beneficiaires"),
            tile("depuis_creation.emplois_consolides"),
        ],
    }


def _charts(figures: dict) -> list:
    rows = figures.get("historique") or []
    charts = []
    for section, key in HISTORY_FIGURES:
        dotted = f"{section}.{key}"
        points = [(str(row["year"]), row.get(dotted, 0)) for row in rows]
        charts.append({"section": section, "svg": bar_chart(figure_label(dotted), points)})
    return charts


def report_context(year: int, *, with_differences: bool = True) -> dict:
    """Everything the report's templates need for `year`.

    A published edition shows its frozen figures; the web page also lists the figures that
    differ now (`with_differences`), which costs computing the live ones.
    """
    edition = (
        ReportEdition.objects.filter(year=year).select_related("published_by", "updated_by").first()
    )
    figures = shown_figures(year, edition=edition)
    changed = []
    if edition and edition.is_published and with_differences:
        changed = differences(figures, json_ready(report_figures(year)))
    focuses: dict[str, list[Focus]] = {code: [] for code in FocusSection.values}
    if edition:
        for focus in edition.focuses.select_related(
            "project", "structure", "territorial_project__territory"
        ):
            focus.html = render_markdown(focus.text)
            focuses[focus.section].append(focus)
    texts = {}
    if edition:
        for field in (
            "rapport_moral",
            "edito",
            "vie_associative",
            "projet_associatif",
            "text_generateur",
            "text_dla",
            "text_creation",
            "text_sensibilisation",
            "perspectives",
        ):
            texts[field] = render_markdown(getattr(edition, field))
    charts = _charts(figures)
    toc = [
        (anchor, title)
        for anchor, title, shown in [
            ("rapport-moral", "Rapport moral", bool(texts.get("rapport_moral"))),
            ("edito", "Édito", bool(texts.get("edito"))),
            ("vie-associative", "Vie associative et salariés", True),
            ("projet-associatif", "Projet associatif", bool(texts.get("projet_associatif"))),
            ("generateur", "Générateur : accompagnement des territoires", True),
            ("dla", "Activité du DLA", True),
            ("creation", "Création et reprise de structures de l'ESS", True),
            ("sensibilisation", "Sensibilisation et formations", True),
            ("depuis-creation", "Depuis la création du Pôle", True),
            ("perspectives", "Temps forts et perspectives", bool(texts.get("perspectives"))),
            ("partenaires", "Nos partenaires", True),
        ]
        if shown
    ]
    return {
        "toc": toc,
        # A string: the templates' number formatting would write the year "2 023".
        "year": str(year),
        "edition": edition,
        "figures": figures,
        "extra": figures.get("complements", {}),
        "volunteer_hours": [
            row
            for row in figures.get("complements", {})
            .get("vie_associative", {})
            .get("heures_par_mission")
            or []
            if row.get("heures")
        ],
        "since": figures.get("depuis_creation", {}),
        "tiles": _tiles(figures),
        "charts": charts,
        "charts_by_section": {
            section: [c for c in charts if c["section"] == section]
            for section in {c["section"] for c in charts}
        },
        "differences": changed,
        "focuses": focuses,
        "texts": texts,
        "partners": edition.partner_list if edition else [],
    }


def report_html(year: int) -> str:
    """The self-contained HTML the PDF is printed from (also `build_report --format html`)."""
    return render_to_string(
        "reporting/pdf/report.html", report_context(year, with_differences=False)
    )


def report_pdf(year: int) -> bytes:
    # WeasyPrint narrates every step at INFO (even on import); only its warnings matter.
    for name in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    return HTML(string=report_html(year), base_url=None).write_pdf()
