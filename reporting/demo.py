"""The report's share of seed_demo: a published edition for the year before last, a draft
for last year, so both states can be seen at once."""

from accompaniment.models import Project
from dla.models import Structure
from pes21.demo import DemoContext

from .models import Focus
from .services import edition_get_or_create, edition_publish, edition_update, focus_save

PARTNERS = """Union européenne (FSE+)
Préfet de la Côte-d'Or – DDETS
Région Bourgogne-Franche-Comté
Dijon Métropole et Ville de Dijon
Banque des Territoires
Banque Populaire Bourgogne Franche-Comté
Département de la Côte-d'Or"""

CONTACT = """Pôle d'Économie Solidaire 21
12 avenue Gustave Eiffel, 21000 Dijon
03 80 50 90 47 · contact@pole-economie-solidaire21.org"""


def _texts(year: int) -> dict:
    return {
        "rapport_moral": (
            f"L'année {year} a été marquée par la mobilisation des **bénévoles** et par "
            "la construction de notre projet associatif, avec le Mouvement pour l'Économie "
            "Solidaire.\n\nNous avons partagé notre souhait que le Pôle agisse localement pour "
            "la transition écologique et solidaire : les projets accompagnés y participent "
            "à leur échelle."
        ),
        "rapport_moral_signature": "Le président du Pôle d'Économie Solidaire 21",
        "edito": (
            "Dans un contexte de crise sociale et écologique, les acteurs de l'ESS continuent "
            "de tisser des liens qui construisent des alternatives concrètes !"
        ),
        "edito_signature": "La direction du PES 21",
        "text_dla": (
            "Porteur du DLA de Côte-d'Or depuis 2003, le PES 21 contribue à la consolidation "
            "de structures d'utilité sociale sur le territoire."
        ),
        "text_creation": (
            "Le PES 21 accompagne les collectifs dans leurs démarches de création, "
            "de développement ou de reprise d'entreprise de l'ESS."
        ),
        "perspectives": (
            "Structurer l'écosystème d'acteurs du territoire, répondre en groupement aux "
            "marchés publics, développer les animations territoriales."
        ),
        "partners": PARTNERS,
        "contact": CONTACT,
    }


def seed(ctx: DemoContext) -> None:
    director = ctx.accounts.get("direction")
    for year, publish in ((ctx.today.year - 2, True), (ctx.today.year - 1, False)):
        edition = edition_get_or_create(year=year)
        edition = edition_update(
            edition=edition, data=_texts(year), version=edition.version, user=director
        )
        project = Project.objects.created_in(year).order_by("pk").first()
        if project:
            focus_save(
                focus=Focus(
                    edition=edition,
                    section="creation",
                    title=f"le projet {project.name}",
                    speaker="Une cofondatrice du projet",
                    text=(
                        "« Les rendez-vous réguliers ont soutenu l'avancement de notre projet. "
                        "C'est important de ne pas être seuls ! »"
                    ),
                    project=project,
                ),
                user=director,
            )
        structure = Structure.objects.filter(steps__date__year=year).order_by("pk").first()
        if structure:
            focus_save(
                focus=Focus(
                    edition=edition,
                    section="dla",
                    title=f"l'accompagnement de {structure.name}",
                    speaker="Le conseil d'administration",
                    text="« Prendre du recul, tout mettre à plat en étant guidé : motivant. »",
                    structure=structure,
                ),
                user=director,
            )
        if publish:
            edition_publish(edition=edition, user=director)
