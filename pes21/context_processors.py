from .roles import is_director, is_staff_member, is_volunteer


def roles(request) -> dict:
    """Expose the user's role to every template, for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if getattr(request, "second_factor_pending", False):
        # Signed in with the password only: no navigation to pages it cannot open yet.
        return {"second_factor_pending": True}
    return {
        "is_staff_member": is_staff_member(user),
        "is_director": is_director(user),
        "is_volunteer": is_volunteer(user),
    }
