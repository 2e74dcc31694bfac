import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pes21.concurrency import save_response
from pes21.exports import export_response
from pes21.roles import director_required, is_director, staff_required

from . import selectors
from .document import report_context, report_pdf, shown_figures
from .exports import figures_csv, figures_json, figures_xlsx
from .figure_cache import live_dashboard
from .forms import (
    PLAIN_FIELDS,
    TEXT_SECTION_FIELDS,
    TEXT_SECTIONS,
    FocusForm,
    ImageForm,
    NarrativeForm,
    edition_section_form,
)
from .models import Focus, ReportEdition, ReportImage, TerritoryNarrative
from .presentation import render_markdown
from .registry import FigureView, Scope, check, side_by_side
from .services import (
    edition_draft,
    edition_publish,
    edition_reopen,
    edition_save_texts,
    edition_start,
    focus_delete,
    focus_save,
    image_add,
    image_delete,
    narrative_save,
)

FIRST_YEAR = 2003  # the association has run the DLA of the Côte-d'Or since 2003


def _check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404("Pas de rapport pour cette année.")
    return year


def _get_focus_for_director(request: HttpRequest, year: int, pk: int) -> Focus:
    return get_object_or_404(Focus.objects.select_related("edition"), pk=pk, edition__year=year)


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    editions = {e.year: e for e in ReportEdition.objects.filter(year__gte=this_year - 9)}
    years = [(year, editions.get(year)) for year in range(this_year, this_year - 10, -1)]
    return render(request, "reporting/index.html", {"years": years})


@staff_required
def report(request: HttpRequest, year: int) -> HttpResponse:
    context = report_context(_check_year(year))
    context["can_edit"] = is_director(request.user)
    return render(request, "reporting/report.html", context)


@require_http_methods(["GET", "POST"])
@director_required
def edition_edit(request: HttpRequest, year: int, section: str = "") -> HttpResponse:
    """One part of the report's texts; opening it records nothing, « Aperçu » saves nothing."""
    section = section or TEXT_SECTIONS[0][0]
    if section not in TEXT_SECTION_FIELDS:
        raise Http404("Pas de telle partie du rapport.")
    edition = edition_draft(year=_check_year(year))
    if edition.is_published:
        messages.error(request, "Ce rapport est publié : rouvrez-le pour modifier ses textes.")
        return redirect(edition)
    form = edition_section_form(section)(request.POST or None, instance=edition)
    previews = []
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            previews = [
                (form[name].label, render_markdown(form.cleaned_data[name], anchor=name))
                for name in TEXT_SECTION_FIELDS[section]
                if name not in PLAIN_FIELDS and form.cleaned_data.get(name)
            ]
        else:
            data = {name: form.cleaned_data[name] for name in TEXT_SECTION_FIELDS[section]}
            response = save_response(
                request,
                form,
                lambda: edition_save_texts(
                    year=year, data=data, version=form.cleaned_data["version"], user=request.user
                ),
                "Textes du rapport enregistrés (brouillon).",
                redirect_to=reverse(
                    "reporting:edition_edit_section", kwargs={"year": year, "section": section}
                ),
            )
            if response:
                return response
    context = {
        "form": form,
        "edition": edition,
        "year": year,
        "sections": TEXT_SECTIONS,
        "section": section,
        "previews": previews,
        "to_review": [form[name].label for name in edition.to_review if name in form.fields],
    }
    return render(request, "reporting/edition_form.html", context)


