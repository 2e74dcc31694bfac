"""What the association owes a person under the RGPD: a readable export, and an erasure that
anonymises them while every yearly figure stays true (no project, meeting or step is deleted).

An erasure removes the person from every record that can carry their name: their own record
(its history deleted), and the texts of the records linked to them (projects, meetings, status
notes, volunteer cases, contributions) with the history rows of those records, where each
occurrence of their name, e-mail or phone becomes « [anonymisé] ». Documents of their projects
are deleted, files included. The register (Erasure.actions) says what was done, in counts.
"""

import re
from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.utils import timezone

from accompaniment.models import Holder, Meeting, Project, StatusChange
from pes21.exports import Export, french_cell
from pes21.models import Attachment, User
from volunteers.models import Case, Contribution, Volunteer

from .models import Erasure, PersonKind
from .selectors import holders_with_last_contact
from .signals import holder_anonymised, holder_exported


def holders_last_contact_refresh(*, holder_ids: Iterable[int] | None = None) -> None:
    """Store the holders' last contact (privacy.selectors' rule), in one UPDATE.

    Called by every write that moves a holder's dates (accompaniment.services, the import's
    writer, the demo); None refreshes every holder (after an import).
    """
    holders = Holder.objects.all()
    if holder_ids is not None:
        holder_ids = {pk for pk in holder_ids if pk is not None}
        if not holder_ids:
            return
        holders = holders.filter(pk__in=holder_ids)
    computed = holders_with_last_contact().filter(pk=OuterRef("pk")).values("last_contact")[:1]
    holders.update(last_contact_on=Subquery(computed))


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
        lines.append("")
    for _, more in holder_exported.send(sender=Holder, holder=holder):
        lines += more or []
    content = "\n".join(lines) + "\n"
    return f"donnees-porteur-{holder.pk}.txt", "text/plain; charset=utf-8", content.encode()


ANONYMISED = "[anonymisé]"


def _name_pattern(*, first_name: str, last_name: str, email: str, phone: str) -> re.Pattern:
    """The person's name (both orders, or each part alone), e-mail and phone, as whole words."""
    first, last = first_name.strip(), last_name.strip()
    candidates = [f"{first} {last}", f"{last} {first}", last, first, email.strip(), phone.strip()]
    tokens = sorted({t for t in candidates if len(t) >= 2}, key=len, reverse=True)
    alternation = "|".join(re.escape(token).replace(r"\ ", r"\s+") for token in tokens)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE) if tokens else None


def _scrub(queryset: models.QuerySet, fields: list[str], pattern: re.Pattern | None) -> int:
    """Replace the person's name in these text fields of every row; how many rows changed.

    The rows are those of one person's linked records (a few dozen), read in Python because
    the replacement is a regular expression no database does the same way.
    """
    if pattern is None:
        return 0
    changed = []
    for row in queryset.only(queryset.model._meta.pk.name, *fields).iterator():
        dirty = False
        for name in fields:
            old = getattr(row, name) or ""
            new = pattern.sub(ANONYMISED, old)
            if new != old:
                setattr(row, name, new)
                dirty = True
        if dirty:
            changed.append(row)
    queryset.model._default_manager.bulk_update(changed, fields, batch_size=500)
    return len(changed)


def _scrub_with_history(model, pattern, fields: list[str], **lookup) -> tuple[int, int]:
    """_scrub on the records matching `lookup` and on their history rows, deleted ones too."""
    records = _scrub(model.objects.filter(**lookup), fields, pattern)
    return records, _scrub(model.history.filter(**lookup), fields, pattern)


def _delete_documents(documents: models.QuerySet) -> int:
    """Delete the documents, their files once the erasure is committed (not if it fails)."""
    names = list(documents.values_list("file", flat=True))
    storage = Attachment._meta.get_field("file").storage
    count, _ = documents.delete()

    def remove_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)
    return count


def _project_documents(project_ids) -> models.QuerySet:
    return Attachment.objects.filter(
        content_type__app_label="accompaniment",
        content_type__model="project",
        object_id__in=list(project_ids),
    )


def _scrub_projects(project_ids: list[int], pattern: re.Pattern | None) -> dict[str, int]:
    """The person's name out of these projects and everything attached to them."""
    ids = {"project_id__in": project_ids}
    done = {
        "projets": _scrub_with_history(
            Project, pattern, ["name", "summary", "next_step"], id__in=project_ids
        ),
        "rendez-vous": _scrub_with_history(Meeting, pattern, ["notes"], **ids),
        "notes de statut": (_scrub(StatusChange.objects.filter(**ids), ["note"], pattern), 0),
        "dossiers bénévoles": _scrub_with_history(Case, pattern, ["description"], **ids),
        "contributions": (
            _scrub(
                Contribution.objects.filter(case__project_id__in=project_ids), ["notes"], pattern
            ),
            0,
        ),
    }
    # An edit form opened before the erasure must not write the name back.
    Project.objects.filter(pk__in=project_ids).update(version=F("version") + 1)
    return done


