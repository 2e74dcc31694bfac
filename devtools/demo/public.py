"""The public doors' share of seed_demo, through the same services as the public pages (their
e-mails go to the task queue like any): actions open to registration in the coming weeks, one
full with its waiting list, one held last week with its attendance marked; requests from
« Déposer mon projet » waiting for staff; questionnaires sent to holders of closed projects,
most answered, some quotes allowed in the report (words after the 2023 report's testimonials).
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accompaniment import services as accompaniment_services
from accompaniment.models import ActionKind, Project, Series
from devtools.demo import DemoContext
from public import project_requests, questionnaires, services
from public.models import Opening, RequestKind

SITE = "http://127.0.0.1:8000"

# (days from today, kind, series, title, start, end, places, registrants, description)
ACTIONS = [
    (
        12,
        ActionKind.EVENT,
        Series.CLUB_ENTREPRENEURS,
        "Club des entrepreneurs de l'ESS : répondre ensemble aux marchés publics",
        dt.time(18, 30),
        dt.time(20, 30),
        25,
        9,
        "Une soirée pour comprendre la commande publique responsable et trouver des "
        "partenaires pour répondre en groupement. Ouverte aux structures accompagnées par le "
        "Pôle et à leurs porteurs de projet.",
    ),
    (
        19,
        ActionKind.WORKSHOP,
        Series.OSEZ_ENTREPRENDRE,
        "Osez entreprendre autrement : les fondamentaux de l'ESS",
        dt.time(9, 30),
        dt.time(12, 0),
        12,
        15,
        "Ce qu'est l'économie sociale et solidaire, ses statuts, ses financements, et comment "
        "passer d'une idée à un projet à utilité sociale. Atelier soutenu par la ville et la "
        "métropole de Dijon.",
    ),
    (
        26,
        ActionKind.WORKSHOP,
        Series.PAROLES_EXPERT,
        "Paroles d'Experts : choisir le statut juridique de son projet",
        dt.time(14, 0),
        dt.time(17, 0),
        15,
        4,
        "Association, SCOP, SCIC, SAS ESUS : avec BGE Perspectives, la CAE Bourgogne et la "
        "Cursive, un après-midi pour comparer les statuts et leurs conséquences.",
    ),
]
HELD = (
    -7,
    ActionKind.EVENT,
    Series.CLUB_ENTREPRENEURS,
    "Club des entrepreneurs de l'ESS : freins et incertitudes, comment y faire face",
    dt.time(18, 30),
    dt.time(20, 30),
    20,
    8,
    "Dépasser ses limites d'entrepreneur en comprenant le fonctionnement du cerveau.",
)

REQUESTS = [
    (
        RequestKind.CREATION,
        "idee",
        "Une conserverie de légumes invendus, en chantier d'insertion, avec les maraîchers "
        "de la plaine dijonnaise.",
        "bouche_a_oreille",
    ),
    (
        RequestKind.CREATION,
        "projet",
        "Un café associatif et une épicerie de village, tenus par les habitants ; nous avons "
        "fait une première enquête auprès de 80 foyers.",
        "evenement",
    ),
    (
        RequestKind.CREATION,
        "lancement",
        "Reprendre en SCOP la menuiserie où nous travaillons : le dirigeant part à la retraite "
        "l'an prochain et six salariés sur huit veulent reprendre.",
        "partenaire",
    ),
    (
        RequestKind.STRUCTURE,
        "existante",
        "Notre association d'aide à domicile emploie douze personnes ; nous voulons revoir notre "
        "modèle économique avant de recruter.",
        "collectivite",
    ),
]

# (satisfaction, what it brought, what was missing, quote, publication)
ANSWERS = [
    (
        5,
        "Une trame pour conduire notre réflexion, identifier des financeurs et construire une "
        "offre qui réponde aux besoins de nos adhérents.",
        "",
        "Cet accompagnement a été un soutien précieux : c'est important de ne pas être seuls et "
        "d'avoir une personne ressource sur qui l'on peut s'appuyer.",
        "prenom",
    ),
    (
        4,
        "Des rendez-vous réguliers qui ont fait avancer le projet, et des mises en relation.",
        "Davantage d'ateliers collectifs sur le financement.",
        "Un accueil chaleureux et bienveillant ; on nous a guidés tout en nous laissant notre "
        "libre arbitre.",
        "anonyme",
    ),
    (4, "Le prévisionnel et le choix du statut.", "Un suivi après la création.", "", "non"),
    (
        3,
        "Un regard extérieur sur notre projet.",
        "Des rendez-vous plus rapprochés au début.",
        "Prendre du recul et tout mettre à plat est source de motivation.",
        "non",
    ),
    (5, "La confiance pour nous lancer à plusieurs.", "", "", "non"),
]


def _opening_data(spec, day: dt.date, closes_on: dt.date) -> dict:
    _, _, _, _, start, end, places, _, description = spec
    return {
        "is_open": True,
        "capacity": places,
        "closes_on": closes_on,
        "starts_at": start,
        "ends_at": end,
        "place": "Pôle d'Économie Solidaire 21, 12 avenue Gustave Eiffel, 21000 Dijon",
        "description": description,
    }


def _action(number: int, spec, day: dt.date, closes_on: dt.date) -> Opening:
    _, kind, series, title, start, end, *_ = spec
    minutes = (end.hour - start.hour) * 60 + end.minute - start.minute
    action = accompaniment_services.action_create(
        data={
            "ref": f"DPUB{number:03d}",
            "date": day,
            "kind": kind,
            "series": series,
            "title": title,
            "animated_by_pes": True,
            "hours": Decimal(minutes) / 60,
        },
        attendees=[],
    )
    return services.opening_save(
        action=action, data=_opening_data(spec, day, closes_on), site_url=SITE
    )


def _people(ctx: DemoContext, count: int, tag: str) -> list[dict]:
    return [
        {
            "first_name": ctx.fake.first_name(),
            "last_name": ctx.fake.last_name(),
            "email": f"{tag}{number + 1}@example.org",
            "phone": "",
        }
        for number in range(count)
    ]


def _register(ctx: DemoContext, opening: Opening, count: int, tag: str) -> list:
    return [
        services.registration_create(opening=opening, data=person, site_url=SITE)[0]
        for person in _people(ctx, count, tag)
    ]


def _registrations(ctx: DemoContext) -> None:
    today = timezone.localdate()
    # Coming actions are coming for whoever opens the demo, whatever day it is seeded.
    base = max(ctx.today, today)
    for number, spec in enumerate(ACTIONS, start=1):
        day = base + dt.timedelta(days=spec[0])
        opening = _action(number, spec, day, day - dt.timedelta(days=1))
        _register(ctx, opening, spec[7], f"inscrit{number}-")
    # Last week's Club evening: people registered while it was to come, then it was held and
    # staff marked who came.
    opening = _action(len(ACTIONS) + 1, HELD, today + dt.timedelta(days=1), today)
    registrations = _register(ctx, opening, HELD[7], "club-")
    held_on = today + dt.timedelta(days=HELD[0])
    action = accompaniment_services.action_update(
        action=opening.action, data={"date": held_on}, attendees=[]
    )
    opening = services.opening_save(
        action=action, data=_opening_data(HELD, held_on, held_on), site_url=SITE
    )
    services.attendance_record(
        opening=opening,
        present=[r.pk for r in registrations[:6]],
        choices={},
        expected_version=action.version,
    )


def _requests(ctx: DemoContext) -> None:
    for number, (kind, stage, idea, heard_from) in enumerate(REQUESTS, start=1):
        first, last = ctx.fake.first_name(), ctx.fake.last_name()
        commune, postal_code, _ = ctx.commune()
        project_requests.project_request_submit(
            data={
                "kind": kind,
                "first_name": first,
                "last_name": last,
                "email": f"demande{number}@example.org",
                "phone": "",
                "idea": idea,
                "postal_code": postal_code,
                "commune": commune,
                "stage": stage,
                "heard_from": heard_from,
                "structure_name": "Aide à domicile du Val de Saône"
                if kind == RequestKind.STRUCTURE
                else "",
                "employees": 12 if kind == RequestKind.STRUCTURE else None,
            },
            site_url=SITE,
        )


def _questionnaires(ctx: DemoContext) -> None:
    closed = (
        Project.objects.filter(status__in=["cree", "abandonne"], holders__email__gt="")
        .distinct()
        .order_by("-ended_on", "ref")[: len(ANSWERS) + 2]
    )
    staff = ctx.accounts.get("proux")
    now = timezone.now()
    for index, project in enumerate(closed):
        holder = project.holders.exclude(email="").order_by("pk").first()
        (invitation,) = questionnaires.questionnaire_invite(
            project=project, holders=[holder], user=staff, site_url=SITE, now=now
        )
        if index >= len(ANSWERS):
            continue  # not answered yet: the response rate is not 100 %
        satisfaction, brought, missed, quote, publication = ANSWERS[index]
        questionnaires.questionnaire_answer(
            invitation=invitation,
            data={
                "satisfaction": satisfaction,
                "heard_from": "partenaire" if index % 2 else "bouche_a_oreille",
                "brought": brought,
                "missed": missed,
                "quote": quote,
                "publication": publication,
            },
            now=now,
        )


def seed(ctx: DemoContext) -> None:
    _registrations(ctx)
    _requests(ctx)
    _questionnaires(ctx)
