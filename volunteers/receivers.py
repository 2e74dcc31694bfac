from django.dispatch import receiver

from accompaniment import closing
from accompaniment.signals import project_closed

from . import selectors, services


@receiver(project_closed, dispatch_uid="volunteers.close_cases_with_project")
def close_cases_with_project(sender, *, project, user, on, **kwargs) -> None:
    services.cases_close_with_project(
        project=project, user=user, note=closing_note(project=project, on=on)
    )


def closing_note(*, project, on) -> str:
    return f"Projet clos ({project.get_status_display().lower()}) le {on:%d/%m/%Y}."


@closing.register
def cases_closed_with_project(project) -> closing.Consequence | None:
    """The cases that closing `project` closes, said before and counted after."""
    cases = selectors.project_cases_to_close(project)
    if not cases:
        return None
    lines = [
        f"Le dossier de co-accompagnement « {case.get_mission_display()} » "
        f"({case.get_status_display().lower()}{f', {case.volunteer}' if case.volunteer else ''}) "
        "sera clos, avec la note « Projet clos » et la date."
        for case in cases
    ]
    return closing.Consequence(
        lines=lines, done=f"Dossiers de co-accompagnement clos : {len(cases)}."
    )
