"""One record of every kind, and one user of every role, for the permission matrix."""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pes21.models import Attachment, User
from reporting.models import Focus, ReportEdition, ReportImage
from reporting.services import edition_publish
from tests import factories
from volunteers.models import Case, Contribution


@dataclass
class World:
    users: dict[str, User]
    objects: dict[str, object]

    def __getitem__(self, key):
        return self.objects[key]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "green").save(buffer, "PNG")
    return buffer.getvalue()


def build_world() -> World:
    staff = factories.staff_user(username="m-equipe")
    director = factories.director_user(username="m-direction")
    volunteer = factories.volunteer_user(username="m-benevole")
    other = factories.volunteer_user(username="m-autre-benevole")
    profile = factories.VolunteerFactory(user=volunteer, last_name="Bénévole")
    factories.VolunteerFactory(user=other, last_name="Autre")
    holder = factories.HolderFactory(last_name="Porteuse")
    project = factories.ProjectFactory(
        holders=[holder], referent=staff, status="accompagne", started_on=dt.date(2022, 3, 2)
    )
    open_project = factories.ProjectFactory(holders=[factories.HolderFactory()])
    meeting = factories.MeetingFactory(project=project, staff=staff)
    action = factories.CollectiveActionFactory()
    provider = factories.ProviderFactory()
    collective = factories.CollectiveEngineeringFactory(provider=provider)
    structure = factories.StructureFactory()
    step = factories.StepFactory(
        structure=structure,
        kind="ingenierie_individuelle",
        provider=provider,
        days=Decimal(3),
        cost_eur=Decimal(3000),
    )
    factories.StepFactory(kind="ingenierie_collective", collective=collective, provider=provider)
    territory = factories.TerritoryFactory(name="Dijon", insee_code="21231")
    territorial = factories.TerritorialProjectFactory(territory=territory)
    territorial_action = factories.TerritorialActionFactory(project=territorial)
    taken = Case.objects.create(
        project=project,
        description="Relire le budget",
        status="pris",
        volunteer=profile,
        opened_by=staff,
    )
    open_case = Case.objects.create(
        project=open_project, description="Étude de marché", opened_by=staff
    )
    Contribution.objects.create(
        volunteer=profile,
        case=taken,
        mission="co_accompagnement",
        date=dt.date(2022, 5, 1),
        minutes=60,
    )
    edition = ReportEdition.objects.create(year=2022)
    # States the accessibility audit must reach (issue 28): a structure's follow-up overdue on
    # the staff member's agenda and desk, a published edition on the report's index.
    factories.ProjectFactory(
        holders=[factories.HolderFactory()],
        referent=staff,
        status="cree",
        started_on=dt.date.today() - dt.timedelta(days=800),
        ended_on=dt.date.today() - dt.timedelta(days=400),
        created_on=dt.date.today() - dt.timedelta(days=400),
    )
    edition_publish(edition=ReportEdition.objects.create(year=2021), user=director)
    focus = Focus.objects.create(edition=edition, section="creation", title="Focus", text="Texte")
    report_image = ReportImage.objects.create(
        edition=edition,
        kind="logo",
        alt="Logo",
        content_type="image/png",
        data=_png(),
        width=2,
        height=2,
    )
    attachment = Attachment.objects.create(
        target=project, title="Budget", file=SimpleUploadedFile("budget.pdf", b"%PDF-1")
    )
    return World(
        users={
            "volunteer": volunteer,
            "other_volunteer": other,
            "staff": staff,
            "director": director,
        },
        objects={
            "holder": holder,
            "project": project,
            "meeting": meeting,
            "action": action,
            "provider": provider,
            "collective": collective,
            "structure": structure,
            "step": step,
            "territory": territory,
            "territorial": territorial,
            "territorial_action": territorial_action,
            "taken_case": taken,
            "open_case": open_case,
            "volunteer": profile,
            "edition": edition,
            "focus": focus,
            "report_image": report_image,
            "attachment": attachment,
            # Someone who never logs in here, so their reset token stays valid.
            "reset_user": factories.UserFactory(username="m-oubli"),
        },
    )
