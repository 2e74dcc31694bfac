"""`pes21.bulk.insert_records`: new records written without the ORM, as if saved one by one.

The same tests run on SQLite and, under `scripts/with_postgres.sh`, on PostgreSQL, where the
rows go by COPY and the ids come from the table's sequence.
"""

import datetime as dt
import math
from collections import defaultdict
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accompaniment.models import (
    ActionKind,
    CollectiveAction,
    Holder,
    Meeting,
    MeetingKind,
    Programme,
    Project,
    ProjectStatus,
    StatusChange,
)
from dla.models import Step, StepKind, Structure
from followups.models import FollowUp
from pes21 import bulk
from pes21.bulk import insert_records, record_maker
from pes21.choices import LegalForm
from pes21.models import User, Weekday
from tests import factories
from volunteers.models import Contribution, Mission, Volunteer

pytestmark = pytest.mark.django_db

REASON = "Import des données d'activité"

# Text the PostgreSQL COPY format escapes (tab, newline, backslash, its null marker).
AWKWARD = "Ligne 1\tcolonne\nLigne 2 « guillemets » \\ fin \\N"


def _values(record) -> dict:
    return {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields}


def _history_rows() -> int:
    return sum(
        model.history.model.objects.count()
        for model in apps.get_models()
        if hasattr(model, "history") and hasattr(model.history, "model")
    )


def _specimens(staff) -> list[tuple[type, dict]]:
    """Records of the project's models, each field type once at least, given by attname."""
    project = factories.ProjectFactory()
    structure = factories.StructureFactory()
    provider = factories.ProviderFactory()
    return [
        (
            Holder,
            {
                "ref": "PP-0001",
                "last_name": "N'Diaye",
                "first_name": "Aïcha",
                "email": "aicha@example.org",
                "phone": "03 80 00 00 00",
                "postal_code": "21000",
                "commune": "Dijon",
                "consent_on": dt.date(2023, 5, 2),
            },
        ),
        (Holder, {"ref": None, "last_name": AWKWARD, "first_name": "", "consent_on": None}),
        (
            Project,
            {
                "name": "Épicerie « solidaire »",
                "programme": Programme.EMERGENCE,
                "status": ProjectStatus.CREATED,
                "received_on": dt.date(2021, 9, 1),
                "started_on": dt.date(2021, 10, 4),
                "ended_on": dt.date(2022, 6, 30),
                "created_on": dt.date(2022, 7, 1),
                "legal_form": LegalForm.SCIC,
                "jobs_created": 3,
                "referent_id": staff.pk,
                "structure_id": None,
                "summary": AWKWARD,
                "next_step_on": None,
            },
        ),
        (
            Project,
            {
                "name": "Recyclerie",
                "received_on": dt.date(2023, 2, 28),
                "jobs_created": None,
                "referent_id": None,
                "structure_id": structure.pk,
            },
        ),
        (
            Meeting,
            {
                "project_id": project.pk,
                "date": dt.date(2023, 3, 14),
                "duration_minutes": 90,
                "kind": MeetingKind.VIDEO,
                "staff_id": staff.pk,
                "notes": "\\N",
            },
        ),
        (
            Meeting,
            {"project_id": project.pk, "date": dt.date(2023, 3, 15), "duration_minutes": None},
        ),
        (
            CollectiveAction,
            {
                "date": dt.date(2023, 11, 20),
                "kind": ActionKind.TRAINING,
                "series": "",
                "title": "Formation comptabilité",
                "organisation": "CCI",
                "animated_by_pes": False,
                "participants": 0,
                "hours": Decimal("2.75"),
            },
        ),
        (
            Structure,
            {
                "name": "Ressourcerie",
                "siret": "73282932000074",
                "legal_form": LegalForm.ASSOCIATION,
                "employees": 0,
                "fte": Decimal("12.50"),
                "esus_obtained_on": dt.date(2020, 1, 1),
                "esus_expires_on": dt.date(2025, 1, 1),
            },
        ),
        (Structure, {"name": "Sans ETP", "fte": None}),
        (
            Step,
            {
                "structure_id": structure.pk,
                "kind": StepKind.INDIVIDUAL_ENGINEERING,
                "date": dt.date(2023, 4, 3),
                "ended_on": dt.date(2023, 6, 30),
                "provider_id": provider.pk,
                "days": Decimal("4.5"),
                "cost_eur": Decimal("3600.00"),
                "staff_id": None,
            },
        ),
        (
            Volunteer,
            {
                "last_name": "Martin",
                "first_name": "Léa",
                "missions": [Mission.UPSTREAM_RECEPTION.value, Mission.ASSOCIATIVE_LIFE.value],
                "joined_on": dt.date(2019, 9, 1),
                "left_on": None,
            },
        ),
        (
            Volunteer,
            {
                "last_name": "Petit",
                "first_name": "Jean",
                "missions": [],
                "joined_on": dt.date(2020, 1, 1),
            },
        ),
        (
            StatusChange,
            {
                "project_id": project.pk,
                "status": ProjectStatus.ACCOMPANIED,
                "changed_on": dt.date(2023, 1, 9),
                "changed_by_id": staff.pk,
                "note": REASON,
            },
        ),
        (User, {"username": "importee", "digest_weekday": Weekday.FRIDAY, "job_title": "Chargée"}),
    ]


