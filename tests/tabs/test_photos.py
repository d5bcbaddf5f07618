"""Profile photo processing on real generated images: formats, metadata, bombs, damage.

The generators here are shared with the upload tests of ``test_mentors.py``.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image

from teams_app.images import MAX_PHOTO_BYTES, MAX_SIDE, PhotoRejected, process_photo

RED = (220, 20, 20)
BLUE = (20, 20, 220)
EXIF_ORIENTATION = ExifTags.Base.Orientation
EXIF_MAKE = ExifTags.Base.Make
EXIF_GPS = ExifTags.IFD.GPSInfo
# Orientation 6: the camera was turned, and a viewer rotates the image 90° clockwise.
ROTATE_CLOCKWISE = 6


def jpeg_with_exif(width: int = 400, height: int = 200) -> bytes:
    """Return a JPEG whose left half is red and right half blue, with orientation 6 and GPS."""
    image = Image.new("RGB", (width, height), RED)
    image.paste(BLUE, (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATE_CLOCKWISE
    exif[EXIF_MAKE] = "Test camera"
    exif[EXIF_GPS] = {1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)}
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=90, exif=exif.tobytes(), comment=b"secret note")
    return output.getvalue()


def png_with_alpha(width: int = 300, height: int = 500) -> bytes:
    """Return a PNG, half transparent, with a text chunk that must not survive."""
    from PIL.PngImagePlugin import PngInfo

    image = Image.new("RGBA", (width, height), (0, 160, 0, 128))
    image.paste((0, 0, 0, 0), (0, 0, width, height // 4))
    info = PngInfo()
    info.add_text("Author", "Jane Doe, 12 School Street")
    output = io.BytesIO()
    image.save(output, format="PNG", pnginfo=info)
    return output.getvalue()


def animated_gif(width: int = 200, height: int = 120) -> bytes:
    """Return a three-frame GIF: red, green, blue."""
    frames = [Image.new("RGB", (width, height), colour) for colour in (RED, (20, 200, 20), BLUE)]
    output = io.BytesIO()
    frames[0].save(
        output, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0
    )
    return output.getvalue()


def png_bomb(side: int = 20_000) -> bytes:
    """Return a PNG of side×side one-bit pixels: about 50 kB on disk, 400 megapixels decoded.

    The rows of zeros are compressed one by one, so the test never keeps the
    decoded image in memory.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte, then the packed pixels
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", data)
        + chunk(b"IEND", b"")
    )


def open_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# ------------------------------------------------------------------ accepted


