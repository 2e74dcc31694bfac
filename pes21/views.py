from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from . import panels, pickers, second_factor
from . import search as search_registry
from .attachments import ATTACHABLE
from .desk import desk_sections
from .forms import AttachmentForm, SecondFactorCodeForm
from .models import Attachment
from .roles import is_staff_member, is_volunteer, staff_required
from .services import attachment_create, attachment_delete


def home(request: HttpRequest) -> HttpResponse:
    """Staff and the director land on their desk (pes21.desk): the day's work, then the year."""
    user = request.user
    if is_staff_member(user):
        today = timezone.localdate()
        context = {"today": today, "sections": desk_sections(user, today=today)}
        return render(request, "pes21/home_staff.html", context)
    if is_volunteer(user):
        panels_shown = panels.shown("home.volunteer", request)
        return render(request, "pes21/home_volunteer.html", {"panels": panels_shown})
    return render(request, "pes21/home_norole.html")


@require_http_methods(["GET", "POST"])
@staff_required
def search(request: HttpRequest) -> HttpResponse:
    # Names are personal data: the query travels in the body, never in a URL or access log.
    # PostgreSQL refuses a NUL in any text parameter (an error 500): no name contains one.
    query = request.POST.get("q", "").replace("\x00", "")[:100]
    groups = search_registry.search(request.user, query)
    template = "pes21/_search_results.html" if request.htmx else "pes21/search.html"
    return render(request, template, {"query": query, "groups": groups})


@require_POST
def picker(request: HttpRequest, kind: str) -> HttpResponse:
    """The matches of a search picker's box, typed in any form (names travel in the body)."""
    source = pickers.source(kind)
    if source is None:
        raise Http404
    if not source.allowed(request.user):
        raise PermissionDenied
    name = request.POST.get("name", "")
    if not pickers.FIELD_NAME.match(name):
        return HttpResponse(status=400)
    query = pickers.clean_query(request.POST.get(name + pickers.QUERY_SUFFIX))
    queryset = source.queryset(request.user, request.POST.get("scope", "")[:40])
    context = pickers.results_context(
        kind=kind,
        name=name,
        multiple=request.POST.get("multiple") == "1",
        found=pickers.search(queryset, query),
        query=query,
    )
    return render(request, "pes21/widgets/_picker_found.html", context)


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _get_attachable(content_type_id: int, object_id: int):
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    if f"{content_type.app_label}.{content_type.model}" not in ATTACHABLE:
        raise Http404
    try:
        return content_type.get_object_for_this_type(pk=object_id)
    except content_type.model_class().DoesNotExist:
        raise Http404 from None


def _get_attachment_for_user(request: HttpRequest, pk: int) -> Attachment:
    if not is_staff_member(request.user):
        raise PermissionDenied
    return get_object_or_404(Attachment, pk=pk)


@require_POST
@staff_required
def attachment_add(request: HttpRequest, content_type_id: int, object_id: int) -> HttpResponse:
    target = _get_attachable(content_type_id, object_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        attachment_create(
            target=target,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
            user=request.user,
        )
        messages.success(request, "Document ajouté.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"Document refusé : {error}")
    return redirect(target.get_absolute_url())


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = _get_attachment_for_user(request, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.filename)


@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _get_attachment_for_user(request, pk)
    target = attachment.target
    attachment_delete(attachment=attachment)
    messages.success(request, "Document supprimé.")
    return redirect(target.get_absolute_url() if target else "home")


# --- Two-factor sign-in (pes21.second_factor) ----------------------------------------------

CODE_HELP = "Les six chiffres affichés par votre application, ou l'un de vos codes de secours."


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else "/"


def _retry_message(retry_at) -> str:
    return (
        "Trop de codes erronés : par précaution, le prochain ne sera vérifié qu'à partir de "
        f"{timezone.localtime(retry_at):%H:%M:%S}."
    )


@require_http_methods(["GET", "POST"])
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in, for a person who turned two-factor sign-in on."""
    if not request.user.second_factor or request.user.is_verified():
        return redirect(_next_url(request))
    form = SecondFactorCodeForm(request.POST or None, help_text=CODE_HELP)
    if request.method == "POST" and form.is_valid():
        result = second_factor.verify(user=request.user, code=form.cleaned_data["code"])
        if result.device is not None:
            second_factor.otp_login(request, result.device)
            if result.used_a_backup_code:
                left = second_factor.backup_codes_left(request.user)
                messages.warning(
                    request,
                    f"Code de secours utilisé : il vous en reste {left}. Vous pouvez en créer "
                    "de nouveaux dans « Mon compte ».",
                )
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _retry_message(result.retry_at)
            if result.retry_at
            else "Ce code ne convient pas : il est peut-être expiré ou déjà utilisé.",
        )
    context = {"form": form, "next": _next_url(request)}
    return render(request, "registration/second_factor_verify.html", context)


@require_http_methods(["GET", "POST"])
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Turning it on: scan the QR code (or type the secret), then give a code it shows."""
    if request.user.second_factor:
        return redirect("second_factor")
    device = second_factor.pending_app_device(request.user)
    form = SecondFactorCodeForm(
        request.POST or None, help_text="Les six chiffres que votre application affiche."
    )
    if request.method == "POST" and form.is_valid():
        codes = second_factor.second_factor_turn_on(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            context = {"codes": codes, "next": _next_url(request), "first_time": True}
            return render(request, "pes21/second_factor_codes.html", context)
        form.add_error("code", "Ce code ne convient pas : vérifiez l'heure de votre téléphone.")
    context = {
        "form": form,
        "enrolment": second_factor.enrolment_of(device),
        "required": second_factor.is_required_for(request.user),
        "next": _next_url(request),
    }
    return render(request, "pes21/second_factor_setup.html", context)


def second_factor_manage(request: HttpRequest) -> HttpResponse:
    """« Mon compte »'s page of the second factor: on or off, backup codes left."""
    user = request.user
    context = {
        "codes_left": second_factor.backup_codes_left(user) if user.second_factor else 0,
        "required": second_factor.is_required_for(user),
    }
    return render(request, "pes21/second_factor.html", context)


@require_POST
def second_factor_codes(request: HttpRequest) -> HttpResponse:
    if not request.user.second_factor:
        return redirect("second_factor")
    codes = second_factor.backup_codes_renew(user=request.user)
    context = {"codes": codes, "next": reverse("second_factor")}
    return render(request, "pes21/second_factor_codes.html", context)


@require_POST
def second_factor_off(request: HttpRequest) -> HttpResponse:
    if second_factor.is_required_for(request.user):
        messages.error(request, "La double authentification est obligatoire pour votre compte.")
    elif request.user.second_factor:
        second_factor.second_factor_turn_off(user=request.user)
        messages.success(
            request, "Double authentification désactivée : le mot de passe suffit désormais."
        )
    return redirect("second_factor")
