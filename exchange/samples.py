"""The 2022 sample dataset kept in the project: the model staff fill in, and the tests' input.

`exchange/sample/2022/` holds one CSV per file of the contract (docs/import-format.md) and
`expected.json`, the figures the 2022 report must show once the CSVs are imported.
"""

import io
import zipfile
from pathlib import Path

SAMPLE_2022 = Path(__file__).resolve().parent / "sample" / "2022"
SAMPLE_ZIP_NAME = "pes21-exemple-2022.zip"


def sample_zip() -> bytes:
    """The sample folder as a .zip (a few kilobytes), importable as it is."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(SAMPLE_2022.iterdir()):
            if path.is_file():
                archive.write(path, path.name)
    return buffer.getvalue()
