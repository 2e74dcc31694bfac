import datetime as dt
import unicodedata
from decimal import Decimal

from accompaniment.models import (
    ActionKind,
    CollectiveAction,
    Holder,
    Meeting,
    MeetingKind,
    Programme,
    Project,
    ProjectStatus,
    Series,
    StatusChange,
)
from accompaniment.services import holders_last_contact_refresh
from devtools.demo import DemoContext
from pes21.choices import LegalForm

PROJECT_IDEAS = [
    "Recyclerie",
    "Café associatif",
    "Épicerie solidaire",
    "Tiers-lieu",
    "Atelier vélo",
    "Ferme pédagogique",
    "Coopérative de livreurs",
    "Garage solidaire",
    "Librairie coopérative",
    "Conciergerie de quartier",
    "Crèche parentale",
    "Brasserie artisanale",
    "Jardin partagé",
    "Friperie",
    "Compagnie de théâtre",
    "Habitat partagé",
]
NOTES = [
    "Premier accueil : présentation de l'idée et des porteurs.",
    "Point d'étape sur le budget prévisionnel.",
    "Travail sur le choix de la forme juridique.",
    "Relecture des statuts.",
    "Préparation du rendez-vous bancaire.",
    "Étude de marché : retours de l'enquête.",
    "Recherche de financements (France Active, Région).",
]
REDIRECT_PARTNERS = ["BGE", "CAE Coopilote", "Adie", "France Active"]
NEXT_STEPS = [
    "Rendez-vous de suivi",
    "Relire le budget prévisionnel",
    "Envoyer le modèle de statuts",
    "Préparer le rendez-vous bancaire",
    "Faire le point sur l'étude de marché",
]
# Next steps fall from this many days before the demo's creation to a month after: each desk
# has steps late, due today and this week.
NEXT_STEP_LATE_DAYS = 12


def _of(noun: str) -> str:
    """French « de » before a noun, elided before a vowel: « de librairie », « d'épicerie »."""
    return f"d'{noun}" if noun[:1] in "aâàeéèêiîoôuûy" else f"de {noun}"


def _email_address(first: str, last: str, number: int) -> str:
    # Accents and spaces are not valid in an address's local part: the edit form would refuse it.
    text = unicodedata.normalize("NFKD", f"{first}.{last}{number}".lower())
    local = "".join(c for c in text if c.isascii() and (c.isalnum() or c in ".-"))
    return f"{local}@example.org"


