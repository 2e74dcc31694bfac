import datetime as dt

from devtools.demo import DemoContext
from generateur import places
from generateur.models import (
    PHASE_PATH,
    ActionKind,
    Phase,
    PhaseChange,
    TerritorialAction,
    TerritorialProject,
    Territory,
    TerritoryKind,
)
from pes21.choices import LegalForm

# EPCI of the Côte-d'Or (SIREN) taken from the packaged official list, see places.py.
EPCIS = [
    ("Communauté de communes Ouche et Montagne", "200039055"),
    ("Communauté de communes du Pays Arnay Liernais", "200071173"),
    ("Communauté de communes des Vallées de la Tille et de l'Ignon", "242100154"),
]
IDEAS = [
    ("Création d'une ressourcerie", "Ressources en partage"),
    ("Tiers-lieu culturel et numérique", "Le Quai"),
    ("Épicerie solidaire itinérante", "Panier Mobile"),
    ("Garage solidaire", "Roule Ma Poule"),
    ("Service de mobilité partagée", "Covoit'Campagne"),
]
# What an action of each kind is called in the project's list (its territory is the project's).
ACTION_TITLES = {
    ActionKind.DIAGNOSIS: "Diagnostic des besoins avec les élus",
    ActionKind.WORKSHOP: "Atelier avec les habitants",
    ActionKind.MOBILISATION: "Réunion de mobilisation des acteurs locaux",
    ActionKind.LEARNING_VISIT: "Visite apprenante d'une structure voisine",
    ActionKind.STEERING: "Comité de pilotage",
    ActionKind.OTHER: "Rencontre avec les partenaires financeurs",
}
PHASE_ORDER = list(PHASE_PATH)
# Every fourth project is abandoned before creation: lists and the phase bar show it apart.
ABANDON_EVERY = 4


def _official_code(name: str, code: str) -> str:
    """The INSEE code of the packaged list for that commune name (the shared demo list may lag)."""
    wanted = places.folded(name)
    for place in places.cote_dor().communes:
        if places.folded(place.name) == wanted:
            return place.code
    return code


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    territories = [
        Territory(ref=f"DT{i + 1:04d}", name=name, kind=TerritoryKind.EPCI, insee_code=siren)
        for i, (name, siren) in enumerate(EPCIS)
    ]
    for i in range(3 * ctx.scale):
        name, _, insee = ctx.commune()
        insee = _official_code(name, insee)
        # Past the first three, a territory is a commune again under another name: its code is
        # left out, one commune's INSEE code being one territory (Territory.clean, and
        # generateur.services.territory_twins).
        suffix = "" if i < 3 else f" ({i})"
        territories.append(
            Territory(
                ref=f"DT{len(territories) + 1:04d}",
                name=name + suffix,
                kind=TerritoryKind.COMMUNE,
                insee_code="" if suffix else insee,
            )
        )
    territories = Territory.objects.bulk_create(territories)
    staff = ctx.staff
    projects, changes, actions = [], [], []
    for i in range(5 * ctx.scale):
        idea, structure_name = IDEAS[i % len(IDEAS)]
        started = dt.date(ctx.today.year - rng.randint(0, 4), rng.randint(1, 12), 1)
        if started > ctx.today:
            started = dt.date(ctx.today.year, 1, 1)
        reached = rng.randint(0, 4)
        abandoned = i % ABANDON_EVERY == ABANDON_EVERY - 1
        if abandoned:
            reached = min(reached, 2)
        project = TerritorialProject(
            ref=f"DG{i + 1:04d}",
            territory=rng.choice(territories),
            name=idea,
            started_on=started,
            phase=PHASE_ORDER[reached],
            partners="Mairie, centre social, associations locales",
            funders="Région Bourgogne-Franche-Comté, Banque des Territoires",
            staff=rng.choice(staff),
        )
        if PHASE_ORDER[reached] in (Phase.CREATION, Phase.HAND_OVER):
            project.created_structure_name = structure_name
            project.created_structure_legal_form = LegalForm.ASSOCIATION
            project.created_structure_on = min(started + dt.timedelta(days=500), ctx.today)
        if abandoned:
            project.phase = Phase.ABANDONED
            project.ended_on = min(started + dt.timedelta(days=120 * (reached + 1)), ctx.today)
        projects.append((project, reached))
    projects.append(_ouche_et_montagne(territories[0], ctx.accounts.get("sbaudemont")))
    TerritorialProject.objects.bulk_create([p for p, _ in projects])
    for project, reached in projects:
        if project.ref == SHOWCASE_REF:
            changes.extend(_ouche_et_montagne_phases(project))
            continue
        day = project.started_on
        for phase in PHASE_ORDER[: reached + 1]:
            changes.append(
                PhaseChange(
                    project=project,
                    phase=phase,
                    changed_on=min(day, ctx.today),
                    changed_by=project.staff,
                )
            )
            day += dt.timedelta(days=120)
        if project.phase == Phase.ABANDONED:
            changes.append(
                PhaseChange(
                    project=project,
                    phase=Phase.ABANDONED,
                    changed_on=project.ended_on,
                    changed_by=project.staff,
                    note="Pas de porteur local pour reprendre l'idée.",
                )
            )
        for _ in range(rng.randint(4, 12)):
            kind = rng.choice(list(ActionKind))
            actions.append(
                TerritorialAction(
                    project=project,
                    date=ctx.date_between(project.started_on, project.ended_on or ctx.today),
                    kind=kind,
                    title=ACTION_TITLES[kind],
                    participants=rng.randint(5, 35),
                )
            )
    PhaseChange.objects.bulk_create(changes)
    showcase = next(p for p, _ in projects if p.ref == SHOWCASE_REF)
    actions.extend(_ouche_et_montagne_actions(showcase))
    TerritorialAction.objects.bulk_create(actions)


