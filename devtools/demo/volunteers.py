import datetime as dt

from django.utils import timezone

from accompaniment.models import Project, ProjectStatus
from devtools.demo import DemoContext
from volunteers.models import Case, CaseStatus, Contribution, Mission, Skill, Volunteer

# The volunteer account the report's focus « une nouvelle bénévole » presents: Anne Girard,
# who joined in the showcase year.
NEW_VOLUNTEER = "benevole2"

SKILLS = [
    "juridique",
    "comptabilité",
    "numérique",
    "RH",
    "communication",
    "médiation",
    "agriculture",
    "financement",
    "marketing",
    "gestion de projet",
]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    skills = Skill.objects.bulk_create(Skill(name=name) for name in SKILLS)
    volunteers = []
    # The two demo volunteer accounts get a profile; the rest have none until invited.
    accounts = [ctx.accounts.get("benevole"), ctx.accounts.get("benevole2")]
    for i in range(20 * ctx.scale):
        user = accounts[i] if i < len(accounts) else None
        first = user.first_name if user else ctx.fake.first_name()
        last = user.last_name if user else ctx.fake.last_name()
        joined = ctx.date_between(dt.date(ctx.today.year - 8, 1, 1), ctx.today)
        if user is not None and user.username == NEW_VOLUNTEER:
            joined = dt.date(ctx.showcase_year, 3, 6)
        left = None
        if user is None and rng.random() < 0.2:
            left = ctx.date_between(joined, ctx.today)
        volunteers.append(
            Volunteer(
                ref=f"DB{i + 1:05d}",
                user=user,
                first_name=first,
                last_name=last,
                email=user.email if user else f"benevole{i}@example.org",
                # The demo accounts want co-accompaniment, so their board is not empty.
                missions=[Mission.CO_ACCOMPANIMENT.value]
                if user
                else rng.sample([m.value for m in Mission], rng.randint(1, 3)),
                availability=rng.choice(["Mardi après-midi", "Un jour par semaine", "Ponctuelle"]),
                joined_on=joined,
                left_on=left,
                consent_on=joined,
            )
        )
    volunteers = Volunteer.objects.bulk_create(volunteers)
    Link = Volunteer.skills.through
    Link.objects.bulk_create(
        Link(volunteer_id=v.pk, skill_id=s.pk)
        for v in volunteers
        for s in rng.sample(skills, rng.randint(1, 3))
    )
    seed_cases(ctx, volunteers=volunteers, skills=skills)


