"""Chart geometry: plain values in, SVG coordinates out.

The pages and the PDF documents draw their charts as plain SVG from these numbers, so the charts
need no JavaScript, print well and look the same on screen and on paper. Nothing here knows what
the values mean; the caller picks and labels them.
"""

import math
from datetime import date
from decimal import Decimal

Score = Decimal | float | None

# Scores of an office mostly lie between 80 and 100; charts start at 50 so that differences show
# (they say so on the chart). Lower scores sit at the floor.
FLOOR = 50
# One colour per year of a chart, and the colour of a value written on it; the same as the
# `series-N` classes of the app's stylesheet, written out because a PDF's SVG does not read it.
SERIES_COLOURS = ("#adb5bd", "#6ea8fe", "#1f3a60", "#f0ad4e", "#198754")
VALUE_COLOURS = ("#000", "#000", "#fff", "#000", "#fff")
RADAR_SIZE = 300
RADAR_RADIUS = 110


def radar(numbers: list[int], series: list[tuple[int, list[Score]]]) -> dict:
    """One axis per number and one polygon per (year, values) of `series`, the values in axis order;
    the centre is FLOOR and the rim 100, a missing value sits at the centre."""
    count = len(numbers)
    centre = RADAR_SIZE / 2

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        radius = RADAR_RADIUS * max(value - FLOOR, 0) / (100 - FLOOR)
        return round(centre + radius * math.cos(angle), 1), round(centre + radius * math.sin(angle), 1)

    axes = [{"end": point(i, 100), "label": point(i, 118), "number": number} for i, number in enumerate(numbers)]
    rings = [" ".join(f"{x},{y}" for x, y in (point(i, level) for i in range(count))) for level in (25, 50, 75, 100)]
    polygons = [
        {
            "year": year,
            "series": position,
            "points": " ".join(f"{x},{y}" for x, y in (point(i, float(v or 0)) for i, v in enumerate(values))),
        }
        for position, (year, values) in enumerate(series)
    ]
    return {"size": RADAR_SIZE, "axes": axes, "rings": rings, "polygons": polygons, "floor": FLOOR}


def bar_height(score: Score) -> float:
    """Height in a 45-unit plot from FLOOR (0) to 100 (45)."""
    return 0.0 if score is None else round(max(float(score) - FLOOR, 0) * 45 / (100 - FLOOR), 2)


def year_bars(scores: list[Score], years: list[int]) -> list[dict]:
    """Bars of one value across years in a 100 × 70 box, from FLOOR up to 100."""
    width = 100 / max(len(scores), 1)
    return [
        {
            "x": round(i * width + width * 0.15, 2),
            "width": round(width * 0.7, 2),
            "height": bar_height(score),
            "y": round(55 - bar_height(score), 2),
            "value_y": round(55 - bar_height(score) - 1.5, 2),
            "label_x": round(i * width + width / 2, 2),
            "year": year,
            "score": score,
            "series": i,
        }
        for i, (score, year) in enumerate(zip(scores, years, strict=True))
    ]


def grouped_bars(numbers: list[int], years: list[int], scores: list[list[Score]]) -> dict:
    """One group of bars per number, a bar per year with its value written in it; `scores` holds
    one list per number, a score per year. The drawing is 480 units wide, so that on an A4 page its
    text is about 10 pt."""
    left, top, plot_width, plot_height = 30, 8, 440, 230
    group = plot_width / max(len(numbers), 1)
    bar = group * 0.84 / max(len(years), 1)

    def y(score: Score) -> float:
        return round(top + plot_height - bar_height(score) * plot_height / 45, 1)

    groups = []
    for index, (number, row) in enumerate(zip(numbers, scores, strict=True)):
        x0 = left + index * group + group * 0.08
        bars = []
        for i, (score, year) in enumerate(zip(row, years, strict=True)):
            centre = round(x0 + i * bar + bar * 0.45, 1)
            bars.append(
                {
                    "x": round(x0 + i * bar, 1),
                    "y": y(score),
                    "width": round(bar * 0.9, 1),
                    "height": round(top + plot_height - y(score), 1),
                    "series": i,
                    "fill": SERIES_COLOURS[i % len(SERIES_COLOURS)],
                    "value_fill": VALUE_COLOURS[i % len(VALUE_COLOURS)],
                    "score": score,
                    "year": year,
                    # the value reads upwards inside the top of its bar
                    "value_x": round(centre + 3, 1),
                    "value_y": round(y(score) + 3, 1),
                }
            )
        groups.append({"number": number, "label_x": round(left + index * group + group / 2, 1), "bars": bars})
    grid = [{"value": level, "y": y(Decimal(level))} for level in range(FLOOR, 101, 10)]
    return {
        "width": left + plot_width + 4,
        "height": top + plot_height + 20,
        "left": left,
        "right": left + plot_width,
        "baseline": top + plot_height,
        "label_y": top + plot_height + 14,
        "groups": groups,
        "grid": grid,
        "floor": FLOOR,
        "value_size": 8 if len(years) > 3 else 9,
    }


class Span:
    """Days from `start` to `end` (both included) laid along 0–100, for a timeline of bars."""

    def __init__(self, start: date, end: date) -> None:
        self.start, self.end = start, end
        self.days = (end - start).days + 1

    def position(self, day: date) -> float:
        """Where the day begins, as a percentage of the span; days outside sit at its ends."""
        return round(100 * min(max((day - self.start).days, 0), self.days) / self.days, 2)

    def bar(self, first: date, last: date) -> tuple[float, float]:
        """x and width of a bar over the days `first` to `last`; never thinner than 0.5, so a
        one-day bar still shows."""
        x = self.position(first)
        return x, max(round(self.position(last) + 100 / self.days - x, 2), 0.5)

    def months(self) -> list[tuple[float, int]]:
        """(position, month number) of the span's first day and of each first of a month after it."""
        ticks, day = [], self.start
        while day <= self.end:
            ticks.append((self.position(day), day.month))
            day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return ticks

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end
