"""What the association owes a person under the RGPD: a readable export, and an erasure that
anonymises them while every yearly figure stays true (no project, meeting or step is deleted).
"""

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accompaniment.models import Holder, Meeting, Project
from pes21.exports import Export, french_cell
from pes21.models import Attachment, User
from volunteers.models import Volunteer

from .models import Erasure, PersonKind


def _lines(title: str, pairs: list[tuple[str, object]]) -> list[str]:
    out = [title, "=" * len(title)]
    out += [f"{label} : {french_cell(value) or '—'}" for label, value in pairs]
    return [*out, ""]


def holder_export(*, holder: Holder) -> Export:
    """Everything held about a project holder, as a text file anyone can read."""
    lines = [
        "Pôle d'Économie Solidaire 21 – données personnelles détenues",
        f"Export du {timezone.localdate():%d/%m/%Y}",
        "",
    ]
    lines += _lines(
        "Identité et coordonnées",
        [
            ("Nom", holder.last_name),
            ("Prénom", holder.first_name),
            ("Courriel", holder.email),
            ("Téléphone", holder.phone),
            ("Code postal", holder.postal_code),
            ("Commune", holder.commune),
            ("Consentement recueilli le", holder.consent_on),
            ("Fiche créée le", holder.created_at),
        ],
    )
    projects = holder.projects.select_related("referent").order_by("received_on", "pk")
    meetings = (
        Meeting.objects.filter(project__holders=holder)
        .select_related("project", "staff")
        .order_by("date", "pk")
    )
    for project in projects:
        lines += _lines(
            f"Projet : {project.name}",
            [
                ("Programme", project.get_programme_display()),
                ("Accueilli le", project.received_on),
                ("Accompagnement du", project.started_on),
                ("au", project.ended_on),
                ("Statut", project.get_status_display()),
                ("Résumé", project.summary),
                ("Référent·e", project.referent),
            ],
        )
    if meetings:
        lines += ["Rendez-vous", "==========="]
        for meeting in meetings:
            lines.append(
                f"{meeting.date:%d/%m/%Y} – {meeting.project.name} – {meeting.get_kind_display()}"
                f" – {french_cell(meeting.duration_minutes) or '?'} min – {meeting.notes or ''}"
            )
        lines.append("")
    actions = holder.collective_actions.order_by("date")
    if actions:
        lines += ["Actions collectives suivies", "==========================="]
        lines += [f"{a.date:%d/%m/%Y} – {a.title}" for a in actions]
        lines.append("")
    documents = Attachment.objects.filter(
        content_type__app_label="accompaniment",
        content_type__model="project",
        object_id__in=projects.values("pk"),
    )
    if documents:
        lines += ["Documents des projets", "====================="]
        lines += [f"{d.uploaded_at:%d/%m/%Y} – {d.title} ({d.filename})" for d in documents]
    content = "\n".join(lines) + "\n"
    return f"donnees-porteur-{holder.pk}.txt", "text/plain; charset=utf-8", content.encode()


@transaction.atomic
def holder_anonymise(*, holder: Holder, user: User | None, reason: str) -> Erasure:
    """Replace the person's identity by a neutral label, keep what the figures count.

    Notes and summaries of projects they carried alone describe them; they are emptied, in
    the history too. Projects with other holders keep theirs. Commune and postal code stay:
    they feed the figures by territory and identify nobody once the name is gone.
    """
    sole_projects = Project.objects.annotate(n=Count("holders")).filter(holders=holder, n=1)
    sole_ids = list(sole_projects.values_list("pk", flat=True))
    Meeting.objects.filter(project_id__in=sole_ids).update(notes="")
    Meeting.history.filter(project_id__in=sole_ids).update(notes="")
    Project.objects.filter(pk__in=sole_ids).update(summary="", next_step="")
    Project.history.filter(id__in=sole_ids).update(summary="", next_step="")
    Holder.history.filter(id=holder.pk).delete()
    holder.last_name = "Anonyme"
    holder.first_name = f"n° {holder.pk}"
    holder.email = ""
    holder.phone = ""
    holder.consent_on = None
    holder.save()
    return Erasure.objects.create(
        kind=PersonKind.HOLDER, object_id=holder.pk, erased_by=user, reason=reason
    )


def volunteer_export(*, volunteer: Volunteer) -> Export:
    lines = [
        "Pôle d'Économie Solidaire 21 – données personnelles détenues",
        f"Export du {timezone.localdate():%d/%m/%Y}",
        "",
    ]
    lines += _lines(
        "Bénévole",
        [
            ("Nom", volunteer.last_name),
            ("Prénom", volunteer.first_name),
            ("Courriel", volunteer.email),
            ("Téléphone", volunteer.phone),
            ("Compétences", ", ".join(s.name for s in volunteer.skills.all())),
            ("Missions souhaitées", ", ".join(volunteer.get_missions_display())),
            ("Disponibilités", volunteer.availability),
            ("Arrivée le", volunteer.joined_on),
            ("Départ le", volunteer.left_on),
            ("Consentement recueilli le", volunteer.consent_on),
            ("Compte", volunteer.user.username if volunteer.user else ""),
        ],
    )
    lines += _volunteer_activity_lines(volunteer)
    content = "\n".join(lines) + "\n"
    return f"donnees-benevole-{volunteer.pk}.txt", "text/plain; charset=utf-8", content.encode()


def _volunteer_activity_lines(volunteer: Volunteer) -> list[str]:
    """The volunteer's logged contributions, when the volunteers app records them."""
    contributions = getattr(volunteer, "contributions", None)
    if contributions is None:
        return []
    rows = contributions.order_by("date")
    if not rows:
        return []
    lines = ["Contributions", "============="]
    for row in rows:
        lines.append(f"{row.date:%d/%m/%Y} – {french_cell(row.minutes)} min – {row.notes or ''}")
    return lines


@transaction.atomic
def volunteer_anonymise(*, volunteer: Volunteer, user: User | None, reason: str) -> Erasure:
    Volunteer.history.filter(id=volunteer.pk).delete()
    account = volunteer.user
    if account is not None:
        account.username = f"anonyme-{volunteer.pk}"
        account.first_name = account.last_name = account.email = ""
        account.is_active = False
        account.set_unusable_password()
        account.save()
    volunteer.last_name = "Anonyme"
    volunteer.first_name = f"n° {volunteer.pk}"
    volunteer.email = ""
    volunteer.phone = ""
    volunteer.availability = ""
    volunteer.consent_on = None
    volunteer.save()
    contributions = getattr(volunteer, "contributions", None)
    if contributions is not None:
        contributions.update(notes="")
    return Erasure.objects.create(
        kind=PersonKind.VOLUNTEER, object_id=volunteer.pk, erased_by=user, reason=reason
    )
