from .roles import is_director, is_staff_member, is_volunteer


def roles(request) -> dict:
    """Expose the user's role to every template, for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "is_staff_member": is_staff_member(user),
        "is_director": is_director(user),
        "is_volunteer": is_volunteer(user),
    }
