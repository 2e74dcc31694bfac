import pytest
from django.core.management import call_command

from devtools.demo import DemoContext
from dla.models import CollectiveEngineering, Provider, Step, StepKind, Structure
from dla.selectors import follow_ups_due


@pytest.mark.django_db
def test_seed_demo_gives_the_dla_pages_something_to_show():
    call_command("seed_demo")
    today = DemoContext().today
    assert Structure.objects.filter(esus_obtained_on__isnull=False).exists()
    assert Provider.objects.exclude(contact_name="").exists()
    assert CollectiveEngineering.objects.filter(steps__isnull=False).exists()
    assert Step.objects.filter(kind=StepKind.POST_FOLLOW_UP).exists()
    assert follow_ups_due(today=today).exists()
