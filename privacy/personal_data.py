"""The map of personal data: every text, file and address field of every installed model, with
what erasing a person does to it. One declaration per model; a model's history table
(django-simple-history) follows its model's declaration. `tests/privacy/test_field_map.py` walks
every installed model and fails on a field this map does not name, so a new field, a new model
or a new app cannot be forgotten. Erasure (`privacy.services`) reads nothing but this map.

What a field's rule does when a person is erased:

- **replace** — wherever it is, the person's name, e-mails and phones in it become
  « [anonymisé] » (`privacy.matching`: their full name in any text, also their first or last
  name alone in the records about them, named by `linked`);
- **blank** — emptied on the person's own rows (`own`: a project they carried alone is about
  them); replaced as above everywhere else;
- **identity** — the person's own record: set to the neutral value given (« Anonyme »,
  « n° 12 », empty); on other rows it is someone else's identity and stays;
- **delete** — the row is deleted when it is the person's own (`own`) or when the field names
  them; a file field's file goes with its row;
- **never** — holds nobody's data (a code, a choice, an amount, a secret): `why` says so.

`own` and `linked` say which rows are the person's, and which are about them, as lookups on
the ids the erasure gathers first (`Person.anchors`): « holder », « project » (all their
projects), « sole_project » (those they carried alone), « action » (workshops they came to),
« volunteer », « case » (cases they took), « account » (their user id), « username ». A string
is a field path whose value is in those ids; a callable builds the condition itself.

Adding a model: one `Declaration` in `DECLARATIONS`, whatever app it lives in.
"""

from collections.abc import Iterator

from django.db.models import Q

from .declarations import (
    Declaration,
    Entry,
    erased_username,
    history_model_of,
    numbered,
    unusable_password,
)

_CHOICE = "une valeur d'une liste de choix"
_REF = ("ref",)


def _project_documents(ids: list) -> Q:
    return Q(
        content_type__app_label="accompaniment",
        content_type__model="project",
        object_id__in=ids,
    )


_LOGIN_LOG_FIELDS = (
    "username",
    "ip_address",
    "user_agent",
    "http_accept",
    "path_info",
)

