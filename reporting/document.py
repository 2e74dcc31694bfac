"""The report of a year as the web page, the HTML file and the PDF show it.

`report_context(year)` gathers the edition's texts, the figures (frozen when the edition is
published, live otherwise) and the charts; the templates only lay them out.
"""

import logging
import time
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from followups.selectors import first_measurable_survival_year
from generateur.models import TerritorialProject
from pes21.french import NNBSP
from public.selectors import questionnaire_summary

from .charts import bar_chart, chart_alt, chart_data_uri
from .figure_cache import live_report_figures
from .figure_types import SECTIONS
from .models import Focus, FocusSection, ImageKind, ReportEdition, ReportImage
from .presentation import (
    MISSION_DESCRIPTIONS,
    MISSION_TITLES,
    render_markdown,
    series_label,
)
from .registry import (
    FigureView,
    UnknownFigure,
    check,
    differences,
    figure,
    frozen_in_current_schema,
    tile_words,
    value,
)
from .selectors import (
    DIJON_SERIES,
    HISTORY_FIGURES,
    records_start_year,
    staff_team,
    territorial_project_key,
)


@dataclass
class Tile:
    value: object
    label: str
    detail: str = ""
    key: str = ""


@dataclass(frozen=True)
class Text:
    """A text of the director's, its footnotes apart: a signature goes between the two, and
    the PDF keeps the last lines, the signature and the notes on one page."""

    body: SafeString
    notes: SafeString = mark_safe("")

    def __html__(self) -> str:
        return self.body + self.notes

    def __str__(self) -> str:
        return self.__html__()

    def __bool__(self) -> bool:
        return bool(self.body or self.notes)


# Markdown's footnotes come last in its output, as one block.
_NOTES_START = '<div class="footnote">'


def _text(html: SafeString) -> Text:
    body, start, notes = html.partition(_NOTES_START)
    if not start:
        return Text(html)
    return Text(mark_safe(body.rstrip()), mark_safe(start + notes))  # noqa: S308 - sanitised


def shown_figures(year: int, *, edition: ReportEdition | None = None) -> dict:
    """The figures a reader of the year's report sees, on the page, in the PDF, the exports and
    `build_report`: frozen once the edition is published (read with today's keys), live
    (JSON-ready, computed once per data generation) otherwise; checked against the figure
    registry either way."""
    if edition is None:
        edition = ReportEdition.objects.filter(year=year).first()
    if edition and edition.is_published:
        schema = edition.figures_schema
        return check(frozen_in_current_schema(edition.frozen_figures, schema), schema=schema)
    return check(live_report_figures(year))


# The names the report's templates read figures by, and the registry's group each one is.
FIGURE_NAMES = {"figures": "", "extra": "complements", "since": "depuis_creation"}

# The tiles of the page and the PDF, in reading order; each shows in its figure's section with
# the registry's words for its number (`reporting.checks` makes sure each is a registered tile).
TILES = (
    "dla.structures_beneficiaires",
    "dla.structures_accueillies",
    "dla.diagnostics",
    "dla.ingenieries_individuelles",
    "dla.ingenieries_collectives",
    "dla.suivis_post",
    "creation.projets_accueillis",
    "creation.projets_accompagnes",
    "creation.structures_creees",
    "creation.emplois_crees",
    "sensibilisation.ateliers_pes",
    "sensibilisation.formations",
    "generateur.projets_accompagnes",
    "complements.generateur.actions",
    "complements.generateur.participants",
    "vie_associative.benevoles_actifs",
    "depuis_creation.porteurs_accueillis",
    "depuis_creation.structures_creees",
    "depuis_creation.emplois_crees",
    "depuis_creation.structures_dla_beneficiaires",
    "depuis_creation.emplois_consolides",
)


