import datetime as dt
import io
import uuid

from django.urls import reverse

from accompaniment.models import Holder
from tests import factories

URL = "accompaniment:holder_create"


def _data(**overrides):
    data = {
        "submission_token": str(uuid.uuid4()),
        "version": "1",
        "last_name": "Vauthier",
        "first_name": "Lise",
        "email": "lise@example.org",
        "phone": "06 12 34 56 78",
        "postal_code": "21000",
        "commune": "Dijon",
        "consent_on": "2024-02-01",
    }
    data.update(overrides)
    return data


def test_staff_creates_a_holder_with_a_normalised_phone(staff_client):
    response = staff_client.post(reverse(URL), _data())
    holder = Holder.objects.get()
    assert response["Location"] == holder.get_absolute_url()
    assert holder.phone == "0612345678"
    assert holder.consent_on == dt.date(2024, 2, 1)


def test_same_name_and_email_warns_and_saves_nothing(staff_client):
    existing = factories.HolderFactory(
        last_name="Vauthier", first_name="Lise", email="LISE@example.org", phone=""
    )
    response = staff_client.post(reverse(URL), _data(phone=""))
    assert response.status_code == 200
    form = response.context["form"]
    assert "confirm_duplicate" in form.errors
    assert form.duplicates == [existing]
    assert "Créer quand même" in response.content.decode()
    assert Holder.objects.count() == 1


def test_same_name_and_phone_warns_whatever_the_spacing(staff_client):
    factories.HolderFactory(last_name="vauthier", first_name="LISE", email="", phone="0612345678")
    response = staff_client.post(reverse(URL), _data(email="autre@example.org"))
    assert "confirm_duplicate" in response.context["form"].errors
    assert Holder.objects.count() == 1


def test_confirming_creates_the_homonym(staff_client):
    factories.HolderFactory(last_name="Vauthier", first_name="Lise", email="lise@example.org")
    response = staff_client.post(reverse(URL), _data(confirm_duplicate="on"))
    assert response.status_code == 302
    assert Holder.objects.filter(last_name="Vauthier").count() == 2


def test_same_name_with_other_contacts_is_not_a_duplicate(staff_client):
    factories.HolderFactory(last_name="Vauthier", first_name="Lise", email="x@example.org")
    response = staff_client.post(reverse(URL), _data())
    assert response.status_code == 302
    assert Holder.objects.count() == 2


def test_editing_a_holder_does_not_warn_about_itself(staff_client):
    holder = factories.HolderFactory(
        last_name="Vauthier", first_name="Lise", email="lise@example.org", phone="0612345678"
    )
    response = staff_client.post(
        reverse("accompaniment:holder_edit", args=[holder.pk]), _data(commune="Beaune")
    )
    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.commune == "Beaune"


def test_bad_contact_details_are_refused_on_their_fields(staff_client):
    response = staff_client.post(
        reverse(URL),
        _data(email="pas-un-courriel", phone="12", postal_code="2100", consent_on="2999-01-01"),
    )
    errors = response.context["form"].errors
    assert set(errors) >= {"email", "phone", "postal_code", "consent_on"}
    assert errors["postal_code"] == ["Un code postal compte 5 chiffres."]
    assert not Holder.objects.exists()


def test_holder_page_lists_all_their_projects(staff_client):
    holder = factories.HolderFactory()
    partner = factories.HolderFactory(first_name="Bruno", last_name="Morin")
    factories.ProjectFactory(name="Recyclerie", holders=[holder])
    factories.ProjectFactory(name="Café associatif", holders=[holder, partner])
    factories.ProjectFactory(name="Projet d'un autre")
    html = staff_client.get(holder.get_absolute_url()).content.decode()
    assert "Recyclerie" in html and "Café associatif" in html
    assert "Bruno Morin" in html
    assert "Projet d&#x27;un autre" not in html


def test_holder_picker_finds_holders_by_name(staff_client):
    factories.HolderFactory(first_name="Lise", last_name="Vauthier")
    factories.HolderFactory(first_name="Bruno", last_name="Morin")
    url = reverse("picker", args=["porteur"])
    response = staff_client.post(url, {"name": "holders", "holders_q": "vauth", "multiple": "1"})
    html = response.content.decode()
    assert "Lise Vauthier" in html and "Morin" not in html
    assert 'type="checkbox" name="holders"' in html
    bad = staff_client.post(url, {"name": "pass word", "pass word_q": "vauth"})
    assert bad.status_code == 400


def test_a_holder_form_sent_twice_creates_one_holder(staff_client):
    data = _data()
    first = staff_client.post(reverse(URL), data)
    second = staff_client.post(reverse(URL), data)
    assert Holder.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_demo_holders_pass_the_holder_form(db):
    """Every demo holder can be edited without first fixing its seeded contact details."""
    from django.core.management import call_command

    from accompaniment.forms import HolderForm

    call_command("seed_demo", stdout=io.StringIO())
    for holder in Holder.objects.all()[:300]:
        data = {
            "version": holder.version,
            "last_name": holder.last_name,
            "first_name": holder.first_name,
            "email": holder.email,
            "phone": holder.phone,
            "postal_code": holder.postal_code,
            "commune": holder.commune,
        }
        form = HolderForm(data, instance=holder)
        assert form.is_valid(), (holder.email, form.errors)
