"""Start-up: a setting that production needs and lacks is one French line, not a traceback."""

import os
import sys
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured


def configured(start: Callable[[], object]) -> object:
    """Run `start` (Django's set-up); a missing or bad setting ends the process with its
    message, for the person who deploys, as the first and only line they read."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        return start()
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"PES 21 ne peut pas démarrer : {exc}\n")
        raise SystemExit(1) from None