def _tile_details(figures: dict) -> dict[str, str]:
    """The line some tiles add under their words, by the tile's key."""
    collective = value(figures, "dla.ingenieries_collectives_structures")
    by_series = " · ".join(
        f"{series_label(code)}{NNBSP}: {count}"
        for code, count in value(figures, "sensibilisation.ateliers_par_cycle").items()
    )
    by_organisation = " · ".join(
        f"{row['organisme']}{NNBSP}: {row['formations']}"
        for row in value(figures, "complements.sensibilisation.formations_par_organisme") or []
    )
    all_workshops = value(figures, "sensibilisation.ateliers_collectif")
    return {
        "dla.ingenieries_collectives": (
            f"soit {collective} {tile_words('dla.ingenieries_collectives_structures', collective)}"
        ),
        "sensibilisation.ateliers_pes": (
            f"{by_series} ({all_workshops} en tout pour le collectif)" if by_series else ""
        ),
        "sensibilisation.formations": by_organisation,
    }


def _tiles(figures: dict) -> dict[str, list[Tile]]:
    """The tiles of each section, their words from the figure registry."""
    details = _tile_details(figures)
    stray = details.keys() - set(TILES)
    if stray:
        raise UnknownFigure(f"{', '.join(sorted(stray))} (détail d'une tuile absente de TILES)")
    tiles: dict[str, list[Tile]] = {section: [] for section in SECTIONS}
    for key in TILES:
        count = value(figures, key)
        tiles[figure(key).section].append(
            Tile(count, tile_words(key, count), details.get(key, ""), key)
        )
    return tiles


def _charts(figures: dict) -> list:
    rows = value(figures, "historique") or []
    charts = []
    for key in HISTORY_FIGURES:
        charted = figure(key)
        points = [(str(row["year"]), row[key]) for row in rows]
        # No bar for the years before anything of the kind was recorded.
        while len(points) > 1 and not points[0][1]:
            points.pop(0)
        title = charted.label
        charts.append(
            {
                "section": charted.section,
                "svg": bar_chart(title, points),
                "title": title,
                "alt": chart_alt(title, points),
                "data_uri": chart_data_uri(title, points),
            }
        )
    return charts


# The report's parts in order: (anchor, title in the contents). A part shows when it has text,
# figures, focus or images (`_shown`), never empty.
PARTS = [
    ("rapport-moral", "Rapport moral"),
    ("edito", "Édito"),
    ("vie-associative", "Vie associative et salariés"),
    ("projet-associatif", "Projet associatif"),
    ("generateur", "Générateur : accompagnement des territoires"),
    ("dla", "Activité du DLA"),
    ("creation", "Création et reprise de structures de l'ESS"),
    ("sensibilisation", "Sensibilisation et formations"),
    ("dijon", "Partenariat avec la Métropole et la Ville de Dijon"),
    ("club", "Club des entrepreneurs de l'ESS"),
    ("depuis-creation", "Depuis la création du Pôle"),
    ("perspectives", "Temps forts et perspectives"),
    ("partenaires", "Nos partenaires"),
]

TEXT_FIELDS = (
    "rapport_moral",
    "edito",
    "vie_associative",
    "volunteer_missions_intro",
    "team_text",
    "projet_associatif",
    "text_generateur",
    "text_dla",
    "text_creation",
    "text_sensibilisation",
    "text_dijon",
    "text_club",
    "perspectives",
)


def _images(edition: ReportEdition | None, *, for_pdf: bool) -> dict:
    """The edition's images by place; `src` is a URL of the login-protected view on the page,
    a `report-image:` address the PDF's url_fetcher resolves from the database."""
    found: dict = {"logo": None, "cover": None, "team": None, "sections": {}}
    found["partners"], found["memberships"] = [], []
    if edition is None or edition.pk is None:
        return found
    for image in edition.images.defer("data"):
        image.src = f"report-image:{image.pk}" if for_pdf else image.get_absolute_url()
        if image.kind == ImageKind.LOGO:
            found["logo"] = image
        elif image.kind == ImageKind.COVER:
            found["cover"] = image
        elif image.kind == ImageKind.TEAM:
            found["team"] = image
        elif image.kind == ImageKind.SECTION:
            found["sections"][image.section] = image
        elif image.kind == ImageKind.PARTNER:
            found["partners"].append(image)
        else:
            found["memberships"].append(image)
    return found


