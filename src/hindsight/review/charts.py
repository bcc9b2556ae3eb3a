"""Charts for the monthly review, as inline SVG (matplotlib, text kept as text)."""

from __future__ import annotations

import io


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
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
