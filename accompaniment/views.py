import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pes21 import panels
from pes21.concurrency import (
    ALREADY_SUBMITTED_MESSAGE,
    create_once_response,
    save_response,
)
from pes21.forms import model_data
from pes21.listing import ListDescription, list_export, list_page
from pes21.models import FormSubmission
from pes21.roles import staff_required

from . import closing, selectors, services
from .filters import CollectiveActionFilter, HolderFilter, ProjectFilter
from .forms import (
    CollectiveActionForm,
    HolderForm,
    MeetingForm,
    ProjectCloseForm,
    ProjectForm,
    ProjectStartForm,
)
from .models import CollectiveAction, Holder, Meeting, Project, ProjectStatus


def _already_created(request: HttpRequest) -> HttpResponse | None:
    """A create form sent again: go to what the first sending created, before any check
    (the duplicate-holder warning would otherwise flag the first sending's holder)."""
    try:
        token = uuid.UUID(request.POST.get("submission_token", ""))
    except ValueError:
        return None
    url = FormSubmission.objects.filter(token=token).values_list("url", flat=True).first()
    if not url:
        return None
    messages.info(request, ALREADY_SUBMITTED_MESSAGE)
    return redirect(url)


# --- Projects --------------------------------------------------------------------------------

PROJECT_SORTS = {
    "nom": "name",
    "programme": "programme",
    "accueil": "received_on",
    "statut": "status",
    "referent": "referent__last_name",
    "temps": "minutes_spent",
    "etape": "next_step_on",
}


def _get_project(pk: int) -> Project:
    return get_object_or_404(Project.objects.select_related("referent", "structure"), pk=pk)


PROJECTS = ListDescription(
    template="accompaniment/project_list.html",
    records=lambda request: Project.objects.all(),
    filterset=ProjectFilter,
    rows=lambda projects, filters: selectors.project_list_rows(projects),
    sorts=PROJECT_SORTS,
    default_sort="-accueil",
    export=lambda projects, filters: selectors.project_export_rows(
        projects.order_by("-received_on", "pk")
    ),
    export_name="projets",
)


@require_http_methods(["GET", "POST"])
@staff_required
def project_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, PROJECTS)


@staff_required
def project_export(request: HttpRequest) -> HttpResponse:
    return list_export(request, PROJECTS)


def _project_page(request: HttpRequest, project: Project, **forms) -> HttpResponse:
    context = {
        "project": project,
        "holders": project.holders.all(),
        "timeline": selectors.project_timeline(project, request.GET.get("historique")),
        "minutes_spent": selectors.project_minutes_spent(project),
        "meeting_form": forms.get("meeting_form")
        or MeetingForm(
            initial={"date": timezone.localdate(), "staff": request.user},
            with_next_step=not project.is_closed,
        ),
        "start_form": forms.get("start_form")
        or ProjectStartForm(project=project, initial={"on": timezone.localdate()}),
    }
    if request.htmx and forms.get("partial"):
        return render(request, "accompaniment/_project_activity.html", context)
    context |= {
        "attachments": panels.attachments(request, project),
        "panels": panels.of_record(request, project),
        "history": panels.history(request, project),
    }
    return render(request, "accompaniment/project_detail.html", context)


@staff_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_page(request, _get_project(pk))


@require_http_methods(["GET", "POST"])
@staff_required
def project_create(request: HttpRequest) -> HttpResponse:
    initial = {"received_on": timezone.localdate(), "referent": request.user}
    holder_id = request.GET.get("porteur", "")
    if holder_id.isdigit():
        initial["holders"] = list(Holder.objects.filter(pk=holder_id))
    if request.method == "POST" and (again := _already_created(request)):
        return again
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = create_once_response(
            request,
            form,
            lambda: services.project_create(
                data=model_data(form), holders=form.cleaned_data["holders"], user=request.user
            ),
            f"Projet « {form.cleaned_data['name']} » créé.",
        )
        if response:
            return response
    return render(request, "accompaniment/project_form.html", {"form": form, "project": None})


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
                holders=form.cleaned_data["holders"],
                user=request.user,
                expected_version=form.cleaned_data["version"],
            ),
            "Projet enregistré.",
            redirect_to=project,
        )
        if response:
            return response
    return render(request, "accompaniment/project_form.html", {"form": form, "project": project})


