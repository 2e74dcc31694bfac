from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from pes21.paging import paginate
from pes21.roles import staff_required

from .models import CollectiveEngineering, Provider, Structure


@staff_required
def structure_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "dla/structure_list.html", {"page": paginate(request, Structure.objects.all())}
    )


@staff_required
def structure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    structure = get_object_or_404(Structure, pk=pk)
    steps = structure.steps.select_related("provider", "staff", "collective")
    return render(request, "dla/structure_detail.html", {"structure": structure, "steps": steps})


@staff_required
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(Provider, pk=pk)
    return render(request, "dla/provider_detail.html", {"provider": provider})


@staff_required
def collective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    collective = get_object_or_404(CollectiveEngineering, pk=pk)
    steps = collective.steps.select_related("structure")
    return render(request, "dla/collective_detail.html", {"collective": collective, "steps": steps})
