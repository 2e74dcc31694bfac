from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pes21.concurrency import create_once_response, save_response
from pes21.forms import model_data
from pes21.listing import ListDescription, list_export, list_page
from pes21.roles import staff_required

from . import places, selectors, services
from .filters import ProjectFilter, TerritoryFilter
from .forms import ActionForm, PhaseChangeForm, ProjectForm, TerritoryForm
from .models import TerritorialAction, TerritorialProject, Territory

TERRITORY_SORTS = {
    "nom": "name",
    "type": "kind",
    "code": "insee_code",
    "projets": "project_count",
    "en_cours": "open_project_count",
    "dernier": "last_start",
}
PROJECT_SORTS = {
    "nom": "name",
    "territoire": "territory__name",
    "phase": "phase",
    "debut": "started_on",
    "fin": "ended_on",
    "charge": "staff__last_name",
    "actions": "action_count",
    "participants": "participant_total",
}


def _get_territory(pk: int) -> Territory:
    return get_object_or_404(Territory, pk=pk)


def _get_project(pk: int) -> TerritorialProject:
    return get_object_or_404(TerritorialProject.objects.select_related("territory", "staff"), pk=pk)


def _get_action(project: TerritorialProject, pk: int) -> TerritorialAction:
    """An action of this project only: another project's action id gives 404."""
    return get_object_or_404(TerritorialAction.objects.filter(project=project), pk=pk)


# --- Territories -----------------------------------------------------------------------------


TERRITORIES = ListDescription(
    template="generateur/territory_list.html",
    records=lambda request: Territory.objects.all(),
    filterset=TerritoryFilter,
    rows=lambda territories, filters: selectors.territory_list_rows(territories),
    sorts=TERRITORY_SORTS,
    default_sort="nom",
)


@require_http_methods(["GET", "POST"])
@staff_required
def territory_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, TERRITORIES)


@staff_required
def territory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    territory = _get_territory(pk)
    place = places.get(territory.insee_code) if territory.insee_code else None
    epci = places.get(place.epci_code) if place and place.epci_code else None
    return render(
        request,
        "generateur/territory_detail.html",
        {
            "territory": territory,
            "projects": selectors.territory_projects(territory),
            "place": place,
            "epci": epci,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def territory_create(request: HttpRequest) -> HttpResponse:
    form = TerritoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = create_once_response(
            request,
            form,
            lambda: services.territory_create(data=model_data(form)),
            "Territoire créé.",
        )
        if response:
            return response
    return render(request, "generateur/territory_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@staff_required
def territory_edit(request: HttpRequest, pk: int) -> HttpResponse:
    territory = _get_territory(pk)
    form = TerritoryForm(request.POST or None, instance=territory)
    if request.method == "POST" and form.is_valid():
        response = save_response(
            request,
            form,
            lambda: services.territory_update(
                territory=territory,
                data=model_data(form),
                expected_version=form.cleaned_data["version"],
            ),
            "Territoire enregistré.",
            redirect_to=territory,
        )
        if response:
            return response
    return render(request, "generateur/territory_form.html", {"form": form, "territory": territory})


@require_GET
@staff_required
def place_search(request: HttpRequest) -> HttpResponse:
    """The official places matching what is typed (htmx), to pick one in the territory form."""
    query = request.GET.get("lieu", "").strip()[:100]
    return render(
        request, "generateur/_place_hits.html", {"query": query, "hits": places.find(query)}
    )


# --- Projects --------------------------------------------------------------------------------


def _filtered_year(filters: dict) -> int | None:
    """The year filtered on, if valid: the sums of the list then cover that year only."""
    return int(filters["year"]) if filters.get("year") else None


PROJECTS = ListDescription(
    template="generateur/project_list.html",
    records=lambda request: TerritorialProject.objects.all(),
    filterset=ProjectFilter,
    rows=lambda projects, filters: selectors.project_list_rows(projects, _filtered_year(filters)),
    sorts=PROJECT_SORTS,
    default_sort="-debut",
    export=lambda projects, filters: selectors.project_export_rows(
        projects.order_by("-started_on", "pk"), _filtered_year(filters)
    ),
    export_name="projets-de-territoire",
    context=lambda request, filters: {
        "year": _filtered_year(filters),
        "years": selectors.totals_by_year(),
    },
)


@require_http_methods(["GET", "POST"])
@staff_required
def project_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, PROJECTS)


@staff_required
def project_export(request: HttpRequest) -> HttpResponse:
    return list_export(request, PROJECTS)


@require_http_methods(["GET", "POST"])
@staff_required
def project_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    territory_pk = request.GET.get("territoire", "")
    if territory_pk.isdigit():
        initial["territory"] = Territory.objects.filter(pk=int(territory_pk)).first()
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = create_once_response(
            request,
            form,
            lambda: services.project_create(data=model_data(form), user=request.user),
            "Projet de territoire créé.",
        )
        if response:
            return response
    return render(request, "generateur/project_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@staff_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(pk)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        response = save_response(
            request,
            form,
            lambda: services.project_update(
                project=project,
                data=model_data(form),
                user=request.user,
                expected_version=form.cleaned_data["version"],
            ),
            "Projet enregistré.",
            redirect_to=project,
        )
        if response:
            return response
    return render(request, "generateur/project_form.html", {"form": form, "project": project})


def _project_page(
    request: HttpRequest,
    project: TerritorialProject,
    *,
    action_form: ActionForm | None = None,
    phase_form: PhaseChangeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "generateur/project_detail.html",
        {
            "project": project,
            "phase_bar": selectors.phase_bar(project),
            "timeline": selectors.timeline(project, request.GET.get("chronologie")),
            "totals": selectors.project_totals(project),
            "by_year": selectors.actions_summary_by_year(project),
            "by_kind": selectors.actions_summary_by_kind(project),
            "action_form": action_form or ActionForm(project=project),
            "phase_form": phase_form or PhaseChangeForm(project=project),
        },
        status=status,
    )


@staff_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_page(request, _get_project(pk))


@require_POST
@staff_required
def project_change_phase(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(pk)
    form = PhaseChangeForm(request.POST, project=project)
    if form.is_valid():
        response = save_response(
            request,
            form,
            lambda: services.project_change_phase(
                project=project,
                phase=form.cleaned_data["phase"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                user=request.user,
                expected_version=form.cleaned_data["version"],
            ),
            lambda change: f"Le projet passe en phase « {change.get_phase_display()} ».",
            redirect_to=project,
        )
        if response:
            return response
        project.refresh_from_db()
    return _project_page(request, project, phase_form=form, status=400)


@require_POST
@staff_required
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(pk)
    form = ActionForm(request.POST, project=project)
    if form.is_valid():
        response = create_once_response(
            request,
            form,
            lambda: services.action_create(project=project, data=model_data(form)),
            "Action ajoutée.",
        )
        if response:
            return response
    return _project_page(request, project, action_form=form, status=400)


@require_http_methods(["GET", "POST"])
@staff_required
def action_edit(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    project = _get_project(pk)
    action = _get_action(project, action_pk)
    form = ActionForm(request.POST or None, instance=action, project=project)
    if request.method == "POST" and form.is_valid():
        services.action_update(action=action, data=model_data(form))
        messages.success(request, "Action enregistrée.")
        return redirect(action)
    return render(
        request,
        "generateur/action_form.html",
        {"form": form, "project": project, "action": action},
    )


@require_POST
@staff_required
def action_delete(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    project = _get_project(pk)
    services.action_delete(action=_get_action(project, action_pk))
    messages.success(request, "Action supprimée.")
    return redirect(project)
