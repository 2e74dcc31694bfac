from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from . import pickers
from . import search as search_registry
from .attachments import ATTACHABLE
from .desk import desk_sections
from .forms import AttachmentForm
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
        return render(request, "pes21/home_volunteer.html")
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