DECLARATIONS: tuple[Declaration, ...] = (
    # --- The people themselves --------------------------------------------------------------
    Declaration(
        "accompaniment.Holder",
        identity={
            "last_name": "Anonyme",
            "first_name": numbered,
            "email": "",
            "phone": "",
            "ref": None,
            "consent_on": None,
        },
        never=("postal_code", "commune"),
        why="le code postal et la commune comptent dans les chiffres par territoire et "
        "n'identifient personne une fois le nom retiré",
        own={"holder": "id"},
    ),
    Declaration(
        "volunteers.Volunteer",
        identity={
            "last_name": "Anonyme",
            "first_name": numbered,
            "email": "",
            "phone": "",
            "availability": "",
            "ref": None,
            "consent_on": None,
        },
        never=("missions",),
        why=_CHOICE,
        own={"volunteer": "id"},
    ),
    Declaration(
        "pes21.User",
        identity={
            "username": erased_username,
            "first_name": "",
            "last_name": "",
            "email": "",
            "job_title": "",
            "password": unusable_password,
            "is_active": False,
        },
        own={"account": "id"},
    ),
    # --- Accompaniment --------------------------------------------------------------------
    Declaration(
        "accompaniment.Project",
        replace=("ref", "name"),
        blank=("summary", "next_step"),
        never=("programme", "status", "legal_form"),
        why=_CHOICE,
        own={"sole_project": "id"},
        linked={"project": "id"},
    ),
    Declaration(
        "accompaniment.StatusChange",
        blank=("note",),
        never=("status",),
        why=_CHOICE,
        own={"sole_project": "project_id"},
        linked={"project": "project_id"},
    ),
    Declaration(
        "accompaniment.Meeting",
        blank=("notes",),
        never=("kind",),
        why=_CHOICE,
        own={"sole_project": "project_id"},
        linked={"project": "project_id"},
    ),
    Declaration(
        "accompaniment.CollectiveAction",
        replace=("ref", "title", "organisation", "notes"),
        never=("kind", "series"),
        why=_CHOICE,
        linked={"action": "id"},
    ),
    # --- DLA ---------------------------------------------------------------------------------
    Declaration(
        "dla.Structure",
        replace=("ref", "name", "sector"),
        never=("siret", "legal_form", "postal_code", "commune"),
        why="l'identifiant public d'un employeur, sa forme juridique et son adresse",
    ),
    Declaration("dla.Provider", replace=("name", "contact_name", "email", "phone", "themes")),
    Declaration("dla.CollectiveEngineering", replace=("ref", "title", "theme", "deliverable")),
    Declaration("dla.Step", replace=("theme", "notes"), never=("kind",), why=_CHOICE),
    # --- Générateur --------------------------------------------------------------------------
    Declaration(
        "generateur.Territory",
        replace=("ref", "name"),
        never=("kind", "insee_code"),
        why="le type d'une collectivité et son code officiel",
    ),
    Declaration(
        "generateur.TerritorialProject",
        replace=("ref", "name", "partners", "funders", "summary", "created_structure_name"),
        never=("phase", "created_structure_legal_form"),
        why=_CHOICE,
    ),
    Declaration("generateur.PhaseChange", replace=("note",), never=("phase",), why=_CHOICE),
    Declaration(
        "generateur.TerritorialAction", replace=("title", "notes"), never=("kind",), why=_CHOICE
    ),
    # --- Volunteers ---------------------------------------------------------------------------
    Declaration("volunteers.Skill", never=("name",), why="le nom d'une compétence"),
    Declaration(
        "volunteers.Case",
        replace=("ref", "description", "closing_note"),
        never=("mission", "status"),
        why=_CHOICE,
        linked={"project": "project_id", "case": "id"},
    ),
    Declaration(
        "volunteers.Contribution",
        blank=("notes",),
        never=("mission",),
        why=_CHOICE,
        own={"volunteer": "volunteer_id"},
        linked={"project": "case__project_id", "case": "case_id"},
    ),
    # --- Follow-ups and the calendar ------------------------------------------------------------
    Declaration(
        "followups.FollowUp",
        replace=("note",),
        never=("outcome",),
        why=_CHOICE,
        linked={"project": "project_id"},
    ),
    Declaration("followups.DigestSent", never=("kind",), why=_CHOICE),
    Declaration(
        "followups.CalendarFeed",
        never=("token",),
        why="l'adresse secrète d'un agenda, tirée au hasard",
        own={"account": "user_id"},
        delete_own=True,
    ),
    # --- The yearly report ---------------------------------------------------------------------
    Declaration(
        "reporting.ReportEdition",
        replace=(
            "rapport_moral",
            "rapport_moral_signature",
            "edito",
            "edito_signature",
            "vie_associative",
            "projet_associatif",
            "text_generateur",
            "text_dla",
            "text_creation",
            "text_sensibilisation",
            "perspectives",
            "volunteer_missions_intro",
            "team_text",
            "text_dijon",
            "text_club",
            "memberships",
            "partners",
            "contact",
            # A published edition's figures and team, frozen as they were: names included.
            "frozen_figures",
            "frozen_team",
        ),
        never=("status", "to_review"),
        why="l'état de l'édition et les noms de ses champs à relire",
    ),
    Declaration(
        "reporting.Focus",
        replace=("title", "speaker", "text"),
        never=("section",),
        why=_CHOICE,
        linked={"project": "project_id", "volunteer": "volunteer_id"},
    ),
    Declaration("reporting.TerritoryNarrative", replace=("subtitle", "text")),
    Declaration(
        "reporting.ReportImage",
        replace=("alt",),
        never=("kind", "section", "content_type", "data"),
        why="une image choisie par la direction pour être publiée dans le rapport (son texte "
        "alternatif est remplacé), son type et sa rubrique",
    ),
    # --- The public doors (public/, docs/public.md) ---------------------------------------------
    Declaration(
        "public.Opening",
        replace=("place", "description"),
        label="Actions ouvertes aux inscriptions",
    ),
    # A registration is a person's name and address and nothing else: it goes whole, whether
    # staff linked it to the holder or it only carries their name or address.
    Declaration(
        "public.Registration",
        delete=("first_name", "last_name", "email", "phone"),
        never=("status", "token_hash", "notice_version"),
        why="un statut, l'empreinte (SHA-256) d'un lien et la version de la notice",
        own={"holder": "holder_id"},
        delete_own=True,
        label="Inscriptions aux actions",
    ),
    Declaration(
        "public.ProjectRequest",
        replace=(
            "structure_name",
            "contact_first_name",
            "contact_last_name",
            "contact_email",
            "contact_phone",
        ),
        blank=("idea", "heard_from_detail"),
        never=(
            "kind",
            "stage",
            "heard_from",
            "status",
            "postal_code",
            "commune",
            "siret",
            "notice_version",
        ),
        why="des choix, la commune et l'identifiant public d'une structure, la version de la "
        "notice",
        own={"holder": "holder_id"},
        linked={"project": "project_id"},
        label="Demandes « Déposer mon projet »",
    ),
    Declaration(
        "public.QuestionnaireInvitation",
        never=("token_hash",),
        why="l'empreinte (SHA-256) d'un lien",
        label="Invitations au questionnaire",
    ),
    # The satisfaction stays (the report's figures); the words go, the quote with them.
    Declaration(
        "public.QuestionnaireAnswer",
        blank=("motivation", "why_us", "key_moments", "brought", "missed", "ending", "quote"),
        never=("heard_from", "publication", "notice_version"),
        why="des choix et la version de la notice",
        own={"holder": "invitation__holder_id"},
        linked={"project": "invitation__project_id"},
        label="Réponses au questionnaire",
    ),
    # --- Documents, accounts and the application's own tables -----------------------------------
    Declaration(
        "pes21.Attachment",
        # A document named for the person goes whole: its file cannot be read for a name.
        delete=("title", "file"),
        own={"sole_project": _project_documents},
        linked={"project": _project_documents},
        delete_own=True,
    ),
    Declaration(
        "pes21.FormSubmission", never=("url",), why="l'adresse d'un formulaire de l'application"
    ),
    Declaration(
        "pes21.ThrottleHit",
        never=("key",),
        why="une empreinte (SHA-256) : les compteurs ne gardent jamais la valeur comptée",
    ),
    # The database storage (pes21.storage) keeps the bytes of every file field: a stored
    # file goes when the field naming it is erased (an attachment, an upload), never alone.
    Declaration(
        "pes21.StoredFile",
        never=("name",),
        why="le nom tiré au hasard d'un fichier, effacé avec le champ qui le nomme",
    ),
    Declaration(
        "pes21.StoredFileChunk",
        never=("data",),
        why="les octets d'un fichier, effacés avec le champ qui le nomme",
    ),
    # --- Imports: jobs, their problems, files waiting for confirmation ------------------------
    Declaration(
        "exchange.ImportJob",
        label="Imports",
        replace=("filename", "summary"),
        never=("state", "stage", "task_id"),
        why="l'état d'un import et des noms de code",
    ),
    # A problem quotes the cell it is about.
    Declaration(
        "exchange.ImportProblem",
        label="Problèmes des imports",
        replace=("file", "column", "message"),
    ),
    # A file waiting for its confirmation is read whole by privacy.stores: one naming the
    # person goes, or confirming it would write them back.
    Declaration(
        "exchange.ImportUpload",
        label="Fichiers d'import en attente",
        replace=("filename",),
        delete=("file",),
    ),
    # The report's figures list events and actions by their texts: the copy computed for
    # the current data generation (reporting.figure_cache) is erased like the records.
    Declaration(
        "reporting.CachedFigures",
        label="Chiffres du rapport en cache",
        replace=("figures",),
        never=("kind", "key"),
        why="le genre de chiffres et leur année ou leur jour",
    ),
    Declaration(
        "privacy.Erasure",
        replace=("reason",),
        never=("kind", "actions"),
        why="le registre : une liste de choix et des nombres, jamais une donnée",
    ),
    # --- Django and the libraries ------------------------------------------------------------
    Declaration(
        "admin.LogEntry",
        replace=("object_repr", "change_message"),
        never=("object_id",),
        why="l'identifiant d'un enregistrement",
    ),
    Declaration("auth.Permission", never=("name", "codename"), why="les droits, écrits en code"),
    Declaration("auth.Group", never=("name",), why="les trois rôles"),
    Declaration("contenttypes.ContentType", never=("app_label", "model"), why="des noms de code"),
    Declaration(
        "sessions.Session",
        never=("session_key", "session_data"),
        why="la session d'une personne connectée (son identifiant de compte, les jetons de ses "
        "formulaires, le message de la page suivante) : elle expire (SESSION_COOKIE_AGE), et le "
        "compte anonymisé, désactivé, n'ouvre plus aucune page",
    ),
    # django-axes: the login history. An erased account's rows go, and so does any row whose
    # username names the person (an e-mail typed as the username).
    *(
        Declaration(
            f"axes.{model}",
            delete=_LOGIN_LOG_FIELDS + extra,
            own={"username": "username"},
            delete_own=True,
            label=label,
        )
        for model, extra, label in (
            ("AccessAttempt", ("get_data", "post_data"), "Tentatives de connexion"),
            ("AccessLog", ("session_hash",), "Connexions"),
            ("AccessFailureLog", (), "Échecs de connexion"),
        )
    ),
    # Background tasks keep their arguments and result: an e-mail's recipient and text.
    Declaration(
        "django_tasks_database.DBTaskResult",
        label="Tâches de fond",
        replace=("args_kwargs", "return_value", "traceback"),
        never=(
            "status",
            "task_path",
            "worker_ids",
            "queue_name",
            "backend_name",
            "exception_class_path",
        ),
        why="l'état d'une tâche et des noms de code",
    ),
    # Two-factor sign-in: an erased account's devices and codes go.
    *(
        Declaration(
            f"{app}.{model}",
            never=fields,
            why="un secret tiré au hasard et le nom donné par l'application",
            own={"account": user_path},
            delete_own=True,
            label=label,
        )
        for app, model, fields, user_path, label in (
            (
                "otp_totp",
                "TOTPDevice",
                ("name", "key"),
                "user_id",
                "Applications d'authentification",
            ),
            ("otp_static", "StaticDevice", ("name",), "user_id", "Codes de secours"),
            (
                "otp_static",
                "StaticToken",
                ("token",),
                "device__user_id",
                "Codes de secours (codes)",
            ),
        )
    ),
)


def entries() -> Iterator[Entry]:
    """Every table the map covers: each declared model, then its history table if it has one."""
    for declaration in DECLARATIONS:
        model = declaration.model_class
        yield Entry(declaration, model)
        history = history_model_of(model)
        if history is not None:
            yield Entry(declaration, history, is_history=True)
