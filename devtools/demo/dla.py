import datetime as dt
import random
from decimal import Decimal

from devtools.demo import DemoContext
from dla.models import CollectiveEngineering, Provider, Step, StepKind, Structure
from pes21.choices import LegalForm
from pes21.validators import luhn_ok

SECTORS = [
    "éducation populaire",
    "insertion",
    "culture",
    "sport",
    "aide à domicile",
    "environnement",
    "alimentation",
    "petite enfance",
    "tourisme social",
    "mobilité",
]
THEMES = [
    "projet associatif",
    "modèle économique",
    "fonction employeur",
    "gouvernance",
    "communication",
    "mécénat",
    "stratégie",
    "mutualisation",
]
NAMES = [
    "Association {}",
    "Compagnie {}",
    "Ressourcerie {}",
    "Jardins de {}",
    "Maison de {}",
    "Club {}",
    "Épicerie solidaire {}",
    "Atelier vélo {}",
    "Centre social {}",
    "Crèche {}",
]
CONTACTS = ["Claire Morel", "Yann Perrot", "Inès Garnier", "Luc Bertrand", "Nadia Faure"]
NOTES = {
    StepKind.RECEPTION: "Premier contact, présentation du DLA.",
    StepKind.DIAGNOSIS: "Diagnostic partagé avec le bureau et la direction.",
    StepKind.POST_FOLLOW_UP: "Point à six mois : préconisations mises en œuvre.",
}
PROVIDERS = [
    ("Ivoire Conseil", "gouvernance; projet associatif"),
    ("Choucard RH", "fonction employeur"),
    ("Coopérative Conseil ESS", "modèle économique; stratégie"),
    ("Atelier Mécènes", "mécénat; communication"),
    ("Territoires et Transitions", "mutualisation; stratégie"),
    ("Cap Gouvernance", "gouvernance"),
]


def _siret(ctx: DemoContext) -> str:
    """A random SIRET that passes both Luhn checks."""
    while True:
        siren = "".join(str(ctx.rng.randint(0, 9)) for _ in range(8))
        siren += next(str(d) for d in range(10) if luhn_ok(siren + str(d)))
        nic = "".join(str(ctx.rng.randint(0, 9)) for _ in range(4))
        for digit in range(10):
            if luhn_ok(siren + nic + str(digit)):
                return siren + nic + str(digit)


def seed(ctx: DemoContext) -> None:
    providers = [
        Provider.objects.create(name=name, themes=themes, email=f"contact{i}@conseil.example.org")
        for i, (name, themes) in enumerate(PROVIDERS)
    ]
    if ctx.scale > 1:
        providers += Provider.objects.bulk_create(
            Provider(name=f"{ctx.fake.company()} Conseil {i}", themes=ctx.rng.choice(THEMES))
            for i in range(10 * ctx.scale)
        )
    first_year = ctx.first_year
    structures = []
    for i in range(ctx.per_year(40)):
        name, postal_code, _ = ctx.commune()
        employees = ctx.rng.choice([1, 2, 3, 5, 8, 12, 20, 35])
        structures.append(
            Structure(
                ref=f"DS{i + 1:05d}",
                name=ctx.rng.choice(NAMES).format(ctx.fake.last_name()) + f" {name}",
                siret=_siret(ctx),
                legal_form=ctx.rng.choice(
                    [LegalForm.ASSOCIATION] * 6 + [LegalForm.SCIC, LegalForm.SCOP]
                ),
                sector=ctx.rng.choice(SECTORS),
                employees=employees,
                fte=Decimal(employees) * Decimal("0.8"),
                postal_code=postal_code,
                commune=name,
                created_on=dt.date(ctx.rng.randint(1980, 2020), ctx.rng.randint(1, 12), 1),
            )
        )
    structures = Structure.objects.bulk_create(structures)
    staff = ctx.staff
    steps = []
    collectives = []
    for structure in structures:
        start = ctx.date_between(dt.date(first_year, 1, 1), ctx.today - dt.timedelta(days=30))
        path = [StepKind.RECEPTION, StepKind.DIAGNOSIS]
        if ctx.rng.random() < 0.6:
            path.append(StepKind.INDIVIDUAL_ENGINEERING)
            if ctx.rng.random() < 0.6:
                path.append(StepKind.POST_FOLLOW_UP)
        day = start
        for kind in path:
            if day > ctx.today:
                break
            step = Step(structure=structure, kind=kind, date=day, staff=ctx.rng.choice(staff))
            if kind == StepKind.INDIVIDUAL_ENGINEERING:
                days = ctx.rng.choice([2, 3, 4, 5])
                step.provider = ctx.rng.choice(providers)
                step.days = Decimal(days)
                step.cost_eur = Decimal(days * ctx.rng.choice([900, 1000, 1100]))
                step.theme = ctx.rng.choice(THEMES)
                step.ended_on = day + dt.timedelta(days=ctx.rng.randint(30, 120))
            steps.append(step)
            day += dt.timedelta(days=ctx.rng.randint(20, 200))
    for year in range(first_year, ctx.today.year + 1):
        for n in range(2 * ctx.scale):
            started = dt.date(year, ctx.rng.randint(1, 10), ctx.rng.randint(1, 28))
            if started > ctx.today:
                continue
            provider = ctx.rng.choice(providers)
            theme = ctx.rng.choice(THEMES)
            collective = CollectiveEngineering(
                ref=f"IC{year}-{n + 1}",
                title=f"Ingénierie collective {theme} {year}",
                provider=provider,
                theme=theme,
                started_on=started,
                ended_on=started + dt.timedelta(days=90),
            )
            collectives.append(collective)
            for structure in ctx.rng.sample(structures, ctx.rng.randint(3, 5)):
                steps.append(
                    Step(
                        structure=structure,
                        kind=StepKind.COLLECTIVE_ENGINEERING,
                        date=started,
                        ended_on=collective.ended_on,
                        collective=collective,
                        provider=provider,
                        days=Decimal(3),
                        cost_eur=Decimal(900),
                        theme=theme,
                        staff=ctx.rng.choice(staff),
                    )
                )
    CollectiveEngineering.objects.bulk_create(collectives)
    Step.objects.bulk_create(steps, batch_size=2000)
    _seed_details(ctx, providers, structures)


def _seed_details(ctx: DemoContext, providers, structures) -> None:
    """Contacts, ESUS agreements and notes, drawn from a generator of their own so that the
    shared one (and so every other app's demo data) stays as it was."""
    rng = random.Random(ctx.seed + 4)
    for provider in providers[: len(PROVIDERS)]:
        provider.contact_name = rng.choice(CONTACTS)
        provider.phone = f"03 80 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    Provider.objects.bulk_update(providers[: len(PROVIDERS)], ["contact_name", "phone"])
    agreed = [s for s in structures if rng.random() < 0.2]
    for structure in agreed:
        obtained = dt.date(rng.randint(2017, ctx.today.year - 1), rng.randint(1, 12), 1)
        structure.esus_obtained_on = obtained
        structure.esus_expires_on = obtained.replace(year=obtained.year + 5)
    Structure.objects.bulk_update(agreed, ["esus_obtained_on", "esus_expires_on"])
    for kind, note in NOTES.items():
        Step.objects.filter(kind=kind, structure__in=structures).update(notes=note)
