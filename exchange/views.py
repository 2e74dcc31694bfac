import datetime as dt
import tempfile
import uuid

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pes21.roles import staff_required

from . import jobs, uploads
from .formats import FILES
from .forms import ExportForm, ImportForm
from .models import ImportJob
from .samples import SAMPLE_ZIP_NAME, sample_zip
from .services import activity_export_zip_file

# A job no worker took after this long gets a word for whoever administers the server.
WORKER_AWAITED = dt.timedelta(minutes=2)


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


def _follow(request: HttpRequest, job: ImportJob) -> HttpResponse:
    """Show a job just started: the import zone (htmx) or its page."""
    if request.htmx:
        return _job_response(request, job, "exchange/_import_zone.html")
    return redirect("exchange:job", job_id=job.pk)


def _get_job_for_user(request: HttpRequest, job_id) -> ImportJob:
    # Only the person who launched a job sees it: a report lists people's data.
    job = ImportJob.objects.filter(pk=job_id, user=request.user).first()
    if job is None:
        raise Http404
    return jobs.job_refresh(job)


def _job_response(request: HttpRequest, job: ImportJob, template: str) -> HttpResponse:
    report = jobs.report_of(job)
    context = {
        "import_form": ImportForm(),
        "export_form": ExportForm(),
        "format_help": _format_help(),
        "job": job,
        "report": report,
        # A clean check whose file still waits offers its confirmation.
        "confirmable": job.dry_run
        and report is not None
        and report.ok
        and job.upload is not None
        and job.upload.claimed_at is None,
        "filename": job.filename,
        "waiting_long": job.state == ImportJob.State.WAITING
        and timezone.now() - job.created_at > WORKER_AWAITED,
    }
    return render(request, template, context)


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@staff_required
def import_check(request: HttpRequest) -> HttpResponse:
    """Store the upload and check it (a dry run) in a task; nothing is written."""
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        if request.htmx:
            return render(request, "exchange/_import_zone.html", {"import_form": form})
        return _page(request, import_form=form)
    upload = uploads.upload_store(user=request.user, upload=form.cleaned_data["file"])
    return _follow(request, jobs.job_start(upload=upload, dry_run=True, user=request.user))


@require_POST
@staff_required
def import_confirm(request: HttpRequest) -> HttpResponse:
    check = _job_from_post(request)
    upload = check.upload if check is not None and check.dry_run else None
    if upload is None or not uploads.upload_claim(upload=upload, user=request.user):
        # Already imported (a second click) or its check expired.
        messages.error(
            request,
            "Ce fichier a déjà été importé ou sa vérification a expiré : déposez-le à nouveau.",
        )
        return redirect("exchange:index")
    return _follow(request, jobs.job_start(upload=upload, dry_run=False, user=request.user))


@require_POST
@staff_required
def job_retry(request: HttpRequest, job_id) -> HttpResponse:
    """Run an interrupted check or import again, on the file it kept."""
    job = jobs.job_retry(job=_get_job_for_user(request, job_id), user=request.user)
    if job is None:
        messages.error(
            request,
            "Ce fichier n'est plus disponible ou a déjà été relancé : déposez-le à nouveau.",
        )
        return redirect("exchange:index")
    return redirect("exchange:job", job_id=job.pk)


def _job_from_post(request: HttpRequest) -> ImportJob | None:
    try:
        return ImportJob.objects.select_related("upload").get(
            pk=uuid.UUID(request.POST.get("job", "")), user=request.user
        )
    except (ValueError, ImportJob.DoesNotExist):
        return None


@staff_required
def job(request: HttpRequest, job_id) -> HttpResponse:
    """A job's progress, then its report; htmx polls the fragment every second."""
    template = "exchange/_job.html" if request.htmx else "exchange/index.html"
    return _job_response(request, _get_job_for_user(request, job_id), template)


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
