import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # The staff digest reads the import jobs' states there: never the developer's own.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXCHANGE_JOBS_IN_THREADS = False
