"""Import and export of the activity data (docs/import-format.md).

The import reads everything, checks everything, then writes everything in one transaction,
or nothing when one cell is wrong. Queries do not grow with the rows: existing records are
fetched in bulk by ref, new ones are written with bulk_create_with_history (so the import
appears in each record's history, by the person who ran it).

Files without a ref (rendezvous, dla_etapes, generateur_actions) are matched on the whole
row: a row equal, column for column, to a record already in the database is that record.
Importing the same data again therefore changes nothing; a corrected row of those files is
a new record (there is no key to tell which one it corrects).
"""

import csv
import datetime as dt
import io
import time
import unicodedata
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accompaniment.models import CollectiveAction, Holder, Project, ProjectStatus, StatusChange
from dla.models import CollectiveEngineering, Provider, Step, StepKind, Structure
from generateur.models import Phase, PhaseChange, TerritorialAction, TerritorialProject, Territory
from pes21.models import User
from pes21.roles import STAFF
from volunteers.models import Skill, Volunteer

from . import formats
from .formats import FILES, Column, FileSpec
from .sources import Dataset, Problem, read_dataset

CHANGE_REASON = "Import des données d'activité"


@dataclass
class FileSummary:
    name: str
    label: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)
    new_users: list[str] = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def created(self) -> int:
        return sum(summary.created for summary in self.files)

    @property
    def updated(self) -> int:
        return sum(summary.updated for summary in self.files)

    def problem_groups(self) -> list[tuple[str, str, int]]:
        """(file, column, how many problems): the overview of a long list."""
        counted = Counter((problem.file, problem.column) for problem in self.problems)
        return [(file, column, count) for (file, column), count in counted.items()]

    def to_dict(self) -> dict:
        """Plain JSON, to keep a report between the job that makes it and the page."""
        return {
            "dry_run": self.dry_run,
            "problems": [asdict(problem) for problem in self.problems],
            "files": [asdict(summary) for summary in self.files],
            "new_users": self.new_users,
            "written": self.written,
            "seconds": self.seconds,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        return cls(
            dry_run=data["dry_run"],
            problems=[Problem(**problem) for problem in data["problems"]],
            files=[FileSummary(**summary) for summary in data["files"]],
            new_users=data["new_users"],
            written=data["written"],
            seconds=data["seconds"],
        )

    def seconds_display(self) -> str:
        return f"{self.seconds:.2f}".replace(".", ",")

    def lines(self) -> list[str]:
        """The summary a person reads, on the command line or in the page."""
        lines = [
            f"{s.name} : {_n(s.rows)} ligne(s), {_n(s.created)} à créer, "
            f"{_n(s.updated)} à modifier, {_n(s.unchanged)} inchangée(s)"
            if self.dry_run or not self.written
            else f"{s.name} : {_n(s.rows)} ligne(s), {_n(s.created)} créée(s), "
            f"{_n(s.updated)} modifiée(s), {_n(s.unchanged)} inchangée(s)"
            for s in self.files
        ]
        if self.new_users:
            verb = "seront créés" if not self.written else "créés"
            lines.append(
                f"Comptes de l'équipe {verb} sans mot de passe utilisable : "
                + ", ".join(self.new_users)
            )
        return lines


def _n(value: int) -> str:
    """A count as French writes it: 12 345 (narrow no-break space)."""
    return f"{value:,}".replace(",", "\u202f")


@dataclass
class _Row:
    line: int
    values: dict
    bad: set[str] = field(default_factory=set)  # columns whose cell could not be read
    instance: models.Model | None = None
    changed: set[str] = field(default_factory=set)
    m2m_changed: bool = False
    is_new: bool = False


# Told how far the import has gone (0 to 1) and what it is doing, in French.
Progress = Callable[[float, str], None]

# Writing a row (record, history row, links) costs about three times checking it.
_WRITE_WEIGHT = 3


def activity_import(
    *,
    source: Path,
    dry_run: bool = False,
    user: User | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Check a dataset and, when it has no problem and this is not a dry run, write it."""
    start = time.perf_counter()
    with translation.override("fr"):
        report = activity_import_dataset(
            dataset=read_dataset(source), dry_run=dry_run, user=user, progress=progress
        )
    report.seconds = time.perf_counter() - start
    return report


def activity_import_dataset(
    *,
    dataset: Dataset,
    dry_run: bool = False,
    user: User | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    # Checked and written in one transaction: what was checked is what gets written.
    with transaction.atomic():
        return _import(dataset, dry_run, user, progress)


class _RollBack(Exception):
    pass


def activity_import_benchmark(*, source: Path) -> ImportReport:
    """Time a real import (checks and writes), then roll it back: the database is untouched.

    For `make bench`: `report.seconds` is the time a person waits for the same import.
    """
    outcome: list[ImportReport] = []
    try:
        with transaction.atomic():
            outcome.append(activity_import(source=source))
            raise _RollBack
    except _RollBack:
        pass
    return outcome[0]


def _import(
    dataset: Dataset, dry_run: bool, user: User | None, progress: Progress | None
) -> ImportReport:
    importer = _Importer(dataset, user)
    rows = sum(len(table.rows) for table in dataset.tables.values()) or 1
    importer.tracker = _Tracker(progress, rows * (1 if dry_run else 1 + _WRITE_WEIGHT))
    report = ImportReport(dry_run=dry_run)
    importer.check()
    report.problems = sorted(
        importer.problems,
        key=lambda p: (_file_order(p.file), p.line, p.column, p.message),
    )
    report.files = importer.summaries()
    report.new_users = sorted(importer.new_usernames)
    if report.ok and not dry_run:
        importer.write()
        report.written = True
    return report


class _Tracker:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def step(self, label: str, units: int = 0) -> None:
        self.done += units
        if self.progress is not None:
            self.progress(min(self.done / self.total, 1.0), label)


def _file_order(name: str) -> int:
    names = [spec.name for spec in FILES]
    return names.index(name) if name in names else -1


class _Importer:
    def __init__(self, dataset: Dataset, user: User | None) -> None:
        self.dataset = dataset
        self.tracker = _Tracker(None, 1)
        self.user = user if user is not None and user.pk else None
        self.problems: list[Problem] = list(dataset.problems)
        self.rows: dict[str, list[_Row]] = {}
        self.present: dict[str, list[Column]] = {}
        # ref -> object, per ref file: existing records, then the new ones.
        self.objects: dict[str, dict[str, models.Model]] = {}
        self.users: dict[str, User] = {}
        self.new_usernames: set[str] = set()
        self.providers: dict[str, Provider] = {}
        self.collectives: dict[str, CollectiveEngineering] = {}
        self.skills: dict[str, Skill] = {}
        self.holder_sets: dict[int, set[str]] = {}
        self.skill_sets: dict[int, set[str]] = {}

    def problem(self, spec: FileSpec, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(spec.name, line, column, message))

    # --- checking -------------------------------------------------------------------------

    def check(self) -> None:
        for spec in FILES:
            table = self.dataset.tables.get(spec.name)
            if table is not None:
                self._read_table(spec, table)
        self._load_existing()
        for spec in FILES:
            if spec.name in self.rows:
                self.tracker.step(f"Vérification de {spec.name}")
                if spec.has_ref:
                    self._check_ref_rows(spec)
                else:
                    self._check_natural_rows(spec)
                self.tracker.step(f"Vérification de {spec.name}", len(self.rows[spec.name]))

    def _read_table(self, spec: FileSpec, table) -> None:
        columns = spec.by_name
        seen: set[str] = set()
        positions: list[tuple[Column, int]] = []
        for index, name in enumerate(table.header):
            if name in seen:
                self.problem(spec, 1, name, "colonne en double.")
            elif name not in columns:
                if name or any(index < len(cells) and cells[index] for _, cells in table.rows):
                    self.problem(
                        spec,
                        1,
                        name or f"n° {index + 1}",
                        "colonne inconnue ; colonnes possibles : " + ", ".join(columns) + ".",
                    )
            else:
                positions.append((columns[name], index))
            seen.add(name)
        for name in spec.required:
            if name not in seen:
                self.problem(spec, 1, name, "colonne obligatoire absente.")
        self.present[spec.name] = [column for column, _ in positions]
        empties = {column.name: self._empty(spec, column) for column, _ in positions}
        rows = self.rows[spec.name] = []
        width = len(table.header)
        for line, cells in table.rows:
            row = _Row(line, {})
            for index in range(width, len(cells)):
                if cells[index]:
                    self.problem(
                        spec, line, f"n° {index + 1}", "valeur hors des colonnes de l'en-tête."
                    )
            for column, index in positions:
                text = cells[index] if index < len(cells) else ""
                try:
                    row.values[column.name] = formats.read_cell(column, text, empties[column.name])
                except formats.CellError as exc:
                    row.bad.add(column.name)
                    self.problem(spec, line, column.name, str(exc))
            rows.append(row)

    @staticmethod
    def _empty(spec: FileSpec, column: Column):
        model_field = spec.model._meta.get_field(column.attr)
        if model_field.is_relation:
            return None
        if model_field.has_default():
            return model_field.get_default()
        return None if model_field.null else ""

    def _load_existing(self) -> None:
        """One query per model for every record the dataset defines or points to."""
        wanted: dict[str, set[str]] = defaultdict(set)
        usernames: set[str] = set()
        for spec in FILES:
            for row in self.rows.get(spec.name, ()):
                for column in self.present[spec.name]:
                    value = row.values.get(column.name)
                    if value in (None, "", []):
                        continue
                    if spec.has_ref and column.name == "ref":
                        wanted[spec.name].add(value)
                    elif column.target:
                        wanted[column.target].update(value if isinstance(value, list) else [value])
                    elif column.kind == formats.USER:
                        usernames.add(value)
        for spec in FILES:
            if spec.has_ref:
                refs = wanted.get(spec.name, set())
                self.objects[spec.name] = (
                    spec.model.objects.in_bulk(refs, field_name="ref") if refs else {}
                )
        self.users = User.objects.in_bulk(usernames, field_name="username") if usernames else {}
        self.new_usernames = usernames - set(self.users)
        steps = self.rows.get(formats.STEPS.name, ())
        providers = {row.values.get("provider") for row in steps} - {None, ""}
        self.providers = Provider.objects.in_bulk(providers, field_name="name")
        collectives = {row.values.get("collective_ref") for row in steps} - {None, ""}
        self.collectives = CollectiveEngineering.objects.in_bulk(collectives, field_name="ref")
        volunteers = self.rows.get(formats.VOLUNTEERS.name, ())
        skills = {name for row in volunteers for name in row.values.get("skills", [])}
        self.skills = Skill.objects.in_bulk(skills, field_name="name")
        existing_projects = [p.pk for p in self.objects.get(formats.PROJECTS.name, {}).values()]
        if existing_projects:
            through = Project.holders.through.objects.filter(project_id__in=existing_projects)
            for project_id, ref in through.values_list("project_id", "holder__ref"):
                self.holder_sets.setdefault(project_id, set()).add(ref)
        existing_volunteers = [v.pk for v in self.objects.get(formats.VOLUNTEERS.name, {}).values()]
        if existing_volunteers:
            through = Volunteer.skills.through.objects.filter(volunteer_id__in=existing_volunteers)
            for volunteer_id, name in through.values_list("volunteer_id", "skill__name"):
                self.skill_sets.setdefault(volunteer_id, set()).add(name)

    def _known(self, target: str, ref: str) -> bool:
        return ref in self.objects.get(target, {}) or ref in self._defined(target)

    def _defined(self, target: str) -> set[str]:
        cache = getattr(self, "_defined_cache", {})
        if target not in cache:
            cache[target] = {
                row.values["ref"] for row in self.rows.get(target, ()) if row.values.get("ref")
            }
            self._defined_cache = cache
        return cache[target]

    def _check_references(self, spec: FileSpec, row: _Row) -> None:
        for column in self.present[spec.name]:
            if not column.target or column.name in row.bad:
                continue
            value = row.values.get(column.name)
            for ref in value if isinstance(value, list) else [value]:
                if ref and not self._known(column.target, ref):
                    row.bad.add(column.name)
                    self.problem(
                        spec,
                        row.line,
                        column.name,
                        f"référence « {ref} » introuvable dans {column.target} ni dans la base.",
                    )

    def _check_ref_rows(self, spec: FileSpec) -> None:
        existing = self.objects[spec.name]
        first_line: dict[str, int] = {}
        for row in self.rows[spec.name]:
            self._check_references(spec, row)
            ref = row.values.get("ref")
            if not ref:
                continue
            if ref in first_line:
                self.problem(
                    spec,
                    row.line,
                    "ref",
                    f"référence « {ref} » déjà donnée ligne {first_line[ref]}.",
                )
                continue
            first_line[ref] = row.line
            instance = existing.get(ref)
            row.is_new = instance is None
            row.instance = instance if instance is not None else spec.model()
            self._apply(spec, row)
            self._validate(spec, row)

    def _apply(self, spec: FileSpec, row: _Row) -> None:
        """Put the row's values on its instance and note what differs from the database."""
        instance = row.instance
        for column in self.present[spec.name]:
            if column.name in row.bad or column.name not in row.values:
                continue
            value = row.values[column.name]
            model_field = spec.model._meta.get_field(column.attr)
            if model_field.many_to_many:
                if not row.is_new:
                    current = (self.holder_sets if spec.model is Project else self.skill_sets).get(
                        instance.pk, set()
                    )
                    row.m2m_changed = current != set(value)
            elif model_field.is_relation:
                target = self._target(spec, column, value)
                current_id = getattr(instance, model_field.attname)
                differs = row.is_new or target is None or target.pk != current_id
                if differs and (value is not None or current_id is not None):
                    row.changed.add(column.attr)
            elif row.is_new or getattr(instance, column.attr) != value:
                setattr(instance, column.attr, value)
                row.changed.add(column.attr)

    def _target(self, spec: FileSpec, column: Column, value):
        """The object a relation column points to; unsaved or None when it is new."""
        if value in (None, ""):
            return None
        if column.kind == formats.USER:
            return self.users.get(value)
        if column.target:
            return self.objects[column.target].get(value)
        if column.name == "provider":
            return self.providers.get(value)
        if column.name == "collective_ref":
            return self.collectives.get(value)
        raise AssertionError(column.name)

    def _validate(self, spec: FileSpec, row: _Row) -> None:
        """The model's own rules: field validators (SIRET, choices, lengths), clean(), checks."""
        instance = row.instance
        checked = {
            column.attr
            for column in self.present[spec.name]
            if column.name not in row.bad and column.name in row.values
        }
        by_attr = {column.attr: column.name for column in spec.columns}
        exclude = [
            f.name
            for f in spec.model._meta.concrete_fields
            if f.is_relation or f.name not in checked
        ]
        errors: dict[str, list[str]] = {}
        if "email" in checked and instance.email:
            exclude.append("email")
            try:
                validate_international_email(instance.email)
            except ValidationError as exc:
                errors["email"] = exc.messages
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        if not errors:
            try:
                instance.clean()
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    errors.setdefault(name, []).extend(messages)
        for name, messages in errors.items():
            column = by_attr.get(name, spec.columns[0].name if name == NON_FIELD_ERRORS else name)
            row.bad.add(column)
            for message in messages:
                self.problem(spec, row.line, column, message)
        for start, end, constraint_name in spec.order_checks:
            first, last = getattr(instance, start), getattr(instance, end)
            # The model's clean() may have said it already, on the same column.
            if end in row.bad or not {start, end} & checked:
                continue
            if first and last and last < first:
                self.problem(spec, row.line, end, _constraint_message(spec.model, constraint_name))

    def _check_natural_rows(self, spec: FileSpec) -> None:
        present = self.present[spec.name]
        parent = next(column for column in spec.columns if column.target)
        if parent not in present:
            return
        refs = {row.values.get(parent.name) for row in self.rows[spec.name]} - {None}
        existing = Counter(
            spec.model.objects.filter(**{f"{parent.path}__in": refs}).values_list(
                *[column.path for column in present]
            )
        )
        for row in self.rows[spec.name]:
            self._check_references(spec, row)
            if spec is formats.STEPS:
                self._check_collective(spec, row)
            values = {
                column.attr: row.values[column.name]
                for column in present
                if column.name in row.values
                and column.name not in row.bad
                and not spec.model._meta.get_field(column.attr).is_relation
            }
            row.instance = spec.model(**values)
            self._validate(spec, row)
            key = tuple(row.values.get(column.name) for column in present)
            if existing[key] > 0:
                existing[key] -= 1
            else:
                row.is_new = True
                row.changed = {column.attr for column in present}
        for name in ("provider", "collective_ref"):
            column = spec.by_name.get(name)
            if column is None or column not in present:
                continue
            limit = (
                (Provider if name == "provider" else CollectiveEngineering)
                ._meta.get_field("name" if name == "provider" else "ref")
                .max_length
            )
            for row in self.rows[spec.name]:
                value = row.values.get(name)
                if value and len(value) > limit:
                    self.problem(
                        spec, row.line, name, f"{limit} caractères au plus (ici {len(value)})."
                    )

    def _check_collective(self, spec: FileSpec, row: _Row) -> None:
        kind, ref = row.values.get("kind"), row.values.get("collective_ref")
        if "kind" in row.bad or "collective_ref" not in row.values:
            return
        if kind == StepKind.COLLECTIVE_ENGINEERING and not ref:
            self.problem(
                spec,
                row.line,
                "collective_ref",
                "une ingénierie collective demande la référence qui réunit ses structures.",
            )
        elif ref and kind != StepKind.COLLECTIVE_ENGINEERING:
            self.problem(
                spec,
                row.line,
                "collective_ref",
                "seule une étape ingenierie_collective porte une référence d'ingénierie "
                "collective.",
            )

    def summaries(self) -> list[FileSummary]:
        result = []
        for spec in FILES:
            rows = self.rows.get(spec.name)
            if rows is None:
                continue
            summary = FileSummary(
                spec.name, str(spec.model._meta.verbose_name_plural), rows=len(rows)
            )
            for row in rows:
                if row.is_new:
                    summary.created += 1
                elif row.changed or row.m2m_changed:
                    summary.updated += 1
                else:
                    summary.unchanged += 1
            result.append(summary)
        return result

    # --- writing --------------------------------------------------------------------------

    def write(self) -> None:
        self._create_users()
        for spec in FILES:
            if spec.name not in self.rows:
                continue
            self.tracker.step(f"Enregistrement de {spec.name}")
            if spec is formats.STEPS:
                self._create_providers_and_collectives()
            if spec is formats.VOLUNTEERS:
                self._create_skills()
            if spec.has_ref:
                self._write_ref_rows(spec)
            else:
                self._write_natural_rows(spec)
            units = len(self.rows[spec.name]) * _WRITE_WEIGHT
            self.tracker.step(f"Enregistrement de {spec.name}", units)

    def _history_kwargs(self) -> dict:
        return {"default_user": self.user, "default_change_reason": CHANGE_REASON}

    def _create_users(self) -> None:
        if not self.new_usernames:
            return
        users = []
        for username in sorted(self.new_usernames):
            user = User(username=username)
            user.set_unusable_password()
            users.append(user)
        created = User.objects.bulk_create(users)
        group = Group.objects.get(name=STAFF)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=user.pk, group_id=group.pk) for user in created]
        )
        self.users.update({user.username: user for user in created})

    def _create_providers_and_collectives(self) -> None:
        steps = self.rows[formats.STEPS.name]
        names = sorted({row.values.get("provider") for row in steps} - {None, ""})
        new = [Provider(name=name) for name in names if name not in self.providers]
        if new:
            created = bulk_create_with_history(new, Provider, **self._history_kwargs())
            self.providers.update({provider.name: provider for provider in created})
        collectives: dict[str, CollectiveEngineering] = {}

        # Earliest row first, then by name: the same engineering whatever the rows' order.
        def order(row: _Row) -> tuple:
            values = row.values
            return (values.get("date"), values.get("provider") or "~", values.get("theme") or "~")

        for row in sorted(steps, key=order):
            ref = row.values.get("collective_ref")
            if not ref or ref in self.collectives:
                continue
            collective = collectives.setdefault(
                ref, CollectiveEngineering(ref=ref, started_on=row.values.get("date"))
            )
            if not collective.provider_id and row.values.get("provider"):
                collective.provider = self.providers[row.values["provider"]]
            if not collective.theme and row.values.get("theme"):
                collective.theme = row.values["theme"]
        if collectives:
            created = bulk_create_with_history(
                list(collectives.values()), CollectiveEngineering, **self._history_kwargs()
            )
            self.collectives.update({collective.ref: collective for collective in created})

    def _create_skills(self) -> None:
        rows = self.rows[formats.VOLUNTEERS.name]
        names = {name for row in rows for name in row.values.get("skills", [])}
        new = [Skill(name=name) for name in sorted(names) if name not in self.skills]
        if new:
            self.skills.update({skill.name: skill for skill in Skill.objects.bulk_create(new)})

    def _set_relations(self, spec: FileSpec, row: _Row) -> None:
        for column in self.present[spec.name]:
            model_field = spec.model._meta.get_field(column.attr)
            relation = model_field.is_relation and not model_field.many_to_many
            if relation and column.attr in row.changed:
                target = self._target(spec, column, row.values.get(column.name))
                setattr(row.instance, column.attr, target)

    def _write_ref_rows(self, spec: FileSpec) -> None:
        rows = self.rows[spec.name]
        new_rows = [row for row in rows if row.is_new]
        changed_rows = [row for row in rows if not row.is_new and row.changed]
        for row in new_rows + changed_rows:
            self._set_relations(spec, row)
        if new_rows:
            created = bulk_create_with_history(
                [row.instance for row in new_rows], spec.model, **self._history_kwargs()
            )
            for row, instance in zip(new_rows, created, strict=True):
                row.instance = instance
                self.objects[spec.name][instance.ref] = instance
        if changed_rows:
            fields = sorted({name for row in changed_rows for name in row.changed})
            if any(f.name == "updated_at" for f in spec.model._meta.concrete_fields):
                now = timezone.now()
                for row in changed_rows:
                    row.instance.updated_at = now
                fields.append("updated_at")
            if any(f.name == "version" for f in spec.model._meta.concrete_fields):
                # An edit form opened before the import must be refused, not overwrite it.
                for row in changed_rows:
                    row.instance.version += 1
                fields.append("version")
            bulk_update_with_history(
                [row.instance for row in changed_rows],
                spec.model,
                fields=fields,
                **self._history_kwargs(),
            )
        if spec.model is Project:
            self._write_project_extras(rows)
        elif spec.model is TerritorialProject:
            self._write_phase_changes(rows)
        elif spec.model is Volunteer:
            self._write_skills(rows)

    def _replace_m2m(self, rows, through, owner: str, other: str, targets) -> None:
        """Set the M2M links of the rows whose list is new or changed."""
        affected = [row for row in rows if row.is_new or row.m2m_changed]
        if not affected:
            return
        through.objects.filter(
            **{f"{owner}_id__in": [row.instance.pk for row in affected if not row.is_new]}
        ).delete()
        through.objects.bulk_create(
            [
                through(**{f"{owner}_id": row.instance.pk, f"{other}_id": targets(name).pk})
                for row in affected
                for name in row.values.get("holder_refs" if owner == "project" else "skills", [])
            ]
        )

    def _write_project_extras(self, rows: list[_Row]) -> None:
        if "holder_refs" in [c.name for c in self.present[formats.PROJECTS.name]]:
            holders = self.objects[formats.HOLDERS.name]
            self._replace_m2m(rows, Project.holders.through, "project", "holder", holders.get)
        changes = [
            StatusChange(
                project=row.instance,
                status=row.instance.status,
                changed_on=_status_date(row.instance),
                changed_by=self.user,
                note=CHANGE_REASON,
            )
            for row in rows
            if row.is_new or "status" in row.changed
        ]
        StatusChange.objects.bulk_create(changes)

    def _write_phase_changes(self, rows: list[_Row]) -> None:
        today = timezone.localdate()
        changes = []
        for row in rows:
            if row.is_new or "phase" in row.changed:
                project = row.instance
                closing = project.phase in (Phase.ABANDONED, Phase.HAND_OVER) and project.ended_on
                on = project.ended_on if closing else project.started_on if row.is_new else today
                changes.append(
                    PhaseChange(
                        project=project,
                        phase=project.phase,
                        changed_on=on,
                        changed_by=self.user,
                        note=CHANGE_REASON,
                    )
                )
        PhaseChange.objects.bulk_create(changes)

    def _write_skills(self, rows: list[_Row]) -> None:
        if "skills" in [c.name for c in self.present[formats.VOLUNTEERS.name]]:
            self._replace_m2m(rows, Volunteer.skills.through, "volunteer", "skill", self.skills.get)

    def _write_natural_rows(self, spec: FileSpec) -> None:
        new_rows = [row for row in self.rows[spec.name] if row.is_new]
        for row in new_rows:
            self._set_relations(spec, row)
        if new_rows:
            bulk_create_with_history(
                [row.instance for row in new_rows], spec.model, **self._history_kwargs()
            )


