from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from pes21.roles import staff_required

from .models import TerritorialProject, Territory


@staff_required
def territory_list(request: HttpRequest) -> HttpResponse:
    territories = Territory.objects.all()
    return render(request, "generateur/territory_list.html", {"territories": territories})


@staff_required
def territory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    territory = get_object_or_404(Territory, pk=pk)
    return render(
        request,
        "generateur/territory_detail.html",
        {"territory": territory, "projects": territory.projects.all()},
    )


@staff_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(TerritorialProject.objects.select_related("territory"), pk=pk)
    return render(request, "generateur/project_detail.html", {"project": project})