def _insert_by_model(specimens, **kwargs) -> list[tuple[type, dict, object]]:
    by_model = defaultdict(list)
    made = []
    for model, given in specimens:
        record = model(**given)
        by_model[model].append(record)
        made.append((model, given, record))
    for model, records in by_model.items():
        insert_records(model, records, **kwargs)
    return made


def test_new_records_get_ids_and_read_back_as_set(staff):
    made = _insert_by_model(_specimens(staff), user=staff, reason=REASON)
    for model, given, record in made:
        assert record.pk is not None
        assert record._state.adding is False
        assert record._state.db == "default"
        stored = model.objects.get(pk=record.pk)
        assert {name: getattr(stored, name) for name in given} == given
        assert _values(stored) == _values(record)
    ids = defaultdict(list)
    for model, _, record in made:
        ids[model].append(record.pk)
    assert all(len(set(pks)) == len(pks) for pks in ids.values())


def test_auto_now_dates_are_set(staff):
    before = timezone.now()
    made = _insert_by_model(_specimens(staff))
    after = timezone.now()
    stamped = 0
    for model, _, record in made:
        stored = model.objects.get(pk=record.pk)
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                stamped += 1
                assert before <= getattr(stored, field.attname) <= after
    assert stamped


def test_each_record_gets_one_creation_history_row_by_user_with_reason(staff):
    before = timezone.now()
    made = _insert_by_model(_specimens(staff), user=staff, reason=REASON)
    after = timezone.now()
    kept = [(model, record) for model, _, record in made if hasattr(model, "history")]
    assert kept
    for model, record in kept:
        row = model.history.get(id=record.pk)
        assert row.history_type == "+"
        assert row.history_user == staff
        assert row.history_change_reason == REASON
        assert before <= row.history_date <= after
        stored = _values(model.objects.get(pk=record.pk))
        tracked = {field.attname for field in row._meta.concrete_fields} & set(stored)
        assert tracked
        assert {name: getattr(row, name) for name in tracked} == {
            name: stored[name] for name in tracked
        }


