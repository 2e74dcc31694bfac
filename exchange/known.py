"""What is known across rows, chunks and files of one import: the records the dataset defines
(new and unsaved, or already in the database), the accounts and named records (consultants,
skills, collectives) its rows name, and the database's records a chunk points to, read in one
query per model and chunk. A checked chunk's rows go; what later rows look up of them stays
here, by key (`let_go`), so memory grows with the distinct keys, not with the rows."""

import contextlib
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import FieldDoesNotExist
from django.db import models, router

from pes21.models import User

from . import cells
from .formats import COMPOSITES, SPECS
from .rows import Kept, Row, as_list
from .specs import Column, Composite, FileSpec, Named, linked_values


class KnownRecords:
    def __init__(self) -> None:
        # ref -> record, per ref file; records the dataset creates are unsaved. A saved
        # record is kept by its id only (`Kept`), and read again for the chunks naming it.
        self.objects: dict[str, dict[str, Kept]] = {}
        # The saved records the current chunk names, by model and id (`record`).
        self._chunk_records: dict[type[models.Model], dict[int, models.Model]] = {}
        # key -> record, per kind of named record (consultants, skills, collectives).
        self.named: dict[Named, dict[str, models.Model]] = {}
        # username -> account; an unknown username is an unsaved account to create.
        self.users: dict[str, User] = {}
        # (file, list column) -> owner id -> the list in the database.
        self.linked: dict[tuple[str, str], dict[int, list[str]]] = {}
        self._defined: dict[str, set[str]] = {}
        # (ref, values...) -> record, per composite: what its cells may name.
        self._candidates: dict[Composite, dict[tuple, Kept]] = {}
        # The new records of a checked file a composite may name, by their key cells.
        self._new_candidates: dict[Composite, dict[tuple, Kept]] = {}
        self._new_usernames: set[str] = set()
        # What a file's rows name and the chunk creating it uses: named -> key -> rows' values.
        self.naming: dict[Named, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        # Refs already looked up in the database, per file (found or not).
        self._asked: dict[str, set[str]] = {}
        self._candidate_refs: dict[Composite, set] = {}

    @property
    def new_usernames(self) -> list[str]:
        # Known as the chunks naming them are read; they keep being new once written.
        return sorted(self._new_usernames)

    def start_chunk(self) -> None:
        self._chunk_records = {}

    def end_file(self) -> None:
        self.naming.clear()

    def record(self, model: type[models.Model], kept: Kept | None) -> models.Model | None:
        """The record kept as itself, or by its id when saved: read with the chunk naming it
        (`load_existing`, `load_candidates`), else on its own."""
        if kept is None or isinstance(kept, models.Model):
            return kept
        loaded = self._chunk_records.setdefault(model, {})
        if kept not in loaded:
            loaded |= model.objects.in_bulk([kept])
        return loaded[kept]

    def _read_kept(
        self,
        model: type[models.Model],
        kept: Iterable[Kept | None],
        *,
        whole: bool | tuple[str, ...],
    ) -> None:
        """The saved records a chunk names that it has not read yet, in one query: whole when
        `whole` is True, else knowing their id (what a relation needs) and the fields `whole`
        names that the model has (what the file's rules read of them); any other field would
        be read from the database if a rule asked for it."""
        loaded = self._chunk_records.setdefault(model, {})
        ids = {k for k in kept if k is not None and not isinstance(k, models.Model)} - loaded.keys()
        if not ids:
            return
        if whole is True:
            loaded |= model.objects.in_bulk(ids)
            return
        using, pk = router.db_for_read(model), model._meta.pk.attname
        names = [pk]
        for name in whole or ():
            with contextlib.suppress(FieldDoesNotExist):
                names.append(model._meta.get_field(name).attname)
        rows = (
            model.objects.filter(pk__in=ids).values_list(*names)
            if len(names) > 1
            else ((id_,) for id_ in ids)
        )
        loaded |= {row[0]: model.from_db(using, names, row) for row in rows}

    def target(self, column: Column, value) -> models.Model | None:
        """The record a relation cell points to; unsaved when the dataset creates it."""
        if value in (None, ""):
            return None
        if column.kind == cells.USER:
            return self.users.get(value)
        if column.target:
            kept = self.objects.get(column.target, {}).get(value)
            return self.record(SPECS[column.target].model, kept)
        return self.named.get(column.named, {}).get(value)

    def is_known(self, target: str, ref: str) -> bool:
        # The target file comes earlier in FILES: it is checked, its refs kept (`let_go`).
        return ref in self.objects.get(target, {}) or ref in self._defined.get(target, ())

    def candidate(self, composite: Composite, values: tuple) -> models.Model | None:
        """The record a composite's cells name (`load_candidates` first)."""
        return self.record(SPECS[composite.file].model, self._candidates[composite].get(values))

    def note_naming(self, columns: list[Column], rows: list[Row]) -> None:
        """What every row of a file gives the named records it names (`fill_named`)."""
        for row in rows:
            for column in columns:
                for key in as_list(row.values.get(column.name)):
                    self.naming[column.named][key].append(row.values)

    def load_existing(self, spec: FileSpec, present: list[Column], rows: list[Row]) -> None:
        """One query per model for the records a chunk defines, points to or names and that
        no earlier chunk asked for."""
        wanted: dict[str, set[str]] = defaultdict(set)
        usernames: set[str] = set()
        names: dict[Named, set[str]] = defaultdict(set)
        for column in present:
            if spec.has_ref and column.name == "ref":
                into = wanted[spec.name]
            elif column.target:
                into = wanted[column.target]
            elif column.kind == cells.USER:
                into = usernames
            elif column.named:
                into = names[column.named]
            else:
                continue
            for row in rows:
                into.update(as_list(row.values.get(column.name)))
        for name, refs in wanted.items():
            asked = self._asked.setdefault(name, set())
            records = self.objects.setdefault(name, {})
            model = SPECS[name].model
            loaded = self._chunk_records.setdefault(model, {})
            unknown = refs - asked - records.keys()
            if unknown:
                found = model.objects.in_bulk(unknown, field_name="ref")
                records.update((ref, record.pk) for ref, record in found.items())
                loaded.update((record.pk, record) for record in found.values())
                asked |= unknown
            whole = True if name == spec.name else spec.reads_related  # its own are updated
            self._read_kept(model, (records.get(ref) for ref in refs), whole=whole)
        usernames -= self.users.keys()
        if usernames:
            self.users |= User.objects.in_bulk(usernames, field_name="username")
            for username in usernames - self.users.keys():
                self.users[username] = User(username=username)
                self._new_usernames.add(username)
        created: list[tuple[Named, str]] = []
        for named, keys in names.items():
            registry = self.named.setdefault(named, {})
            keys -= registry.keys()
            if keys:
                registry |= named.model.objects.in_bulk(keys, field_name=named.key)
                new = keys - registry.keys()
                registry |= {key: named.model(**{named.key: key}) for key in new}
                created.extend((named, key) for key in sorted(new))
        self._fill_named(spec, created)
        if spec.has_ref:
            records = self.objects.get(spec.name, {})
            existing = [
                kept for row in rows if isinstance(kept := records.get(row.values.get("ref")), int)
            ]
            for column in present:
                if existing and spec.model_field(column).many_to_many:
                    self.linked.setdefault((spec.name, column.name), {}).update(
                        linked_values(spec, column, existing)
                    )

    def _fill_named(self, spec: FileSpec, created: list[tuple[Named, str]]) -> None:
        """A new record named by a file's rows takes the other values its rows give (a
        collective engineering: the start, consultant and theme of its earliest row), before
        the rows are judged: a step then takes them from it as in the forms, and its own
        rules refuse the rows if they leave the consultant or theme empty. Every row of the
        file naming it counts, whichever chunk it is in (`note_naming`)."""

        def resolve(name: str, value) -> models.Model | None:
            return self.target(spec.by_name[name], value)

        for named, key in created:
            if named.defaults is not None:
                record = self.named[named][key]
                for attr, value in named.defaults(self.naming[named][key], resolve).items():
                    setattr(record, attr, value)

    def load_candidates(self, spec: FileSpec, present: list[Column], rows: list[Row]) -> None:
        """The records a chunk's composite cells may name: the database's, then the new rows
        of its file; on equal keys the latest entered wins (the new rows over the database,
        the later record over the earlier)."""
        for composite in {c.composite for c in present if c.composite}:
            found = self._candidates.setdefault(
                composite, dict(self._new_candidates.get(composite, {}))
            )
            asked = self._candidate_refs.setdefault(composite, set())
            target = SPECS[composite.file]
            paths = [target.by_name[theirs].path for _, theirs in composite.parts]
            first = composite.parts[0][0]
            refs = {row.values.get(first) for row in rows} - {None, ""} - asked
            if refs:
                asked |= refs
                records = (
                    target.model.objects.filter(
                        kind__in=composite.kinds, **{f"{paths[0]}__in": refs}
                    )
                    .order_by("pk")
                    .values_list("pk", *paths)
                )
                pks: dict[tuple, int] = {}
                for pk, *values in records:
                    pks[tuple(values)] = pk
                for values, pk in pks.items():
                    found.setdefault(values, pk)
            self._read_kept(
                target.model,
                (found.get(tuple(row.values.get(n) for n in composite.columns)) for row in rows),
                whole=spec.reads_related,
            )

    def let_go(self, spec: FileSpec, rows: list[Row], written: bool) -> None:
        """Keep of a checked chunk what later rows look up, by key; its rows go.

        Kept: the refs it defines (a set of strings), its records by ref (`objects`: later
        rows point to them), and the new records a composite of a later file may name (by
        their key cells). A record once written is kept by its id only. Each grows with the
        distinct keys, not with the rows: a file without ref (meetings, steps...) leaves
        nothing but its steps a follow-up names.
        """

        def kept(record: models.Model) -> Kept:
            return record.pk if written and record.pk is not None else record

        if spec.has_ref:
            records = self.objects.setdefault(spec.name, {})
            for row in rows:
                ref = row.values.get("ref")
                if ref:
                    self._defined.setdefault(spec.name, set()).add(ref)
                    if records.get(ref) is row.instance:
                        records[ref] = kept(row.instance)
        for composite in COMPOSITES:
            if composite.file == spec.name:
                self._new_candidates.setdefault(composite, {}).update(
                    (
                        tuple(row.values.get(theirs) for _, theirs in composite.parts),
                        kept(row.instance),
                    )
                    for row in rows
                    if row.is_new and not row.bad and row.values.get("kind") in composite.kinds
                )
