import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pes21.concurrency import create_once_response, refuse_on_form
from pes21.exports import csv_export, export_response
from pes21.forms import model_data
from pes21.listing import apply_sort
from pes21.paging import paginate
from pes21.roles import staff_required

from . import selectors, services
from .filters import ProviderFilter, StructureFilter
from .forms import (
    SUGGESTED_THEMES,
    CollectiveCreateForm,
    CollectiveForm,
    CollectiveJoinForm,
    ProviderCreateForm,
    ProviderForm,
    StepForm,
    StructureCreateForm,
    StructureForm,
)
from .models import CollectiveEngineering, Provider, Step, StepKind, Structure

STRUCTURE_COLUMNS = {
    "nom": "name",
    "siret": "siret",
    "commune": "commune",
    "salaries": "employees",
    "etape": "furthest_rank",
    "derniere": "last_step_on",
}
PROVIDER_COLUMNS = {
    "nom": "name",
    "jours": "total_days",
    "montant": "total_cost",
    "structures": "structure_count",
    "ingenieries": "engineering_count",
}
OVERVIEW_PROVIDERS = 20

COLLECTIVE_COLUMNS = {
    "ref": "ref",
    "debut": "started_on",
    "prestataire": "provider__name",
    "structures": "structure_count",
}


def _get_structure(pk: int) -> Structure:
    return get_object_or_404(Structure, pk=pk)


def _get_step(pk: int) -> Step:
    return get_object_or_404(Step.objects.select_related("structure", "collective"), pk=pk)


def _save_edit(form, save) -> bool:
    """Run a service edit; put its refusal on the form. True when saved."""
    try:
        save()
    except ValidationError as error:
        refuse_on_form(form, error)
        return False
    return True


# --- Structures -----------------------------------------------------------------------------


@staff_required
def structure_list(request: HttpRequest) -> HttpResponse:
    filterset = StructureFilter(request.GET or None, queryset=selectors.structure_list_rows())
    queryset, sort = apply_sort(request, filterset.qs, STRUCTURE_COLUMNS, "nom")
    if request.GET.get("export") == "csv":
        return export_response(_structures_csv(queryset))
    return render(
        request,
        "dla/structure_list.html",
        {
            "filter": filterset,
            "page": paginate(request, queryset),
            "sort": sort,
        },
    )


def _structures_csv(queryset):
    kinds = dict(StepKind.choices)
    rows = (
        (
            s.name,
            s.siret,
            s.get_legal_form_display(),
            s.sector,
            s.employees,
            s.fte,
            s.postal_code,
            s.commune,
            kinds.get(s.furthest_kind, ""),
            s.last_step_on,
        )
        for s in queryset.iterator(chunk_size=2000)
    )
    header = (
        "Nom",
        "SIRET",
        "Forme juridique",
        "Secteur",
        "Salarié·es",
        "ETP",
        "Code postal",
        "Commune",
        "Étape atteinte",
        "Dernière étape",
    )
    return csv_export("structures-dla.csv", header, rows)


@staff_required
def structure_create(request: HttpRequest) -> HttpResponse:
    form = StructureCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = create_once_response(
            request,
            form,
            lambda: services.structure_create(data=model_data(form)),
            lambda created: f"Structure « {created.name} » créée.",
        )
        if response:
            return response
    return render(request, "dla/structure_form.html", {"form": form, "structure": None})


@staff_required
def structure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    structure = _get_structure(pk)
    kind = request.GET.get("etape")
    if kind not in StepKind.values:
        last = selectors.structure_timeline(structure).last()
        kind = selectors.next_step_kind(last.kind if last else None)
    initial = {"kind": kind, "date": timezone.localdate(), "staff": request.user.pk}
    return _render_structure(request, structure, StepForm(initial=initial))


# Years of steps: the latest shown, older ones a page back.
STEPS_PER_PAGE = 40


def _render_structure(request: HttpRequest, structure: Structure, step_form) -> HttpResponse:
    today = timezone.localdate()
    steps = paginate(
        request,
        selectors.structure_timeline(structure),
        STEPS_PER_PAGE,
        param="etapes",
        last_by_default=True,
    )
    return render(
        request,
        "dla/structure_detail.html",
        {
            "structure": structure,
            "steps": steps,
            "step_form": step_form,
            "themes": SUGGESTED_THEMES,
            "esus_expires_soon": bool(
                structure.esus_expires_on
                and today <= structure.esus_expires_on <= today + dt.timedelta(days=180)
            ),
            "esus_expired": bool(structure.esus_expires_on and structure.esus_expires_on < today),
            "same_siret": selectors.structures_sharing_siret(
                structure.siret, exclude_pk=structure.pk
            ),
        },
    )


