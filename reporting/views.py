from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pes21.roles import staff_required


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    return render(request, "reporting/index.html", {"years": range(this_year, this_year - 6, -1)})
