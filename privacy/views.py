from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accompaniment.models import Holder
from pes21.exports import export_response
from pes21.roles import director_required
from volunteers.models import Volunteer

from . import selectors, services
from .forms import BulkErasureForm, ErasureForm
from .models import PersonKind
from .tasks import anonymise_people

# The register's latest entries shown under the list (all of them are in the admin).
REGISTER_LIMIT = 20
# People anonymised per pass: the oldest contacts first. 500 rows took 0.7 s to render and
# 160 KB at fifty times the demo data; the next ones appear once these are done.
LIST_LIMIT = 100


@dataclass(frozen=True)
class PersonType:
    model: type[models.Model]
    export: Callable
    anonymise: Callable
    argument: str


PEOPLE = {
    PersonKind.HOLDER.value: PersonType(
        Holder, services.holder_export, services.holder_anonymise, "holder"
    ),
    PersonKind.VOLUNTEER.value: PersonType(
        Volunteer, services.volunteer_export, services.volunteer_anonymise, "volunteer"
    ),
}


def _get_person(kind: str, pk: int) -> tuple[PersonType, models.Model]:
    person_type = PEOPLE.get(kind)
    if person_type is None:
        raise Http404
    return person_type, get_object_or_404(person_type.model, pk=pk)


# Director only, as README's role table says: the export gathers everything held about a
# person, which only the person answering RGPD requests needs.
@director_required
def person_export(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    person_type, person = _get_person(kind, pk)
    return export_response(person_type.export(**{person_type.argument: person}))


@director_required
def person_erase(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    person_type, person = _get_person(kind, pk)
    if selectors.is_erased(kind=kind, object_id=pk):
        messages.info(request, "Cette personne est déjà anonymisée.")
        return redirect(person.get_absolute_url())
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        erasure = person_type.anonymise(
            **{person_type.argument: person},
            user=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            "La personne est anonymisée ; les chiffres annuels sont inchangés. Ce qui a été fait, "
            f"champ par champ, est au registre des anonymisations (n° {erasure.pk}).",
        )
        return redirect(person.get_absolute_url())
    return render(request, "privacy/erase.html", {"person": person, "form": form, "kind": kind})


def _retention_lists() -> tuple[list, list]:
    today = timezone.localdate()
    months = settings.RETENTION_MONTHS
    holders = list(selectors.holders_past_retention(today=today, months=months)[:LIST_LIMIT])
    volunteers = list(selectors.volunteers_past_retention(today=today, months=months)[:LIST_LIMIT])
    return holders, volunteers


@director_required
def retention(request: HttpRequest) -> HttpResponse:
    holders, volunteers = _retention_lists()
    form = BulkErasureForm(
        request.POST or None,
        holder_ids=[h.pk for h in holders],
        volunteer_ids=[v.pk for v in volunteers],
    )
    if request.method == "POST":
        if form.is_valid():
            reason = f"Durée de conservation dépassée ({settings.RETENTION_MONTHS} mois)"
            anonymise_people.enqueue(
                holder_ids=form.cleaned_data["holders"],
                volunteer_ids=form.cleaned_data["volunteers"],
                user_id=request.user.pk,
                reason=reason,
            )
            count = len(form.cleaned_data["holders"]) + len(form.cleaned_data["volunteers"])
            messages.success(
                request,
                f"Anonymisation de {count} personne(s) lancée : chacune apparaît au registre "
                "ci-dessous dès qu'elle est faite.",
            )
            return redirect("privacy:retention")
        for error in form.non_field_errors() + form.errors.get("confirm", []):
            messages.error(request, error)
    context = {
        "holders": holders,
        "volunteers": volunteers,
        "months": settings.RETENTION_MONTHS,
        "limit": LIST_LIMIT,
        "erasures": selectors.recent_erasures(limit=REGISTER_LIMIT),
        "register_limit": REGISTER_LIMIT,
    }
    return render(request, "privacy/retention.html", context)