@pytest.mark.parametrize("reason", ["", REASON])
@pytest.mark.parametrize("by_staff", [False, True])
def test_history_row_is_the_one_an_ordinary_save_writes(staff, reason, by_staff):
    project = factories.ProjectFactory()
    given = {
        "project_id": project.pk,
        "date": dt.date(2023, 3, 14),
        "kind": MeetingKind.PHONE,
        "notes": AWKWARD,
    }
    saved = Meeting(**given)
    saved._history_user = staff if by_staff else None
    if reason:
        saved._change_reason = reason
    saved.save()
    inserted = Meeting(**given)
    insert_records(Meeting, [inserted], user=staff if by_staff else None, reason=reason)

    def history(record) -> dict:
        row = Meeting.history.get(id=record.pk)
        ignored = {"history_id", "history_date", "id", "created_at"}
        return {name: value for name, value in _values(row).items() if name not in ignored}

    assert history(inserted) == history(saved)


def test_models_without_history_get_no_history_row(staff):
    project = factories.ProjectFactory()
    volunteer = factories.VolunteerFactory()
    holder = factories.HolderFactory()
    rows = _history_rows()
    insert_records(
        StatusChange,
        [StatusChange(project=project, status=ProjectStatus.RECEIVED, changed_on=dt.date.today())],
        user=staff,
        reason=REASON,
    )
    insert_records(
        Contribution,
        [
            Contribution(
                volunteer=volunteer,
                mission=Mission.ASSOCIATIVE_LIFE,
                date=dt.date.today(),
                minutes=30,
            )
        ],
        user=staff,
        reason=REASON,
    )
    through = Project.holders.through
    insert_records(through, [through(project=project, holder=holder)], user=staff)
    assert StatusChange.objects.filter(project=project).count() == 1
    assert Contribution.objects.filter(volunteer=volunteer).count() == 1
    assert _history_rows() == rows


def test_ids_continue_after_existing_rows_and_never_reuse_a_deleted_one():
    existing = factories.HolderFactory.create_batch(3)
    deleted = existing[-1].pk
    existing[-1].delete()

    first = [factories.HolderFactory.build() for _ in range(4)]
    insert_records(Holder, first)
    ids = [holder.pk for holder in first]
    assert min(ids) > deleted
    assert len(set(ids)) == len(ids)

    # The ORM's own inserts still work after ours (the sequence is not left behind)...
    created = Holder.objects.create(last_name="Après", first_name="Insertion")
    assert created.pk > max(ids)
    # ...and neither side gives again the id of a last row deleted.
    deleted = created.pk
    created.delete()
    second = [factories.HolderFactory.build() for _ in range(2)]
    insert_records(Holder, second)
    assert min(holder.pk for holder in second) > deleted
    last = second[-1].pk
    second[-1].delete()
    again = Holder.objects.create(last_name="Encore", first_name="Une")
    assert again.pk > last


def test_first_insert_into_an_empty_table():
    assert not Structure.objects.exists()
    structures = [factories.StructureFactory.build() for _ in range(3)]
    insert_records(Structure, structures)
    later = factories.StructureFactory()
    assert later.pk > max(structure.pk for structure in structures)
    assert Structure.objects.count() == len(structures) + 1


def test_relation_to_a_record_inserted_earlier_takes_its_id(staff):
    structure = Structure(name="Nouvelle structure")
    step = Step(structure=structure, kind=StepKind.RECEPTION, date=dt.date(2023, 2, 1))
    project = Project(name="Nouveau projet", received_on=dt.date(2023, 1, 10), referent=staff)
    holder = Holder(last_name="Nouveau", first_name="Porteur")
    meeting = Meeting(project=project, date=dt.date(2023, 2, 2))
    change = StatusChange(project=project, status=project.status, changed_on=project.received_on)
    through = Project.holders.through
    link = through(project=project, holder=holder)

    insert_records(Structure, [structure])
    insert_records(Step, [step], user=staff, reason=REASON)
    insert_records(Project, [project])
    insert_records(Holder, [holder])
    insert_records(Meeting, [meeting])
    insert_records(StatusChange, [change])
    insert_records(through, [link])

    assert Step.objects.get(pk=step.pk).structure_id == structure.pk
    assert Step.history.get(id=step.pk).structure_id == structure.pk
    assert Project.objects.get(pk=project.pk).referent_id == staff.pk
    assert Meeting.objects.get(pk=meeting.pk).project_id == project.pk
    assert StatusChange.objects.get(pk=change.pk).project_id == project.pk
    assert list(project.holders.all()) == [holder]


