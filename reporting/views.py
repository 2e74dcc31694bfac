import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pes21.concurrency import refuse_on_form
from pes21.exports import export_response
from pes21.roles import director_required, is_director, staff_required

from . import selectors
from .document import report_context, report_pdf, shown_figures
from .exports import figures_csv, figures_json, figures_xlsx
from .forms import EditionForm, FocusForm
from .models import Focus, ReportEdition
from .presentation import figure_label, flatten
from .services import (
    edition_get_or_create,
    edition_publish,
    edition_reopen,
    edition_update,
    focus_delete,
    focus_save,
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
def edition_edit(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_get_or_create(year=_check_year(year))
    if edition.is_published:
        messages.error(request, "Ce rapport est publié : rouvrez-le pour modifier ses textes.")
        return redirect(edition)
    form = EditionForm(request.POST or None, instance=edition)
    if request.method == "POST" and form.is_valid():
        try:
            edition_update(
                edition=edition,
                data=form.cleaned_data,
                version=form.cleaned_data["version"],
                user=request.user,
            )
        except ValidationError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "Textes du rapport enregistrés (brouillon).")
            return redirect(edition)
    return render(request, "reporting/edition_form.html", {"form": form, "edition": edition})


@require_POST
@director_required
def edition_publish_view(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_get_or_create(year=_check_year(year))
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
        focus = Focus(edition=edition_get_or_create(year=_check_year(year)))
    else:
        focus = _get_focus_for_director(request, year, pk)
    if focus.edition.is_published:
        messages.error(request, "Ce rapport est publié : ses focus ne changent plus.")
        return redirect(focus.edition)
    form = FocusForm(request.POST or None, instance=focus, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            focus_save(focus=form.instance, user=request.user)
        except ValidationError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "Focus enregistré.")
            return redirect(focus.edition)
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
    figures = selectors.dashboard_figures(today)
    context = {
        "today": today,
        "figures": figures,
        "rows": _dashboard_rows(figures),
        "workload": selectors.staff_workload(today),
        "next_steps": selectors.next_steps_due(today),
        "horizon": today + dt.timedelta(days=selectors.NEXT_STEPS_HORIZON_DAYS),
        "follow_ups": selectors.follow_ups_due(today),
    }
    return render(request, "reporting/dashboard.html", context)


def _dashboard_rows(figures: dict) -> list[dict]:
    current, previous = flatten(figures["current"]), flatten(figures["previous"])
    # A series held only last year still shows, with 0 this year.
    return [
        {
            "label": figure_label(key),
            "current": current.get(key, 0),
            "previous": previous.get(key, 0),
        }
        for key in dict.fromkeys([*current, *previous])
    ]