SHOWCASE_REF = "DG-OUCHE"
# The 2023 example of the activity report: ten evening workshops, about thirty local actors.
WORKSHOP_PARTICIPANTS = [14, 22, 18, 30, 25, 19, 27, 21, 16, 28]


def _ouche_et_montagne(territory: Territory, staff):
    project = TerritorialProject(
        ref=SHOWCASE_REF,
        territory=territory,
        name="Recyclerie d'Ouche et Montagne",
        started_on=dt.date(2022, 9, 1),
        phase=Phase.HAND_OVER,
        partners="Communauté de communes Ouche et Montagne, ressourcerie de Dijon, habitants",
        funders="Région Bourgogne-Franche-Comté, Banque des Territoires, Fondation Macif",
        summary="Une recyclerie pour donner une seconde vie aux objets et créer des emplois "
        "sur le territoire, portée par les habitants réunis en ateliers du soir.",
        created_structure_name="La Boucle",
        created_structure_legal_form=LegalForm.ASSOCIATION,
        created_structure_on=dt.date(2023, 12, 12),
        ended_on=dt.date(2024, 3, 29),
        staff=staff,
    )
    # Five phases reached: detection (start) ... hand-over (after the creation).
    return project, len(PHASE_ORDER) - 1


def _ouche_et_montagne_phases(project: TerritorialProject) -> list[PhaseChange]:
    dates = [
        dt.date(2022, 9, 1),
        dt.date(2022, 11, 8),
        dt.date(2023, 2, 14),
        dt.date(2023, 12, 12),
        dt.date(2024, 3, 29),
    ]
    return [
        PhaseChange(project=project, phase=phase, changed_on=on, changed_by=project.staff)
        for phase, on in zip(PHASE_ORDER, dates, strict=True)
    ]


def _ouche_et_montagne_actions(project: TerritorialProject) -> list[TerritorialAction]:
    actions = [
        TerritorialAction(
            project=project,
            date=dt.date(2022, 10, 4),
            kind=ActionKind.DIAGNOSIS,
            title="Diagnostic partagé avec les élus",
            participants=9,
        ),
        TerritorialAction(
            project=project,
            date=dt.date(2023, 1, 17),
            kind=ActionKind.LEARNING_VISIT,
            title="Visite apprenante d'une ressourcerie",
            participants=12,
        ),
    ]
    for number, participants in enumerate(WORKSHOP_PARTICIPANTS, start=1):
        actions.append(
            TerritorialAction(
                project=project,
                date=dt.date(2023, number, 10) if number <= 9 else dt.date(2023, 11, 14),
                kind=ActionKind.WORKSHOP,
                title=f"Atelier du soir n° {number}",
                participants=participants,
            )
        )
    actions.append(
        TerritorialAction(
            project=project,
            date=dt.date(2023, 12, 5),
            kind=ActionKind.STEERING,
            title="Comité de pilotage : création de La Boucle",
            participants=11,
        )
    )
    return actions
