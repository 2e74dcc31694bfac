"""The privacy notice of the public pages, and the version each consent refers to.

Each version's text is a template of its own, `templates/public/notice/<version>.html`, kept
when the notice changes: a consent's `notice_version` always names the text the person read.
To change the notice, add a template with the new date and set CURRENT to it.
"""

CURRENT = "2026-12-01"


def template_name(version: str = CURRENT) -> str:
    return f"public/notice/{version}.html"
