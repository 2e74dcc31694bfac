import datetime as dt

from pes21.demo import DemoContext

from .models import Mission, Skill, Volunteer

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
                missions=rng.sample([m.value for m in Mission], rng.randint(1, 3)),
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
