from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accompaniment.models import Project
from pes21.concurrency import save_response
from pes21.listing import ListDescription, list_page
from pes21.roles import staff_required, volunteer_required

from . import selectors, services
from .filters import CaseFilter, VolunteerFilter
from .forms import CaseForm, ContributionForm, VolunteerForm
from .models import Case, Volunteer


def _site_url(request: HttpRequest) -> str:
    """The site's address for links in e-mails, without the trailing slash."""
    return request.build_absolute_uri("/").rstrip("/")


def _get_volunteer_of(request: HttpRequest) -> Volunteer:
    """The profile of the volunteer who is logged in; a volunteer account without one gets 403."""
    volunteer = Volunteer.objects.filter(user=request.user).prefetch_related("skills").first()
    if volunteer is None:
        raise PermissionDenied
    return volunteer


def _get_own_case(volunteer: Volunteer, pk: int) -> Case:
    """One of the volunteer's cases; someone else's case is "not found", revealing nothing."""
    case = (
        selectors.case_with_contacts(
            Case.objects.of_volunteer(volunteer).in_progress(), contributions_of=volunteer
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


# --- Staff: volunteers -------------------------------------------------------------------------


VOLUNTEERS = ListDescription(
    template="volunteers/volunteer_list.html",
    records=lambda request: Volunteer.objects.all(),
    filterset=VolunteerFilter,
    rows=lambda volunteers, filters: selectors.volunteer_list_rows(volunteers),
)


@require_http_methods(["GET", "POST"])
@staff_required
def volunteer_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, VOLUNTEERS)


@staff_required
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_object_or_404(
        Volunteer.objects.select_related("user").prefetch_related("skills"), pk=pk
    )
    year = timezone.localdate().year
    start, end = timezone.localdate().replace(month=1, day=1), timezone.localdate()
    context = {
        "volunteer": volunteer,
        "cases": selectors.volunteer_cases(volunteer),
        "contributions": volunteer.contributions.select_related("case__project")[:50],
        "year": year,
        "minutes_this_year": selectors.volunteer_minutes(volunteer, start=start, end=end),
    }
    return render(request, "volunteers/volunteer_detail.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def volunteer_create(request: HttpRequest) -> HttpResponse:
    form = VolunteerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invite = form.cleaned_data["invite"]

        def create() -> Volunteer:
            volunteer = services.volunteer_create(
                data=form.model_data(), skills=form.cleaned_data["skills"]
            )
            if invite:
                services.volunteer_invite(volunteer=volunteer, site_url=_site_url(request))
            return volunteer

        invited = " Une invitation lui a été envoyée." if invite else ""
        response = save_response(
            request, form, create, lambda volunteer: f"Fiche de {volunteer} créée.{invited}"
        )
        if response:
            return response
    return render(request, "volunteers/volunteer_form.html", {"form": form, "volunteer": None})


@require_http_methods(["GET", "POST"])
@staff_required
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_object_or_404(Volunteer.objects.select_related("user"), pk=pk)
    form = VolunteerForm(request.POST or None, instance=volunteer)
    if request.method == "POST" and form.is_valid():
        response = save_response(
            request,
            form,
            lambda: services.volunteer_update(
                volunteer=volunteer,
                data=form.model_data(),
                skills=form.cleaned_data["skills"],
                expected_version=form.cleaned_data["version"],
            ),
            f"Fiche de {volunteer} enregistrée.",
            redirect_to=volunteer,
        )
        if response:
            return response
    return render(request, "volunteers/volunteer_form.html", {"form": form, "volunteer": volunteer})


@require_POST
@staff_required
def volunteer_invite(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_object_or_404(Volunteer.objects.select_related("user"), pk=pk)
    try:
        services.volunteer_invite(volunteer=volunteer, site_url=_site_url(request))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, f"Invitation envoyée à {volunteer.email}.")
    return redirect(volunteer)


# --- Staff: cases ----------------------------------------------------------------------------


CASES = ListDescription(
    template="volunteers/case_list.html",
    records=lambda request: Case.objects.all(),
    filterset=CaseFilter,
    rows=lambda cases, filters: selectors.case_list_rows(cases),
)


@require_http_methods(["GET", "POST"])
@staff_required
def case_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, CASES)


@staff_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(selectors.case_with_contacts(Case.objects.all()), pk=pk)
    return render(request, "volunteers/case_detail.html", {"case": case})


@require_http_methods(["GET", "POST"])
@staff_required
def case_open(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=project_pk)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = save_response(
            request,
            form,
            lambda: services.case_open(
                project=project,
                data={name: form.cleaned_data[name] for name in form._meta.fields},
                skills=form.cleaned_data["skills"],
                user=request.user,
                site_url=_site_url(request),
            ),
            "Le projet est ouvert au co-accompagnement des bénévoles.",
            redirect_to=project,
        )
        if response:
            return response
    return render(request, "volunteers/case_form.html", {"form": form, "project": project})


def _staff_transition(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("project"), pk=pk)
    try:
        action(case=case, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    target = request.POST.get("next", "")
    return redirect(case.project if target == "project" else case)


@require_POST
@staff_required
def case_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_transition(request, pk, services.case_confirm, "Dossier confirmé.")


@require_POST
@staff_required
def case_release(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_transition(
        request, pk, services.case_release, "Dossier libéré : il est de nouveau sur le tableau."
    )


@require_POST
@staff_required
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_transition(request, pk, services.case_close, "Dossier clos.")


# --- Volunteers: the board and their own space -------------------------------------------------


def _only_matching(request: HttpRequest) -> bool:
    return request.GET.get("mes_competences") == "1"


# The board's volunteer is read once by the view (request.volunteer), before the list.
BOARD = ListDescription(
    template="volunteers/board.html",
    records=lambda request: selectors.board_cases(
        volunteer=request.volunteer, only_matching=_only_matching(request)
    ),
    context=lambda request, filters: {
        "volunteer": request.volunteer,
        "only_matching": _only_matching(request),
    },
)


@volunteer_required
def board(request: HttpRequest) -> HttpResponse:
    request.volunteer = _get_volunteer_of(request)
    return list_page(request, BOARD)


@require_POST
@volunteer_required
def case_take(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _get_volunteer_of(request)
    case = get_object_or_404(Case.objects.select_related("project"), pk=pk)
    try:
        services.case_take(case=case, volunteer=volunteer, site_url=_site_url(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("volunteers:board")
    messages.success(request, "Le dossier est à vous. L'équipe en est prévenue. Merci !")
    return redirect("volunteers:my_case", pk=case.pk)


def _my_space_context(volunteer: Volunteer, form: ContributionForm | None = None) -> dict:
    own_in_progress = Case.objects.of_volunteer(volunteer).in_progress().select_related("project")
    return {
        "volunteer": volunteer,
        "cases": selectors.volunteer_cases(volunteer),
        "contributions": volunteer.contributions.select_related("case__project")[:20],
        "form": form or ContributionForm(cases=own_in_progress),
        "open_cases": selectors.board_cases(volunteer=volunteer, only_matching=True).count(),
    }


@volunteer_required
def my_space(request: HttpRequest) -> HttpResponse:
    volunteer = Volunteer.objects.filter(user=request.user).first()
    if volunteer is None:
        return render(request, "volunteers/my_space.html", {"volunteer": None})
    return render(request, "volunteers/my_space.html", _my_space_context(volunteer))


@volunteer_required
def my_case(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _get_volunteer_of(request)
    case = _get_own_case(volunteer, pk)
    form = ContributionForm(cases=Case.objects.filter(pk=case.pk), fixed_case=case)
    return render(request, "volunteers/my_case.html", {"case": case, "form": form})


@require_POST
@volunteer_required
def contribution_add(request: HttpRequest) -> HttpResponse:
    volunteer = _get_volunteer_of(request)
    own_cases = Case.objects.of_volunteer(volunteer).in_progress()
    case_pk = request.POST.get("case", "")
    fixed_case = own_cases.filter(pk=case_pk).first() if case_pk.isdigit() else None
    form = ContributionForm(
        request.POST, cases=own_cases.select_related("project"), fixed_case=fixed_case
    )
    if form.is_valid():
        response = save_response(
            request,
            form,
            lambda: services.contribution_log(
                volunteer=volunteer,
                case=form.cleaned_data["case"],
                mission=form.cleaned_data.get("mission") or "",
                date=form.cleaned_data["date"],
                minutes=form.cleaned_data["duration"],
                notes=form.cleaned_data["notes"],
            ),
            "Votre temps est noté. Merci !",
            redirect_to=reverse("volunteers:my_case", kwargs={"pk": fixed_case.pk})
            if fixed_case is not None
            else reverse("volunteers:my_space"),
            fields={"minutes": "duration"},
        )
        if response:
            return response
    if fixed_case is not None:
        case = _get_own_case(volunteer, fixed_case.pk)
        return render(request, "volunteers/my_case.html", {"case": case, "form": form}, status=400)
    messages.error(request, "Votre temps n'est pas noté : corrigez le formulaire.")
    return render(
        request, "volunteers/my_space.html", _my_space_context(volunteer, form), status=400
    )
