"""Bar charts as inline SVG: drawn by the browser and by WeasyPrint alike, text kept as text."""

import base64

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from pes21.french import typeset

from .presentation import format_number

# Printed 55 mm wide: a font-size of 13 units prints at about 7.7 pt (legible, >= 7 pt).
WIDTH, HEIGHT = 260, 150
TOP, BOTTOM, LEFT, RIGHT = 22, 26, 4, 4
PAST, CURRENT = "#9cc9b4", "#1d6b4b"


def bar_chart(title: str, points: list[tuple[str, float]]) -> SafeString:
    """Vertical bars, one per (label, value); the last bar (the report's year) stands out."""
    # Names typed by people (a programme's « Bénéfices'Créa ») printed in French typography.
    title = typeset(title)
    count = max(len(points), 1)
    largest = max((value for _, value in points), default=0) or 1
    slot = (WIDTH - LEFT - RIGHT) / count
    bar_width = slot * 0.62
    plot_height = HEIGHT - TOP - BOTTOM
    bars = []
    for index, (label, value) in enumerate(points):
        height = plot_height * (value / largest)
        x = LEFT + index * slot + (slot - bar_width) / 2
        y = TOP + plot_height - height
        # Presentation attributes, not CSS: WeasyPrint's SVG drawing ignores the page's styles.
        fill = CURRENT if index == count - 1 else PAST
        centre = x + bar_width / 2
        bars.append(
            (
                fill,
                f"{x:.1f}",
                f"{y:.1f}",
                f"{bar_width:.1f}",
                f"{height:.1f}",
                f"{centre:.1f}",
                f"{y - 4:.1f}",
                format_number(value),
                f"{centre:.1f}",
                f"{HEIGHT - 8:.1f}",
                typeset(label),
            )
        )
    body = format_html_join(
        "",
        '<rect fill="{}" x="{}" y="{}" width="{}" height="{}" rx="2"/>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="13" fill="#222">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="13" fill="#444">{}</text>',
        bars,
    )
    return format_html(
        '<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" '
        'font-family="DejaVu Sans, sans-serif" viewBox="0 0 {} {}" '
        'width="{}" height="{}" role="img" aria-label="{}">'
        '<line stroke="#999" stroke-width="1" x1="{}" y1="{}" x2="{}" y2="{}"/>{}</svg>'
        "<figcaption>{}</figcaption></figure>",
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        title,
        LEFT,
        TOP + plot_height,
        WIDTH - RIGHT,
        TOP + plot_height,
        body,
        title,
    )


def chart_alt(title: str, points: list[tuple[str, float]]) -> str:
    """What a screen reader says instead of the chart: its title and every figure."""
    values = ", ".join(f"{label} : {format_number(value)}" for label, value in points)
    return f"{title} par année – {values}."


def chart_data_uri(title: str, points: list[tuple[str, float]]) -> str:
    """The chart's SVG as an image address, for an <img> with its alternative text (the PDF
    tags an image with its alt text; an inline SVG would be left untagged)."""
    svg = str(bar_chart(title, points))
    start, end = svg.index("<svg"), svg.index("</svg>") + len("</svg>")
    encoded = base64.b64encode(svg[start:end].encode()).decode()
    return f"data:image/svg+xml;base64,{encoded}"
