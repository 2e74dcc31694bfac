import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pes21 import panels
from pes21.concurrency import create_once_response, save_response
from pes21.forms import model_data
from pes21.listing import ListDescription, list_export, list_page
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


# --- Structures -----------------------------------------------------------------------------


STRUCTURES = ListDescription(
    template="dla/structure_list.html",
    records=lambda request: selectors.structure_list_rows(),
    filterset=StructureFilter,
    sorts=STRUCTURE_COLUMNS,
    default_sort="nom",
    export=lambda structures, filters: selectors.structure_export_rows(structures),
    export_name="structures-dla",
)


@require_http_methods(["GET", "POST"])
@staff_required
def structure_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, STRUCTURES)


@staff_required
def structure_export(request: HttpRequest) -> HttpResponse:
    return list_export(request, STRUCTURES)


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
            "panels": panels.of_record(request, structure),
            "attachments": panels.attachments(request, structure),
        },
    )


@staff_required
def structure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    structure = _get_structure(pk)
    form = StructureForm(request.POST or None, instance=structure)
    if request.method == "POST" and form.is_valid():
        response = save_response(
            request,
            form,
            lambda: services.structure_update(
                structure=structure,
                data=model_data(form),
                expected_version=form.cleaned_data["version"],
            ),
            "Structure enregistrée.",
            redirect_to=structure,
        )
        if response:
            return response
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
        response = save_response(
            request,
            form,
            lambda: services.step_update(
                step=step, data=model_data(form), expected_version=form.cleaned_data["version"]
            ),
            "Étape enregistrée.",
            redirect_to=f"{step.structure.get_absolute_url()}#parcours",
        )
        if response:
            return response
    return render(
        request,
        "dla/step_form.html",
        {
            "form": form,
            "step": step,
            "structure": step.structure,
            "themes": SUGGESTED_THEMES,
            "attachments": panels.attachments(request, step),
        },
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


def _mine(request: HttpRequest) -> bool:
    return request.GET.get("miens") == "1"


FOLLOW_UPS = ListDescription(
    template="dla/follow_ups.html",
    records=lambda request: selectors.follow_ups_due(
        today=timezone.localdate(), staff=request.user if _mine(request) else None
    ),
    context=lambda request, filters: {
        "mine": _mine(request),
        "window_start": selectors.months_before(timezone.localdate(), 12),
        "window_end": selectors.months_before(timezone.localdate(), 6),
    },
)


@staff_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    return list_page(request, FOLLOW_UPS)


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


PROVIDERS = ListDescription(
    template="dla/provider_list.html",
    records=lambda request: selectors.provider_list_rows(year=_year_param(request)),
    filterset=ProviderFilter,
    sorts=PROVIDER_COLUMNS,
    default_sort="nom",
    context=lambda request, filters: {
        "year": _year_param(request),
        "years": selectors.years_with_steps(),
    },
)


@require_http_methods(["GET", "POST"])
@staff_required
def provider_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, PROVIDERS)


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
        response = save_response(
            request,
            form,
            lambda: services.provider_update(
                provider=provider,
                data=model_data(form),
                expected_version=form.cleaned_data["version"],
            ),
            "Prestataire enregistré.",
            redirect_to=provider,
        )
        if response:
            return response
    return render(request, "dla/provider_form.html", {"form": form, "provider": provider})


# --- Collective engineerings ----------------------------------------------------------------


COLLECTIVES = ListDescription(
    template="dla/collective_list.html",
    records=lambda request: selectors.collective_list_rows(),
    sorts=COLLECTIVE_COLUMNS,
    default_sort="-debut",
)


@staff_required
def collective_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, COLLECTIVES)


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
            "attachments": panels.attachments(request, collective),
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
        response = save_response(
            request,
            form,
            lambda: services.collective_update(
                collective=collective,
                data=model_data(form),
                expected_version=form.cleaned_data["version"],
            ),
            "Ingénierie collective enregistrée.",
            redirect_to=collective,
        )
        if response:
            return response
    return render(
        request,
        "dla/collective_form.html",
        {"form": form, "collective": collective, "themes": SUGGESTED_THEMES},
    )