def validate_international_email(value: str) -> None:
    """Django's email check, letting accented letters through in the part before the @.

    The association's spreadsheets hold addresses such as françois.blanc@example.org, which
    mail servers accept (RFC 6531) but Django's ASCII-only rule refuses.
    """
    local, at, domain = value.rpartition("@")
    ascii_local = "".join(
        c for c in unicodedata.normalize("NFKD", local) if not unicodedata.combining(c)
    )
    validate_email(f"{ascii_local}{at}{domain}" if at else value)


def _status_date(project: Project) -> dt.date:
    """The date a project reached its status, from the dates the file gives."""
    status = project.status
    if status == ProjectStatus.RECEIVED:
        candidates = [project.received_on]
    elif status == ProjectStatus.ACCOMPANIED:
        candidates = [project.started_on, project.received_on]
    elif status == ProjectStatus.CREATED:
        candidates = [project.ended_on, project.created_on, project.started_on]
    else:
        candidates = [project.ended_on, project.started_on]
    return next((date for date in candidates if date), project.received_on)


def _constraint_message(model: type[models.Model], name: str) -> str:
    for constraint in model._meta.constraints:
        if constraint.name == name:
            return str(constraint.violation_error_message)
    raise LookupError(name)


# --- export -------------------------------------------------------------------------------


