"""The vocabulary of the map of personal data (privacy.personal_data): what a rule does to a
field, a model's declaration, and a declaration applied to a table (the model's or its
history's). The rules themselves are described with the map."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import models
from django.db.models import Q

REPLACE, BLANK, IDENTITY, DELETE, NEVER = "replace", "blank", "identity", "delete", "never"

# The fields the map must cover: where text, a file or an address can be stored.
MAPPED_FIELD_TYPES = (
    models.CharField,  # EmailField, SlugField, URLField… are CharFields
    models.TextField,
    models.JSONField,
    models.FileField,  # ImageField too
    models.GenericIPAddressField,
    models.BinaryField,
)

Lookup = str | Callable[[list], Q]


def unusable_password(person) -> str:
    return make_password(None)


def numbered(person) -> str:
    return f"n° {person.pk}"


def erased_username(person) -> str:
    return f"anonyme-{person.pk}"


@dataclass(frozen=True)
class Declaration:
    model: str
    replace: tuple[str, ...] = ()
    blank: tuple[str, ...] = ()
    # field -> neutral value, or a callable of the person (any field, not only text).
    identity: Mapping[str, object] = field(default_factory=dict)
    delete: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    why: str = ""
    own: Mapping[str, Lookup] = field(default_factory=dict)
    linked: Mapping[str, Lookup] = field(default_factory=dict)
    # The person's own rows are deleted rather than blanked (their devices, their login log).
    delete_own: bool = False
    # What the register calls the table, when its own name is not French.
    label: str = ""

    def rule(self, name: str) -> str | None:
        for rule, names in (
            (REPLACE, self.replace),
            (BLANK, self.blank),
            (IDENTITY, tuple(self.identity)),
            (DELETE, self.delete),
            (NEVER, self.never),
        ):
            if name in names:
                return rule
        return None

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


# What a history row adds to its model's fields.
HISTORY_REPLACE = ("history_change_reason",)
HISTORY_NEVER = ("history_type",)


@dataclass(frozen=True)
class Entry:
    """A declaration applied to a table: the model's own, or its history's."""

    declaration: Declaration
    model: type[models.Model]
    is_history: bool = False

    def rule(self, name: str) -> str | None:
        if self.is_history and name in HISTORY_REPLACE:
            return REPLACE
        if self.is_history and name in HISTORY_NEVER:
            return NEVER
        return self.declaration.rule(name)

    def fields(self, *rules: str) -> list[models.Field]:
        return [f for f in self.model._meta.concrete_fields if self.rule(f.name) in rules]

    @property
    def label(self) -> str:
        return self.model._meta.label


def history_model_of(model: type[models.Model]) -> type[models.Model] | None:
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, attribute).model if attribute else None


def mapped_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if isinstance(f, MAPPED_FIELD_TYPES)]
