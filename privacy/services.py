"""What the association owes a person under the RGPD: a readable export, and an erasure that
anonymises them while every yearly figure stays true (no project, meeting or step is deleted).

An erasure goes where the map of personal data (privacy.personal_data) says, and nowhere it
does not: for each table and its history, the person's own rows get neutral values or go
(`own`), the rows about them lose their name, even their first or last name alone (`linked`),
and every other row loses their full name, e-mails and phones (privacy.matching), the database
picking the few rows that may hold them. Files outside the tables follow privacy.stores. The
register (Erasure.actions) says what was done, field by field, in counts: never a value.
"""

import operator
from collections import Counter
from dataclasses import dataclass, field
from functools import reduce

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Cast
from django.utils import timezone

from accompaniment.models import Holder, Meeting, Project
from pes21 import generation
from pes21.bulk import batches
from pes21.exports import Export, french_cell
from pes21.models import Attachment, User
from volunteers.models import Case, Volunteer

from .declarations import BLANK, DELETE, REPLACE, Entry, history_model_of
from .matching import ANONYMISED, Identity, Matcher, sub_in_json
from .models import Erasure, PersonKind
from .personal_data import DECLARATIONS, entries
from .signals import holder_exported
from .stores import STORES


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


# --- Erasure, driven by the map of personal data (privacy.personal_data) --------------------


@dataclass
class Person:
    """Someone to erase: who they are, and the ids of what is theirs or about them."""

    kind: str
    pk: int
    identity: Identity
    anchors: dict[str, list]
    strict: Matcher = field(init=False)
    broad: Matcher = field(init=False)
    done: Counter = field(init=False, default_factory=Counter)

    def __post_init__(self) -> None:
        self.strict = Matcher(self.identity)
        self.broad = Matcher(self.identity, broad=True)


def _holder_person(holder: Holder) -> Person:
    projects = list(holder.projects.values_list("pk", flat=True))
    sole = Project.objects.annotate(n=Count("holders")).filter(pk__in=projects, n=1)
    return Person(
        PersonKind.HOLDER,
        holder.pk,
        Identity(holder.first_name, holder.last_name, (holder.email,), (holder.phone,)),
        {
            "holder": [holder.pk],
            "project": projects,
            "sole_project": list(sole.values_list("pk", flat=True)),
            "action": list(holder.collective_actions.values_list("pk", flat=True)),
        },
    )


def _volunteer_person(volunteer: Volunteer) -> Person:
    # Cases they took, and cases whose history shows them (taken, then given back).
    cases = set(Case.objects.filter(volunteer=volunteer).values_list("pk", flat=True))
    cases |= set(Case.history.filter(volunteer_id=volunteer.pk).values_list("id", flat=True))
    projects = Case.objects.filter(pk__in=cases).values_list("project_id", flat=True)
    anchors = {"volunteer": [volunteer.pk], "case": list(cases), "project": list(projects)}
    emails = [volunteer.email]
    if volunteer.user is not None:
        anchors |= {"account": [volunteer.user.pk], "username": [volunteer.user.username]}
        emails.append(volunteer.user.email)
    return Person(
        PersonKind.VOLUNTEER,
        volunteer.pk,
        Identity(volunteer.first_name, volunteer.last_name, tuple(set(emails)), (volunteer.phone,)),
        anchors,
    )


def _condition(lookups, anchors: dict[str, list]) -> Q | None:
    conditions = [
        lookup(anchors[name]) if callable(lookup) else Q(**{f"{lookup}__in": anchors[name]})
        for name, lookup in lookups.items()
        if anchors.get(name)
    ]
    return reduce(operator.or_, conditions) if conditions else None


# Rows read, changed and written at a time: memory stays bounded whatever a table holds.
BATCH_ROWS = 500

# The register's words for what was done.
SET, BLANKED, DELETED = "valeurs neutres", "vidé", "supprimé"
REPLACED = f"remplacé par « {ANONYMISED} »"


def _tally(person: Person, entry: Entry, what: str, fields=(), rows: int = 1) -> None:
    if rows:
        person.done[(entry.declaration.model, what, tuple(fields), entry.is_history)] += rows


def _version_bump(entry: Entry) -> dict:
    """A record the erasure changes gets a new version: a form opened before cannot write
    the name back (pes21.concurrency)."""
    has_version = any(f.name == "version" for f in entry.model._meta.concrete_fields)
    return {"version": F("version") + 1} if has_version and not entry.is_history else {}


def _is_text(model_field: models.Field) -> bool:
    # Addresses and bytes cannot hold a name to look for: their rows go whole, or not at all.
    # A file field holds the file's name.
    return isinstance(
        model_field, (models.CharField, models.TextField, models.JSONField, models.FileField)
    )


