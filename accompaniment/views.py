from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from pes21.paging import paginate
from pes21.roles import staff_required

from .models import CollectiveAction, Holder, Project


@staff_required
def project_list(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.select_related("referent").order_by("-received_on", "pk")
    return render(request, "accompaniment/project_list.html", {"page": paginate(request, projects)})


@staff_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("referent"), pk=pk)
    return render(request, "accompaniment/project_detail.html", {"project": project})


@staff_required
def holder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    holder = get_object_or_404(Holder, pk=pk)
    return render(request, "accompaniment/holder_detail.html", {"holder": holder})


@staff_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(CollectiveAction, pk=pk)
    return render(request, "accompaniment/action_detail.html", {"action": action})