@staff_required
def structure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    structure = _get_structure(pk)
    form = StructureForm(request.POST or None, instance=structure)
    if request.method == "POST" and form.is_valid():
        saved = _save_edit(
            form,
            lambda: services.structure_update(
                structure=structure,
                data=model_data(form),
                expected_version=form.cleaned_data["version"],
            ),
        )
        if saved:
            messages.success(request, "Structure enregistrée.")
            return redirect(structure)
    return render(request, "dla/structure_form.html", {"form": form, "structure": structure})


# --- Steps ----------------------------------------------------------------------------------


@staff_required
@require_POST
def step_add(request: HttpRequest, pk: int) -> HttpResponse:
    structure = _get_structure(pk)
    form = StepForm(request.POST)
    if form.is_valid():
        response = create_once_response(
            request,
            form,
            lambda: services.step_record(structure=structure, data=model_data(form)),
            lambda created: f"Étape « {created.get_kind_display()} » enregistrée.",
            redirect_to=f"{structure.get_absolute_url()}#parcours",
        )
        if response:
            return response
    messages.error(request, "L'étape n'est pas enregistrée : corrigez le formulaire.")
    return _render_structure(request, structure, form)


@staff_required
def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    step = _get_step(pk)
    form = StepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        saved = _save_edit(
            form,
            lambda: services.step_update(
                step=step, data=model_data(form), expected_version=form.cleaned_data["version"]
            ),
        )
        if saved:
            messages.success(request, "Étape enregistrée.")
            return redirect(f"{step.structure.get_absolute_url()}#parcours")
    return render(
        request,
        "dla/step_form.html",
        {"form": form, "step": step, "structure": step.structure, "themes": SUGGESTED_THEMES},
    )


@staff_required
@require_POST
def step_delete(request: HttpRequest, pk: int) -> HttpResponse:
    step = _get_step(pk)
    structure = step.structure
    label = step.get_kind_display()
    services.step_delete(step=step)
    messages.success(request, f"Étape « {label} » supprimée.")
    return redirect(f"{structure.get_absolute_url()}#parcours")


# --- Follow-ups due and the year's overview -------------------------------------------------


@staff_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    mine = request.GET.get("miens") == "1"
    today = timezone.localdate()
    rows = selectors.follow_ups_due(today=today, staff=request.user if mine else None)
    return render(
        request,
        "dla/follow_ups.html",
        {
            "page": paginate(request, rows),
            "mine": mine,
            "window_start": selectors.months_before(today, 12),
            "window_end": selectors.months_before(today, 6),
        },
    )


@staff_required
def overview(request: HttpRequest, year: int | None = None) -> HttpResponse:
    if year is None:
        return redirect("dla:overview_year", year=timezone.localdate().year)
    if not 1900 <= year <= 2100:
        raise Http404
    kinds = selectors.steps_by_kind(year)
    # The consultants of the year grow with the network: the biggest here, all in their list.
    providers = list(selectors.engineering_totals_by_provider(year)[: OVERVIEW_PROVIDERS + 1])
    return render(
        request,
        "dla/overview.html",
        {
            "year": year,
            "totals": selectors.engineering_totals(year),
            "by_theme": selectors.engineering_totals_by_theme(year),
            "by_provider": providers[:OVERVIEW_PROVIDERS],
            "more_providers": len(providers) > OVERVIEW_PROVIDERS,
            "by_kind": [(label, kinds[kind]) for kind, label in StepKind.choices],
        },
    )


# --- Consultants ----------------------------------------------------------------------------


@staff_required
def provider_list(request: HttpRequest) -> HttpResponse:
    year = _year_param(request)
    filterset = ProviderFilter(
        request.GET or None, queryset=selectors.provider_list_rows(year=year)
    )
    queryset, sort = apply_sort(request, filterset.qs, PROVIDER_COLUMNS, "nom")
    return render(
        request,
        "dla/provider_list.html",
        {
            "filter": filterset,
            "page": paginate(request, queryset),
            "sort": sort,
            "year": year,
            "years": selectors.years_with_steps(),
        },
    )


