"""Writing a dataset as it is checked: each chunk of rows once checked (the accounts and
named records it needs, then its rows), while no problem has been found.

Creations go through `pes21.bulk.insert_records` (their history rows with them), changes
through bulk_update_with_history, so the import appears in each record's history, by the
person who ran it; a change is written only if nobody saved the record since the import read
it (`pes21.concurrency.versions_refused`, the forms' lock). The relations were set while
checking (to unsaved records when new): insert_records fills their ids once the records they
point to are saved, which the order of FILES guarantees. What a write leaves besides the
record (a status history, a closed project's cases) is the app's service's to do
(`AFTER_WRITE`), as for the forms.
"""

from collections.abc import Callable

from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accompaniment.services import holders_last_contact_refresh, project_statuses_record
from generateur.services import project_phases_record
from pes21.bulk import insert_records, record_maker
from pes21.concurrency import versions_refused
from pes21.models import User
from pes21.roles import STAFF

from .checking import DatasetCheck
from .formats import NAMED, PROJECTS, TERRITORIAL_PROJECTS
from .rows import Row, as_list
from .specs import FileSpec

CHANGE_REASON = "Import des données d'activité"

# Writing a row (record, history row, links) costs about three times checking it.
WRITE_WEIGHT = 3
SAVED_MEANWHILE = (
    "cette fiche a été modifiée dans l'application pendant l'import : rien n'est "
    "enregistré. Relancez l'import, qui partira de la version actuelle."
)


def _status_changes(rows: list[Row], user: User | None) -> None:
    """A new project, or a status the import changed, enters the status history; a project
    the import closes ends its volunteers' cases, as « Clôturer » does."""
    project_statuses_record(
        moves=[
            (row.instance, None if row.is_new else row.previous.get("status"))
            for row in rows
            if row.is_new or "status" in row.changed
        ],
        user=user,
        note=CHANGE_REASON,
    )


def _phase_changes(rows: list[Row], user: User | None) -> None:
    """A new territorial project, or a phase the import changed, enters the phase history."""
    project_phases_record(
        moves=[(row.instance, row.is_new) for row in rows if row.is_new or "phase" in row.changed],
        user=user,
        note=CHANGE_REASON,
    )


# What a file's rows leave besides themselves, once written.
AFTER_WRITE: dict[str, Callable[[list[Row], User | None], None]] = {
    PROJECTS.name: _status_changes,
    TERRITORIAL_PROJECTS.name: _phase_changes,
}


class DatasetWriter:
    """Writes each file of a dataset once it is checked (`DatasetCheck.check(write=...)`)."""

    def __init__(self, check: DatasetCheck, *, trial: bool = False) -> None:
        self.check = check
        self.user = check.user
        # A dry run's writes are part of its checking, and rolled back: told as checking.
        self.label = "Vérification de {}" if trial else "Enregistrement de {}"

    def write_file(self, spec: FileSpec, rows: list[Row]) -> None:
        """Write a checked chunk of a file's rows."""
        self._create_users()
        label = self.label.format(spec.name)
        self.check.tracker.step(label)
        self._create_named(spec, rows)
        if spec.has_ref or spec.key:
            self._write_ref_rows(spec, rows)
        else:
            self._create(spec.model, [row.instance for row in rows if row.is_new])
        self._write_lists(spec, rows)
        if spec.name in AFTER_WRITE:
            AFTER_WRITE[spec.name](rows, self.user)
        self.check.tracker.step(label, len(rows) * WRITE_WEIGHT)

    def finish(self) -> None:
        """Once every file is written: the holders' last contact (privacy), in one UPDATE."""
        holders_last_contact_refresh()

    def _history_kwargs(self) -> dict:
        return {"default_user": self.user, "default_change_reason": CHANGE_REASON}

    def _create(self, model: type[models.Model], objects: list[models.Model]) -> None:
        """Save new records; those pointing to them get their ids from these same objects."""
        insert_records(model, objects, user=self.user, reason=CHANGE_REASON)

    def _create_users(self) -> None:
        """The accounts the rows name and the base lacks (known to the chunks so far)."""
        users = [user for user in self.check.known.users.values() if user.pk is None]
        if not users:
            return
        for user in users:
            user.set_unusable_password()
        User.objects.bulk_create(users)
        group = Group.objects.get(name=STAFF)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=user.pk, group_id=group.pk) for user in users]
        )

    def _create_named(self, spec: FileSpec, rows: list[Row]) -> None:
        """The consultants, skills, collective engineerings this file names and the base lacks."""
        present = self.check.present[spec.name]
        for named in NAMED:
            columns = [column for column in present if column.named is named]
            keys = {key for row in rows for c in columns for key in as_list(row.values.get(c.name))}
            registry = self.check.known.named.get(named, {})
            new = [registry[key] for key in sorted(keys) if registry[key].pk is None]
            # What a new record took from the file's rows while checked (a collective's
            # consultant), when only a later chunk names it: saved first.
            pointed = {
                id(value): value
                for record in new
                for field in record._meta.concrete_fields
                if field.is_relation
                and field.is_cached(record)
                and (value := field.get_cached_value(record)) is not None
                and value.pk is None
            }
            for model in {type(record) for record in pointed.values()}:
                self._create(model, [r for r in pointed.values() if type(r) is model])
            self._create(named.model, new)

    def _write_ref_rows(self, spec: FileSpec, rows: list[Row]) -> None:
        self._create(spec.model, [row.instance for row in rows if row.is_new])
        changed_rows = [row for row in rows if not row.is_new and row.changed]
        if not changed_rows:
            return
        fields = sorted({name for row in changed_rows for name in row.changed})
        concrete = {f.name for f in spec.model._meta.concrete_fields}
        if "updated_at" in concrete:
            now = timezone.now()
            for row in changed_rows:
                row.instance.updated_at = now
            fields.append("updated_at")
        if "version" in concrete:
            # The forms' optimistic lock: a record saved by someone since the import read it
            # is not overwritten (the import stops, nothing written); an edit form opened
            # before the import is refused in turn, by the version moved on.
            refused = versions_refused(
                spec.model, {row.instance.pk: row.instance.version for row in changed_rows}
            )
            for row in changed_rows:
                if row.instance.pk in refused:
                    self.check.problem(spec, row.line, spec.columns[0].name, SAVED_MEANWHILE)
            if refused:
                return
            for row in changed_rows:
                row.instance.version += 1
            fields.append("version")
        bulk_update_with_history(
            [row.instance for row in changed_rows],
            spec.model,
            fields=fields,
            **self._history_kwargs(),
        )

    def _write_lists(self, spec: FileSpec, rows: list[Row]) -> None:
        """Replace the many-to-many links of the rows whose list is new or changed."""
        for column in self.check.present[spec.name]:
            model_field = spec.model_field(column)
            if not model_field.many_to_many:
                continue
            affected = [row for row in rows if row.is_new or column.name in row.m2m_changed]
            if not affected:
                continue
            through = model_field.remote_field.through
            owner = model_field.m2m_field_name()
            other = model_field.m2m_reverse_field_name()
            through.objects.filter(
                **{f"{owner}_id__in": [row.instance.pk for row in affected if not row.is_new]}
            ).delete()
            new_link, target = record_maker(through), self.check.known.target
            links = []
            for row in affected:
                for value in row.values.get(column.name, []):
                    link = new_link()
                    setattr(link, f"{owner}_id", row.instance.pk)
                    setattr(link, f"{other}_id", target(column, value).pk)
                    links.append(link)
            insert_records(through, links)
