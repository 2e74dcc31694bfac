"""The report's share of seed_demo: the 2023-like edition filled in every part (texts after the
association's own 2023 report, focus, narratives, images), published; the next year published
too; last year a draft started from the year before (its texts « à relire »)."""

import datetime as dt
import io
from decimal import Decimal

from django.utils.formats import date_format
from PIL import Image, ImageDraw

from accompaniment.models import CollectiveAction, Project, Series
from devtools.demo import DemoContext
from devtools.demo.volunteers import NEW_VOLUNTEER
from dla.models import Structure
from generateur.models import TerritorialProject
from pes21.french import of
from reporting.models import Focus, ImageKind, ReportEdition, TerritoryNarrative
from reporting.services import (
    edition_publish,
    edition_save_texts,
    edition_start,
    focus_save,
    image_add,
    narrative_save,
)
from volunteers.models import Volunteer

PARTNERS = """Union européenne (FSE+)
Préfet de la Côte-d'Or – DDETS
Région Bourgogne-Franche-Comté
Dijon Métropole et Ville de Dijon
Banque des Territoires
Banque Populaire Bourgogne Franche-Comté
Département de la Côte-d'Or"""

MEMBERSHIPS = """Mouvement pour l'Économie Solidaire (MES)
ESS France
Réseau RARES
Le Mouvement associatif Bourgogne-Franche-Comté"""

CONTACT = """Pôle d'Économie Solidaire 21
12 avenue Gustave Eiffel, 21000 Dijon
03 80 50 90 47
contact@pole-economie-solidaire21.org"""

JOB_TITLES = {
    "direction": "Directrice",
    "sbaudemont": "Chargée de mission Générateur BFC",
    "proux": "Chargé de mission Bénéfices'Créa / CRDVA",
    "jdidier": "Chargée de mission DLA",
    "dlambert": "Coordinateur DLA",
}

CLUB_EVENTS = [
    (
        "Freins & incertitudes : comment (mieux) y faire face",
        "Dépasser ses limites en tant qu'entrepreneurs en comprenant le fonctionnement du cerveau.",
    ),
    (
        "Choisir empêche-t-il le collectif d'avancer ?",
        "Décrypter et comprendre comment faciliter la prise de décisions en collectif et "
        "comment la rendre participative.",
    ),
    (
        "Réfléchir à sa stratégie pour développer son chiffre d'affaires",
        "Sensibiliser les entrepreneurs à l'importance de leur stratégie de développement "
        "pour pérenniser leurs actions.",
    ),
]

MOIS_ESS_EVENTS = [
    ("Table ronde : l'attractivité au cœur des enjeux de recrutement et de fidélisation", ""),
    ("Table ronde : stratégie RH, un levier de développement économique et humain", ""),
    (
        "Journée de l'Économie Autrement : « Transition sociale et écologique : quel rôle pour "
        "l'ESS ? »",
        "Forum des initiatives de l'ESS pour les étudiants de l'IRTESS, 10 stands.",
    ),
    (
        "Atelier sur la coopération dans l'ESS",
        "Identifier les freins à la coopération et trouver des solutions pour la favoriser.",
    ),
]


