"""Parts of a page that another app owns: a project's page shows its volunteers' cases, its
follow-ups and its questionnaire; an action's page its online registrations; a volunteer's home
their counts. The app below (accompaniment, dla, the core's home page) names a slot; the apps
above register a provider for it in their AppConfig.ready(), as the desk's and the search box's
providers do. The page's view asks for its slot's panels: each provider computes its context
from its selectors (None: nothing to show this user), and the panel is rendered from it, so no
template fetches data and no lower app imports a higher one.

A record's slot is its model's label (`accompaniment.project`); other slots are named for their
page (`home.volunteer`).

The core's own parts of a record's page, its documents and its history, are `attachments()` and
`history()`, which the views hand their templates the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.template.loader import render_to_string

from .forms import AttachmentForm
from .history import history_of
from .models import Attachment

Provider = Callable[[HttpRequest, object], dict | None]


@dataclass(frozen=True)
class _Registered:
    order: int
    template: str
    provider: Provider


_slots: dict[str, list[_Registered]] = {}


def register(slot: str, *, template: str, order: int) -> Callable[[Provider], Provider]:
    """Show `template` in `slot`, at `order`, with the context `provider(request, target)`."""

    def add(provider: Provider) -> Provider:
        registered = _slots.setdefault(slot, [])
        if all(known.provider is not provider for known in registered):
            registered.append(_Registered(order, template, provider))
            registered.sort(key=lambda known: known.order)
        return provider

    return add


@dataclass(frozen=True)
class Panel:
    """A panel whose data its provider has fetched; written out where the page places it (so
    that it renders inside the page, after the page's own context)."""

    template: str
    context: dict
    request: HttpRequest

    def __html__(self) -> str:
        # The request's context processors give the panel its csrf_token, user and roles.
        return render_to_string(self.template, self.context, request=self.request)

    __str__ = __html__


def shown(slot: str, request: HttpRequest, target: object = None) -> list[Panel]:
    """The panels of `slot` for this request, rendered in order."""
    panels = []
    for known in _slots.get(slot, []):
        context = known.provider(request, target)
        if context is not None:
            panels.append(Panel(known.template, context, request))
    return panels


def of_record(request: HttpRequest, record) -> list[Panel]:
    """The panels other apps show on `record`'s page."""
    return shown(record._meta.label_lower, request, record)


def attachments(request: HttpRequest, target) -> Panel:
    """A record's documents, with the form that adds one."""
    content_type = ContentType.objects.get_for_model(target)
    context = {
        "target": target,
        "content_type_id": content_type.pk,
        "attachments": list(
            Attachment.objects.filter(
                content_type=content_type, object_id=target.pk
            ).select_related("uploaded_by")
        ),
        "form": AttachmentForm(),
    }
    return Panel("pes21/_attachments.html", context, request)


def history(request: HttpRequest, target) -> Panel:
    """Who changed the record, when, and what (django-simple-history, in French)."""
    return Panel("pes21/_history.html", {"entries": history_of(target)}, request)
