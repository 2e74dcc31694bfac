"""The public pages (no login, namespace « public ») and the staff's pages about them
(namespace « public_staff »).

A public view is marked @login_not_required, answers only in its own layout (public/base.html:
no staff navigation, no link into the application), and guards its POSTs (size, rate) before
any form is built; its forms check the honeypot and the fill time (public/antispam.py).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accompaniment.models import CollectiveAction, Holder, Project
from pes21.concurrency import create_once, refuse_on_form, save_response
from pes21.forms import parse_id
from pes21.listing import ListDescription, list_page
from pes21.paging import paginate
from pes21.roles import director_required, staff_required

from . import notice, project_requests, questionnaires, selectors, services
from .antispam import guarded_post
from .forms import (
    AttendanceForm,
    InvitationForm,
    OpeningForm,
    ProjectRequestForm,
    QuestionnaireForm,
    RegistrationForm,
)
from .ics import registration_ics
from .models import Opening, ProjectRequest, Registration, RegistrationStatus, RequestStatus


def _site_url(request: HttpRequest) -> str:
    """The site's address for the links of the e-mails, as the person reached it."""
    return request.build_absolute_uri("/").rstrip("/")


def _refused_link(request: HttpRequest, reason: str) -> HttpResponse:
    """A link that no longer opens anything, said plainly (410 when it once did)."""
    status = 404 if reason == "unknown" else 410
    return render(request, "public/link_refused.html", {"reason": reason}, status=status)


# --- Public pages -----------------------------------------------------------------------------


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.coming_openings(timezone.localdate()), per_page=20)
    return render(request, "public/home.html", {"page": page})


@login_not_required
@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    context = {"version": notice.CURRENT, "months": settings.RETENTION_MONTHS}
    return render(request, notice.template_name(), context)


def _public_opening(pk: int) -> Opening:
    """An action the public may see: open to registration, not yet held."""
    opening = selectors.opening_with_places(pk)
    if opening is None or not opening.is_open or opening.action.date < timezone.localdate():
        raise Http404
    return opening


@login_not_required
@require_http_methods(["GET", "POST"])
@guarded_post
def action(request: HttpRequest, pk: int) -> HttpResponse:
    opening = _public_opening(pk)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration, created = services.registration_create(
                opening=opening, data=form.cleaned_data, site_url=_site_url(request)
            )
        except ValidationError as error:
            refuse_on_form(form, error)
        else:
            context = {"registration": registration, "created": created, "opening": opening}
            return render(request, "public/registered.html", context)
    context = {
        "opening": opening,
        "form": form,
        "takes_registrations": opening.takes_registrations(timezone.localdate()),
        "places_left": selectors.places_left(opening),
    }
    return render(request, "public/action.html", context)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@guarded_post
def registration(request: HttpRequest, token: str) -> HttpResponse:
    """The cancellation link of the e-mails: where the registration stands, and the button."""
    found = services.registration_for_link(token)
    if found is None:
        return _refused_link(request, "unknown")
    error = ""
    if request.method == "POST":
        try:
            services.registration_cancel(registration=found, site_url=_site_url(request))
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            found.refresh_from_db()
    context = {
        "registration": found,
        "opening": found.opening,
        "token": token,
        "error": error,
        "started": timezone.now() >= found.opening.starts,
        "just_cancelled": request.method == "POST" and not error,
    }
    return render(request, "public/registration.html", context)


