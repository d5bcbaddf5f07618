"""Profile photos: check an uploaded image by its content and re-encode it as a small square.

The upload is identified by Pillow from its bytes, never by its file name or
declared content type, and only JPEG, PNG and GIF are accepted. Images whose
header announces more than ``MAX_PIXELS`` pixels are rejected before any pixel
is decoded, so a small file that would expand to gigabytes of memory (a
decompression bomb) costs nothing. The result is rebuilt from pixels only, so
EXIF (including GPS positions), ICC profiles, comments and other metadata are
dropped. It is cropped to a centred square and scaled down to at most
``MAX_SIDE`` pixels per side.
"""

from __future__ import annotations

import io
import logging
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from teams_app.domain.errors import FieldError, ValidationFailed
from teams_app.i18n import gettext_noop as N_

logger = logging.getLogger(__name__)

# Largest upload in bytes.
MAX_PHOTO_BYTES = 5 * 1024 * 1024
# Largest image in pixels (width times height): 40 megapixels, more than any
# phone camera of 2025 takes, and below Pillow's own bomb warning (about 89
# megapixels), which is also turned into an error here.
MAX_PIXELS = 40_000_000
# Maximum width and height of a stored photo in pixels.
MAX_SIDE = 150
JPEG_QUALITY = 88

# Pillow format names accepted. MPO is the multi-picture JPEG some cameras
# write; Pillow reports it as its own format, and its first picture is a JPEG.
ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "GIF": "GIF"}
_OPEN_FORMATS = ("JPEG", "PNG", "GIF")


@dataclass(frozen=True)
class Photo:
    """A processed photo, ready to store and serve."""

    content: bytes
    content_type: str
    width: int
    height: int
    # The format Pillow found in the upload: JPEG, PNG or GIF.
    source_format: str


class PhotoRejected(ValidationFailed):
    """An upload that is not a usable JPEG, PNG or GIF; ``code`` names the reason."""

    def __init__(self, code: str, message_id: str, **fields: object) -> None:
        super().__init__([FieldError("photo", code)])
        self.code = code
        self.message_id = message_id
        self.fields = fields


def photo_too_large() -> PhotoRejected:
    """Return the error for an upload of more than ``MAX_PHOTO_BYTES`` bytes."""
    return PhotoRejected(
        "photo_too_large",
        N_("The photo is larger than {limit} MB. Please choose a smaller file."),
        limit=MAX_PHOTO_BYTES // (1024 * 1024),
    )


def process_photo(data: bytes) -> Photo:
    """Check an uploaded image and return it as a metadata-free square of at most 150×150.

    Raises ``PhotoRejected`` for an empty or oversized upload, a file that is
    not JPEG, PNG or GIF, an image with too many pixels, or a truncated or
    corrupt file. CPU-bound: run it in an executor from async code.
    """
    if not data:
        raise PhotoRejected("photo_empty", N_("The photo file is empty."))
    if len(data) > MAX_PHOTO_BYTES:
        raise photo_too_large()

    with warnings.catch_warnings():
        # Pillow warns, rather than fails, between MAX_IMAGE_PIXELS and twice
        # that; here every bomb warning is an error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            source_format = _verify(data)
            image = _decode(data)
        except PhotoRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except UnidentifiedImageError:
            raise _unsupported() from None
        # Pillow plugins raise any of these on truncated or malformed data.
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error) as error:
            logger.info("photo rejected as corrupt: %s", error)
            raise PhotoRejected(
                "photo_corrupt",
                N_(
                    "The photo file is damaged or incomplete and cannot be read. "
                    "Please save it again or choose another file."
                ),
            ) from None

    square = _crop_square(image)
    has_alpha = square.mode == "RGBA"
    output = io.BytesIO()
    if source_format == "JPEG" and not has_alpha:
        square.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        content_type = "image/jpeg"
    else:
        square.save(output, format="PNG", optimize=True)
        content_type = "image/png"
    return Photo(output.getvalue(), content_type, square.width, square.height, source_format)


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data), formats=_OPEN_FORMATS)
    if image.format not in ACCEPTED_FORMATS:
        raise _unsupported()
    width, height = image.size
    if width < 1 or height < 1:
        raise PhotoRejected("photo_corrupt", N_("The photo has no pixels."))
    if width * height > MAX_PIXELS:
        raise _too_many_pixels()
    return image


def _verify(data: bytes) -> str:
    """Check the structure (PNG checksums, for one) before decoding; return the format."""
    with _open(data) as image:
        source_format = ACCEPTED_FORMATS[str(image.format)]
        image.verify()
    return source_format


def _decode(data: bytes) -> Image.Image:
    """Decode the first frame and return it upright, in sRGB, built from pixels only."""
    # verify() leaves an image unusable, so the bytes are opened a second time.
    with _open(data) as image:
        image.seek(0)  # the first frame of an animated GIF or PNG
        image.load()
        icc_profile = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)
        pixels = _to_rgb_or_rgba(upright)

    pixels = _to_srgb(pixels, icc_profile)
    # A new image from raw pixel bytes has an empty info dict, so no EXIF,
    # ICC profile, text chunk or comment can reach the encoder.
    return Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())


def _to_rgb_or_rgba(image: Image.Image) -> Image.Image:
    """Convert any mode Pillow decodes from JPEG, PNG or GIF to RGB, or RGBA when transparent."""
    mode = image.mode
    if mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        # 16-bit greyscale PNG: scale down to 8 bits before the RGB conversion,
        # which would otherwise clip every value above 255 to white.
        image = image.point(lambda value: value / 256, "I").convert("L")
        mode = image.mode
    transparent = (
        "A" in mode
        or mode == "PA"
        or (mode in ("P", "L", "RGB") and "transparency" in image.info)
    )
    return image.convert("RGBA" if transparent else "RGB")


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert pixels from an embedded colour profile to sRGB, so dropping the profile keeps colours."""
    if not icc_profile:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        target = ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(image, source, target, outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError) as error:
        # A broken or unusual profile: keep the pixels as they are.
        logger.info("photo colour profile ignored: %s", error)
        return image
    return converted if converted is not None else image


def _crop_square(image: Image.Image) -> Image.Image:
    """Crop the centred square and scale it down (never up) to at most ``MAX_SIDE``."""
    width, height = image.size
    side = min(width, height)
    left = (width - side) // 2
    top = (height - side) // 2
    square = image.crop((left, top, left + side, top + side))
    if side > MAX_SIDE:
        square = square.resize((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return square


def _unsupported() -> PhotoRejected:
    return PhotoRejected(
        "photo_unsupported_type",
        N_("The file is not a JPEG, PNG or GIF image. Please choose a photo in one of these formats."),
    )


def _too_many_pixels() -> PhotoRejected:
    return PhotoRejected(
        "photo_too_many_pixels",
        N_(
            "The image is too large: at most {limit} megapixels are accepted. "
            "Please scale it down and upload it again."
        ),
        limit=MAX_PIXELS // 1_000_000,
    )
