"""The retention page's erasure of many people at once, as a background task: each is looked
for in every text of the database (about two seconds each at fifty times the association's
data on PostgreSQL), longer than a page should make anyone wait."""

from django_tasks import task

from accompaniment.models import Holder
from pes21.models import User
from volunteers.models import Volunteer

from . import services
from .models import PersonKind
from .selectors import not_erased


@task()
def anonymise_people(
    *, holder_ids: list[int], volunteer_ids: list[int], user_id: int | None, reason: str
) -> int:
    """Erase those not erased meanwhile (a second click, one erased by hand); how many were."""
    holders = not_erased(Holder.objects.filter(pk__in=holder_ids), PersonKind.HOLDER)
    volunteers = not_erased(Volunteer.objects.filter(pk__in=volunteer_ids), PersonKind.VOLUNTEER)
    erasures = services.people_anonymise(
        holders=list(holders),
        volunteers=list(volunteers),
        user=User.objects.filter(pk=user_id).first(),
        reason=reason,
    )
    return len(erasures)
