"""Queries the fuzz test of issue #9 found crashing PostgreSQL: a NUL byte in a search."""

from django.urls import reverse

from tests import factories


def test_search_with_a_nul_byte_finds_as_without_it(staff_client):
    factories.HolderFactory(last_name="Fournier", first_name="Hugo")

    response = staff_client.post(reverse("search"), {"q": "Four\x00nier"})

    assert response.status_code == 200
    assert "Fournier" in response.content.decode()


def test_holder_picker_with_a_nul_byte_answers(staff_client):
    factories.HolderFactory(last_name="Fournier", first_name="Hugo")

    response = staff_client.post(
        reverse("picker", args=["porteur"]), {"name": "holders", "holders_q": "Four\x00nier"}
    )

    assert response.status_code == 200
    assert "Fournier" in response.content.decode()