def activity_export(*, year: int | None = None) -> dict[str, bytes]:
    """Every file of the format, as UTF-8 CSV bytes (`,`, ISO dates, point decimals).

    A record created in the application has no ref yet: it gets one here, once and for all,
    so that the exported files can be imported back (updating, never duplicating).
    """
    with transaction.atomic():
        _give_missing_refs()
    querysets = _export_querysets(year)
    files = {}
    for spec in FILES:
        files[spec.name] = _export_file(spec, querysets[spec.name])
    return files


def activity_export_zip(*, year: int | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in activity_export(year=year).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _give_missing_refs() -> None:
    for spec in FILES:
        if not spec.has_ref:
            continue
        missing = list(spec.model.objects.filter(Q(ref__isnull=True) | Q(ref="")).only("pk"))
        if not missing:
            continue
        wanted = {obj.pk: f"{spec.ref_prefix}{obj.pk}" for obj in missing}
        taken = set(
            spec.model.objects.filter(ref__in=wanted.values()).values_list("ref", flat=True)
        )
        for obj in missing:
            ref = wanted[obj.pk]
            while ref in taken:
                ref += "-bis"
            taken.add(ref)
            obj.ref = ref
        spec.model.objects.bulk_update(missing, ["ref"])


def _export_querysets(year: int | None) -> dict[str, models.QuerySet]:
    querysets = {
        formats.HOLDERS.name: Holder.objects.all(),
        formats.PROJECTS.name: Project.objects.all(),
        formats.MEETINGS.name: formats.MEETINGS.model.objects.all(),
        formats.ACTIONS.name: CollectiveAction.objects.all(),
        formats.STRUCTURES.name: Structure.objects.all(),
        formats.STEPS.name: Step.objects.all(),
        formats.TERRITORIES.name: Territory.objects.all(),
        formats.TERRITORIAL_PROJECTS.name: TerritorialProject.objects.all(),
        formats.TERRITORIAL_ACTIONS.name: TerritorialAction.objects.all(),
        formats.VOLUNTEERS.name: Volunteer.objects.all(),
    }
    if year is None:
        return querysets
    # One year: its dated rows, the records active in it, and whatever those rows point to,
    # so the files stay importable on their own.
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    meetings = querysets[formats.MEETINGS.name].filter(date__range=(start, end))
    projects = Project.objects.filter(
        Q(received_on__range=(start, end))
        | Q(created_on__range=(start, end))
        | Q(pk__in=Project.objects.active_in(year).values("pk"))
        | Q(pk__in=meetings.values("project_id"))
    )
    steps = Step.objects.filter(date__range=(start, end))
    territorial_actions = TerritorialAction.objects.filter(date__range=(start, end))
    territorial_projects = TerritorialProject.objects.filter(
        Q(pk__in=TerritorialProject.objects.active_in(year).values("pk"))
        | Q(pk__in=territorial_actions.values("project_id"))
    )
    querysets.update(
        {
            formats.HOLDERS.name: Holder.objects.filter(projects__in=projects).distinct(),
            formats.PROJECTS.name: projects,
            formats.MEETINGS.name: meetings,
            formats.ACTIONS.name: CollectiveAction.objects.filter(date__range=(start, end)),
            formats.STRUCTURES.name: Structure.objects.filter(steps__in=steps).distinct(),
            formats.STEPS.name: steps,
            formats.TERRITORIES.name: Territory.objects.filter(
                projects__in=territorial_projects
            ).distinct(),
            formats.TERRITORIAL_PROJECTS.name: territorial_projects,
            formats.TERRITORIAL_ACTIONS.name: territorial_actions,
            formats.VOLUNTEERS.name: Volunteer.objects.active_in(year),
        }
    )
    return querysets


def _export_file(spec: FileSpec, queryset: models.QuerySet) -> bytes:
    plain = [c for c in spec.columns if not spec.model._meta.get_field(c.attr).many_to_many]
    lists = [c for c in spec.columns if spec.model._meta.get_field(c.attr).many_to_many]
    if spec.has_ref:
        order = ["ref"]
    else:
        parent = next(column for column in spec.columns if column.target)
        order = [parent.path, "date", "pk"]
    records = list(queryset.order_by(*order).values_list("pk", *[c.path for c in plain]))
    linked: dict[str, dict[int, list[str]]] = {}
    for column in lists:
        model_field = spec.model._meta.get_field(column.attr)
        through = model_field.remote_field.through
        owner = model_field.m2m_field_name()
        other = model_field.m2m_reverse_field_name()
        target_key = "ref" if column.target else "name"
        pairs = through.objects.filter(**{f"{owner}_id__in": [r[0] for r in records]})
        mapping: dict[int, list[str]] = defaultdict(list)
        for owner_id, value in pairs.values_list(f"{owner}_id", f"{other}__{target_key}"):
            mapping[owner_id].append(value)
        linked[column.name] = mapping
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column.name for column in spec.columns])
    for record in records:
        values = dict(zip([c.name for c in plain], record[1:], strict=True))
        for column in lists:
            values[column.name] = sorted(linked[column.name].get(record[0], []))
        writer.writerow([formats.write_cell(values[column.name]) for column in spec.columns])
    return buffer.getvalue().encode("utf-8")
