"""Charts for the monthly review, as inline SVG (matplotlib, text kept as text).

Drawing a chart takes a tenth of a second or more; a chart is the same SVG for
the same figures, so each is kept by what it shows: in memory, and in a folder
when `use_cache` names one (the static site keeps them in `.hindsight/charts/`,
so a rebuild draws only the charts whose figures changed).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path

_FOLDER: list[Path] = []  # where drawn charts are kept between runs, when a caller says so


def use_cache(folder: Path | None) -> None:
    """Keep drawn charts in `folder` (None: in memory only)."""
    _FOLDER[:] = [folder] if folder is not None else []


@functools.cache
def _versions() -> tuple[str, str]:
    """What a drawn chart depends on besides its figures (asked of the installed packages once)."""
    from importlib.metadata import version

    return version("hindsight"), version("matplotlib")


def _kept(draw: Callable[..., str]) -> Callable[..., str]:
    """A chart drawn once for the same figures."""
    memo: dict[str, str] = {}

    @functools.wraps(draw)
    def chart(*args):
        key = hashlib.sha256(json.dumps([draw.__name__, *_versions(), args], default=str).encode()).hexdigest()[:32]
        if key in memo:
            return memo[key]
        file = _FOLDER[0] / f"{key}.svg" if _FOLDER else None
        if file is not None and file.is_file():
            svg = file.read_text(encoding="utf-8")
        else:
            svg = draw(*args)
            if file is not None:
                from .._io import write_file

                write_file(file, svg.encode("utf-8"))
        if len(memo) > 256:
            memo.clear()
        memo[key] = svg
        return svg

    return chart


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    # No creation date in the file: the same figures make the same bytes (a static site rewrites only what
    # changed).
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]


def _setup():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False,
                         "axes.spines.right": False, "svg.hashsalt": "hindsight"})
    return plt


@_kept
def severity_by_month(months: list[str], counts: dict[str, dict[str, int]], levels: list[str]) -> str:
    plt = _setup()
    fig, ax = plt.subplots(figsize=(6.4, 2.6))
    bottom = [0] * len(months)
    colors = ["#b42318", "#e0702a", "#e8b339", "#8a94a6", "#5b6475"]
    for i, level in enumerate(levels):
        values = [counts.get(m, {}).get(level, 0) for m in months]
        ax.bar(months, values, bottom=bottom, label=level, color=colors[i % len(colors)])
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_title("Incidents by severity per month")
    ax.set_ylabel("postmortems")
    ax.set_ylim(0, max(1, max(bottom, default=0)) * 1.1)
    ax.yaxis.get_major_locator().set_params(integer=True)
    if not any(bottom):
        _empty(ax, "no incidents in these months")
    # Beside the bars, never over them.
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="severity",
              title_fontsize=8)
    return _svg(fig)


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#5b6475")


@_kept
def completion_trend(points: list[tuple[str, float | None]]) -> str:
    plt = _setup()
    fig, ax = plt.subplots(figsize=(6.4, 2.4))
    xs = [m for m, v in points if v is not None]
    ys = [v * 100 for m, v in points if v is not None]
    ax.plot(xs, ys, marker="o", color="#3355cc")
    ax.set_ylim(0, 105)
    ax.set_ylabel("% done")
    ax.set_title("Action-item completion rate by incident month")
    if not xs:
        ax.set_xticks([])
        _empty(ax, "no action items in these months")
    return _svg(fig)


@_kept
def themes(counts: list[tuple[str, int]]) -> str:
    plt = _setup()
    fig, ax = plt.subplots(figsize=(6.4, 0.5 + 0.32 * max(1, len(counts))))
    names = [n for n, _ in counts][::-1]
    values = [c for _, c in counts][::-1]
    ax.barh(names, values, color="#3355cc")
    ax.set_title("Themes: postmortems in the last 7 months")
    ax.set_xlim(0, max(1, max(values, default=0)) * 1.1)
    ax.xaxis.get_major_locator().set_params(integer=True)
    if not counts:
        ax.set_yticks([])
        _empty(ax, "no themes found")
    return _svg(fig)


def home_chart(figures: dict, levels: list[str]) -> str:
    """The home page's chart: incidents by severity over the months of the completion trend."""
    months = [t["month"] for t in figures["completion_trend"]]
    return severity_by_month(months, figures["severity_by_month"], levels)
