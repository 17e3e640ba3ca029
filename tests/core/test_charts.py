from datetime import date
from decimal import Decimal

from core import charts


def test_the_radar_has_an_axis_per_number_and_a_polygon_per_year():
    radar = charts.radar([1, 2, 3, 4], [(2565, [100, 100, 100, 100]), (2566, [None, 75, 50, 40])])
    assert [axis["number"] for axis in radar["axes"]] == [1, 2, 3, 4]
    assert radar["axes"][0]["end"] == (150.0, 40.0)  # the first axis points up, 100 at the rim
    assert [(polygon["year"], polygon["series"]) for polygon in radar["polygons"]] == [(2565, 0), (2566, 1)]
    assert radar["polygons"][0]["points"] == "150.0,40.0 260.0,150.0 150.0,260.0 40.0,150.0"
    # a missing score and scores at or under the floor sit at the centre
    assert radar["polygons"][1]["points"].split() == ["150.0,150.0", "205.0,150.0", "150.0,150.0", "150.0,150.0"]


def test_bars_rise_from_the_floor_to_a_hundred():
    assert [charts.bar_height(score) for score in (None, 40, 50, Decimal("75.00"), 100)] == [0.0, 0.0, 0.0, 22.5, 45.0]
    bars = charts.year_bars([Decimal(100), None], [2565, 2566])
    assert [(bar["year"], bar["height"], bar["y"], bar["series"]) for bar in bars] == [
        (2565, 45.0, 10.0, 0),
        (2566, 0.0, 55.0, 1),
    ]


def test_grouped_bars_give_each_number_a_group_and_each_year_a_coloured_bar():
    chart = charts.grouped_bars([1, 2], [2565, 2566], [[Decimal(100), Decimal(50)], [None, Decimal("90.5")]])
    assert [group["number"] for group in chart["groups"]] == [1, 2]
    first, second = chart["groups"][0]["bars"]
    assert (first["y"], first["height"], first["fill"]) == (8.0, 230.0, charts.SERIES_COLOURS[0])
    assert (second["height"], second["fill"], second["year"]) == (0.0, charts.SERIES_COLOURS[1], 2566)
    assert chart["groups"][1]["bars"][0]["score"] is None
    assert [line["value"] for line in chart["grid"]] == [50, 60, 70, 80, 90, 100]
    assert chart["value_size"] == 9
    assert chart["width"] == 474


def test_a_span_places_days_months_and_bars_in_percent():
    span = charts.Span(date(2022, 10, 1), date(2023, 9, 30))
    assert span.position(date(2022, 10, 1)) == 0
    assert span.position(date(2022, 9, 1)) == 0  # before the span: at its start
    assert span.position(date(2024, 1, 1)) == 100
    assert span.bar(date(2023, 4, 1), date(2023, 4, 1)) == (49.86, 0.5)  # one day: still visible
    assert span.bar(date(2022, 10, 1), date(2023, 9, 30)) == (0, 100)
    months = span.months()
    assert [month for _, month in months] == [10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert months[3] == (25.21, 1)
    assert date(2023, 9, 30) in span
    assert date(2023, 10, 1) not in span
