"""Read a page's form like a browser does, and photograph the whole database."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.apps import apps
from django.contrib.messages import constants, get_messages

# Tables a refused POST may legitimately touch, and why:
# - sessions: the messages framework and the login session live there (no business data);
# - axes: login attempts, written by the authentication backend, never by a form.
SKIPPED_APPS = {"sessions", "axes"}


@dataclass
class HarvestedForm:
    action: str
    # name -> values the page offers (hidden value, initial, options, checkbox value)
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)

    def offer(self, name: str, value: str | None) -> None:
        values = self.fields.setdefault(name, [])
        if value is not None and value not in values:
            values.append(value)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HarvestedForm] = []
        self._form: HarvestedForm | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = HarvestedForm(action=a.get("action") or "")
                self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._form is not None and self._select:
                self._form.offer(self._select, a.get("value", ""))
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            if name == "csrfmiddlewaretoken":
                return
            if kind == "file":
                self._form.files.add(name)
                return
            self._form.offer(name, a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = name
            self._form.offer(name, None)
        elif tag == "textarea":
            self._textarea = name
            self._form.offer(name, None)

    def handle_data(self, data):
        if self._form is not None and self._textarea and data.strip():
            self._form.offer(self._textarea, data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def harvest(html: str, page_url: str, post_url: str) -> HarvestedForm:
    """The POST form of the page that submits to post_url (an empty action posts to the page)."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        target = urlsplit(form.action).path or page_url
        if target == post_url:
            return form
    raise AssertionError(f"no form posting to {post_url} on {page_url}")


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table (history included), ordered by key."""
    result = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.app_label in SKIPPED_APPS:
            continue
        result[meta.label] = list(model._base_manager.order_by("pk").values_list())
    return result


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


def was_refused(response) -> bool:
    """A form refusal: no redirect, or a redirect carrying an error message."""
    if response.status_code not in (301, 302, 303):
        return True
    # Only this request's messages: an earlier refusal's error waits in the cookie unread.
    added = get_messages(response.wsgi_request)._queued_messages
    return any(m.level >= constants.ERROR for m in added)
