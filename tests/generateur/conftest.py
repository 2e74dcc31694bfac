from tests.browser.conftest import chromium, page, shots  # noqa: F401 (browser fixtures)