def _missions(figures: dict) -> list[dict]:
    hours = {
        row["mission"]: row["heures"]
        for row in value(figures, "complements.vie_associative.heures_par_mission") or []
    }
    volunteers = value(figures, "complements.vie_associative.benevoles_par_mission") or {}
    return [
        {
            "code": code,
            "label": label,
            "description": MISSION_DESCRIPTIONS.get(code, ""),
            "volunteers": volunteers.get(code),
            "hours": hours.get(code, 0),
            # No time logged for a mission prints as words, not « 0 bénévole · 0 h ».
            "measured": bool(hours.get(code) or volunteers.get(code)),
        }
        for code, label in MISSION_TITLES.items()
    ]


def _event_groups(events: list[dict], series: list[str]) -> list[dict]:
    """The listed events of each series, with what the count beside the list counts: all of
    them, and those the Pôle animated (the tile counts only these). An edition frozen before
    events said who animated them has no such count (`animated` None)."""
    groups = []
    for code in series:
        rows = [event for event in events if event["serie"] == code]
        if not rows:
            continue
        known = all("anime_par_le_pole" in event for event in rows)
        kinds = {event.get("type") for event in rows}
        noun = {"atelier": "atelier", "evenement": "événement"}.get(
            kinds.pop() if len(kinds) == 1 else "", "action"
        )
        groups.append(
            {
                "label": series_label(code),
                "events": rows,
                "count": len(rows),
                "noun": noun,
                "animated": sum(1 for e in rows if e["anime_par_le_pole"]) if known else None,
            }
        )
    return groups


def _territorial_projects(figures: dict, edition: ReportEdition | None, year: int) -> list[dict]:
    """The year's territorial projects with their narrative and actions; `pk` (today's record of
    that name, for the narrative's edit link) is None when no record has that name any more."""
    actions = value(figures, "complements.generateur.actions_par_projet") or {}
    rows = value(figures, "complements.generateur.par_territoire") or []
    if not rows:
        return []
    records = {
        territorial_project_key(territory, name): pk
        for pk, territory, name in TerritorialProject.objects.active_in(year).values_list(
            "pk", "territory__name", "name"
        )
    }
    narratives = {}
    if edition is not None and edition.pk:
        narratives = {
            territorial_project_key(
                n.territorial_project.territory.name, n.territorial_project.name
            ): n
            for n in edition.narratives.select_related("territorial_project__territory")
        }
    projects = []
    for row in rows:
        key = territorial_project_key(row["territoire"], row["projet"])
        narrative = narratives.get(key)
        projects.append(
            {
                **row,
                "pk": records.get(key),
                "subtitle": narrative.subtitle if narrative else "",
                "html": render_markdown(narrative.text) if narrative else "",
                "dated_actions": actions.get(key, []),
            }
        )
    return projects


def _team(edition: ReportEdition | None) -> list[dict]:
    """The team frozen with a published edition, today's otherwise."""
    if edition is not None and edition.is_published and edition.frozen_team is not None:
        return edition.frozen_team
    return staff_team()