def _texts(year: int, director) -> dict:
    return {
        "rapport_moral": (
            "Situé dans un écosystème d'acteurs local et régional, le PES 21 est une structure "
            "de l'accompagnement à la création et au développement d'activité, mais n'est pas "
            "qu'un opérateur porteur de dispositif : **il a une vie associative**. En "
            "poursuivant notre action de mobilisation des bénévoles, un travail collaboratif a "
            "permis de préciser leurs attentes et missions.\n\n"
            "L'équipe salariée et bénévole s'est particulièrement investie dans la construction "
            "de notre projet associatif, avec l'accompagnement du Mouvement pour l'Économie "
            "Solidaire. **Notre projet associatif promeut une approche de l'ESS à vocation de "
            "transformation sociale**, reposant sur la justice sociale et la citoyenneté "
            "économique.\n\n"
            f"L'année {year} aura également été marquée par des **collaborations nouvelles** : "
            "accompagnement de communes via le Générateur BFC, nouveau souffle donné à la "
            "feuille de route de l'ESS de Dijon Métropole, ateliers thématiques, tables rondes "
            "des Journées de l'Économie Autrement et atelier sur la coopération du Mois de "
            "l'ESS.\n\n"
            "L'assemblée générale a permis de faire un bilan partagé de notre projet associatif. "
            "**L'association a par ailleurs modifié ses statuts pour inclure en préambule la "
            "Déclaration d'engagement de l'ESS** (ESS France, « Pour une République sociale et "
            "solidaire : nos raisons d'agir »[^1]).\n\n"
            "[^1]: <https://www.ess-france.org/>"
        ),
        "rapport_moral_signature": "Michel Turban,\nPrésident du Pôle d'Économie Solidaire 21",
        "edito": (
            "Une coupe budgétaire de 10 milliards d'euros a été annoncée par le ministère de "
            "l'économie. Le Mouvement associatif alerte sur la mise à mal des actions "
            "associatives qui répondent pourtant à de forts besoins sociaux : **le budget "
            "jeunesse et vie associative subit ainsi une réduction de 14,37 %**[^1].\n\n"
            "Cette décision fragilisera l'ESS et la situation des publics accompagnés, parmi "
            "les plus vulnérables en temps de crise économique, alors que l'année a été une "
            "année de dividendes records pour les multinationales françaises[^2].\n\n"
            "L'INSEE nous rappelle par ailleurs que la France compte 9,1 millions de pauvres si "
            "l'on fixe le seuil de pauvreté à 60 % du niveau de vie médian[^3]. Dans une "
            "situation d'urgence climatique et de forte demande de justice sociale et fiscale, "
            "il est possible de faire preuve d'imagination, à l'instar de la taxe européenne sur "
            "les transactions financières proposée par la Commission européenne[^4].\n\n"
            "Dans une tribune sur les libertés associatives[^5], 129 acteurs de la société "
            "civile alertent sur la remise en cause de l'indépendance des associations.\n\n"
            "Dans ce contexte, les acteurs de l'ESS continuent à tisser au sein des territoires "
            "des liens qui construisent des alternatives très concrètes (Territoires Zéro "
            "Chômeur de Longue Durée de Semur-en-Auxois, Groupement Foncier Agricole de "
            "Malain…). C'est aussi une économie de résistance, qui bâtit de nouveaux "
            "imaginaires pour une transition écologique.\n\n"
            "[^1]: <https://lemouvementassociatif.org/>\n"
            "[^2]: Rapport Oxfam, *Multinationales et inégalités multiples*, janvier 2024.\n"
            "[^3]: <https://inegalites.fr/A-quels-niveaux-se-situent-les-seuils-de-pauvrete-en-France>\n"
            "[^4]: <https://www.lemonde.fr/idees/>\n"
            "[^5]: <https://lemouvementassociatif.org/alerte-sur-les-libertes-associatives-la-tribune/>"
        ),
        # The édito is the director's: signed by the account the team page names.
        "edito_signature": f"{director.get_full_name()}, {JOB_TITLES['direction'].lower()} "
        "du PES 21",
        "volunteer_missions_intro": "Nos bénévoles participent activement aux missions du Pôle !",
        "team_text": "De gauche à droite et de haut en bas :",
        "projet_associatif": (
            "Après une évaluation intermédiaire du projet associatif 2018-2022, puis un bilan, "
            "nous nous sommes réunis en séminaire deux jours durant pour travailler sur les "
            "orientations de notre prochain projet associatif (2024-2028), avec le Mouvement "
            "pour l'Économie Solidaire.\n\n"
            "#### Les raisons d'être du Pôle\n\n"
            "- Les projets sont des initiatives économiques, créatrices d'emploi, qui "
            "développent l'économie du territoire et contribuent à la cohésion sociale.\n"
            "- Le PES 21 promeut une approche de l'ESS à vocation de transformation sociale.\n"
            "- L'ESS est intrinsèquement liée à la transition écologique et solidaire."
        ),
        "text_generateur": (
            "Le Générateur Bourgogne-Franche-Comté accompagne les collectivités locales à la "
            "création de structures de l'ESS sur leur territoire. Il est labellisé Fabrique à "
            "Initiatives, animé par l'Avise.\n\n"
            "- Dynamiser le territoire et mobiliser les acteurs locaux\n"
            "- Créer de l'activité économique et de l'emploi\n"
            "- Valoriser des ressources locales existantes ou potentielles\n\n"
            "Pour en savoir plus : <https://www.generateurbfc.fr>"
        ),
        "text_dla": (
            "Le DLA est un dispositif d'appui et de conseil pour consolider les activités "
            "d'utilité sociale et pérenniser l'emploi local. Porteur du DLA de Côte-d'Or depuis "
            "2003, le PES 21 contribue à la consolidation de structures d'utilité sociale sur le "
            "territoire.\n\n"
            "- Accueillir et accompagner les structures de l'ESS créatrices d'emplois,\n"
            "- Réaliser un diagnostic partagé de la structure,\n"
            "- Financer des accompagnements individuels ou collectifs,\n"
            "- Assurer le suivi dans le temps et mesurer l'impact des actions."
        ),
        "text_creation": (
            "**Créer des activités économiquement viables, socialement innovantes !** Le PES 21 "
            "accompagne les collectifs dans leurs démarches de création, de développement ou de "
            "reprise d'entreprise de l'ESS : méthodologie de projet personnalisée, ateliers "
            "thématiques, appui aux études de faisabilité et de marché, mise en réseau."
        ),
        "text_sensibilisation": (
            "#### Paroles d'Experts\n\n"
            "Organisés avec BGE Perspectives, la CAE Bourgogne et la Cursive, ces ateliers "
            "proposent un accompagnement collectif complémentaire à l'accompagnement "
            "individuel.\n\n"
            "#### Émergence\n\n"
            "Avec un groupement d'acteurs de l'accompagnement, des accompagnements collectifs "
            "pour les porteurs d'idées souhaitant entreprendre dans l'ESS.\n\n"
            "#### Autres formations\n\n"
            "Stagiaires des métiers du travail social (IRTESS, IRTS), dirigeants de structures "
            "d'éducation populaire (Francas), étudiants de l'IUT de Dijon-Auxerre."
        ),
        "text_dijon": (
            "**Des actions financées par Dijon, animées par le Pôle !** Le PES 21 est missionné "
            "par la Métropole pour animer le réseau d'acteurs métropolitains de l'ESS. Avec la "
            "Maison des associations et l'APSALC 21, il anime le Centre de Ressources Dijonnais "
            "de la Vie Associative (CRDVA) ; il anime les ateliers « Osez entreprendre "
            "autrement » et participe au Mois de l'ESS."
        ),
        "text_club": (
            "Initié fin 2022, le Club des Entrepreneurs de l'ESS est un réseau qui renforce les "
            "coopérations entre les acteurs de l'ESS de la Côte-d'Or.\n\n"
            "- **Réseauter** : faire réseau et favoriser la coopération\n"
            "- **Développer** une communauté d'entrepreneurs de l'ESS\n"
            "- **Animer** : maintenir les échanges avec les entrepreneurs accompagnés\n\n"
            "Vous souhaitez rejoindre le Club ? Écrivez à "
            "[contact@pole-economie-solidaire21.org](mailto:contact@pole-economie-solidaire21.org)."
        ),
        "perspectives": (
            "Depuis sa création, le Pôle a multiplié les passerelles avec les structures et "
            "mouvements de l'ESS. Un des enjeux est aujourd'hui de **structurer l'écosystème "
            "d'acteurs territorial**, par exemple pour répondre en groupement aux marchés publics "
            "(SPASER[^1]).\n\n"
            "L'agriruralité est un enjeu pour les territoires ruraux : le Pôle s'est engagé dans "
            "la démarche RARES[^2] et dans la co-construction d'un Pôle Territorial de "
            "Coopération Économique.\n\n"
            "Le Pôle s'engage enfin dans la démarche Guid'Asso d'appui à la vie associative "
            "locale, portée par l'État et le Mouvement associatif.\n\n"
            "[^1]: Schéma de promotion des achats publics socialement et écologiquement "
            "responsables.\n"
            "[^2]: Réseau des accompagnateurs et des agriruraux engagés en Bourgogne-Franche-Comté."
        ),
        "partners": PARTNERS,
        "memberships": MEMBERSHIPS,
        "contact": CONTACT,
    }