@require_http_methods(["GET", "POST"])
@director_required
def edition_publish_view(request: HttpRequest, year: int) -> HttpResponse:
    """GET: what publishing will freeze, and the button; POST: publish."""
    edition = edition_draft(year=_check_year(year))
    if request.method == "GET":
        context = {"edition": edition, "year": year}
        if edition.pk:
            context["focus_count"] = edition.focuses.count()
            context["image_count"] = edition.images.count()
            context["narrative_count"] = edition.narratives.count()
        return render(request, "reporting/publish_confirm.html", context)
    edition = edition_start(year=year, user=request.user)
    try:
        edition_publish(edition=edition, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Rapport {year} publié : ses chiffres sont figés.")
    return redirect(edition)


@require_POST
@director_required
def edition_reopen_view(request: HttpRequest, year: int) -> HttpResponse:
    edition = get_object_or_404(ReportEdition, year=year)
    try:
        edition_reopen(edition=edition, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Rapport {year} rouvert : les chiffres sont de nouveau ceux du jour."
        )
    return redirect(edition)


@require_http_methods(["GET", "POST"])
@director_required
def focus_edit(request: HttpRequest, year: int, pk: int | None = None) -> HttpResponse:
    if pk is None:
        focus = Focus(edition=edition_draft(year=_check_year(year)))
    else:
        focus = _get_focus_for_director(request, year, pk)
    if focus.edition.is_published:
        messages.error(request, "Ce rapport est publié : ses focus ne changent plus.")
        return redirect(focus.edition)
    form = FocusForm(request.POST or None, instance=focus, year=year)
    if request.method == "POST" and form.is_valid():

        def save():
            if form.instance.edition.pk is None:
                form.instance.edition = edition_start(year=year, user=request.user)
            focus_save(focus=form.instance, user=request.user)
            return focus.edition

        response = save_response(request, form, save, "Focus enregistré.")
        if response:
            return response
    return render(
        request, "reporting/focus_form.html", {"form": form, "focus": focus, "year": year}
    )


@require_POST
@director_required
def focus_delete_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    focus = _get_focus_for_director(request, year, pk)
    try:
        focus_delete(focus=focus, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Focus supprimé.")
    return redirect("reporting:report", year=year)


@staff_required
def report_pdf_view(request: HttpRequest, year: int) -> HttpResponse:
    content = report_pdf(_check_year(year))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="rapport-activite-{year}.pdf"'
    return response


@staff_required
def export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    builders = {"csv": figures_csv, "xlsx": figures_xlsx, "json": figures_json}
    if fmt not in builders:
        raise Http404
    return export_response(builders[fmt](year, shown_figures(_check_year(year))))


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    figures = live_dashboard(today)
    context = {
        "today": today,
        "figures": figures,
        "rows": _dashboard_rows(figures),
        "survival": FigureView(figures["suivis"])["complements"],
        "workload": selectors.staff_workload(today),
        "next_steps": selectors.next_steps_due(today),
        "horizon": today + dt.timedelta(days=selectors.NEXT_STEPS_HORIZON_DAYS),
        "follow_ups": selectors.follow_ups_due(today),
    }
    return render(request, "reporting/dashboard.html", context)


def _dashboard_rows(figures: dict) -> list[dict]:
    """The contract's figures this year and last, labelled by the figure registry."""
    current = check(figures["current"], scope=Scope.CONTRACT)
    previous = check(figures["previous"], scope=Scope.CONTRACT)
    return [
        {"label": pair.label, "current": pair.before, "previous": pair.after}
        for pair in side_by_side(current, previous, scope=Scope.CONTRACT)
    ]


# --- Images and narratives of the edition (issue 15) ------------------------------------------


@require_http_methods(["GET", "POST"])
@director_required
def images(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_draft(year=_check_year(year))
    form = ImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if edition.pk is None:
            edition = edition_start(year=year, user=request.user)
        try:
            image_add(
                edition=edition,
                kind=form.cleaned_data["kind"],
                section=form.cleaned_data["section"],
                alt=form.cleaned_data["alt"],
                upload=form.cleaned_data["file"],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error("file" if "image" in str(exc).lower() else None, exc)
        else:
            messages.success(request, "Image ajoutée au rapport.")
            return redirect("reporting:images", year=year)
    shown = edition.images.defer("data") if edition.pk else []
    return render(
        request,
        "reporting/images.html",
        {"form": form, "edition": edition, "year": year, "images": shown},
    )


@staff_required
def image(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    found = get_object_or_404(ReportImage, pk=pk, edition__year=year)
    response = HttpResponse(bytes(found.data), content_type=found.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@director_required
def image_delete_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    found = get_object_or_404(
        ReportImage.objects.select_related("edition"), pk=pk, edition__year=year
    )
    try:
        image_delete(image=found, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Image retirée du rapport.")
    return redirect("reporting:images", year=year)


@require_http_methods(["GET", "POST"])
@director_required
def narrative_edit(request: HttpRequest, year: int, project_pk: int) -> HttpResponse:
    from generateur.models import TerritorialProject

    project = get_object_or_404(
        TerritorialProject.objects.active_in(_check_year(year)), pk=project_pk
    )
    edition = edition_draft(year=year)
    if edition.is_published:
        messages.error(request, "Ce rapport est publié : ses récits ne changent plus.")
        return redirect(edition)
    narrative = TerritoryNarrative.objects.filter(
        edition__year=year, territorial_project=project
    ).first() or TerritoryNarrative(territorial_project=project)
    form = NarrativeForm(request.POST or None, instance=narrative)
    if request.method == "POST" and form.is_valid():
        if form.instance.edition_id is None:
            form.instance.edition = edition_start(year=year, user=request.user)
        response = save_response(
            request,
            form,
            lambda: narrative_save(narrative=form.instance, user=request.user),
            "Récit du projet de territoire enregistré.",
            redirect_to=f"{edition.get_absolute_url()}#generateur",
        )
        if response:
            return response
    return render(
        request,
        "reporting/narrative_form.html",
        {"form": form, "project": project, "year": year},
    )
