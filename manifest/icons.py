"""Draw the two app icons: an open book under a speech bubble.

The PNG files are committed; ``python -m manifest icons`` redraws them.
Shapes are drawn at eight times the final size and reduced by averaging
each 8x8 block, which anti-aliases the edges without the faint halo that
a Lanczos filter leaves around them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw

from manifest.content import ACCENT_COLOR, COLOR_ICON, OUTLINE_ICON
from manifest.validation import COLOR_ICON_SIZE, OUTLINE_ICON_SIZE

SUPERSAMPLING = 8
WHITE = (255, 255, 255, 255)
BUBBLE_YELLOW = (255, 200, 61, 255)
PAGE_LINE_BLUE = (164, 191, 226, 255)

Point = tuple[float, float]


def _rgba(hex_color: str) -> tuple[int, int, int, int]:
    value = hex_color.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16), 255)


def _curve(start: Point, control: Point, end: Point, steps: int = 24) -> list[Point]:
    """Sample a quadratic Bézier curve, ends included."""
    points = []
    for i in range(steps + 1):
        t = i / steps
        x = (1 - t) ** 2 * start[0] + 2 * (1 - t) * t * control[0] + t**2 * end[0]
        y = (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * control[1] + t**2 * end[1]
        points.append((x, y))
    return points


def _page(outer_x: float, shift: float = 0.0) -> list[Point]:
    """Return the closed outline of one book page in unit coordinates.

    The spine runs down the middle at x = 0.5. ``outer_x`` is the page's
    outer edge, left or right of it, and ``shift`` moves the page down.
    """
    spine_top, spine_bottom = (0.5, 0.60 + shift), (0.5, 0.86 + shift)
    outer_top, outer_bottom = (outer_x, 0.52 + shift), (outer_x, 0.80 + shift)
    middle_x = (outer_x + 0.5) / 2
    top = _curve(outer_top, (middle_x, 0.50 + shift), spine_top)
    bottom = _curve(spine_bottom, (middle_x, 0.76 + shift), outer_bottom)
    return top + bottom


def _bubble_box() -> tuple[float, float, float, float]:
    return (0.30, 0.10, 0.84, 0.42)


def _bubble_tail() -> list[Point]:
    return [(0.44, 0.40), (0.40, 0.52), (0.56, 0.40)]


def _scaled(points: Sequence[Point], size: int) -> list[Point]:
    return [(x * size, y * size) for x, y in points]


def _box(box: tuple[float, float, float, float], size: int) -> tuple[float, ...]:
    return tuple(value * size for value in box)


def draw_color_icon() -> Image.Image:
    """Draw the 192x192 full-colour icon on the accent colour."""
    size = COLOR_ICON_SIZE[0] * SUPERSAMPLING
    image = Image.new("RGBA", (size, size), _rgba(ACCENT_COLOR))
    draw = ImageDraw.Draw(image)

    # The open book, with two lines of text on each page.
    for outer_x in (0.14, 0.86):
        draw.polygon(_scaled(_page(outer_x), size), fill=WHITE)
    line_width = round(0.022 * size)
    draw.line(_scaled([(0.5, 0.62), (0.5, 0.84)], size), fill=PAGE_LINE_BLUE, width=line_width)
    for offset in (0.0, 0.08):
        for outer_x, inner_x in ((0.21, 0.44), (0.79, 0.56)):
            line = _curve(
                (outer_x, 0.61 + offset),
                ((outer_x + inner_x) / 2, 0.59 + offset),
                (inner_x, 0.67 + offset),
            )
            draw.line(_scaled(line, size), fill=PAGE_LINE_BLUE, width=line_width, joint="curve")

    # The speech bubble above it, with three dots.
    draw.rounded_rectangle(_box(_bubble_box(), size), radius=0.09 * size, fill=BUBBLE_YELLOW)
    draw.polygon(_scaled(_bubble_tail(), size), fill=BUBBLE_YELLOW)
    dot_radius = 0.035 * size
    for dot_x in (0.45, 0.57, 0.69):
        centre = (dot_x * size, 0.26 * size)
        draw.ellipse(
            (centre[0] - dot_radius, centre[1] - dot_radius, centre[0] + dot_radius, centre[1] + dot_radius),
            fill=_rgba(ACCENT_COLOR),
        )

    return image.reduce(SUPERSAMPLING).convert("RGB")


def draw_outline_icon() -> Image.Image:
    """Draw the 32x32 outline icon: white strokes on a transparent background."""
    size = OUTLINE_ICON_SIZE[0] * SUPERSAMPLING
    # Only the alpha channel varies, so scaling keeps every visible pixel white.
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    stroke = round(0.07 * size)

    for outer_x in (0.10, 0.90):
        page = _scaled(_page(outer_x, shift=0.04), size)
        draw.line(page + page[:1], fill=255, width=stroke, joint="curve")

    bubble = _box((0.28, 0.06, 0.88, 0.40), size)
    draw.rounded_rectangle(bubble, radius=0.12 * size, outline=255, width=stroke)
    tail = _scaled([(0.42, 0.38), (0.38, 0.52), (0.56, 0.38)], size)
    draw.polygon(tail, fill=255)

    alpha = mask.reduce(SUPERSAMPLING)
    image = Image.new("RGBA", OUTLINE_ICON_SIZE, WHITE)
    image.putalpha(alpha)
    return image


def write_icons(folder: Path) -> list[Path]:
    """Draw both icons into ``folder`` and return their paths."""
    paths = []
    for name, image in ((COLOR_ICON, draw_color_icon()), (OUTLINE_ICON, draw_outline_icon())):
        path = folder / name
        image.save(path, format="PNG", optimize=True)
        paths.append(path)
    return paths
