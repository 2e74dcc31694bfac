"""Bring the data saved before issue 23 to the rule « a closed project ends what hangs on it ».

Until then, a project closed from its edit form (or by an import) kept its next step and its
volunteers' cases open on the board; « Clore le projet » alone cleared and closed them. Those
are cleared and closed now, with the note « Clore le projet » writes. No history row is written
(a migration runs outside the application), the case's `closed_at` says when.
"""

from django.db import migrations
from django.utils import timezone

CLOSED = {"cree": "créé", "abandonne": "abandonné", "reoriente": "réorienté"}
IN_PROGRESS = ("ouvert", "pris", "confirme")


def close_what_hangs_on_closed_projects(apps, schema_editor):
    Project = apps.get_model("accompaniment", "Project")
    Case = apps.get_model("volunteers", "Case")
    closed = Project.objects.filter(status__in=CLOSED)
    closed.exclude(next_step="", next_step_on=None).update(next_step="", next_step_on=None)
    now = timezone.now()
    cases = Case.objects.filter(project__status__in=CLOSED, status__in=IN_PROGRESS)
    for case in cases.select_related("project").iterator():
        project = case.project
        on = project.ended_on or project.created_on
        note = f"Projet clos ({CLOSED[project.status]})" + (f" le {on:%d/%m/%Y}." if on else ".")
        case.status, case.closed_at, case.closing_note = "clos", now, note
        case.save(update_fields=["status", "closed_at", "closing_note", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("accompaniment", "0009_field_rules"),
        ("volunteers", "0007_field_rules"),
    ]

    operations = [
        migrations.RunPython(close_what_hangs_on_closed_projects, migrations.RunPython.noop),
    ]