def _actions(done: dict[str, tuple[int, int]], documents: int) -> str:
    """What the erasure changed, as the register keeps it: counts, never a name."""
    parts = [
        f"{label} : {records}" + (f" (+ {history} ligne(s) d'historique)" if history else "")
        for label, (records, history) in done.items()
        if records or history
    ]
    text = "Nom retiré des textes – " + (", ".join(parts) or "aucun")
    return f"{text}. Documents supprimés, fichiers compris : {documents}."


@transaction.atomic
def holder_anonymise(*, holder: Holder, user: User | None, reason: str) -> Erasure:
    """Replace the person's identity by a neutral label, keep what the figures count.

    Notes and summaries of projects they carried alone describe them; they are emptied, in
    the history too, and those projects' documents are deleted. In every project of theirs
    (shared ones too) their name is replaced wherever a text carries it. Commune and postal
    code stay: they feed the figures by territory and identify nobody once the name is gone.
    """
    pattern = _name_pattern(
        first_name=holder.first_name,
        last_name=holder.last_name,
        email=holder.email,
        phone=holder.phone,
    )
    sole_projects = Project.objects.annotate(n=Count("holders")).filter(holders=holder, n=1)
    sole_ids = list(sole_projects.values_list("pk", flat=True))
    all_ids = list(holder.projects.values_list("pk", flat=True))
    Meeting.objects.filter(project_id__in=sole_ids).update(notes="")
    Meeting.history.filter(project_id__in=sole_ids).update(notes="")
    Project.objects.filter(pk__in=sole_ids).update(summary="", next_step="")
    Project.history.filter(id__in=sole_ids).update(summary="", next_step="")
    done = _scrub_projects(all_ids, pattern)
    shared_documents = _project_documents(set(all_ids) - set(sole_ids))
    named = [d.pk for d in shared_documents if pattern and pattern.search(f"{d.title} {d.file}")]
    documents = _delete_documents(
        _project_documents(sole_ids) | Attachment.objects.filter(pk__in=named)
    )
    for _, erased in holder_anonymised.send(sender=Holder, holder=holder):
        done.update(erased or {})
    Holder.history.filter(id=holder.pk).delete()
    holder.last_name = "Anonyme"
    holder.first_name = f"n° {holder.pk}"
    holder.email = ""
    holder.phone = ""
    holder.consent_on = None
    holder.save()
    # Saving made a history row of the anonymised holder; it is the only one left.
    return Erasure.objects.create(
        kind=PersonKind.HOLDER,
        object_id=holder.pk,
        erased_by=user,
        reason=reason,
        actions=_actions(done, documents),
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
    """The volunteer's identity replaced, their notes emptied, their name taken out of the
    cases they took and of those cases' projects (texts and history)."""
    pattern = _name_pattern(
        first_name=volunteer.first_name,
        last_name=volunteer.last_name,
        email=volunteer.email,
        phone=volunteer.phone,
    )
    Volunteer.history.filter(id=volunteer.pk).delete()
    account = volunteer.user
    if account is not None:
        account.username = f"anonyme-{volunteer.pk}"
        account.first_name = account.last_name = account.email = ""
        account.is_active = False
        account.set_unusable_password()
        account.save()
    notes = Contribution.objects.filter(volunteer=volunteer).exclude(notes="").update(notes="")
    # Cases they took, and cases whose history shows them (taken, then given back).
    case_ids = set(Case.objects.filter(volunteer=volunteer).values_list("pk", flat=True))
    case_ids |= set(Case.history.filter(volunteer_id=volunteer.pk).values_list("id", flat=True))
    project_ids = list(
        Case.objects.filter(pk__in=case_ids).values_list("project_id", flat=True).distinct()
    )
    done = _scrub_projects(project_ids, pattern)
    done["contributions"] = (done["contributions"][0] + notes, 0)
    volunteer.last_name = "Anonyme"
    volunteer.first_name = f"n° {volunteer.pk}"
    volunteer.email = ""
    volunteer.phone = ""
    volunteer.availability = ""
    volunteer.consent_on = None
    volunteer.save()
    return Erasure.objects.create(
        kind=PersonKind.VOLUNTEER,
        object_id=volunteer.pk,
        erased_by=user,
        reason=reason,
        actions=_actions(done, 0),
    )
