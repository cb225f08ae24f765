"""What the e-mail, the PDF and the workbook show: figures formatted into tiles and tables.

Why one view model for three outputs: the HTML e-mail, the PDF attachment and the text part must
never disagree, so they all render the same dictionaries; only the chart images differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reports.render import formats
from reports.render.palette import DIRECTION
from reports.executive.checks import DataState, Decision
from reports.executive.deltas import LABELS, RATIOS, Delta, Restatement, deltas, restatements
from reports.executive.figures import Figures
from reports.executive.periods import Period

MONEY = {"revenue", "avg_booking_value", "cash_received"}
COLORS = DIRECTION
ARROWS = {"up": "&#9650;", "down": "&#9660;", "flat": "&#9654;"}
TEXT_ARROWS = {"up": "+", "down": "", "flat": "+-"}


def money(value: Decimal | None, currency: str) -> str:
    return formats.money(value, currency, none="n/a")


def fmt(metric: str, value: Decimal | int | None, currency: str) -> str:
    if value is None:
        return "n/a"
    if metric in MONEY:
        return money(Decimal(value), currency)
    if metric in RATIOS:
        return formats.percent(value, 1)
    return formats.grouped(int(value), 0)


def fmt_change(delta: Delta, currency: str) -> str:
    change = delta.change
    if change is None:
        return "n/a"
    if change == 0:
        return "no change"
    sign = "+" if change > 0 else "-"
    if delta.metric in RATIOS:
        text = f"{sign}{abs(change):.1f} pts"
    elif delta.metric in MONEY:
        text = f"{sign}{abs(change):,.2f}"
    else:
        text = f"{sign}{abs(int(change)):,}"
    return f"{text} ({'+' if delta.pct > 0 else ''}{delta.pct} %)" if delta.pct is not None else text


@dataclass
class Comparison:
    label: str
    other: str
    change: str
    direction: str
    restated: bool = False  # the compared figure changed since the last e-mail showed it

    @property
    def color(self) -> str:
        return COLORS[self.direction]

    @property
    def arrow(self) -> str:
        return ARROWS[self.direction]


@dataclass
class Tile:
    metric: str
    label: str
    value: str
    comparisons: list[Comparison] = field(default_factory=list)
    restated: bool = False


@dataclass
class View:
    kind: str
    title: str
    subject: str
    period_label: str
    as_of: str
    currency: str
    tiles: list[Tile]
    to_date: list[tuple[str, str]]
    top_destinations: list[dict[str, str]]
    top_agents: list[dict[str, str]]
    trend: list[dict[str, str]]
    warnings: list[str]
    restatements: list[dict[str, str]]
    data_state: dict[str, Any]
    last_email: str | None
    charts: dict[str, str] = field(default_factory=dict)  # chart name -> img src (cid: / data:)


def _period_label(key: str) -> str:
    start, _, end = key.partition("/")
    from datetime import date

    return Period(date.fromisoformat(start), date.fromisoformat(end or start)).label()


def build_view(
    figures: Figures,
    *,
    decision: Decision,
    state: DataState,
    last_snapshot: dict[str, Any] | None,
    title_prefix: str = "Tourstack",
) -> tuple[View, list[Restatement]]:
    p, cur = figures.periods, figures.base_currency
    current = figures.current.metrics()
    # label -> (period key compared with, or None for the last e-mail; deltas by metric)
    compare = {
        f"vs {p.previous.label()}": (p.previous.key, deltas(current, figures.comparisons["previous"].metrics())),
        f"vs {p.reference.label()} ({p.reference_name})": (
            p.reference.key, deltas(current, figures.comparisons["reference"].metrics())),
    }
    last_label = None
    if last_snapshot:
        last_label = last_snapshot.get("period", {}).get("label") or last_snapshot.get("period", {}).get("key")
        compare[f"vs last e-mail ({last_label})"] = (
            None, deltas(current, last_snapshot.get("figures", {}).get("current")))
    restated = restatements((last_snapshot or {}).get("periods"), figures.by_period())
    changed = {(r.period_key, r.metric) for r in restated}
    tiles = [
        Tile(
            metric, LABELS[metric], fmt(metric, value, cur),
            [Comparison(label, fmt(metric, d[metric].other, cur), fmt_change(d[metric], cur), d[metric].direction,
                        (key, metric) in changed)
             for label, (key, d) in compare.items()],
            (p.current.key, metric) in changed,
        )
        for metric, value in current.items()
    ]
    td = figures.to_date
    to_date = [
        ("Revenue month to date", money(td.revenue_mtd, cur)),
        ("Revenue year to date", money(td.revenue_ytd, cur)),
        ("Bookings month to date", f"{td.bookings_mtd:,}"),
        ("Cash received month to date", money(td.cash_received_mtd, cur)),
    ]
    ranked = lambda rows: [  # noqa: E731
        {"name": r.name, "detail": r.detail, "bookings": f"{r.bookings:,}", "revenue": money(r.revenue, cur)}
        for r in rows
    ]
    kind_title = "Daily" if p.kind == "daily" else "Weekly"
    label = p.current.label()
    tags = " ".join(decision.subject_tags)
    subject = f"{tags + ' ' if tags else ''}{title_prefix} {kind_title.lower()} briefing - {label}: revenue {money(figures.current.revenue, cur)}"
    view = View(
        kind=p.kind,
        title=f"{title_prefix} {kind_title} Briefing",
        subject=subject,
        period_label=label,
        as_of=p.as_of.isoformat(),
        currency=cur,
        tiles=tiles,
        to_date=to_date,
        top_destinations=ranked(figures.top_destinations),
        top_agents=ranked(figures.top_agents),
        trend=[{"start": t.start.isoformat(), "revenue": money(t.revenue, cur), "bookings": f"{t.bookings:,}"}
               for t in figures.trend],
        warnings=list(decision.warnings),
        restatements=[
            {"period": _period_label(r.period_key), "metric": r.label,
             "old": fmt(r.metric, r.old, cur), "new": fmt(r.metric, r.new, cur)}
            for r in restated
        ],
        data_state=state.as_dict(),
        last_email=last_label,
    )
    return view, restated