def report_context(year: int, *, with_differences: bool = True, for_pdf: bool = False) -> dict:
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
        changed = differences(figures, check(live_report_figures(year)))
    focuses: dict[str, list[Focus]] = {code: [] for code in FocusSection.values}
    if edition:
        for focus in edition.focuses.select_related(
            "project", "structure", "territorial_project__territory", "volunteer"
        ):
            focus.html = _text(render_markdown(focus.text))
            focuses[focus.section].append(focus)
    texts = {}
    if edition:
        for field in TEXT_FIELDS:
            texts[field] = _text(render_markdown(getattr(edition, field), anchor=field))
    charts = _charts(figures)
    # What the templates read: figures by registered name only, an unknown one raising.
    view = FigureView(figures)
    images = _images(edition, for_pdf=for_pdf)
    team = _team(edition)
    missions = _missions(figures)
    dijon_events = value(figures, "complements.dijon.evenements") or []
    survival_measurable_from = None
    if not value(figures, "complements.creation.survie_3_ans.structures"):
        # An empty cohort: said in words, whether nothing could be measured yet or none was made.
        survival_measurable_from = first_measurable_survival_year(
            value(figures, "complements.creation.survie_3_ans.annee_de_creation")
        )
    club_events = value(figures, "complements.club.evenements") or []
    partners = edition.partner_list if edition else []
    memberships = edition.membership_list if edition else []
    shown = {
        "rapport_moral": bool(texts.get("rapport_moral")),
        "edito": bool(texts.get("edito")),
        "vie_associative": True,
        "projet_associatif": bool(texts.get("projet_associatif") or focuses["projet_associatif"]),
        "generateur": True,
        "dla": True,
        "creation": True,
        "sensibilisation": True,
        "dijon": bool(texts.get("text_dijon") or dijon_events or focuses["dijon"]),
        "club": bool(texts.get("text_club") or club_events or focuses["club"]),
        "depuis_creation": bool(view["depuis_creation"]),
        "perspectives": bool(texts.get("perspectives") or focuses["perspectives"]),
        "partenaires": bool(
            partners
            or memberships
            or images["partners"]
            or images["memberships"]
            or (edition and edition.contact)
        ),
    }
    toc = [(anchor, title) for anchor, title in PARTS if shown[anchor.replace("-", "_")]]
    return {
        "toc": toc,
        # A string: the templates' number formatting would write the year "2 023".
        "year": str(year),
        "edition": edition,
        **{name: view[group] if group else view for name, group in FIGURE_NAMES.items()},
        "volunteer_hours": [
            row
            for row in value(figures, "complements.vie_associative.heures_par_mission") or []
            if row.get("heures")
        ],
        "tiles": _tiles(figures),
        "charts": charts,
        "charts_by_section": {
            section: [c for c in charts if c["section"] == section]
            for section in {c["section"] for c in charts}
        },
        "differences": changed,
        "focuses": focuses,
        "texts": texts,
        "partners": partners,
        "memberships": memberships,
        "shown": shown,
        "records_start": records_start_year() if shown["depuis_creation"] else None,
        "images": images,
        "team": team,
        "missions": missions,
        "territorial_projects": _territorial_projects(figures, edition, year),
        "dijon_events": dijon_events,
        # One list per series, in the order the Métropole's actions are presented.
        "dijon_groups": _event_groups(dijon_events, DIJON_SERIES),
        "club_events": club_events,
        "survival_measurable_from": survival_measurable_from,
        # Live, like the focuses: the end-of-accompaniment questionnaire is no frozen figure.
        "questionnaire": questionnaire_summary(year),
        "for_pdf": for_pdf,
    }


def report_html(year: int) -> str:
    """The self-contained HTML the PDF is printed from (also `build_report --format html`)."""
    return render_to_string(
        "reporting/pdf/report.html", report_context(year, with_differences=False, for_pdf=True)
    )


def report_document(year: int, timings: dict | None = None):
    """The report laid out in pages (WeasyPrint's Document): `make bench` counts its pages,
    and reads in `timings` the seconds of the HTML and of the layout."""
    # WeasyPrint narrates every step at INFO (even on import); only its warnings matter.
    for name in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    start = time.perf_counter()
    html = report_html(year)
    laid_out = time.perf_counter()
    document = HTML(string=html, base_url=None, url_fetcher=_image_fetcher()).render(
        pdf_variant=PDF_VARIANT
    )
    if timings is not None:
        timings.update(html=laid_out - start, layout=time.perf_counter() - laid_out)
    return document


def report_pdf(year: int) -> bytes:
    return report_document(year).write_pdf(pdf_variant=PDF_VARIANT)


# Tagged PDF for screen readers: structure, reading order, language, alternative texts.
PDF_VARIANT = "pdf/ua-1"


def _image_fetcher():
    """The PDF reads its images from the database (and its charts from data: addresses), never
    from the network or the disk."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ReportImageFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if not url.startswith("report-image:"):
                raise ValueError(f"Ressource refusée dans le PDF : {url[:80]}")
            image = ReportImage.objects.only("data", "content_type").get(
                pk=int(url.split(":", 1)[1])
            )
            return URLFetcherResponse(
                url, bytes(image.data), headers={"Content-Type": image.content_type}
            )

    return ReportImageFetcher(allowed_protocols={"data", "report-image"})