@login_not_required
@never_cache
@require_GET
def registration_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The calendar invitation again, for a person who lost the e-mail's attachment."""
    found = services.registration_for_link(token)
    if found is None or found.status != RegistrationStatus.CONFIRMED:
        return _refused_link(request, "unknown")
    cancel_url = request.build_absolute_uri(reverse("public:registration", args=[token]))
    response = HttpResponse(
        registration_ics(found, cancel_url=cancel_url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="inscription.ics"'
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
@guarded_post
def project_request(request: HttpRequest) -> HttpResponse:
    """« Déposer mon projet »."""
    form = ProjectRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # The form's one-time id: sent twice, it records one request.
            create_once(
                token=form.submission_id,
                user=None,
                create=lambda: project_requests.project_request_submit(
                    data=form.cleaned_data, site_url=_site_url(request)
                ),
            )
        except ValidationError as error:
            refuse_on_form(form, error)
        else:
            context = {"kind": form.cleaned_data["kind"], "email": form.cleaned_data["email"]}
            return render(request, "public/request_sent.html", context)
    return render(request, "public/project_request.html", {"form": form})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@guarded_post
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    invitation = questionnaires.invitation_for_link(token)
    refusal = questionnaires.invitation_refusal(invitation, timezone.now())
    if refusal:
        return _refused_link(request, refusal)
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            questionnaires.questionnaire_answer(invitation=invitation, data=form.answer_data())
        except ValidationError as error:
            if error.code in ("answered", "expired", "unknown"):
                return _refused_link(request, error.code)
            refuse_on_form(form, error)
        else:
            return render(request, "public/questionnaire_done.html", {"invitation": invitation})
    return render(request, "public/questionnaire.html", {"form": form, "invitation": invitation})


# --- Staff pages ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def opening_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a collective action to registration from the public page, or change how."""
    action = get_object_or_404(CollectiveAction, pk=pk)
    opening = Opening.objects.filter(action=action).first()
    initial = {}
    if opening is None:
        opening = Opening(action=action)
        initial = {"closes_on": action.date, "capacity": 20, "description": action.notes}
    form = OpeningForm(request.POST or None, instance=opening, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = save_response(
            request,
            form,
            lambda: services.opening_save(
                action=action,
                data=form.model_data(),
                site_url=_site_url(request),
                expected_version=form.cleaned_data["version"],
            ),
            "Inscriptions enregistrées.",
            redirect_to=f"{action.get_absolute_url()}#inscriptions",
        )
        if response:
            return response
    return render(request, "public/opening_form.html", {"form": form, "action": action})


@require_POST
@staff_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(CollectiveAction, pk=pk)
    opening = get_object_or_404(Opening, action=action)
    form = AttendanceForm(request.POST, action=action)
    try:
        if not form.is_valid():
            raise ValidationError("Rechargez la page, puis notez à nouveau les présences.")
        came = services.attendance_record(
            opening=opening,
            present=form.present_ids(),
            choices=form.choices(),
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            f"Présences enregistrées : {came} personne{'s' if came > 1 else ''} venue"
            f"{'s' if came > 1 else ''} parmi les inscrits.",
        )
    return redirect(f"{action.get_absolute_url()}#inscriptions")


@require_POST
@staff_required
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel for a person who asked by phone or e-mail; they are told, the list moves up."""
    found = get_object_or_404(Registration.objects.select_related("opening__action"), pk=pk)
    try:
        moved = services.registration_cancel(registration=found, site_url=_site_url(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = f"Inscription de {found} annulée."
        if moved:
            text += " Place donnée à : " + ", ".join(str(r) for r in moved) + "."
        messages.success(request, text)
    return redirect(f"{found.opening.action.get_absolute_url()}#inscriptions")


def _status_shown(request: HttpRequest) -> str:
    """The tab of requests shown: new ones by default, "" for all."""
    status = request.GET.get("statut", RequestStatus.NEW)
    return status if status in RequestStatus.values else ""


REQUESTS = ListDescription(
    template="public/request_list.html",
    records=lambda request: selectors.request_list(status=_status_shown(request) or None),
    context=lambda request, filters: {"status": _status_shown(request)},
)


@require_GET
@staff_required
def request_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, REQUESTS)


def _get_request(pk: int) -> ProjectRequest:
    return get_object_or_404(
        ProjectRequest.objects.select_related("holder", "project", "structure", "handled_by"),
        pk=pk,
    )


@require_GET
@staff_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _get_request(pk)
    context = {
        "found": found,
        "known_holders": selectors.request_known_holders(found),
        "known_structures": selectors.request_known_structures(found),
    }
    return render(request, "public/request_detail.html", context)


@require_POST
@staff_required
def request_handled(request: HttpRequest, pk: int) -> HttpResponse:
    project_requests.project_request_mark_handled(request=_get_request(pk), user=request.user)
    messages.success(request, "Demande marquée comme traitée.")
    return redirect("public_staff:request_list")


@require_POST
@staff_required
def request_use_holder(request: HttpRequest, pk: int) -> HttpResponse:
    found = _get_request(pk)
    holder_id = parse_id(request.POST.get("holder", ""))
    holder = Holder.objects.filter(pk=holder_id).first() if holder_id else None
    try:
        if holder is None:
            raise ValidationError("Choisissez le porteur déjà connu.")
        project_requests.project_request_use_known_holder(
            request=found, holder=holder, user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Le projet est rattaché à la fiche de {holder}.")
    return redirect(found)


@require_POST
@director_required
def request_erase(request: HttpRequest, pk: int) -> HttpResponse:
    found = _get_request(pk)
    project_requests.project_request_erase(request=found)
    messages.success(request, "Les coordonnées et les textes de la demande sont effacés.")
    return redirect(found)


@require_POST
@staff_required
def questionnaire_invite(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    form = InvitationForm(request.POST, holders=project.holders.all())
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        invitations = questionnaires.questionnaire_invite(
            project=project,
            holders=project.holders.filter(pk__in=form.cleaned_data["holders"]),
            user=request.user,
            site_url=_site_url(request),
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        names = ", ".join(str(i.holder) for i in invitations)
        messages.success(request, f"Questionnaire envoyé à : {names}.")
    return redirect(f"{project.get_absolute_url()}#questionnaire")
