from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of a queryset; a bad page number gives the nearest real page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