@require_POST
@staff_required
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(pk)
    form = MeetingForm(
        request.POST, instance=Meeting(project=project), with_next_step=not project.is_closed
    )
    if not form.is_valid():
        return _project_page(request, project, meeting_form=form, partial=True)
    response = create_once_response(
        request,
        form,
        lambda: services.meeting_create(
            project=project,
            data=model_data(form),
            next_step=form.cleaned_data.get("next_step", ""),
            next_step_on=form.cleaned_data.get("next_step_on"),
        ),
        "Rendez-vous enregistré.",
    )
    if request.htmx:
        # The quick form is swapped in place with a fresh one; the timeline and time follow.
        return _project_page(
            request, project, meeting_form=None if response else form, partial=True
        )
    return response or _project_page(request, project, meeting_form=form)


@require_http_methods(["GET", "POST"])
@staff_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("project"), pk=pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        response = save_response(
            request,
            form,
            lambda: services.meeting_update(
                meeting=meeting,
                data=model_data(form),
                expected_version=form.cleaned_data["version"],
            ),
            "Rendez-vous enregistré.",
            redirect_to=meeting.project,
        )
        if response:
            return response
    return render(
        request,
        "accompaniment/meeting_form.html",
        {"form": form, "meeting": meeting, "project": meeting.project},
    )


