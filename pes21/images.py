"""What an uploaded image is, judged by its bytes: the one check every image upload goes
through (the report's pictures, documents attached to a record).

Pillow's verdict depends on a global switch: `ImageFile.LOAD_TRUNCATED_IMAGES`, which
WeasyPrint turns on for the whole process once it has built a PDF. With it on, Pillow accepts
a truncated image, skips the checksums of a PNG's chunks and drops a text chunk that inflates
past its limit instead of refusing it; with it off, that same text chunk raises a ValueError
nobody caught (an error 500). So the file's structure is checked here first, by rules that
do not move: a PNG's chunks and their checksums, its text chunks inflated to a bound, its
pixel data whole; a JPEG's end; a WebP's declared size. Pillow then decodes what passed.
"""

import io
import struct
import zlib

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

# A decompression bomb (a small file of huge pixels) is refused before it is decoded.
MAX_PIXELS = 40_000_000
# What one text chunk of a PNG may inflate to, and all of them together: Pillow's own
# defaults (ImageFile.SAFEBLOCK, 64 of them), whatever state Pillow is in.
MAX_TEXT_CHUNK = 1024 * 1024
MAX_TEXT_TOTAL = 64 * MAX_TEXT_CHUNK

FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
_TOO_LARGE = "L'image est trop grande (plus de 40 millions de pixels)."


def refused(formats=FORMATS) -> str:
    # A logo is often an SVG: the report's form says so.
    svg = " (SVG refusé)" if set(formats) == set(FORMATS) else ""
    return f"Ce fichier n'est pas une image {_names(formats)} lisible{svg}."


def _names(formats) -> str:
    names = [FORMATS[kind] for kind in formats]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " ou " + names[-1]


class _Damaged(Exception):
    pass


def read_image(raw: bytes, *, formats=FORMATS) -> Image.Image:
    """The image, decoded, if `raw` is one of `formats` whole and sound; else ValidationError
    with the form's French message."""
    try:
        _check_structure(raw)
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format not in formats:
                raise ValidationError(refused(formats))
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_TOO_LARGE)
            probe.verify()
        image = Image.open(io.BytesIO(raw))
        image.load()
    except ValidationError:
        raise
    # Whatever Pillow raises for a file it cannot read (ValueError included: a PNG text chunk
    # too large) is the same answer to the person: this is not a readable image.
    except (_Damaged, UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(refused(formats)) from None
    except Image.DecompressionBombError:
        raise ValidationError(_TOO_LARGE) from None
    return image


def _check_structure(raw: bytes) -> None:
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        _check_png(raw)
    elif raw.startswith(b"\xff\xd8\xff"):
        # A JPEG ends with its EOI marker after its last scan; neither marker can appear
        # inside the compressed data (an 0xFF there is followed by 0x00).
        if raw.rfind(b"\xff\xd9") < raw.rfind(b"\xff\xda"):
            raise _Damaged
    elif raw.startswith(b"RIFF") and raw[8:12] == b"WEBP":
        _check_webp(raw)


def _check_webp(raw: bytes) -> None:
    """A WebP holds at least the size its RIFF header declares."""
    if len(raw) < 8 + struct.unpack_from("<I", raw, 4)[0]:
        raise _Damaged


_TEXT_CHUNKS = {b"tEXt", b"zTXt", b"iTXt", b"iCCP"}


def _check_png(raw: bytes) -> None:
    """Every chunk whole with its checksum, up to IEND; text inflated within bounds; the pixel
    data inflating to exactly the size its header gives."""
    position, text_total, pixels, header = 8, 0, zlib.decompressobj(), None
    expected = inflated = 0
    while True:
        if position + 8 > len(raw):
            raise _Damaged
        length, kind = struct.unpack_from(">I4s", raw, position)
        data = raw[position + 8 : position + 8 + length]
        end = position + 12 + length
        if len(data) < length or end > len(raw):
            raise _Damaged
        if zlib.crc32(data, zlib.crc32(kind)) != struct.unpack_from(">I", raw, end - 4)[0]:
            raise _Damaged
        if kind == b"IHDR":
            header = data
            expected = _raw_size(data)
        elif kind in _TEXT_CHUNKS:
            text_total += _text_size(kind, data)
            if text_total > MAX_TEXT_TOTAL:
                raise _Damaged
        elif kind == b"IDAT":
            if header is None:
                raise _Damaged
            inflated = _inflate_pixels(pixels, data, inflated, expected)
        elif kind == b"IEND":
            break
        position = end
    try:
        inflated += len(pixels.flush())
    except zlib.error:
        raise _Damaged from None
    if header is None or inflated != expected:
        raise _Damaged


def _inflate_pixels(pixels, data: bytes, inflated: int, expected: int) -> int:
    """Inflate a chunk of pixel data a megabyte at a time, counting it: never more than the
    image holds, whatever the stream would inflate to."""
    try:
        while data:
            if pixels.eof:  # data after the end of the pixels' stream
                raise _Damaged
            inflated += len(pixels.decompress(data, 1024 * 1024))
            if inflated > expected:
                raise _Damaged
            data = pixels.unconsumed_tail or pixels.unused_data
    except zlib.error:
        raise _Damaged from None
    return inflated


def _raw_size(header: bytes) -> int:
    """The bytes of a PNG's filtered pixel data, from its header (non-interlaced, or not
    checked: an interlaced image's passes are left to Pillow)."""
    if len(header) != 13:
        raise _Damaged
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour)
    if channels is None:
        raise _Damaged
    if width * height > MAX_PIXELS:
        raise ValidationError(_TOO_LARGE)
    if interlace:
        return sum(
            rows * (1 + (columns * channels * depth + 7) // 8)
            for columns, rows in _passes(width, height)
            if columns and rows
        )
    return height * (1 + (width * channels * depth + 7) // 8)


def _passes(width: int, height: int) -> list[tuple[int, int]]:
    """The size of each of Adam7's seven passes."""
    starts = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2))
    sizes = [
        ((width - x + step_x - 1) // step_x, (height - y + step_y - 1) // step_y)
        for x, y, step_x, step_y in starts
    ]
    return [*sizes, (width, height // 2)]


def _text_size(kind: bytes, data: bytes) -> int:
    """How large a text (or colour profile) chunk is once inflated, refusing one past
    MAX_TEXT_CHUNK without inflating further."""
    name, _, rest = data.partition(b"\0")
    if kind == b"tEXt":
        return len(rest)
    if kind == b"iTXt":
        compressed, rest = rest[:1] == b"\1", rest[2:]
        # Language tag and translated keyword, each ended by a NUL, before the text.
        rest = rest.split(b"\0", 2)[-1] if rest.count(b"\0") >= 2 else b""
        if not compressed:
            return len(rest)
    else:  # zTXt, iCCP: a compression method byte, then the stream
        rest = rest[1:]
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(rest, MAX_TEXT_CHUNK + 1)
    except zlib.error:
        raise _Damaged from None
    if len(text) > MAX_TEXT_CHUNK:
        raise _Damaged
    return len(text)
