from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accompaniment.models import Project
from dla.models import Structure
from pes21.concurrency import create_once_response, save_response
from pes21.forms import model_data
from pes21.paging import paginate
from pes21.roles import staff_required

from . import selectors, services
from .forms import FollowUpForm
from .models import FollowUp


def _get_project(pk: int) -> Project:
    return get_object_or_404(Project.objects.select_related("referent"), pk=pk)


def _get_structure(pk: int) -> Structure:
    return get_object_or_404(Structure, pk=pk)


@staff_required
def todo(request: HttpRequest) -> HttpResponse:
    """« Suivis à faire »: mine (as referent, or as the DLA engineering's staff), or everyone's."""
    today = timezone.localdate()
    everyone = request.GET.get("qui") == "tous"
    staff = None if everyone else request.user
    # Two lists on one page, each paged on its own (pes21.paging).
    projects = paginate(request, selectors.project_follow_ups_due(today=today, staff=staff))
    engineerings = paginate(
        request, selectors.engineering_follow_ups_due(today=today, staff=staff), param="page_dla"
    )
    for row in [*projects, *engineerings]:
        row.due_on = selectors.due_on(row)
    return render(
        request,
        "followups/todo.html",
        {
            "today": today,
            "everyone": everyone,
            "projects": projects,
            "engineerings": engineerings,
            "due_soon_days": selectors.DUE_SOON_DAYS,
        },
    )


def _answer(
    request: HttpRequest,
    *,
    panel: dict,
    read_panel: Callable[[], dict],
    target_url: str,
    **target,
) -> HttpResponse:
    """The quick form of a project's or structure's follow-ups. htmx gets back the page's panel
    (read again by `read_panel` once the answer is recorded) or the to-do list's row; without
    JavaScript, a page of its own."""
    from_list = "liste" in (request.GET.get("depuis"), request.POST.get("depuis"))
    form = FollowUpForm(request.POST or None, years=panel["open_years"])
    if request.method == "POST" and form.is_valid():
        response = create_once_response(
            request,
            form,
            lambda: services.follow_up_record(
                years_after=form.cleaned_data["years_after"],
                data=model_data(form),
                user=request.user,
                **target,
            ),
            "Suivi enregistré.",
            redirect_to=target_url,
        )
        if response is not None:
            if not request.htmx:
                return response
            if from_list:
                return render(request, "followups/_list_done.html", {"panel": panel})
            panel = read_panel()
            form = FollowUpForm(years=panel["open_years"])
    if not request.htmx:
        template = "followups/answer.html"
    elif from_list:
        template = "followups/_list_form.html"
    else:
        template = "followups/_panel.html"
    return render(request, template, {"panel": panel, "form": form, "from_list": from_list})


@require_http_methods(["GET", "POST"])
@staff_required
def project_answer(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(pk)

    def read_panel() -> dict:
        return selectors.project_panel(project, today=timezone.localdate())

    panel = read_panel()
    if not panel["shown"]:
        raise Http404("Ce projet n'a pas créé de structure : pas de suivi.")
    return _answer(
        request,
        panel=panel,
        read_panel=read_panel,
        target_url=f"{project.get_absolute_url()}#suivis",
        project=project,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def structure_answer(request: HttpRequest, pk: int) -> HttpResponse:
    structure = _get_structure(pk)

    def read_panel() -> dict:
        return selectors.structure_panel(structure, today=timezone.localdate())

    panel = read_panel()
    if not panel["shown"]:
        raise Http404("Cette structure n'a pas eu d'ingénierie : pas de suivi.")
    return _answer(
        request,
        panel=panel,
        read_panel=read_panel,
        target_url=f"{structure.get_absolute_url()}#suivis",
        engineering=panel["engineering"],
    )


@require_http_methods(["GET", "POST"])
@staff_required
def follow_up_edit(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("project", "engineering__structure"), pk=pk
    )
    form = FollowUpForm(request.POST or None, instance=follow_up)
    if request.method == "POST" and form.is_valid():
        response = save_response(
            request,
            form,
            lambda: services.follow_up_update(
                follow_up=follow_up,
                data=model_data(form),
                user=request.user,
                expected_version=form.cleaned_data["version"],
            ),
            "Suivi enregistré.",
            redirect_to=follow_up.get_absolute_url(),
        )
        if response:
            return response
    return render(request, "followups/edit.html", {"form": form, "follow_up": follow_up})
