"""Images of the report: checked by what they contain, resized for print, kept as bytes.

An upload is opened with Pillow whatever its name says: only JPEG, PNG and WebP pass (SVG and
anything else are refused), at most 5 Mo, then resized so its long side fits a printed page
at about 200 dpi and re-encoded (which also drops metadata such as a photo's GPS position).
"""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
# A full A4 width (170 mm) at 200 dpi; logos are printed far smaller.
MAX_SIDE = {"photo": 1400, "logo": 600}
# A decompression bomb (a small file of huge pixels) is refused before it is decoded.
MAX_PIXELS = 40_000_000


@dataclass
class PreparedImage:
    data: bytes
    content_type: str
    width: int
    height: int


def prepare_image(upload, *, logo: bool) -> PreparedImage:
    if upload.size > MAX_BYTES:
        raise ValidationError("L'image dépasse 5 Mo : réduisez-la avant de la déposer.")
    upload.seek(0)
    raw = upload.read()
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind = probe.format
            if kind not in ALLOWED_FORMATS:
                raise ValidationError(_refused())
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError("L'image est trop grande (plus de 40 millions de pixels).")
            probe.verify()
        image = Image.open(io.BytesIO(raw))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(_refused()) from None
    side = MAX_SIDE["logo" if logo else "photo"]
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    keeps_transparency = image.mode in ("RGBA", "LA", "P") and (logo or kind == "PNG")
    out = io.BytesIO()
    if keeps_transparency:
        image.convert("RGBA").save(out, "PNG", optimize=True)
        content_type = "image/png"
    else:
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
        content_type = "image/jpeg"
    return PreparedImage(out.getvalue(), content_type, image.width, image.height)


def _refused() -> str:
    return "Ce fichier n'est pas une image JPEG, PNG ou WebP lisible (SVG refusé)."
