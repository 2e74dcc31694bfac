"""The follow-ups' share of seed_demo: most past follow-ups answered, the latest few still to do,
so the report shows survival rates and « Suivis à faire » has work in it."""

import datetime as dt

from accompaniment.models import Project, ProjectStatus
from devtools.demo import DemoContext
from followups.models import FollowUp, Outcome, add_years, schedule
from followups.selectors import latest_engineerings

# The chance a structure still alive stops before the next follow-up, and that it is taken over.
STOP_CHANCE = 0.1
TAKE_OVER_CHANCE = 0.05
ANSWERED_CHANCE = 0.85
# Follow-ups due in the last weeks are left to do.
LEFT_TO_DO_DAYS = 45
NOTES = [
    "Appel au porteur : activité stable.",
    "Rencontre lors du Club des entrepreneurs.",
    "Nouvelle embauche prévue l'an prochain.",
    "Difficultés de trésorerie, orientée vers France Active.",
    "",
    "",
]


def _answers(ctx: DemoContext, reference: dt.date, jobs: int, staff, **target) -> list[FollowUp]:
    rng = ctx.rng
    rows, headcount = [], jobs
    for years in schedule():
        due = add_years(reference, years)
        if due > ctx.today - dt.timedelta(days=LEFT_TO_DO_DAYS):
            break
        if rng.random() > ANSWERED_CHANCE:
            continue
        roll = rng.random()
        if roll < STOP_CHANCE:
            outcome, headcount = Outcome.STOPPED, 0
        elif roll < STOP_CHANCE + TAKE_OVER_CHANCE:
            outcome = Outcome.TAKEN_OVER
        else:
            outcome = Outcome.ACTIVE
        if outcome != Outcome.STOPPED:
            headcount = max(0, headcount + rng.choice([-1, 0, 0, 1, 1, 2]))
        answered = min(due + dt.timedelta(days=rng.randint(-10, 40)), ctx.today)
        rows.append(
            FollowUp(
                **target,
                years_after=years,
                due_on=due,
                outcome=outcome,
                headcount=headcount,
                fte=round(headcount * rng.choice([0.6, 0.8, 1.0]), 1),
                note=rng.choice(NOTES),
                answered_on=answered,
                answered_by=staff or rng.choice(ctx.staff),
            )
        )
        if outcome == Outcome.STOPPED:
            break
    return rows


def seed(ctx: DemoContext) -> None:
    rows = []
    created = Project.objects.filter(status=ProjectStatus.CREATED, created_on__isnull=False)
    for project in created.order_by("pk").iterator(chunk_size=2000):
        rows += _answers(
            ctx, project.created_on, project.jobs_created or 0, project.referent, project=project
        )
    engineerings = latest_engineerings().select_related("structure").order_by("pk")
    for step in engineerings.iterator(chunk_size=2000):
        rows += _answers(
            ctx,
            step.engineering_ended_on,
            step.structure.employees or 0,
            step.staff,
            engineering=step,
        )
    FollowUp.objects.bulk_create(rows, batch_size=2000)
