from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pes21.roles import staff_required


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "exchange/index.html")
