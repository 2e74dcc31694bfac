from django.dispatch import receiver

from accompaniment.signals import project_closed

from . import services


@receiver(project_closed, dispatch_uid="volunteers.close_cases_with_project")
def close_cases_with_project(sender, *, project, user, on, **kwargs) -> None:
    services.cases_close_with_project(
        project=project, user=user, note=closing_note(project=project, on=on)
    )


def closing_note(*, project, on) -> str:
    return f"Projet clos ({project.get_status_display().lower()}) le {on:%d/%m/%Y}."