def _planned_meetings(ctx: DemoContext, projects: list[Project]) -> list[Meeting]:
    """A meeting booked in the coming days for each staff member, on a project they follow:
    their agenda (and their desk) show what is planned this week."""
    planned = []
    for number, staff in enumerate(ctx.staff):
        project = next(
            (p for p in projects if p.referent == staff and p.status == ProjectStatus.ACCOMPANIED),
            None,
        )
        if project is not None:
            planned.append(
                Meeting(
                    project=project,
                    date=ctx.live_today + dt.timedelta(days=1 + number % 5),
                    duration_minutes=60,
                    kind=MeetingKind.INDIVIDUAL,
                    staff=staff,
                    notes="Rendez-vous prévu : point d'étape avec les porteurs.",
                )
            )
    return planned


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    staff = ctx.staff
    first_year = ctx.first_year
    holders = []
    for i in range(ctx.per_year(100)):
        commune, postal_code, _ = ctx.commune()
        first, last = ctx.fake.first_name(), ctx.fake.last_name()
        holders.append(
            Holder(
                ref=f"DP{i + 1:06d}",
                first_name=first,
                last_name=last,
                email=_email_address(first, last, i),
                # 06 40 to 06 89: assigned mobile ranges, which pes21.phones accepts.
                phone=f"06{rng.randint(40000000, 89999999)}",
                postal_code=postal_code,
                commune=commune,
                consent_on=ctx.date_between(dt.date(first_year, 1, 1), ctx.today),
            )
        )
    holders = Holder.objects.bulk_create(holders, batch_size=2000)

    projects, links, changes, meetings = [], [], [], []
    Link = Project.holders.through
    for i in range(ctx.per_year(60)):
        received = ctx.date_between(dt.date(first_year, 1, 1), ctx.today)
        programme = rng.choices(
            [
                Programme.BENEFICES_CREA,
                Programme.CRDVA,
                Programme.EMERGENCE,
                Programme.GRAINES_ACTIONS,
            ],
            weights=[6, 2, 1, 1],
        )[0]
        project = Project(
            ref=f"DPR{i + 1:06d}",
            name=f"{rng.choice(PROJECT_IDEAS)} {ctx.commune()[0]}",
            programme=programme,
            received_on=received,
            referent=rng.choice(staff),
            summary=f"Projet {_of(rng.choice(PROJECT_IDEAS).lower())} porté par un collectif.",
        )
        history = [(ProjectStatus.RECEIVED, received, "")]
        if rng.random() < 0.7 and received + dt.timedelta(days=30) < ctx.today:
            # Never in the future: meetings are drawn between the start and today.
            project.started_on = min(received + dt.timedelta(days=rng.randint(7, 45)), ctx.today)
            project.status = ProjectStatus.ACCOMPANIED
            history.append((ProjectStatus.ACCOMPANIED, project.started_on, ""))
            end = project.started_on + dt.timedelta(days=rng.randint(60, 540))
            if end < ctx.today:
                outcome = rng.choices(
                    [ProjectStatus.CREATED, ProjectStatus.ABANDONED, ProjectStatus.REDIRECTED],
                    weights=[4, 3, 2],
                )[0]
                project.ended_on = end
                project.status = outcome
                partner = rng.choice(REDIRECT_PARTNERS)
                note = f"Réorienté vers {partner}" if outcome == ProjectStatus.REDIRECTED else ""
                history.append((outcome, end, note))
                if outcome == ProjectStatus.CREATED:
                    project.created_on = end
                    project.legal_form = rng.choice(
                        [LegalForm.ASSOCIATION, LegalForm.SCIC, LegalForm.SCOP, LegalForm.SAS_ESUS]
                    )
                    project.jobs_created = rng.choice([0, 1, 1, 2, 3])
            else:
                project.next_step = NEXT_STEPS[i % len(NEXT_STEPS)]
                project.next_step_on = ctx.live_today + dt.timedelta(
                    days=rng.randint(1, 30) - 1 - NEXT_STEP_LATE_DAYS
                )
        projects.append((project, history))
    Project.objects.bulk_create([p for p, _ in projects], batch_size=2000)
    for project, history in projects:
        for holder in rng.sample(holders, rng.choice([1, 1, 2, 3])):
            links.append(Link(project_id=project.pk, holder_id=holder.pk))
        for status, on, note in history:
            changes.append(
                StatusChange(
                    project=project,
                    status=status,
                    changed_on=on,
                    changed_by=project.referent,
                    note=note,
                )
            )
        if project.started_on:
            end = project.ended_on or ctx.today
            for _ in range(rng.randint(3, 11)):
                meetings.append(
                    Meeting(
                        project=project,
                        date=ctx.date_between(project.started_on, end),
                        duration_minutes=rng.choice([30, 60, 90, 120]),
                        kind=rng.choice(list(MeetingKind)),
                        staff=project.referent,
                        notes=rng.choice(NOTES),
                    )
                )
    meetings += _planned_meetings(ctx, [p for p, _ in projects])
    Link.objects.bulk_create(links, batch_size=5000)
    StatusChange.objects.bulk_create(changes, batch_size=5000)
    Meeting.objects.bulk_create(meetings, batch_size=5000)

    actions = []
    series_titles = {
        Series.CRDVA: "Atelier CRDVA : {}",
        Series.PAROLES_EXPERT: "Paroles d'Experts : {}",
        Series.EMERGENCE: "Émergence : {}",
        Series.OSEZ_ENTREPRENDRE: "Osez entreprendre autrement : {}",
    }
    topics = ["gouvernance", "financement", "statuts", "communication", "bénévolat", "budget"]
    number = 0
    for year in range(first_year, ctx.today.year + 1):
        for _ in range(50 * ctx.scale):
            day = ctx.date_between(dt.date(year, 1, 1), min(dt.date(year, 12, 31), ctx.today))
            kind = rng.choices(list(ActionKind), weights=[6, 1, 1])[0]
            number += 1
            if kind == ActionKind.WORKSHOP:
                series = rng.choice(list(series_titles))
                title = series_titles[series].format(rng.choice(topics))
                animated = rng.random() < 0.6
            elif kind == ActionKind.TRAINING:
                series, animated = Series.AUTRE, True
                title = f"Formation ESS – {rng.choice(['IRTESS', 'IRTS', 'Francas', 'IUT'])}"
            else:
                series = rng.choice([Series.CLUB_ENTREPRENEURS, Series.MOIS_ESS])
                title = (
                    "Club des entrepreneurs de l'ESS"
                    if series == Series.CLUB_ENTREPRENEURS
                    else "Mois de l'ESS"
                )
                animated = True
            actions.append(
                CollectiveAction(
                    ref=f"DA{number:06d}",
                    date=day,
                    kind=kind,
                    series=series,
                    title=title,
                    organisation="" if animated else rng.choice(["BGE", "France Active", "CRESS"]),
                    animated_by_pes=animated,
                    participants=rng.randint(5, 30),
                    hours=Decimal(rng.choice([2, 3, 3, 6])),
                )
            )
    CollectiveAction.objects.bulk_create(actions, batch_size=5000)
    # Holders known to have attended some of the association's workshops.
    Attendance = CollectiveAction.attendees.through
    attendances = []
    for action in actions:
        if action.kind == ActionKind.WORKSHOP and action.animated_by_pes and rng.random() < 0.3:
            count = min(action.participants, rng.randint(1, 4))
            attendances += [
                Attendance(collectiveaction_id=action.pk, holder_id=holder.pk)
                for holder in rng.sample(holders, count)
            ]
    Attendance.objects.bulk_create(attendances, batch_size=5000)
    holders_last_contact_refresh()
