from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from pes21.models import User
from pes21.roles import STAFF, VOLUNTEER

LOAD_PASSWORD = "charge-pes21"


class Command(BaseCommand):
    help = "Crée les comptes du test de charge (moitié équipe, moitié bénévoles)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=30)

    def handle(self, *args, users: int, **options):
        from volunteers.models import Volunteer

        staff_group = Group.objects.get(name=STAFF)
        volunteer_group = Group.objects.get(name=VOLUNTEER)
        for n in range(users):
            role = "equipe" if n % 2 == 0 else "benevole"
            user, created = User.objects.get_or_create(username=f"charge-{role}-{n}")
            if created:
                user.set_password(LOAD_PASSWORD)
                user.first_name = f"Charge {n}"
                user.save()
            if role == "equipe":
                user.groups.add(staff_group)
            else:
                user.groups.add(volunteer_group)
                Volunteer.objects.get_or_create(
                    user=user,
                    defaults={
                        "last_name": f"Charge {n}",
                        "first_name": "Bénévole",
                        "joined_on": "2024-01-01",
                    },
                )
        self.stdout.write(f"{users} comptes de charge prêts (mot de passe : {LOAD_PASSWORD}).")