def test_relation_to_an_unsaved_record_is_refused_before_anything_is_written():
    project = factories.ProjectFactory()
    meetings = [
        Meeting(project=project, date=dt.date(2023, 2, 2)),
        Meeting(project=Project(name="Jamais enregistré"), date=dt.date(2023, 2, 3)),
    ]
    counts = (Meeting.objects.count(), Meeting.history.count())
    with transaction.atomic():
        with pytest.raises(ValueError):
            insert_records(Meeting, meetings)
        # Still in the transaction: nothing to roll back, nothing was written.
        assert (Meeting.objects.count(), Meeting.history.count()) == counts
    assert all(meeting.pk is None and meeting._state.adding for meeting in meetings)


def test_records_with_a_pk_are_refused():
    saved = factories.HolderFactory()
    new = Holder(last_name="Nouveau", first_name="Porteur")
    count = Holder.objects.count()
    with pytest.raises(ValueError):
        insert_records(Holder, [new, saved])
    with pytest.raises(ValueError):
        insert_records(Holder, [Holder(pk=saved.pk + 1000, last_name="Choisi", first_name="Id")])
    assert Holder.objects.count() == count
    assert new.pk is None


def test_nothing_to_insert_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        insert_records(Holder, [])


def _insert_queries(project, count: int) -> int:
    meetings = [
        Meeting(project=project, date=dt.date(2023, 1, 1) + dt.timedelta(days=n % 300))
        for n in range(count)
    ]
    with CaptureQueriesContext(connection) as queries:
        insert_records(Meeting, meetings)
    assert Meeting.objects.filter(pk__in=[m.pk for m in meetings]).count() == count
    return len(queries)


def test_queries_do_not_grow_with_the_records_but_by_batch(monkeypatch):
    # Small batches, so that the larger insert spans several of them.
    monkeypatch.setattr(bulk, "BATCH", 100)
    project = factories.ProjectFactory()
    few, many = 10, 300
    tables = 2  # the meetings' and their history's
    batches = math.ceil(many / bulk.BATCH) - math.ceil(few / bulk.BATCH)
    # On PostgreSQL each table gets one COPY whatever the count of rows (and COPY goes by the
    # driver's cursor, so Django does not list it); on SQLite one executemany per batch.
    growth = tables * batches if connection.vendor == "sqlite" else 0
    assert _insert_queries(project, many) == _insert_queries(project, few) + growth


@pytest.mark.django_db(transaction=True)
def test_records_are_not_kept_without_their_history(monkeypatch):
    """Called outside any transaction too, the records and their history rows go together."""
    write = bulk._insert
    history_table = Holder.history.model._meta.db_table

    def history_fails(connection, table, objects):
        if table.db_table == history_table:
            raise DatabaseError("écriture de l'historique impossible")
        write(connection, table, objects)

    monkeypatch.setattr(bulk, "_insert", history_fails)
    assert transaction.get_autocommit()
    with pytest.raises(DatabaseError):
        insert_records(Holder, [factories.HolderFactory.build() for _ in range(3)])
    assert not Holder.objects.exists()


@pytest.mark.parametrize("model", [Holder, Meeting, Step, Volunteer, FollowUp])
def test_a_record_made_cheaply_is_the_record_model_gives(model):
    made, given = record_maker(model)(), model()
    fields = [f.attname for f in model._meta.concrete_fields]
    assert [getattr(made, name) for name in fields] == [getattr(given, name) for name in fields]
    assert made._state.adding and made._state.db is None and made.pk is None


def test_a_computed_default_is_computed_for_each_record():
    make = record_maker(Volunteer)
    first, second = make(), make()
    assert first.missions == [] and first.missions is not second.missions
