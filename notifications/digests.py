"""The weekly e-mail digests of `send_reminders`: what each person has to do, once a week.

Each staff member (or volunteer) chooses a weekday on their account page. A daily run sends the
digest on that day, or on the next run of the same week if the server missed the day; the week
is claimed in DigestSent before sending, so a second run never sends it twice, and a mail server
failure leaves the week unclaimed for the next run. An empty digest is not sent (the week is
claimed all the same: one digest a week, on the chosen day).
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dla import selectors as dla_selectors
from exchange.jobs import jobs_mark_dead
from exchange.models import ImportJob
from followups import selectors
from followups.models import DigestKind, DigestSent
from pes21.models import User
from pes21.roles import is_director, is_staff_member, is_volunteer
from reporting import selectors as reporting_selectors
from volunteers import selectors as volunteers_selectors
from volunteers.models import Volunteer

logger = logging.getLogger(__name__)

# Items listed per section; the rest is a link to the full list.
SECTION_LIMIT = 15
# An open case nobody took for this long is worth a reminder to the staff.
CASE_WAITING_DAYS = 14
# Imports that did not succeed are told once, in the first digest after them; a first digest
# looks back a week. Jobs are kept longer than that (exchange.jobs.KEEP_DAYS).
IMPORTS_FIRST_LOOKBACK_DAYS = 7


@dataclass
class Item:
    text: str
    url: str
    late: bool = False


@dataclass
class Section:
    title: str
    items: list[Item] = field(default_factory=list)
    more_url: str = ""
    more: bool = False


def _link(path: str) -> str:
    return settings.SITE_URL + path


def _section(title: str, rows, to_item, more_path: str) -> Section | None:
    rows = list(rows[: SECTION_LIMIT + 1])
    if not rows:
        return None
    return Section(
        title=title,
        items=[to_item(row) for row in rows[:SECTION_LIMIT]],
        more=len(rows) > SECTION_LIMIT,
        more_url=_link(more_path),
    )


def staff_sections(
    user: User, *, today: dt.date, now: dt.datetime, imports: list[ImportJob] | None = None
) -> list[Section]:
    """What a staff member has to do: next steps, follow-ups, DLA post follow-ups, cases
    nobody took, and the imports (see `unsuccessful_imports`) that failed."""

    def next_step(project) -> Item:
        return Item(
            f"{project.name} : {project.next_step or 'étape à préciser'}, "
            f"le {project.next_step_on:%d/%m/%Y}",
            _link(project.get_absolute_url()),
            late=project.next_step_on < today,
        )

    def follow_up(row) -> Item:
        target = row if hasattr(row, "created_on") else row.structure
        due = selectors.due_on(row)
        return Item(
            f"{target} : suivi à {row.years_after} an{'s' if row.years_after > 1 else ''}, "
            f"dû le {due:%d/%m/%Y}",
            _link(f"{target.get_absolute_url()}#suivis"),
            late=due < today,
        )

    def post_follow_up(step) -> Item:
        return Item(
            f"{step.structure} : ingénierie terminée le {step.engineering_ended_on:%d/%m/%Y}",
            _link(step.structure.get_absolute_url()),
        )

    def waiting_case(case) -> Item:
        return Item(
            f"{case.project} : {case.get_mission_display().lower()}, ouvert le "
            f"{timezone.localtime(case.opened_at):%d/%m/%Y}",
            _link(case.get_absolute_url()),
        )

    def failed_import(job: ImportJob) -> Item:
        what, ending = ("vérification", "e") if job.dry_run else ("import", "")
        if job.state == ImportJob.State.INTERRUPTED:
            outcome = f"interrompu{ending} avant la fin"
        elif job.state == ImportJob.State.FAILED:
            outcome = f"arrêté{ending} par une erreur inattendue"
        else:
            problems = job.problem_count
            outcome = f"refusé : {problems} problème{'s' if problems > 1 else ''}"
        return Item(
            f"{job.filename} : {what} du {timezone.localtime(job.created_at):%d/%m/%Y à %H:%M}, "
            f"{outcome} ; rien n'a été enregistré, déposez le fichier à nouveau",
            _link(reverse("exchange:index")),
        )

    waiting = volunteers_selectors.cases_awaiting_volunteer(user).filter(
        opened_at__lt=now - dt.timedelta(days=CASE_WAITING_DAYS)
    )
    sections = [
        _section(
            "Prochaines étapes de vos projets",
            reporting_selectors.next_steps_due(today, staff=user, limit=SECTION_LIMIT + 1),
            next_step,
            reverse("reporting:dashboard"),
        ),
        _section(
            "Suivis de structures créées",
            selectors.project_follow_ups_due(today=today, staff=user),
            follow_up,
            reverse("followups:todo"),
        ),
        _section(
            "Suivis de structures DLA",
            selectors.engineering_follow_ups_due(today=today, staff=user),
            follow_up,
            reverse("followups:todo"),
        ),
        _section(
            "Suivis post-accompagnement DLA",
            dla_selectors.follow_ups_due(today=today, staff=user),
            post_follow_up,
            reverse("dla:follow_ups") + "?miens=1",
        ),
        _section(
            f"Dossiers bénévoles sans bénévole depuis plus de {CASE_WAITING_DAYS} jours",
            waiting,
            waiting_case,
            reverse("volunteers:case_list"),
        ),
        _section(
            "Imports qui n'ont pas abouti", imports or [], failed_import, reverse("exchange:index")
        ),
    ]
    return [section for section in sections if section]


def volunteer_sections(volunteer: Volunteer, *, since: dt.datetime) -> list[Section]:
    """The cases opened since the last digest that match the volunteer (what is needed, never
    who the holder is: the board's rule)."""
    cases = (
        volunteers_selectors.cases_matching(volunteer)
        .filter(opened_at__gte=since)
        .order_by("-opened_at", "-pk")
    )

    def item(case) -> Item:
        return Item(
            f"{case.get_mission_display()} : {case.description}", _link(reverse("volunteers:board"))
        )

    section = _section("Nouveaux dossiers pour vous", cases, item, reverse("volunteers:board"))
    return [section] if section else []


def unsuccessful_imports(user: User, *, since: dt.datetime, now: dt.datetime) -> list[ImportJob]:
    """The user's imports that did not succeed since `since`, oldest first; for a director,
    also those whose person is not recorded or no longer active."""
    jobs_mark_dead(now=now)
    launched_by = Q(user=user)
    if is_director(user):
        launched_by |= Q(user__isnull=True) | Q(user__is_active=False)
    found = ImportJob.objects.unsuccessful().filter(launched_by, ended_at__gt=since)
    return list(found.order_by("ended_at")[: SECTION_LIMIT + 1])


def _last_digest(user: User, kind: str) -> dt.datetime | None:
    return (
        DigestSent.objects.filter(user=user, kind=kind)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _recipients(today: dt.date):
    return (
        User.objects.filter(
            is_active=True, digest_weekday__isnull=False, digest_weekday__lte=today.weekday()
        )
        .exclude(email="")
        .select_related("volunteer")
        .order_by("pk")
    )


def _claim_and_send(user: User, kind: str, week: dt.date, now: dt.datetime, build) -> bool:
    """Claim the user's week, then build and send; False when already claimed or empty."""
    try:
        with transaction.atomic():
            claim = DigestSent.objects.create(user=user, kind=kind, week_of=week, sent_at=now)
            message = build()
            if message is None:
                return False
            claim.items = message.items
            claim.save(update_fields=["items"])
            message.email.send()  # an error here rolls the claim back: next run tries again
            return True
    except IntegrityError:
        return False


@dataclass
class _Message:
    email: mail.EmailMessage
    items: int


def _message(
    user: User, sections: list[Section], *, subject: str, template: str
) -> _Message | None:
    if not sections:
        return None
    count = sum(len(section.items) for section in sections)
    body = render_to_string(
        template,
        {
            "user": user,
            "sections": sections,
            "account_url": _link(reverse("notifications:account")),
            "site_url": settings.SITE_URL,
        },
    )
    return _Message(mail.EmailMessage(subject=subject, body=body, to=[user.email]), count)


def digests_send(*, today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Send this week's digests still due; the number of e-mails sent."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    week = week_of(today)
    sent = 0
    for user in _recipients(today).iterator(chunk_size=200):
        if is_staff_member(user):
            kind = DigestKind.STAFF
            since = _last_digest(user, kind) or now - dt.timedelta(days=IMPORTS_FIRST_LOOKBACK_DAYS)
            imports = unsuccessful_imports(user, since=since, now=now)

            def build(user=user, imports=imports):
                return _message(
                    user,
                    staff_sections(user, today=today, now=now, imports=imports),
                    subject="PES 21 : vos suivis de la semaine",
                    template="notifications/email/digest_staff.txt",
                )

        elif is_volunteer(user) and getattr(user, "volunteer", None):
            kind = DigestKind.VOLUNTEER
            since = _last_digest(user, kind) or now - dt.timedelta(days=7)

            def build(user=user, since=since):
                if not user.volunteer.is_present_on(today):
                    return None
                return _message(
                    user,
                    volunteer_sections(user.volunteer, since=since),
                    subject="PES 21 : de nouveaux dossiers pour vous",
                    template="notifications/email/digest_volunteer.txt",
                )

        else:
            continue
        try:
            sent += _claim_and_send(user, kind, week, now, build)
        except OSError:
            logger.exception("Récapitulatif de %s non envoyé : il sera retenté", user.username)
    return sent