def _empty(model_field: models.Field):
    return None if isinstance(model_field, models.JSONField) else ""


def _delete_rows(rows: models.QuerySet, entry: Entry, files: list) -> int:
    """Delete these rows; their files once the erasure is committed (not if it fails)."""
    for file_field in entry.model._meta.concrete_fields:
        if isinstance(file_field, models.FileField):
            names = rows.exclude(**{file_field.name: ""}).values_list(file_field.name, flat=True)
            files += [(file_field.storage, name) for name in names]
    _, by_model = rows.delete()
    return by_model.get(entry.label, 0)


def _erase_own(entry: Entry, person: Person, files: list) -> None:
    """The person's own rows: deleted, or their identity set to neutral values and the
    texts about them emptied."""
    declaration = entry.declaration
    condition = _condition(declaration.own, person.anchors)
    if condition is None:
        return
    rows = entry.model._base_manager.filter(condition)
    if declaration.delete_own:
        _tally(person, entry, DELETED, rows=_delete_rows(rows, entry, files))
        return
    present = {f.name for f in entry.model._meta.concrete_fields}
    values = {
        name: value(person) if callable(value) else value
        for name, value in declaration.identity.items()
        if name in present
    }
    if values:
        _tally(person, entry, SET, values, rows.update(**values, **_version_bump(entry)))
    for blank in entry.fields(BLANK):
        empty = _empty(blank)
        changed = rows.exclude(**{blank.name: empty}).update(
            **{blank.name: empty}, **_version_bump(entry)
        )
        _tally(person, entry, BLANKED, [blank.name], changed)


def _replaced(value, model_field, matcher: Matcher, row) -> tuple[object, int]:
    if isinstance(model_field, models.JSONField):
        return sub_in_json(value, matcher.sub)
    new, count = matcher.sub(value or "")
    if count and model_field.unique:
        # Two erased people must not leave two equal references behind.
        new = new.replace(ANONYMISED, f"[anonymisé n° {row.pk}]")
    if count and model_field.max_length:
        new = new[: model_field.max_length]
    return new, count


def _erase_in_rows(entry: Entry, rows: models.QuerySet, people: list, files: list) -> None:
    """Each (person, matcher for these rows) out of the rows' texts; a row whose `delete`
    field names one of them is deleted."""
    text_fields = [f for f in entry.fields(REPLACE, BLANK) if _is_text(f)]
    doomed_by = [f.name for f in entry.fields(DELETE) if _is_text(f)]
    if not (text_fields or doomed_by) or not people:
        return
    manager = entry.model._base_manager
    names = [f.name for f in text_fields] + doomed_by
    # The ids first, then the rows a batch at a time: no cursor stays open on a table that
    # the batches change (SQLite does not isolate the two).
    for batch in batches(rows.values_list("pk", flat=True), BATCH_ROWS):
        changed, touched, doomed = [], set(), []
        for row in manager.filter(pk__in=batch).only(*names):
            naming = next(
                (
                    person
                    for person, matcher in people
                    if any(matcher.found_in(str(getattr(row, n) or "")) for n in doomed_by)
                ),
                None,
            )
            if naming is not None:
                _tally(naming, entry, DELETED)
                doomed.append(row.pk)
            elif dirty := _replace_in_row(entry, row, text_fields, people):
                changed.append(row)
                touched |= dirty
        if changed:
            manager.bulk_update(changed, sorted(touched))
            if bump := _version_bump(entry):
                manager.filter(pk__in=[row.pk for row in changed]).update(**bump)
        if doomed:
            _delete_rows(manager.filter(pk__in=doomed), entry, files)


def _replace_in_row(entry: Entry, row, text_fields, people) -> set[str]:
    dirty = set()
    for person, matcher in people:
        for text_field in text_fields:
            new, count = _replaced(getattr(row, text_field.name), text_field, matcher, row)
            if count:
                setattr(row, text_field.name, new)
                dirty.add(text_field.name)
                _tally(person, entry, REPLACED, [text_field.name])
    return dirty


def _erase_linked(entry: Entry, person: Person, files: list) -> None:
    """The rows about the person: their first or last name alone is them there too."""
    conditions = [
        c
        for c in (
            _condition(entry.declaration.own, person.anchors),
            _condition(entry.declaration.linked, person.anchors),
        )
        if c is not None
    ]
    if conditions:
        rows = entry.model._base_manager.filter(reduce(operator.or_, conditions))
        _erase_in_rows(entry, rows, [(person, person.broad)], files)


