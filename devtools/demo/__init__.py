"""The demo data's shared pieces: deterministic randomness, accounts, places of the Côte-d'Or.

seed_demo calls each app's `demo.seed(ctx)` in order; an app adds its records there.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.utils import timezone
from faker import Faker

from pes21.models import User, Weekday
from pes21.roles import DIRECTOR, STAFF, VOLUNTEER

DEMO_PASSWORD = "pes21-demo"

# (username, first name, last name, role). The staff usernames are those of the sample data.
DEMO_ACCOUNTS = [
    ("direction", "Claire", "Morel", DIRECTOR),
    ("sbaudemont", "Sophie", "Baudemont", STAFF),
    ("proux", "Pierre", "Roux", STAFF),
    ("jdidier", "Julie", "Didier", STAFF),
    ("dlambert", "David", "Lambert", STAFF),
    ("benevole", "Marc", "Fontaine", VOLUNTEER),
    ("benevole2", "Anne", "Girard", VOLUNTEER),
]

# Each demo account's weekly digest day, spread over the week so that `send_reminders` has a
# digest to send on a fresh demo whatever the day (a week's digest goes out from its day on).
DEMO_DIGEST_DAYS = {
    "direction": Weekday.MONDAY,
    "sbaudemont": Weekday.MONDAY,
    "proux": Weekday.TUESDAY,
    "jdidier": Weekday.WEDNESDAY,
    "dlambert": Weekday.THURSDAY,
    "benevole": Weekday.FRIDAY,
    "benevole2": Weekday.MONDAY,
}

# Communes of the Côte-d'Or: name, postal code, INSEE code (source: INSEE, Code officiel
# géographique).
COMMUNES = [
    ("Dijon", "21000", "21231"),
    ("Beaune", "21200", "21054"),
    ("Chenôve", "21300", "21166"),
    ("Talant", "21240", "21617"),
    ("Quetigny", "21800", "21515"),
    ("Longvic", "21600", "21355"),
    ("Fontaine-lès-Dijon", "21121", "21278"),
    ("Chevigny-Saint-Sauveur", "21800", "21171"),
    ("Auxonne", "21130", "21038"),
    ("Montbard", "21500", "21425"),
    ("Semur-en-Auxois", "21140", "21603"),
    ("Nuits-Saint-Georges", "21700", "21464"),
    ("Is-sur-Tille", "21120", "21317"),
    ("Saulieu", "21210", "21584"),
    ("Châtillon-sur-Seine", "21400", "21154"),
    ("Genlis", "21110", "21292"),
    ("Marsannay-la-Côte", "21160", "21390"),
    ("Plombières-lès-Dijon", "21370", "21485"),
    ("Seurre", "21250", "21607"),
    ("Arnay-le-Duc", "21230", "21023"),
    ("Pouilly-en-Auxois", "21320", "21501"),
    ("Vitteaux", "21350", "21710"),
    ("Sombernon", "21540", "21611"),
    ("Saint-Apollinaire", "21850", "21540"),
    ("Mirebeau-sur-Bèze", "21310", "21416"),
    ("Brazey-en-Plaine", "21470", "21103"),
    ("Précy-sous-Thil", "21390", "21505"),
    ("Venarey-les-Laumes", "21150", "21663"),
]


@dataclass
class DemoContext:
    scale: int = 1
    seed: int = 2126
    today: dt.date = field(default_factory=lambda: dt.date(2026, 11, 23))
    accounts: dict[str, User] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(self.seed)
        # The history is dated from the fixed `today` (the same figures on every run); the
        # work in progress (next steps, planned meetings) from the day the demo is created, so
        # that each desk and agenda has work late, today and this week whenever it is made.
        self.live_today = max(self.today, timezone.localdate())

    @property
    def showcase_year(self) -> int:
        """The year the demo fills in like the association's 2023 report (texts, focus)."""
        return 2023 if self.first_year <= 2023 < self.today.year else self.today.year - 3

    @property
    def staff(self) -> list[User]:
        return [u for u in self.accounts.values() if u.username not in ("benevole", "benevole2")]

    @property
    def years(self) -> int:
        """Five years of history for the demo, twenty from scale 4 up (benchmarks)."""
        return 5 * min(self.scale, 4)

    @property
    def first_year(self) -> int:
        return self.today.year - self.years

    def per_year(self, count: int) -> int:
        """How many records make `count` a year at this scale, over the whole history."""
        return count * self.scale * self.years

    def commune(self) -> tuple[str, str, str]:
        return self.rng.choice(COMMUNES)

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))


def seed_accounts(ctx: DemoContext) -> None:
    for username, first_name, last_name, role in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@pes21.example.org",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.digest_weekday = DEMO_DIGEST_DAYS.get(username)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        ctx.accounts[username] = user