def _picture(text: str, size: tuple[int, int], colour: str, fmt: str = "PNG") -> io.BytesIO:
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, size[0] - 5, size[1] - 5), outline="white", width=4)
    draw.text((20, size[1] // 2 - 6), text, fill="white")
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    buffer.size = buffer.tell()
    buffer.name = f"demo.{fmt.lower()}"
    return buffer


def _images(edition: ReportEdition, director) -> None:
    def add(kind, alt, picture, section=""):
        image_add(
            edition=edition, kind=kind, section=section, alt=alt, upload=picture, user=director
        )

    add(
        ImageKind.LOGO,
        "Logo du Pôle d'Économie Solidaire 21",
        _picture("PES 21", (300, 120), "#1d6b4b"),
    )
    add(
        ImageKind.COVER,
        "Un atelier du Pôle : des porteurs de projets autour d'une table",
        _picture("Photo de couverture", (1200, 600), "#8a5a12", "JPEG"),
    )
    add(
        ImageKind.TEAM,
        "L'équipe salariée du Pôle réunie devant ses locaux",
        _picture("L'équipe salariée", (900, 400), "#43685a", "JPEG"),
    )
    add(
        ImageKind.SECTION,
        "Les participants du Club des entrepreneurs en atelier",
        _picture("Club des entrepreneurs", (900, 300), "#6b4b1d", "JPEG"),
        section="club",
    )
    for name, colour in (("Union européenne", "#003399"), ("Région BFC", "#c0392b")):
        add(ImageKind.PARTNER, f"Logo : {name}", _picture(name, (300, 120), colour))
    add(
        ImageKind.MEMBERSHIP,
        "Logo : Mouvement pour l'Économie Solidaire",
        _picture("MES", (240, 120), "#555555"),
    )


CLUB_DATES = [(5, 3), (7, 12), (10, 10)]
# The Mois de l'ESS is November: two round tables, the Journée de l'Économie Autrement, a workshop.
MOIS_ESS_DATES = [(11, 20), (11, 20), (11, 24), (11, 27)]


def _name_events(year: int) -> None:
    """The demo's club and Mois de l'ESS events get the titles and dates the 2023 report gives
    them: the club meets on its three dates, the Mois de l'ESS is in November (events of the
    year change series or date: no figure changes)."""
    events = list(
        CollectiveAction.objects.in_year(year)
        .filter(series__in=[Series.CLUB_ENTREPRENEURS, Series.MOIS_ESS], kind="evenement")
        .order_by("series", "date")
    )
    dated = [(Series.CLUB_ENTREPRENEURS, month, day) for month, day in CLUB_DATES] + [
        (Series.MOIS_ESS, month, day) for month, day in MOIS_ESS_DATES
    ]
    for action, (series, month, day) in zip(events, dated, strict=False):
        action.series, action.date = series, dt.date(year, month, day)
        action.save(update_fields=["series", "date"])
    # A year drawn with fewer events gets the rest of the report's Mois de l'ESS.
    for number, (series, month, day) in enumerate(dated[len(events) :], start=len(events)):
        CollectiveAction.objects.create(
            # After the demo's other refs (DA000001…): the export's order is the refs', and two
            # events of one day then come back in the order the report lists them.
            ref=f"DA9{year % 100:02d}{number:03d}",
            date=dt.date(year, month, day),
            kind="evenement",
            series=series,
            title="Mois de l'ESS",
            animated_by_pes=True,
            participants=20,
            hours=Decimal(3),
        )
    # Trainings name their organisation, as the report counts them by organisation.
    for training in CollectiveAction.objects.in_year(year).filter(
        kind="formation", organisation=""
    ):
        training.organisation = training.title.rsplit("– ", 1)[-1]
        training.save(update_fields=["organisation"])
    for series, titles in (
        (Series.CLUB_ENTREPRENEURS, CLUB_EVENTS),
        (Series.MOIS_ESS, MOIS_ESS_EVENTS),
    ):
        actions = CollectiveAction.objects.in_year(year).filter(series=series).order_by("date")
        for action, (title, notes) in zip(actions, titles, strict=False):
            action.title, action.notes = title, notes
            action.save(update_fields=["title", "notes"])


def _focuses(edition: ReportEdition, director) -> None:
    year = edition.year
    project = Project.objects.created_in(year).order_by("pk").first()
    structure = (
        Structure.objects.filter(steps__date__year=year, steps__kind="ingenierie_individuelle")
        .order_by("pk")
        .first()
    )
    # The focus tells the story of La Boucle: attached to the project that created it.
    territorial = (
        TerritorialProject.objects.active_in(year)
        .filter(created_structure_name="La Boucle")
        .order_by("pk")
        .first()
    )
    # « Une nouvelle bénévole »: the volunteer account who joined that year, a woman.
    volunteer = (
        Volunteer.objects.active_in(year)
        .filter(user__username=NEW_VOLUNTEER, joined_on__year=year)
        .first()
    )
    rows = [
        (
            "vie_associative",
            "Focus sur : une nouvelle bénévole",
            # Said of the volunteer the focus presents: when she joined, as her record says.
            f"Bénévole au Pôle depuis {date_format(volunteer.joined_on, 'F Y')}"
            if volunteer
            else "Une bénévole du Pôle",
            "« Je me retrouve dans le cheminement du Pôle, ses valeurs, son éthique, ses équipes, "
            "ses missions. »",
            {"volunteer": volunteer},
        ),
        (
            "generateur",
            "la création de la ressourcerie « La Boucle »",
            "Le conseil d'administration de La Boucle",
            "Après un diagnostic territorial, le projet de ressourcerie a été validé par les "
            "élus ; une dizaine d'ateliers en soirée ont réuni près de trente acteurs locaux.",
            {"territorial_project": territorial},
        ),
        (
            "dla",
            "l'accompagnement individuel "
            + (of(structure.name) if structure else "d'une association"),
            "Le conseil d'administration",
            "« Prendre du recul, tout mettre à plat en étant guidé est source de motivation. »",
            {"structure": structure},
        ),
        (
            "dla",
            "l'accompagnement collectif « La fonction employeur dans l'ESS »",
            "La directrice d'une association",
            "« Ces 3 journées m'ont permis de "
            "“poser” et “pauser” en prenant du recul sur la fonction employeur. »",
            {},
        ),
        (
            "creation",
            f"le projet {project.name if project else 'd’un collectif'}",
            "Une cofondatrice du projet",
            "« Les rendez-vous réguliers ont soutenu l'avancement de notre projet. C'est important "
            "de ne pas être seuls ! »",
            {"project": project},
        ),
        (
            "dijon",
            "le Défi Pitch",
            "",
            "10 entrepreneurs ont pitché leur activité en 3 minutes au Bistrot de la Scène, "
            "dans le cadre du Mois de l'ESS.",
            {},
        ),
    ]
    for position, (section, title, speaker, text, subject) in enumerate(rows):
        focus_save(
            focus=Focus(
                edition=edition,
                section=section,
                title=title,
                speaker=speaker,
                text=text,
                position=position,
                **{key: value for key, value in subject.items() if value is not None},
            ),
            user=director,
        )


def _narratives(edition: ReportEdition, director) -> None:
    for project in TerritorialProject.objects.active_in(edition.year).order_by("pk")[:6]:
        narrative_save(
            narrative=TerritoryNarrative(
                edition=edition,
                territorial_project=project,
                subtitle=project.summary[:200] if project.summary else "",
                text=(
                    "- **Mobilisation des acteurs locaux** (associations et habitants)\n"
                    "- Réflexion sur les **activités et les besoins** du territoire\n"
                    "- Travail sur la **gouvernance et le modèle économique**"
                ),
            ),
            user=director,
        )


def seed(ctx: DemoContext) -> None:
    director = ctx.accounts.get("direction")
    for username, title in JOB_TITLES.items():
        if username in ctx.accounts:
            account = ctx.accounts[username]
            account.job_title = title
            account.save(update_fields=["job_title"])
    for year in (ctx.showcase_year, ctx.today.year - 2):
        edition = edition_start(year=year, user=director)
        edition = edition_save_texts(
            year=year, data=_texts(year, director), version=edition.version, user=director
        )
        _name_events(year)
        _images(edition, director)
        _focuses(edition, director)
        _narratives(edition, director)
        edition_publish(edition=edition, user=director)
    # Last year's draft starts from the year before: its texts wait to be reread.
    edition_start(year=ctx.today.year - 1, user=director)
