from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, QuerySet, Value
from django.http import HttpRequest

PAGE_SIZE = 50
TIMELINE_PAGE = 50


def paginate(
    request: HttpRequest,
    queryset,
    per_page: int = PAGE_SIZE,
    *,
    param: str = "page",
    last_by_default: bool = False,
) -> Page:
    """The requested page of a queryset; a bad page number gives the nearest real page.

    `param` names the page in the URL when a page has more than one list; `last_by_default`
    opens an oldest-first timeline on its latest entries.
    """
    paginator = Paginator(queryset, per_page)
    number = request.GET.get(param)
    if number is None and last_by_default:
        number = paginator.num_pages
    return paginator.get_page(number)


def timeline_page(parts: dict[str, tuple[QuerySet, str]], page_number, per_page=TIMELINE_PAGE):
    """One page of several kinds of dated records merged, newest first, in 2 + kinds queries
    whatever their number: the database merges (UNION ALL), sorts and cuts them.

    `parts` maps a kind to (its records, their date field). On the same day the kinds sort by
    name, descending ("status" above "meeting", "phase" above "action"), then the latest
    recorded first. The page's object_list holds (date, kind, record) triples.
    """
    rows = None
    for kind, (queryset, date_field) in parts.items():
        part = (
            queryset.order_by()
            .annotate(entry_on=F(date_field), entry_kind=Value(kind, output_field=CharField()))
            .values_list("pk", "created_at", "entry_on", "entry_kind")
        )
        rows = part if rows is None else rows.union(part, all=True)
    page = Paginator(rows.order_by("-entry_on", "-entry_kind", "-created_at"), per_page).get_page(
        page_number
    )
    wanted = {kind: [] for kind in parts}
    for pk, _, _, kind in page.object_list:
        wanted[kind].append(pk)
    records = {kind: parts[kind][0].in_bulk(wanted[kind]) for kind in parts}
    page.object_list = [(on, kind, records[kind][pk]) for pk, _, on, kind in page.object_list]
    return page
