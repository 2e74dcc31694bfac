"""The three roles of the association and what each may do.

Roles are Django groups. The groups are created by a data migration; their model
permissions are kept in sync after every migrate, so an app that lands later only
has to add its label to ROLE_PERMISSIONS.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied

STAFF = "équipe"
DIRECTOR = "direction"
VOLUNTEER = "bénévole"
ROLES = (STAFF, DIRECTOR, VOLUNTEER)

ROLE_LABELS = {STAFF: "Équipe", DIRECTOR: "Direction", VOLUNTEER: "Bénévole"}

_ACTIVITY_APPS = ("accompaniment", "dla", "generateur", "volunteers", "pes21", "followups")

# app_label -> actions; "*" is every action (add, change, delete, view).
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    STAFF: {app: ("*",) for app in _ACTIVITY_APPS} | {"reporting": ("view",)},
    DIRECTOR: {app: ("*",) for app in (*_ACTIVITY_APPS, "reporting")},
    # Volunteers see their own cases through dedicated views, never through model
    # permissions that would open every row.
    VOLUNTEER: {},
}


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_pes21_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached |= {STAFF, DIRECTOR}
        user._pes21_roles = cached
    return cached


def is_director(user) -> bool:
    return DIRECTOR in user_roles(user)


def is_staff_member(user) -> bool:
    """Staff pages are open to the team and the director."""
    return bool(user_roles(user) & {STAFF, DIRECTOR})


def is_volunteer(user) -> bool:
    return VOLUNTEER in user_roles(user) and not is_staff_member(user)


def _role_required(check: Callable) -> Callable:
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = _role_required(is_staff_member)
director_required = _role_required(is_director)
volunteer_required = _role_required(is_volunteer)


def sync_role_permissions(**kwargs) -> None:
    """Give each role group exactly the permissions ROLE_PERMISSIONS lists."""
    from django.contrib.auth.models import Group, Permission

    for role, apps in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for app_label, actions in apps.items():
            perms = Permission.objects.filter(content_type__app_label=app_label)
            if "*" not in actions:
                perms = [p for p in perms if p.codename.split("_", 1)[0] in actions]
            wanted.extend(perms)
        group.permissions.set(wanted)
