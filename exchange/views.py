from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pes21.roles import staff_required

from . import uploads
from .forms import ExportForm, ImportForm
from .services import activity_export_zip, activity_import

LAST_IMPORT_KEY = "exchange_last_import"


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "import_form": ImportForm(),
        "export_form": ExportForm(),
        "last_import": request.session.pop(LAST_IMPORT_KEY, None),
    }
    return render(request, "exchange/index.html", context)


@require_POST
@staff_required
def import_check(request: HttpRequest) -> HttpResponse:
    """Store the upload, dry-run it and show what the import would do."""
    form = ImportForm(request.POST, request.FILES)
    context = {"import_form": form, "export_form": ExportForm()}
    if form.is_valid():
        upload = form.cleaned_data["file"]
        token, path = uploads.store(request, upload)
        report = activity_import(source=path, dry_run=True, user=request.user)
        if not report.ok:
            uploads.discard(request, token)
            token = None
        context |= {"import_form": ImportForm(), "report": report, "token": token}
        context["filename"] = upload.name
    template = "exchange/_import_zone.html" if request.htmx else "exchange/index.html"
    return render(request, template, context)


@require_POST
@staff_required
def import_confirm(request: HttpRequest) -> HttpResponse:
    claimed = uploads.claim(request, request.POST.get("token", ""))
    if claimed is None:
        # Already imported (a second click) or never checked in this session.
        messages.error(
            request,
            "Ce fichier a déjà été importé ou sa vérification a expiré : déposez-le à nouveau.",
        )
        return redirect("exchange:index")
    try:
        report = activity_import(source=claimed, dry_run=False, user=request.user)
    finally:
        uploads.remove(claimed)
    if not report.ok:
        # The database changed since the check; nothing was written.
        context = {"import_form": ImportForm(), "export_form": ExportForm(), "report": report}
        return render(request, "exchange/index.html", context)
    messages.success(
        request,
        f"Import terminé en {report.seconds_display()} s : {_number(report.created)} "
        f"enregistrement(s) créé(s), {_number(report.updated)} modifié(s).",
    )
    # The detail, file by file, is shown once on the page the redirect leads to.
    request.session[LAST_IMPORT_KEY] = report.lines()
    return redirect("exchange:index")


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


@require_POST
@staff_required
def export(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.POST)
    if not form.is_valid():
        context = {"import_form": ImportForm(), "export_form": form}
        return render(request, "exchange/index.html", context)
    year = form.cleaned_data["year"]
    content = activity_export_zip(year=year)
    name = f"pes21-activite-{year}.zip" if year else "pes21-activite.zip"
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