def _year_param(request: HttpRequest) -> int | None:
    value = request.GET.get("annee", "")
    if value.isdigit() and 1900 <= int(value) <= 2100:
        return int(value)
    return None


@staff_required
def provider_create(request: HttpRequest) -> HttpResponse:
    form = ProviderCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = create_once_response(
            request,
            form,
            lambda: services.provider_create(data=model_data(form)),
            lambda created: f"Prestataire « {created.name} » ajouté.",
        )
        if response:
            return response
    return render(request, "dla/provider_form.html", {"form": form, "provider": None})


@staff_required
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(selectors.provider_list_rows(), pk=pk)
    return render(
        request,
        "dla/provider_detail.html",
        {
            "provider": provider,
            "page": paginate(request, selectors.provider_engineerings(provider)),
            "by_year": selectors.provider_totals_by_year(provider),
        },
    )


@staff_required
def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(Provider, pk=pk)
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        saved = _save_edit(
            form,
            lambda: services.provider_update(
                provider=provider,
                data=model_data(form),
                expected_version=form.cleaned_data["version"],
            ),
        )
        if saved:
            messages.success(request, "Prestataire enregistré.")
            return redirect(provider)
    return render(request, "dla/provider_form.html", {"form": form, "provider": provider})


# --- Collective engineerings ----------------------------------------------------------------


@staff_required
def collective_list(request: HttpRequest) -> HttpResponse:
    queryset, sort = apply_sort(
        request, selectors.collective_list_rows(), COLLECTIVE_COLUMNS, "-debut"
    )
    return render(
        request,
        "dla/collective_list.html",
        {"page": paginate(request, queryset), "sort": sort},
    )


@staff_required
def collective_create(request: HttpRequest) -> HttpResponse:
    form = CollectiveCreateForm(
        request.POST or None, initial={"staff": request.user.pk, "days_per_structure": 3}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = create_once_response(
            request,
            form,
            lambda: services.collective_create(
                data=model_data(form),
                structures=data["structures"],
                days_per_structure=data["days_per_structure"],
                cost_per_structure=data["cost_per_structure"],
                staff=data["staff"],
            ),
            lambda created: f"Ingénierie collective « {created} » créée avec ses structures.",
        )
        if response:
            return response
    return render(
        request,
        "dla/collective_form.html",
        {"form": form, "collective": None, "themes": SUGGESTED_THEMES},
    )


@staff_required
def collective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    collective = get_object_or_404(selectors.collective_list_rows(), pk=pk)
    return _render_collective(request, collective, CollectiveJoinForm(collective=collective))


def _render_collective(request: HttpRequest, collective, join_form) -> HttpResponse:
    return render(
        request,
        "dla/collective_detail.html",
        {
            "collective": collective,
            "steps": selectors.collective_steps(collective),
            "join_form": join_form,
        },
    )


@staff_required
@require_POST
def collective_join(request: HttpRequest, pk: int) -> HttpResponse:
    collective = get_object_or_404(selectors.collective_list_rows(), pk=pk)
    form = CollectiveJoinForm(request.POST, collective=collective)
    if form.is_valid():
        data = form.cleaned_data
        response = create_once_response(
            request,
            form,
            lambda: services.collective_add_structure(
                collective=collective,
                structure=data["structure"],
                days=data["days"],
                cost_eur=data["cost_eur"],
                staff=request.user,
            ),
            lambda created: f"{created.structure.name} rejoint l'ingénierie.",
            redirect_to=collective.get_absolute_url(),
        )
        if response:
            return response
    return _render_collective(request, collective, form)


@staff_required
def collective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    collective = get_object_or_404(CollectiveEngineering, pk=pk)
    form = CollectiveForm(request.POST or None, instance=collective)
    if request.method == "POST" and form.is_valid():
        saved = _save_edit(
            form,
            lambda: services.collective_update(
                collective=collective,
                data=model_data(form),
                expected_version=form.cleaned_data["version"],
            ),
        )
        if saved:
            messages.success(request, "Ingénierie collective enregistrée.")
            return redirect(collective)
    return render(
        request,
        "dla/collective_form.html",
        {"form": form, "collective": collective, "themes": SUGGESTED_THEMES},
    )
