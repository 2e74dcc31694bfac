"""The end-of-accompaniment questionnaire: staff choose whom to send it to, the link is unique,
single-use and expires, answers show on the project page and sum up in the yearly report, and
an erasure empties them while the figures stay."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from privacy.services import holder_anonymise
from public import questionnaires, selectors
from public.models import QuestionnaireAnswer, QuestionnaireInvitation
from tests import factories
from tests.public.conftest import filled, link_in

pytestmark = pytest.mark.django_db
SITE = "https://pes21.example.org"


@pytest.fixture
def closed(staff):
    holders = [
        factories.HolderFactory(first_name="Pascale", last_name="Repellin", email="p@example.org"),
        factories.HolderFactory(first_name="Hugo", last_name="Martin", email="h@example.org"),
    ]
    return factories.ProjectFactory(
        name="Burn Out Dijon",
        holders=holders,
        status="cree",
        started_on=dt.date(2022, 3, 1),
        ended_on=dt.date(2024, 3, 1),
        created_on=dt.date(2024, 3, 1),
    )


def _invite(project, staff, *holders, now=None):
    return questionnaires.questionnaire_invite(
        project=project, holders=holders, user=staff, site_url=SITE, now=now
    )


ANSWERS = {
    "satisfaction": "5",
    "motivation": "Créer un lieu de parole.",
    "heard_from": "partenaire",
    "brought": "Une trame pour conduire notre réflexion.",
    "quote": "Cet accompagnement a été un soutien précieux.",
    "publication": "prenom",
    "consent": "on",
}


def test_staff_send_the_link_to_the_holders_they_choose(staff_client, closed, outbox):
    pascale, hugo = (closed.holders.get(last_name=n) for n in ("Repellin", "Martin"))
    page = staff_client.get(closed.get_absolute_url()).content.decode()
    assert "Envoyer le questionnaire" in page

    response = staff_client.post(
        reverse("public_staff:questionnaire_invite", args=[closed.pk]),
        {"holders": [pascale.pk]},
        follow=True,
    )

    assert "Questionnaire envoyé à : Pascale Repellin." in response.content.decode()
    (message,) = outbox
    assert message.to == ["p@example.org"]
    assert link_in(message, "questionnaire")
    assert QuestionnaireInvitation.objects.get().holder == pascale
    assert hugo.questionnaire_invitations.count() == 0


def test_the_questionnaire_waits_for_the_project_to_be_closed(staff):
    project = factories.ProjectFactory(status="accompagne", started_on=dt.date(2024, 1, 1))

    with pytest.raises(ValidationError):
        _invite(project, staff, project.holders.get())

    assert not QuestionnaireInvitation.objects.exists()


def test_a_holder_answers_from_the_link_and_a_second_use_is_refused(
    public_client, closed, staff, outbox
):
    pascale = closed.holders.get(last_name="Repellin")
    _invite(closed, staff, pascale)
    path = link_in(outbox[-1], "questionnaire")
    page = public_client.get(path)
    assert page.status_code == 200 and "Burn Out Dijon" in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    response = public_client.post(path, filled("questionnaire", **ANSWERS))

    assert "Merci pour vos réponses" in response.content.decode()
    answer = QuestionnaireAnswer.objects.get()
    assert (answer.satisfaction, answer.publication) == (5, "prenom")
    assert answer.invitation.answered_at is not None
    again = public_client.post(path, filled("questionnaire", **ANSWERS))
    assert again.status_code == 410
    assert "déjà été rempli" in again.content.decode()
    assert public_client.get(path).status_code == 410
    assert QuestionnaireAnswer.objects.count() == 1


def test_a_link_expires(public_client, closed, staff, outbox, settings):
    pascale = closed.holders.get(last_name="Repellin")
    long_ago = timezone.now() - dt.timedelta(days=settings.PUBLIC_QUESTIONNAIRE_DAYS + 1)
    _invite(closed, staff, pascale, now=long_ago)

    response = public_client.get(link_in(outbox[-1], "questionnaire"))

    assert response.status_code == 410 and "expiré" in response.content.decode()


def test_sending_again_replaces_the_first_link(public_client, closed, staff, outbox):
    pascale = closed.holders.get(last_name="Repellin")
    _invite(closed, staff, pascale)
    first = link_in(outbox[-1], "questionnaire")
    _invite(closed, staff, pascale)

    assert public_client.get(first).status_code == 404
    assert public_client.get(link_in(outbox[-1], "questionnaire")).status_code == 200


def test_a_holder_who_answered_is_not_asked_again(closed, staff):
    pascale = closed.holders.get(last_name="Repellin")
    (invitation,) = _invite(closed, staff, pascale)
    questionnaires.questionnaire_answer(invitation=invitation, data={"satisfaction": 4})

    with pytest.raises(ValidationError) as refused:
        _invite(closed, staff, pascale)

    assert "a déjà répondu" in refused.value.messages[0]


def test_the_answers_show_on_the_project_page(staff_client, closed, staff):
    pascale = closed.holders.get(last_name="Repellin")
    (invitation,) = _invite(closed, staff, pascale)
    questionnaires.questionnaire_answer(
        invitation=invitation,
        data={"satisfaction": 4, "missed": "Plus de rendez-vous collectifs.", "quote": "Merci !"},
    )

    page = staff_client.get(closed.get_absolute_url()).content.decode()

    assert "Satisfait·e (4/5)" in page
    assert "Plus de rendez-vous collectifs." in page
    assert "Qu&#x27;est-ce qui vous a manqué ?" in page


def test_the_yearly_summary_counts_the_links_sent_that_year(closed, staff):
    pascale, hugo = (closed.holders.get(last_name=n) for n in ("Repellin", "Martin"))
    other = factories.ProjectFactory(
        status="abandonne", started_on=dt.date(2023, 1, 1), ended_on=dt.date(2024, 1, 1)
    )
    year = timezone.localdate().year
    a, b = _invite(closed, staff, pascale, hugo)
    (c,) = _invite(other, staff, other.holders.get())
    questionnaires.questionnaire_answer(invitation=a, data={"satisfaction": 5, **_quote("prenom")})
    questionnaires.questionnaire_answer(invitation=b, data={"satisfaction": 2, **_quote("non")})
    older = factories.ProjectFactory(
        status="abandonne", started_on=dt.date(2023, 1, 1), ended_on=dt.date(2024, 1, 1)
    )
    last_december = dt.datetime(year - 1, 12, 15, 12, tzinfo=timezone.get_current_timezone())
    _invite(older, staff, older.holders.get(), now=last_december)

    summary = selectors.questionnaire_summary(year)

    assert (summary["envoyes"], summary["reponses"]) == (3, 2)
    assert summary["taux_reponse"] == 66.7
    assert summary["satisfaction_moyenne"] == 3.5
    assert summary["satisfaits"] == 1
    assert {row["niveau"]: row["reponses"] for row in summary["par_niveau"]} == {
        5: 1,
        4: 0,
        3: 0,
        2: 1,
        1: 0,
    }
    # Only the words their author allowed to publish, signed as they chose.
    assert summary["citations"] == [
        {"texte": "Un soutien précieux.", "signature": "Pascale, Burn Out Dijon"}
    ]
    assert selectors.questionnaire_summary(year - 1)["envoyes"] == 1
    assert c.answered_at is None


def _quote(publication: str) -> dict:
    return {"quote": "Un soutien précieux.", "publication": publication}


def test_the_report_page_shows_the_summary(director_client, closed, staff):
    pascale = closed.holders.get(last_name="Repellin")
    (invitation,) = _invite(closed, staff, pascale)
    questionnaires.questionnaire_answer(
        invitation=invitation, data={"satisfaction": 5, **_quote("anonyme")}
    )
    year = timezone.localdate().year

    page = director_client.get(reverse("reporting:report", args=[year])).content.decode()

    assert "Ce qu’en disent les porteurs accompagnés" in page
    assert "Un soutien précieux." in page
    assert "Un·e porteur·se de projet accompagné·e par le Pôle" in page
    assert "Pascale" not in page.split("Ce qu’en disent")[1].split("</div>")[0]


def test_an_erasure_empties_the_answers_and_keeps_the_figures(closed, staff, director):
    pascale = closed.holders.get(last_name="Repellin")
    (invitation,) = _invite(closed, staff, pascale)
    questionnaires.questionnaire_answer(
        invitation=invitation,
        data={"satisfaction": 5, "brought": "Pascale a trouvé sa voie.", **_quote("prenom")},
    )
    year = timezone.localdate().year
    before = selectors.questionnaire_summary(year)

    erasure = holder_anonymise(holder=pascale, user=director, reason="demande")

    answer = QuestionnaireAnswer.objects.get()
    assert (answer.brought, answer.quote) == ("", "") and not answer.may_be_quoted
    assert answer.satisfaction == 5
    after = selectors.questionnaire_summary(year)
    assert {k: after[k] for k in ("envoyes", "reponses", "satisfaction_moyenne")} == {
        k: before[k] for k in ("envoyes", "reponses", "satisfaction_moyenne")
    }
    assert after["citations"] == []
    assert "Réponses au questionnaire" in erasure.actions
