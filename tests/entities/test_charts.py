"""The stories-per-month chart is well-formed SVG with one bar per month that has stories."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from newsarchive.charts import month_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_one_bar_per_month_with_stories() -> None:
    dates = [date(2021, 2, 1), date(2021, 2, 20), date(2023, 7, 4), date(2024, 1, 1)]
    svg = month_chart(dates, "Iran & <friends>")
    root = ET.fromstring(svg)
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 3
    tips = [b.find(f"{SVG}title").text for b in bars]
    assert tips == ["Feb 2021: 2 stories", "Jul 2023: 1 story", "Jan 2024: 1 story"]
    heights = [float(b.get("height")) for b in bars]
    assert heights[0] == max(heights) and heights[1] == heights[2] < heights[0]
    assert root.get("role") == "img" and "chart" in root.get("class")
    assert "Iran &amp; &lt;friends&gt;" in svg
    ticks = [t.text for t in root.findall(f"{SVG}text")]
    assert ticks == ["2021", "2022", "2023", "2024"]
    assert "<script" not in svg and "on" not in {a[:2] for e in root.iter() for a in e.attrib}


def test_no_dates_no_chart() -> None:
    assert month_chart([], "nothing") == ""