@require_POST
@staff_required
def project_start(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(pk)
    form = ProjectStartForm(request.POST, project=project)
    if not form.is_valid():
        return _project_page(request, project, start_form=form)
    response = save_response(
        request,
        form,
        lambda: services.project_change_status(
            project=project,
            status=ProjectStatus.ACCOMPANIED,
            on=form.cleaned_data["on"],
            user=request.user,
            expected_version=form.cleaned_data["version"],
        ),
        "Accompagnement commencé.",
        redirect_to=project,
        fields={"started_on": "on"},
    )
    if response:
        return response
    # The project's rule on its start date is said beside the date; anything else (an edit
    # made meanwhile) above the page.
    if form.has_error("on"):
        # The page shows the project as saved, not as the refused start left it.
        return _project_page(request, _get_project(pk), start_form=form)
    messages.error(request, " ".join(form.non_field_errors()))
    return redirect(project)


@require_http_methods(["GET", "POST"])
@staff_required
def project_close(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project(pk)
    initial = {"on": timezone.localdate(), "created_on": timezone.localdate()}
    consequences = closing.consequences(project)
    form = ProjectCloseForm(
        request.POST or None,
        project=project,
        initial=initial,
        has_consequences=bool(project.next_step or consequences),
    )
    if request.method == "POST" and form.is_valid():
        outcome = dict(form.cleaned_data)
        version = outcome.pop("version")
        outcome.pop("accept_consequences", None)

        def done(_) -> str:
            closed = f"Projet clos : {project.get_status_display().lower()}."
            return " ".join([closed, *(consequence.done for consequence in consequences)])

        response = save_response(
            request,
            form,
            lambda: services.project_close(
                project=project, user=request.user, expected_version=version, **outcome
            ),
            done,
            redirect_to=project,
            fields={"ended_on": "on"},
        )
        if response:
            return response
    context = {"form": form, "project": project, "consequences": consequences}
    return render(request, "accompaniment/project_close.html", context)


# --- Holders ---------------------------------------------------------------------------------

HOLDER_SORTS = {
    "nom": ("last_name", "first_name"),
    "commune": "commune",
    "projets": "project_count",
    "consentement": "consent_on",
}


HOLDERS = ListDescription(
    template="accompaniment/holder_list.html",
    records=lambda request: Holder.objects.all(),
    filterset=HolderFilter,
    rows=lambda holders, filters: selectors.holder_list_rows(holders),
    sorts=HOLDER_SORTS,
    default_sort="nom",
    export=lambda holders, filters: selectors.holder_export_rows(holders),
    export_name="porteurs",
)


@require_http_methods(["GET", "POST"])
@staff_required
def holder_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, HOLDERS)


@staff_required
def holder_export(request: HttpRequest) -> HttpResponse:
    return list_export(request, HOLDERS)


@staff_required
def holder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    holder = get_object_or_404(Holder, pk=pk)
    projects = selectors.project_list_rows(holder.projects.all()).order_by("-received_on", "pk")
    actions = holder.collective_actions.order_by("-date", "pk")
    return render(
        request,
        "accompaniment/holder_detail.html",
        {
            "holder": holder,
            "projects": projects,
            "actions": actions,
            "history": panels.history(request, holder),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def holder_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and (again := _already_created(request)):
        return again
    form = HolderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = create_once_response(
            request,
            form,
            lambda: services.holder_create(data=model_data(form)),
            "Porteur enregistré.",
        )
        if response:
            return response
    return render(request, "accompaniment/holder_form.html", {"form": form, "holder": None})


@require_http_methods(["GET", "POST"])
@staff_required
def holder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    holder = get_object_or_404(Holder, pk=pk)
    form = HolderForm(request.POST or None, instance=holder)
    if request.method == "POST" and form.is_valid():
        response = save_response(
            request,
            form,
            lambda: services.holder_update(
                holder=holder,
                data=model_data(form),
                expected_version=form.cleaned_data["version"],
            ),
            "Porteur enregistré.",
            redirect_to=holder,
        )
        if response:
            return response
    return render(request, "accompaniment/holder_form.html", {"form": form, "holder": holder})


# --- Collective actions ----------------------------------------------------------------------

ACTION_SORTS = {
    "date": "date",
    "titre": "title",
    "type": "kind",
    "cycle": "series",
    "participants": "participants",
    "heures": "hours",
}


ACTIONS = ListDescription(
    template="accompaniment/action_list.html",
    records=lambda request: CollectiveAction.objects.all(),
    filterset=CollectiveActionFilter,
    rows=lambda actions, filters: selectors.action_list_rows(actions),
    sorts=ACTION_SORTS,
    default_sort="-date",
    export=lambda actions, filters: selectors.action_export_rows(actions.order_by("-date", "pk")),
    export_name="actions-collectives",
)


@require_http_methods(["GET", "POST"])
@staff_required
def action_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, ACTIONS)


@staff_required
def action_export(request: HttpRequest) -> HttpResponse:
    return list_export(request, ACTIONS)


@staff_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(CollectiveAction, pk=pk)
    return render(
        request,
        "accompaniment/action_detail.html",
        {
            "action": action,
            "attendees": action.attendees.order_by("last_name", "first_name"),
            "panels": panels.of_record(request, action),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def action_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and (again := _already_created(request)):
        return again
    form = CollectiveActionForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        response = create_once_response(
            request,
            form,
            lambda: services.action_create(
                data=model_data(form), attendees=form.cleaned_data["attendees"]
            ),
            "Action collective enregistrée.",
        )
        if response:
            return response
    return render(request, "accompaniment/action_form.html", {"form": form, "action": None})


@require_http_methods(["GET", "POST"])
@staff_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(CollectiveAction, pk=pk)
    form = CollectiveActionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        response = save_response(
            request,
            form,
            lambda: services.action_update(
                action=action,
                data=model_data(form),
                attendees=form.cleaned_data["attendees"],
                expected_version=form.cleaned_data["version"],
            ),
            "Action collective enregistrée.",
            redirect_to=action,
        )
        if response:
            return response
    return render(request, "accompaniment/action_form.html", {"form": form, "action": action})