NEEDS = [
    "Relire le prévisionnel financier avant le rendez-vous bancaire.",
    "Aider à choisir la forme juridique et relire les statuts.",
    "Construire la présence en ligne du projet (site, réseaux).",
    "Préparer le dossier de financement participatif.",
    "Accompagner l'étude de marché : questionnaire et entretiens.",
    "Mettre en place les outils de gestion (devis, factures, trésorerie).",
    "Préparer les premiers recrutements.",
    "Trouver des producteurs locaux et organiser l'approvisionnement.",
]
CONTRIBUTION_NOTES = [
    "Rendez-vous avec les porteurs, relecture du budget.",
    "Échange téléphonique, conseils sur les statuts.",
    "Travail sur le questionnaire de l'étude de marché.",
    "Atelier sur la communication du projet.",
    "Accueil du public à la permanence.",
    "Participation au conseil d'administration.",
    "Tenue du stand au Mois de l'ESS.",
]


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def seed_cases(ctx: DemoContext, *, volunteers: list[Volunteer], skills: list[Skill]) -> None:
    """Cases on projects in accompaniment: some open, some taken by the demo accounts (with
    time logged), some closed; plus time given to the other missions, for the report."""
    rng = ctx.rng
    projects = list(Project.objects.filter(status=ProjectStatus.ACCOMPANIED).order_by("pk"))
    rng.shuffle(projects)
    demo_volunteers = [v for v in volunteers if v.user_id]
    others = [v for v in volunteers if not v.user_id and v.left_on is None]
    opener = ctx.accounts.get("sbaudemont")
    # (status, volunteer) for each case; the demo accounts hold taken and confirmed cases.
    plan = [(CaseStatus.OPEN, None)] * (6 * ctx.scale)
    for volunteer in demo_volunteers:
        plan += [(CaseStatus.TAKEN, volunteer), (CaseStatus.CONFIRMED, volunteer)]
    plan += [(CaseStatus.CLOSED, rng.choice(others)) for _ in range(4 * ctx.scale) if others]
    contributions = []
    for (status, volunteer), project in zip(plan, projects, strict=False):
        opened_on = ctx.date_between(ctx.today - dt.timedelta(days=120), ctx.today)
        taken_on = ctx.date_between(opened_on, ctx.today) if volunteer else None
        case = Case.objects.create(
            project=project,
            mission=Mission.CO_ACCOMPANIMENT,
            description=rng.choice(NEEDS),
            expected_hours=rng.choice([None, 4, 6, 10, 15]),
            status=status,
            volunteer=volunteer,
            opened_by=project.referent or opener,
            taken_at=_aware(taken_on) if taken_on else None,
            confirmed_at=_aware(taken_on) if status == CaseStatus.CONFIRMED else None,
            closed_at=_aware(ctx.today) if status == CaseStatus.CLOSED else None,
        )
        case.skills.set(rng.sample(skills, rng.randint(1, 2)))
        Case.objects.filter(pk=case.pk).update(opened_at=_aware(opened_on))
        if taken_on and status != CaseStatus.TAKEN:
            for _ in range(rng.randint(1, 4)):
                contributions.append(
                    Contribution(
                        volunteer=volunteer,
                        case=case,
                        mission=case.mission,
                        # Time counts while the volunteer is one (Contribution.clean).
                        date=ctx.date_between(max(taken_on, volunteer.joined_on), ctx.today),
                        minutes=rng.choice([30, 45, 60, 90, 120, 180]),
                        notes=rng.choice(CONTRIBUTION_NOTES),
                    )
                )
    contributions += _past_co_accompaniments(ctx, volunteers=others)
    # Time given to the association's other missions over the last years.
    present = [v for v in volunteers if v.left_on is None]
    other_missions = [m for m in Mission if m != Mission.CO_ACCOMPANIMENT]
    for _ in range(120 * ctx.scale):
        volunteer = rng.choice(present)
        contributions.append(
            Contribution(
                volunteer=volunteer,
                mission=rng.choice(other_missions),
                date=ctx.date_between(
                    max(volunteer.joined_on, dt.date(ctx.today.year - 3, 1, 1)), ctx.today
                ),
                minutes=rng.choice([60, 90, 120, 180, 240]),
                notes=rng.choice(CONTRIBUTION_NOTES[4:]),
            )
        )
    Contribution.objects.bulk_create(contributions)


def _past_co_accompaniments(ctx: DemoContext, *, volunteers: list[Volunteer]) -> list[Contribution]:
    """Closed cases of the past years, with the time their volunteer logged in the year: the
    report's « Co-accompagnement » mission has volunteers and hours every year."""
    rng = ctx.rng
    rows = []
    if not volunteers:
        return rows
    for year in range(ctx.first_year, ctx.today.year):
        candidates = list(Project.objects.active_in(year).order_by("pk"))
        for project in rng.sample(candidates, min(len(candidates), 3 * ctx.scale)):
            opened_on = ctx.date_between(dt.date(year, 1, 10), dt.date(year, 9, 30))
            # A volunteer who had arrived by then: time counts while one is (Contribution.clean).
            arrived = [v for v in volunteers if v.joined_on <= opened_on]
            if not arrived:
                continue
            volunteer = rng.choice(arrived)
            case = Case.objects.create(
                project=project,
                mission=Mission.CO_ACCOMPANIMENT,
                description=rng.choice(NEEDS),
                status=CaseStatus.CLOSED,
                volunteer=volunteer,
                opened_by=project.referent,
                taken_at=_aware(opened_on + dt.timedelta(days=3)),
                confirmed_at=_aware(opened_on + dt.timedelta(days=4)),
                closed_at=_aware(dt.date(year, 12, 15)),
            )
            Case.objects.filter(pk=case.pk).update(opened_at=_aware(opened_on))
            for _ in range(rng.randint(2, 4)):
                rows.append(
                    Contribution(
                        volunteer=volunteer,
                        case=case,
                        mission=case.mission,
                        date=ctx.date_between(
                            opened_on + dt.timedelta(days=4), dt.date(year, 12, 15)
                        ),
                        minutes=rng.choice([60, 90, 120, 180]),
                        notes=rng.choice(CONTRIBUTION_NOTES[:4]),
                    )
                )
    return rows
