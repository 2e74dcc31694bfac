"""Every figure of the report, declared once, in the order a reader meets them (their selector,
section, label, tile words); reporting/registry.py turns the list into the registry."""

from followups import selectors as followups_selectors

from . import selectors
from .figure_types import Figure, Shape, Words
from .presentation import series_label


def _follow_up_block(prefix: str, title: str, cohort: tuple[str, str], section: str, selector):
    """The figures of one survival block (rules: docs/import-format.md, « Outcome follow-ups »)."""
    parts = [
        cohort,
        ("structures", "structures"),
        ("suivies", "structures suivies"),
        ("non_renseignees", "structures sans réponse"),
        ("actives", "structures en activité"),
        ("reprises", "structures reprises"),
        ("arretees", "structures arrêtées"),
        ("taux_survie", "taux de survie (%)"),
        ("emplois_avant", "emplois au départ"),
        ("emplois_apres", "emplois"),
        ("etp_apres", "ETP"),
    ]
    return [
        Figure(
            f"{prefix}.{name}",
            section,
            f"{title} : {label}",
            selector,
            nullable=name == "taux_survie",
        )
        for name, label in parts
    ]


_S, _F = selectors, followups_selectors

FIGURES: list[Figure] = [
    # --- The contract's table -------------------------------------------------------
    Figure(
        "dla.structures_beneficiaires",
        "dla",
        "Structures bénéficiaires du DLA",
        _S.dla_figures,
        Words("structure bénéficiaire du DLA", "structures bénéficiaires du DLA"),
        contract=True,
    ),
    Figure(
        "dla.structures_accueillies",
        "dla",
        "Structures accueillies",
        _S.dla_figures,
        Words("structure accueillie", "structures accueillies"),
        contract=True,
    ),
    Figure(
        "dla.diagnostics",
        "dla",
        "Diagnostics partagés",
        _S.dla_figures,
        Words("diagnostic", "diagnostics"),
        contract=True,
    ),
    Figure(
        "dla.ingenieries_individuelles",
        "dla",
        "Ingénieries individuelles",
        _S.dla_figures,
        Words("ingénierie individuelle", "ingénieries individuelles"),
        contract=True,
    ),
    Figure(
        "dla.ingenieries_collectives",
        "dla",
        "Ingénieries collectives",
        _S.dla_figures,
        Words("ingénierie collective", "ingénieries collectives"),
        contract=True,
    ),
    Figure(
        "dla.ingenieries_collectives_structures",
        "dla",
        "Structures en ingénierie collective",
        _S.dla_figures,
        Words("structure bénéficiaire", "structures bénéficiaires"),
        contract=True,
    ),
    Figure(
        "dla.suivis_post",
        "dla",
        "Suivis post-accompagnement",
        _S.dla_figures,
        Words("suivi post", "suivis post"),
        contract=True,
    ),
    Figure(
        "dla.emplois_consolides",
        "dla",
        "Emplois consolidés",
        _S.dla_figures,
        Words("emploi consolidé", "emplois consolidés"),
        contract=True,
    ),
    Figure(
        "creation.projets_accueillis",
        "creation",
        "Projets accueillis (Bénéfices'Créa)",
        _S.creation_figures,
        Words("projet accueilli", "projets accueillis"),
        contract=True,
    ),
    Figure(
        "creation.projets_accompagnes",
        "creation",
        "Projets accompagnés (Bénéfices'Créa)",
        _S.creation_figures,
        Words("projet accompagné", "projets accompagnés"),
        contract=True,
    ),
    Figure(
        "creation.structures_creees",
        "creation",
        "Structures créées (Bénéfices'Créa)",
        _S.creation_figures,
        Words("structure créée", "structures créées"),
        contract=True,
    ),
    Figure(
        "creation.emplois_crees",
        "creation",
        "Emplois créés (Bénéfices'Créa)",
        _S.creation_figures,
        Words("emploi créé", "emplois créés"),
        contract=True,
    ),
    Figure(
        "sensibilisation.ateliers_pes",
        "sensibilisation",
        "Ateliers animés par le PES",
        _S.sensibilisation_figures,
        Words("atelier animé par le PES", "ateliers animés par le PES"),
        contract=True,
    ),
    Figure(
        "sensibilisation.ateliers_par_cycle",
        "sensibilisation",
        "Ateliers animés par le PES",
        _S.sensibilisation_figures,
        shape=Shape.BREAKDOWN,
        part_label=series_label,
        contract=True,
    ),
    Figure(
        "sensibilisation.ateliers_collectif",
        "sensibilisation",
        "Ateliers du collectif (partenaires compris)",
        _S.sensibilisation_figures,
        contract=True,
    ),
    Figure(
        "sensibilisation.formations",
        "sensibilisation",
        "Formations",
        _S.sensibilisation_figures,
        Words("formation", "formations"),
        contract=True,
    ),
    Figure(
        "generateur.projets_accompagnes",
        "generateur",
        "Projets de territoire accompagnés",
        _S.generateur_figures,
        Words("projet de territoire accompagné", "projets de territoire accompagnés"),
        contract=True,
    ),
    Figure(
        "vie_associative.benevoles_actifs",
        "vie_associative",
        "Bénévoles actifs",
        _S.vie_associative_figures,
        Words("bénévole actif", "bénévoles actifs"),
        contract=True,
    ),
    # --- The report's other figures ---------------------------------------------------
    Figure(
        "complements.dla.cout_eur",
        "dla",
        "Coût des ingénieries DLA (€)",
        _S.dla_engineering_means,
    ),
    Figure(
        "complements.dla.jours",
        "dla",
        "Jours d'ingénierie DLA",
        _S.dla_engineering_means,
    ),
    Figure(
        "complements.dla.themes",
        "dla",
        "Ingénieries par thème",
        _S.dla_engineerings_by_theme,
        shape=Shape.TABLE,
    ),
    *_follow_up_block(
        "complements.dla.suivi_1_an",
        "Structures DLA, 1 an après l'ingénierie",
        ("annee_ingenierie", "année de l'ingénierie"),
        "dla",
        _F.dla_survival,
    ),
    *_follow_up_block(
        "complements.dla.suivi_2_ans",
        "Structures DLA, 2 ans après l'ingénierie",
        ("annee_ingenierie", "année de l'ingénierie"),
        "dla",
        _F.dla_survival,
    ),
    Figure(
        "complements.creation.rendez_vous",
        "creation",
        "Rendez-vous avec les porteurs",
        _S.meeting_figures,
    ),
    Figure(
        "complements.creation.heures",
        "creation",
        "Heures de rendez-vous",
        _S.meeting_figures,
    ),
    Figure(
        "complements.creation.projets_rencontres",
        "creation",
        "Projets rencontrés en rendez-vous",
        _S.meeting_figures,
    ),
    Figure(
        "complements.creation.par_programme",
        "creation",
        "Par programme",
        _S.creation_by_programme,
        shape=Shape.TABLE,
    ),
    *_follow_up_block(
        "complements.creation.survie_3_ans",
        "Structures créées il y a 3 ans",
        ("annee_de_creation", "année de création"),
        "creation",
        _F.creation_survival,
    ),
    Figure(
        "complements.sensibilisation.actions_animees",
        "sensibilisation",
        "Ateliers, formations et événements animés par le PES",
        _S.collective_action_details,
    ),
    Figure(
        "complements.sensibilisation.evenements",
        "sensibilisation",
        "Événements animés par le PES",
        _S.collective_action_details,
    ),
    Figure(
        "complements.sensibilisation.participants",
        "sensibilisation",
        "Participants aux actions animées par le PES",
        _S.collective_action_details,
    ),
    Figure(
        "complements.sensibilisation.heures",
        "sensibilisation",
        "Heures d'actions collectives animées",
        _S.collective_action_details,
    ),
    Figure(
        "complements.sensibilisation.formations_par_organisme",
        "sensibilisation",
        "Formations par organisme",
        _S.collective_action_details,
        shape=Shape.TABLE,
    ),
    Figure(
        "complements.generateur.actions",
        "generateur",
        "Actions sur les territoires",
        _S.generateur_details,
        Words("action sur les territoires", "actions sur les territoires"),
    ),
    Figure(
        "complements.generateur.participants",
        "generateur",
        "Participants aux actions de territoire",
        _S.generateur_details,
        Words("participation aux actions", "participations aux actions"),
    ),
    Figure(
        "complements.generateur.structures_creees",
        "generateur",
        "Structures créées sur les territoires",
        _S.generateur_details,
    ),
    Figure(
        "complements.generateur.par_territoire",
        "generateur",
        "Projets de territoire accompagnés",
        _S.generateur_by_territory,
        shape=Shape.TABLE,
    ),
    Figure(
        "complements.generateur.actions_par_projet",
        "generateur",
        "Actions de chaque projet de territoire",
        _S.territorial_actions_by_project,
        shape=Shape.TABLE,
    ),
    Figure(
        "complements.vie_associative.heures_par_mission",
        "vie_associative",
        "Heures des bénévoles par mission",
        _S.volunteer_hours_by_mission,
        shape=Shape.TABLE,
    ),
    Figure(
        "complements.vie_associative.benevoles_par_mission",
        "vie_associative",
        "Bénévoles par mission",
        _S.volunteers_by_mission,
        shape=Shape.TABLE,
    ),
    Figure(
        "complements.dijon.evenements",
        "dijon",
        "Actions de la Métropole et de la Ville de Dijon",
        _S.events_of_series,
        shape=Shape.TABLE,
    ),
    Figure(
        "complements.club.evenements",
        "club",
        "Événements du Club des entrepreneurs de l'ESS",
        _S.events_of_series,
        shape=Shape.TABLE,
    ),
    # --- Since the creation of the association ----------------------------------------
    Figure(
        "depuis_creation.porteurs_accueillis",
        "depuis_creation",
        "Porteurs accueillis depuis la création",
        _S.since_creation_figures,
        Words("porteur de projet accueilli", "porteurs de projet accueillis"),
    ),
    Figure(
        "depuis_creation.projets_accueillis",
        "depuis_creation",
        "Projets accueillis depuis la création",
        _S.since_creation_figures,
    ),
    Figure(
        "depuis_creation.structures_creees",
        "depuis_creation",
        "Structures créées depuis la création",
        _S.since_creation_figures,
        Words("structure créée", "structures créées"),
    ),
    Figure(
        "depuis_creation.emplois_crees",
        "depuis_creation",
        "Emplois créés depuis la création",
        _S.since_creation_figures,
        Words("emploi créé", "emplois créés"),
    ),
    Figure(
        "depuis_creation.structures_dla_beneficiaires",
        "depuis_creation",
        "Structures bénéficiaires du DLA depuis la création",
        _S.since_creation_figures,
        Words("structure bénéficiaire du DLA", "structures bénéficiaires du DLA"),
    ),
    Figure(
        "depuis_creation.emplois_consolides",
        "depuis_creation",
        "Emplois consolidés depuis la création",
        _S.since_creation_figures,
        Words("emploi consolidé", "emplois consolidés"),
    ),
    # The charted figures of the years up to the report's, a row a year keyed by the
    # figures' keys; each chart shows in its figure's section, the rows stand with the totals
    # since the creation.
    Figure("historique", "depuis_creation", "Les années passées", _S.history, shape=Shape.TABLE),
]
