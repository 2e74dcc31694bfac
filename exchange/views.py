import tempfile

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pes21.roles import staff_required

from . import jobs, uploads
from .formats import FILES
from .forms import ExportForm, ImportForm
from .samples import SAMPLE_ZIP_NAME, sample_zip
from .services import activity_export_zip_file

JOBS_KEY = "exchange_jobs"


def _page(request: HttpRequest, **context) -> HttpResponse:
    context = {
        "import_form": ImportForm(),
        "export_form": ExportForm(),
        "format_help": _format_help(),
    } | context
    return render(request, "exchange/index.html", context)


def _format_help() -> list[dict]:
    return [
        {
            "name": spec.name,
            "label": spec.model._meta.verbose_name_plural,
            "columns": [(column.name, column.required) for column in spec.columns],
        }
        for spec in FILES
    ]


def _start(request: HttpRequest, **kwargs) -> HttpResponse:
    """Start a job, remember it in the session, show it (htmx) or redirect to it."""
    job_id = jobs.start(user=request.user, **kwargs)
    request.session[JOBS_KEY] = [*request.session.get(JOBS_KEY, [])[-19:], job_id]
    if request.htmx:
        return _job_response(request, job_id, "exchange/_import_zone.html")
    return redirect("exchange:job", job_id=job_id)


def _get_job_for_user(request: HttpRequest, job_id: str) -> dict:
    # Only the session that started a job sees it: a report lists people's data.
    if job_id not in request.session.get(JOBS_KEY, []):
        raise Http404
    state = jobs.read(job_id)
    if state is None or state["user_id"] != request.user.pk:
        raise Http404
    return state


def _job_response(request: HttpRequest, job_id: str, template: str) -> HttpResponse:
    state = _get_job_for_user(request, job_id)
    context = {
        "import_form": ImportForm(),
        "export_form": ExportForm(),
        "format_help": _format_help(),
        "job_id": job_id,
        "job": state,
        "report": jobs.report_of(state),
        "token": state.get("token"),
        "filename": state["filename"],
    }
    return render(request, template, context)


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@staff_required
def import_check(request: HttpRequest) -> HttpResponse:
    """Store the upload and check it (a dry run) in a job; nothing is written."""
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        if request.htmx:
            return render(request, "exchange/_import_zone.html", {"import_form": form})
        return _page(request, import_form=form)
    upload = form.cleaned_data["file"]
    token, path = uploads.store(request, upload)
    return _start(request, source=path, dry_run=True, token=token, filename=upload.name)


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
    filename = request.POST.get("filename", "")[:200] or claimed.name
    return _start(request, source=claimed, dry_run=False, token=None, filename=filename)


@staff_required
def job(request: HttpRequest, job_id: str) -> HttpResponse:
    """A job's progress, then its report; htmx polls the fragment every second."""
    template = "exchange/_job.html" if request.htmx else "exchange/index.html"
    return _job_response(request, job_id, template)


@require_POST
@staff_required
def export(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _page(request, export_form=form)
    year = form.cleaned_data["year"]
    # Written to a temporary file, not memory: the whole history can be large.
    archive = tempfile.TemporaryFile()  # noqa: SIM115 (closed by FileResponse once sent)
    activity_export_zip_file(archive, year=year)
    archive.seek(0)
    name = f"pes21-activite-{year}.zip" if year else "pes21-activite.zip"
    return FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")


@staff_required
def sample(request: HttpRequest) -> HttpResponse:
    """The 2022 sample dataset, a model to fill in."""
    response = HttpResponse(sample_zip(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{SAMPLE_ZIP_NAME}"'
    return response
