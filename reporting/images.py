"""Images of the report: checked by what they contain, resized for print, kept as bytes.

An upload is read by `pes21.images.read_image` whatever its name says: only JPEG, PNG and WebP
pass (SVG and anything else are refused), at most 5 Mo. It is turned upright as the camera
said, its colours brought to sRGB, resized so its long side fits a printed page at about
200 dpi, and encoded again from its pixels alone: no metadata survives (a photo's GPS
position, a JPEG comment, a PNG's text, its colour profile once applied).
"""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image, ImageCms, ImageOps

from pes21.images import read_image

MAX_BYTES = 5 * 1024 * 1024
# A full A4 width (170 mm) at 200 dpi; logos are printed far smaller.
MAX_SIDE = {"photo": 1400, "logo": 600}


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
    image = read_image(upload.read())
    kind = image.format
    image = _in_srgb(ImageOps.exif_transpose(image))
    side = MAX_SIDE["logo" if logo else "photo"]
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    keeps_transparency = image.mode in ("RGBA", "LA", "P") and (logo or kind == "PNG")
    image = image.convert("RGBA" if keeps_transparency else "RGB")
    # Saved from the pixels only: Pillow writes back what `info` holds (a JPEG comment, an
    # ICC profile, a resolution), so it is emptied first.
    image.info = {}
    out = io.BytesIO()
    if keeps_transparency:
        image.save(out, "PNG", optimize=True)
        content_type = "image/png"
    else:
        image.save(out, "JPEG", quality=85, optimize=True)
        content_type = "image/jpeg"
    return PreparedImage(out.getvalue(), content_type, image.width, image.height)


def _in_srgb(image: Image.Image) -> Image.Image:
    """The image in sRGB, its colour profile applied (a phone's Display P3 photo keeps its
    colours in print once the profile is dropped); as it is when the profile is unreadable."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        return ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode=image.mode,
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
