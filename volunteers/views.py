from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from pes21.paging import paginate
from pes21.roles import staff_required, volunteer_required

from .models import Volunteer


@staff_required
def volunteer_list(request: HttpRequest) -> HttpResponse:
    volunteers = Volunteer.objects.prefetch_related("skills")
    return render(
        request, "volunteers/volunteer_list.html", {"page": paginate(request, volunteers)}
    )


@staff_required
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_object_or_404(Volunteer, pk=pk)
    return render(request, "volunteers/volunteer_detail.html", {"volunteer": volunteer})


@volunteer_required
def my_space(request: HttpRequest) -> HttpResponse:
    volunteer = Volunteer.objects.filter(user=request.user).first()
    return render(request, "volunteers/my_space.html", {"volunteer": volunteer})
