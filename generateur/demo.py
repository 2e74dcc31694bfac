import datetime as dt

from pes21.choices import LegalForm
from pes21.demo import DemoContext

from .models import (
    ActionKind,
    Phase,
    PhaseChange,
    TerritorialAction,
    TerritorialProject,
    Territory,
    TerritoryKind,
)

# EPCI of the Côte-d'Or with their SIREN (source: BANATIC, Direction générale des
# collectivités locales).
EPCIS = [
    ("Communauté de communes Ouche et Montagne", "242100410"),
    ("Communauté de communes du Pays d'Arnay Liernais", "200070860"),
    ("Communauté de communes des Vallées de la Tille et de l'Ignon", "242101434"),
]
IDEAS = [
    ("Création d'une recyclerie", "La Boucle"),
    ("Tiers-lieu culturel et numérique", "Le Quai"),
    ("Épicerie solidaire itinérante", "Panier Mobile"),
    ("Garage solidaire", "Roule Ma Poule"),
    ("Service de mobilité partagée", "Covoit'Campagne"),
]
PHASE_ORDER = [
    Phase.DETECTION,
    Phase.OPPORTUNITY,
    Phase.FEASIBILITY,
    Phase.CREATION,
    Phase.HAND_OVER,
]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    territories = [
        Territory(ref=f"DT{i + 1:04d}", name=name, kind=TerritoryKind.EPCI, insee_code=siren)
        for i, (name, siren) in enumerate(EPCIS)
    ]
    for i in range(3 * ctx.scale):
        name, _, insee = ctx.commune()
        suffix = "" if i < 3 else f" ({i})"
        territories.append(
            Territory(
                ref=f"DT{len(territories) + 1:04d}",
                name=name + suffix,
                kind=TerritoryKind.COMMUNE,
                insee_code=insee,
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
        projects.append((project, reached))
    TerritorialProject.objects.bulk_create([p for p, _ in projects])
    for project, reached in projects:
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
        for _ in range(rng.randint(4, 12)):
            kind = rng.choice(list(ActionKind))
            actions.append(
                TerritorialAction(
                    project=project,
                    date=ctx.date_between(project.started_on, ctx.today),
                    kind=kind,
                    title=f"{ActionKind(kind).label} – {project.territory.name}",
                    participants=rng.randint(5, 35),
                )
            )
    PhaseChange.objects.bulk_create(changes)
    TerritorialAction.objects.bulk_create(actions)
