"""Charts as server-rendered SVG: this module computes the geometry, a template draws it."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 220
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 48, 28, 16
HEAT_LEVELS = 9


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    baseline: float
    peak: int


def bar_chart(title: str, values: dict[int, int]) -> BarChart:
    """Vertical bars, one per key (a year), scaled to the largest value."""
    keys = sorted(values)
    peak = max(values.values(), default=0)
    plot_w = WIDTH - MARGIN_LEFT - 8
    plot_h = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    step = plot_w / max(len(keys), 1)
    bars = []
    for n, key in enumerate(keys):
        h = plot_h * values[key] / peak if peak else 0
        bars.append(
            Bar(
                str(key),
                values[key],
                MARGIN_LEFT + n * step + step * 0.15,
                MARGIN_TOP + plot_h - h,
                step * 0.7,
                h,
            )
        )
    return BarChart(title, bars, WIDTH, HEIGHT, MARGIN_TOP + plot_h, peak)


def heat_level(value: int, peak: int) -> int:
    """0 for nothing, else 1..HEAT_LEVELS by the share of the peak: the cell's CSS class."""
    if value <= 0 or peak <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, round(HEAT_LEVELS * value / peak)))