def test_jpeg_orientation_applied() -> None:
    photo = process_photo(jpeg_with_exif())
    image = open_image(photo.content)
    assert photo.content_type == "image/jpeg"
    assert image.format == "JPEG"
    assert image.size == (MAX_SIDE, MAX_SIDE)
    # Turned clockwise, the red left half is on top and the blue right half below.
    top = image.getpixel((MAX_SIDE // 2, 10))
    bottom = image.getpixel((MAX_SIDE // 2, MAX_SIDE - 10))
    assert top[0] > 150, top
    assert top[2] < 100, top
    assert bottom[2] > 150, bottom
    assert bottom[0] < 100, bottom


def test_jpeg_metadata_stripped() -> None:
    source = jpeg_with_exif()
    assert b"Test camera" in source
    assert open_image(source).getexif().get_ifd(EXIF_GPS)

    photo = process_photo(source)
    image = open_image(photo.content)
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info
    assert "comment" not in image.info
    assert "icc_profile" not in image.info
    assert b"Test camera" not in photo.content
    assert b"secret note" not in photo.content
    assert b"Exif" not in photo.content


def test_png_alpha_kept() -> None:
    source = png_with_alpha()
    assert b"School Street" in source

    photo = process_photo(source)
    image = open_image(photo.content)
    assert photo.content_type == "image/png"
    assert image.mode == "RGBA"
    assert image.size == (MAX_SIDE, MAX_SIDE)
    # The centred square (rows 100 to 400 of the source) starts inside the
    # transparent top quarter (rows 0 to 125), so its top rows stay transparent.
    assert image.getpixel((75, 2))[3] == 0
    red, green, blue, alpha = image.getpixel((75, 75))
    assert (red, blue, alpha) == (0, 0, 128)
    assert abs(green - 160) <= 2
    assert b"School Street" not in photo.content
    assert image.info.keys() <= {"dpi", "gamma"}


def test_png_crop_centred() -> None:
    # 300×100: a blue stripe in the middle third, red on both sides.
    image = Image.new("RGB", (300, 100), RED)
    image.paste(BLUE, (100, 0, 200, 100))
    output = io.BytesIO()
    image.save(output, format="PNG")

    result = open_image(process_photo(output.getvalue()).content)
    assert result.size == (100, 100)  # never scaled up
    assert result.getpixel((0, 50)) == BLUE
    assert result.getpixel((99, 50)) == BLUE


def test_gif_first_frame() -> None:
    source = animated_gif()
    assert open_image(source).n_frames == 3

    photo = process_photo(source)
    image = open_image(photo.content)
    assert photo.source_format == "GIF"
    assert photo.content_type == "image/png"
    assert getattr(image, "n_frames", 1) == 1
    assert image.size == (120, 120)
    red, green, blue = image.convert("RGB").getpixel((60, 60))
    assert red > 150
    assert green < 100
    assert blue < 100


def test_jpeg_named_png_accepted() -> None:
    # The file name never matters because process_photo receives only bytes.
    photo = process_photo(jpeg_with_exif(160, 160))
    assert photo.source_format == "JPEG"
    assert photo.content_type == "image/jpeg"


def test_output_square_and_small() -> None:
    for source in (jpeg_with_exif(1200, 700), png_with_alpha(151, 900), animated_gif(40, 30)):
        image = open_image(process_photo(source).content)
        assert image.width == image.height
        assert image.width <= MAX_SIDE


# ------------------------------------------------------------------ rejected


def test_bomb_rejected_cheaply() -> None:
    source = png_bomb()
    assert len(source) < 200_000
    with pytest.raises(PhotoRejected) as caught:
        process_photo(source)
    assert caught.value.code == "photo_too_many_pixels"
    assert caught.value.fields == {"limit": 40}


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"This is a text file that someone named photo.jpg\n", "photo_unsupported_type"),
        (b"", "photo_empty"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "photo_unsupported_type"),
    ],
    ids=["text", "empty", "svg"],
)
def test_not_an_image_rejected(content: bytes, code: str) -> None:
    with pytest.raises(PhotoRejected) as caught:
        process_photo(content)
    assert caught.value.code == code


def test_other_formats_rejected() -> None:
    for image_format in ("BMP", "TIFF", "WEBP"):
        output = io.BytesIO()
        Image.new("RGB", (40, 40), RED).save(output, format=image_format)
        with pytest.raises(PhotoRejected) as caught:
            process_photo(output.getvalue())
        assert caught.value.code == "photo_unsupported_type", image_format


def test_truncated_jpeg_rejected() -> None:
    source = jpeg_with_exif(800, 600)
    with pytest.raises(PhotoRejected) as caught:
        process_photo(source[: len(source) // 2])
    assert caught.value.code == "photo_corrupt"


def test_damaged_png_rejected() -> None:
    source = bytearray(png_with_alpha())
    # Flip bytes inside the first IDAT chunk, so its checksum no longer matches.
    start = source.index(b"IDAT") + 20
    source[start : start + 8] = bytes(8)
    with pytest.raises(PhotoRejected) as caught:
        process_photo(bytes(source))
    assert caught.value.code == "photo_corrupt"


def test_oversize_rejected() -> None:
    with pytest.raises(PhotoRejected) as caught:
        process_photo(b"\xff\xd8" + bytes(MAX_PHOTO_BYTES))
    assert caught.value.code == "photo_too_large"


def test_unusual_modes_converted() -> None:
    # 16-bit greyscale PNG: mid grey must stay mid grey, not clip to white.
    grey = Image.new("I;16", (60, 60), 0x8000)
    output = io.BytesIO()
    grey.save(output, format="PNG")
    image = open_image(process_photo(output.getvalue()).content)
    red, green, blue = image.convert("RGB").getpixel((30, 30))
    assert 120 <= red <= 136
    assert red == green == blue

    # CMYK JPEG, as print workflows write it.
    cmyk = Image.new("CMYK", (60, 60), (0, 255, 255, 0))
    output = io.BytesIO()
    cmyk.save(output, format="JPEG")
    photo = process_photo(output.getvalue())
    image = open_image(photo.content)
    assert image.mode == "RGB"
    red, green, blue = image.getpixel((30, 30))
    assert red > 200
    assert green < 60
    assert blue < 60
