import importlib

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from devtools.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoContext, seed_accounts
from pes21 import generation
from pes21.roles import ROLE_LABELS

# Order matters: DLA structures before the projects that became them, projects before cases,
# follow-ups before the report edition that freezes its figures.
DEMO_APPS = [
    "dla",
    "accompaniment",
    "generateur",
    "volunteers",
    "followups",
    "public",
    "reporting",
]


class Command(BaseCommand):
    help = "Crée des données de démonstration réalistes et un compte par rôle."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="multiplie le volume")

    def handle(self, *args, scale: int, **options):
        if scale < 1:
            raise CommandError("--scale doit être un entier positif.")
        from accompaniment.models import Holder

        # Seeding twice would duplicate every record: a database with data is left alone.
        if Holder.objects.exists():
            self.stdout.write("La base contient déjà des données : rien n'est ajouté.")
        else:
            ctx = DemoContext(scale=scale)
            with transaction.atomic(), generation.deferred():
                seed_accounts(ctx)
                for app in DEMO_APPS:
                    importlib.import_module(f"devtools.demo.{app}").seed(ctx)
            self.stdout.write(self.style.SUCCESS(f"Données de démonstration créées (×{scale})."))
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for username, first_name, last_name, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<12} {ROLE_LABELS[role]:<10} {first_name} {last_name}")