def _erase_everywhere(entry: Entry, person: Person, files: list) -> None:
    """Every other row: the database picks those that may name the person, the matcher
    decides. One person a query: a pattern for several costs more than theirs one by one
    (PostgreSQL: 9.7 s for fifty together, 4.2 s one by one, at four times the demo data)."""
    text_fields = [f for f in entry.fields(REPLACE, BLANK, DELETE) if _is_text(f)]
    plain = person.strict.db_pattern()
    escaped = person.strict.db_pattern(json_escapes=True)
    if not text_fields or plain is None:
        return
    rows = entry.model._base_manager.all()
    conditions = []
    for text_field in text_fields:
        if isinstance(text_field, models.JSONField):
            alias = f"{text_field.name}_as_text"
            rows = rows.alias(**{alias: Cast(text_field.name, models.TextField())})
            conditions.append(Q(**{f"{alias}__iregex": escaped}))
        else:
            # Empty texts first: SQLite then skips its regular expression (a Python call) there.
            conditions.append(
                ~Q(**{text_field.name: ""}) & Q(**{f"{text_field.name}__iregex": plain})
            )
    rows = rows.filter(reduce(operator.or_, conditions))
    _erase_in_rows(entry, rows, [(person, person.strict)], files)


def _counted(rows: int, history: int = 0, unit: str = "ligne") -> str:
    text = f"{rows} {unit}{'s' if rows > 1 else ''}"
    if history:
        text += f" et {history} ligne{'s' if history > 1 else ''} d'historique"
    return text


LABELS = {d.model: d.label for d in DECLARATIONS if d.label}


def _verbose_name(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field of the history rows only
        return str(history_model_of(model)._meta.get_field(name).verbose_name)


def _register(person: Person, stores: list[tuple[str, str, int]]) -> str:
    """What the erasure did, field by field, in counts: never a value."""
    totals: dict[tuple, list[int]] = {}
    for (model, what, fields, is_history), rows in person.done.items():
        totals.setdefault((model, what, fields), [0, 0])[is_history] += rows
    lines = []
    for (model, what, fields), (rows, history) in sorted(totals.items()):
        meta = apps.get_model(model)._meta
        where = LABELS.get(model) or str(meta.verbose_name_plural).capitalize()
        if what == DELETED:
            files = any(isinstance(f, models.FileField) for f in meta.concrete_fields)
            plural = "s" if rows + history > 1 else ""
            lines.append(
                f"{where} : {_counted(rows, history)} supprimée{plural}"
                + (", fichiers compris" if files else "")
            )
            continue
        names = ", ".join(_verbose_name(meta.model, name) for name in fields)
        lines.append(f"{where} – {names} : {what} dans {_counted(rows, history)}")
    for label, what, count in stores:
        if count:
            lines.append(f"{label} : {what} dans {_counted(count, unit='fichier')}")
    return "\n".join(lines) or "Rien d'autre que la fiche de la personne."


def _erase(person: Person, user: User | None, reason: str) -> Erasure:
    files: list = []
    # The stores first: they read what the map's rules would rewrite (a file's name).
    stores = [
        (store.label, REPLACED if store.rule == REPLACE else DELETED, store.erase(person.strict))
        for store in STORES
    ]
    all_entries = list(entries())
    for erase in (_erase_own, _erase_linked, _erase_everywhere):
        for entry in all_entries:
            erase(entry, person, files)

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
    return Erasure.objects.create(
        kind=person.kind,
        object_id=person.pk,
        erased_by=user,
        reason=person.broad.sub(reason)[0][: Erasure._meta.get_field("reason").max_length],
        actions=_register(person, stores),
    )


def people_anonymise(*, holders=(), volunteers=(), user: User | None, reason: str) -> list[Erasure]:
    """Erase these people from every field the map names, each in a transaction of their
    own: a long list never holds the database for long, and whoever was erased stays so if
    a later one fails. Each gets their entry in the register; the yearly figures stay true
    (no project, meeting, step or contribution is deleted, only texts and identities)."""
    erasures = []
    for make_person, records in ((_holder_person, holders), (_volunteer_person, volunteers)):
        for record in records:
            with transaction.atomic(), generation.deferred():
                erasures.append(_erase(make_person(record), user, reason))
    return erasures


def holder_anonymise(*, holder: Holder, user: User | None, reason: str) -> Erasure:
    """A holder erased: their identity replaced by « Anonyme n° 12 », the texts of projects
    they carried alone emptied and those projects' documents deleted, their name, e-mail and
    phone replaced everywhere else. Commune and postal code stay (figures by territory)."""
    return people_anonymise(holders=[holder], user=user, reason=reason)[0]


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


def volunteer_anonymise(*, volunteer: Volunteer, user: User | None, reason: str) -> Erasure:
    """A volunteer erased: their identity, their account (signed out for good), its login
    history and second factor, the notes of their contributions, and their name, e-mail and
    phone wherever they appear."""
    return people_anonymise(volunteers=[volunteer], user=user, reason=reason)[0]
