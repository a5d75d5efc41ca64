"""The dashboard's two charts (图表), drawn on the server as SVG: no chart library to fetch.

A township official opens the dashboard on a slow phone; Chart.js (210 KB) alone took
1.3 s to arrive on a Fast 3G line. Drawn here, the charts come with the page's HTML and
show with its first paint. Each chart also says its figures in a sentence (for screen
readers, and for anyone) and as a table beside it.

Geometry is in the SVG's own units (a ``viewBox`` 320 wide, a phone's card in CSS pixels,
so its text shows at the size given here); the browser scales it to the card.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.dates import MONTHS
from django.utils.translation import get_language, ngettext, pgettext_lazy
from django.utils.translation import gettext as _

from yishi.core.taxonomy import Category
from yishi.places.models import PlaceKind

from . import selectors

# Twelve colours, one per opinion category (意见类别) in Category's order, so a category
# has the same colour on every dashboard. Drawn from Paul Tol's "muted", "bright" and
# "vibrant" sets and Okabe & Ito's, the twelve that stay furthest apart (CIEDE2000) under
# protanopia, deuteranopia and tritanopia as well as in normal vision; ordered so that
# neighbours in a stack differ most. Grey is 其他 (other). ledger/tests/test_palette.py
# holds the palette to its minimum differences.
PALETTE: tuple[str, ...] = (
    "#009E73",  # property 物业管理: bluish green (Okabe–Ito)
    "#AA4499",  # sanitation 环境卫生: purple (Tol muted)
    "#DDCC77",  # traffic 道路交通: sand (Tol muted)
    "#332288",  # safety 治安安全: indigo (Tol muted)
    "#56B4E9",  # utilities 供水供电供气: sky blue (Okabe–Ito)
    "#EE6677",  # welfare 民生保障: red (Tol bright)
    "#0077BB",  # assets 集体资产财务: blue (Tol vibrant)
    "#999933",  # construction 规划建设: olive (Tol muted)
    "#882255",  # public_service 公益文体: wine (Tol muted)
    "#CC79A7",  # dispute 矛盾纠纷: reddish purple (Okabe–Ito)
    "#117733",  # governance 自治事务: green (Tol muted)
    "#BBBBBB",  # other 其他: grey (Tol bright)
)
CATEGORY_COLOURS: dict[str, str] = dict(zip(Category.values, PALETTE, strict=True))
OTHER_COLOUR = CATEGORY_COLOURS[Category.OTHER]
# The consultations chart: at the minimum (达标) blue, below it (未达标) red; a pair that
# stays apart for every colour vision (and the bar's length against the mark says it too).
MET_COLOUR = PALETTE[6]
BELOW_COLOUR = PALETTE[5]
MARK_COLOUR = "#222222"  # the minimum's mark and the axes
TRACK_COLOUR = "#EEF0F3"  # the bar's full length behind it

# A month under its column: 「1月」 in Chinese, where 「十一月」 would not fit the column.
MONTH_AXIS = (
    pgettext_lazy("month under a chart's column", "Jan"),
    pgettext_lazy("month under a chart's column", "Feb"),
    pgettext_lazy("month under a chart's column", "Mar"),
    pgettext_lazy("month under a chart's column", "Apr"),
    pgettext_lazy("month under a chart's column", "May"),
    pgettext_lazy("month under a chart's column", "Jun"),
    pgettext_lazy("month under a chart's column", "Jul"),
    pgettext_lazy("month under a chart's column", "Aug"),
    pgettext_lazy("month under a chart's column", "Sep"),
    pgettext_lazy("month under a chart's column", "Oct"),
    pgettext_lazy("month under a chart's column", "Nov"),
    pgettext_lazy("month under a chart's column", "Dec"),
)

WIDTH = 320
BAR = WIDTH - 2  # a bar's full length: the minimum's mark at the end still shows whole
BAR_ROW = 36  # a bar's row: its label above (14 high), the bar below (12 high)
COLUMNS_HEIGHT = 200


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class BarRow:
    label: str
    value: str  # the figures in words at the row's right end
    y: float  # the label's baseline
    bar_y: float
    track: Rect  # the bar's full length, behind it
    segments: list[Rect]
    mark: Line | None = None  # the minimum's mark (a community's row)


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Legend:
    colour: str
    label: str
    mark: bool = False  # drawn as the minimum's mark, not a swatch


@dataclass
class Table:
    head: list[str]
    rows: list[tuple[str, list[str]]]  # the row's header cell, its figure cells
    foot: tuple[str, list[str]] | None = None


@dataclass
class Chart:
    key: str
    title: str
    summary: str  # the figures in a sentence or two, in the page's language
    height: float
    legend: list[Legend]
    table: Table
    bars: list[BarRow] = field(default_factory=list)
    rects: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    labels: list[Text] = field(default_factory=list)  # centred under the columns
    ticks: list[Text] = field(default_factory=list)  # right-aligned left of the axis

    @property
    def width(self) -> int:
        return WIDTH


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


def _names(names: list[str], limit: int = 5) -> str:
    shown = ("、" if _chinese() else ", ").join(names[:limit])
    if len(names) > limit:
        return _("%(names)s and %(more)s more") % {"names": shown, "more": len(names) - limit}
    return shown


def _leaders(counts: list[tuple[str, int]]) -> tuple[str, int]:
    """The names with the highest count (all of them when several share it) and the count."""
    top = max((n for _name, n in counts), default=0)
    return _names([name for name, n in counts if n == top]), top


def _sentences(parts: list[str]) -> str:
    """Sentences one after another: Chinese runs them on after its 「。」, English spaces them."""
    return ("" if _chinese() else " ").join(parts)


def _scale(value: float, top: float, length: float) -> float:
    return round(length * value / top, 2) if top else 0.0


def consultations_chart(d: selectors.Dashboard, rows: list[selectors.Row]) -> Chart:
    """A bar a row: a community's consultations against its minimum, or a street's
    communities at the minimum and below it."""
    community = d.rows_kind == PlaceKind.COMMUNITY
    if community:
        top = max([max(r.consultations, r.minimum) for r in rows], default=0)
    else:
        top = max([r.communities for r in rows], default=0)
    bars: list[BarRow] = []
    for i, r in enumerate(rows):
        y0 = i * BAR_ROW
        bar_y = y0 + 20
        name = r.place.name
        if community:
            colour = MET_COLOUR if r.minimum_met else BELOW_COLOUR
            held = _("%(place)s: %(n)s consultations held") % {"place": name, "n": r.consultations}
            segments = [Rect(0, bar_y, _scale(r.consultations, top, BAR), 12, colour, held)]
            value = _("%(held)s of %(minimum)s") % {"held": r.consultations, "minimum": r.minimum}
            x = _scale(r.minimum, top, BAR)
            mark: Line | None = Line(x, bar_y - 3, x, bar_y + 15)
        else:
            met_w = _scale(r.met, top, BAR)
            segments = [
                Rect(0, bar_y, met_w, 12, MET_COLOUR, _(
                    "%(place)s: %(n)s communities at the minimum") % {"place": name, "n": r.met}),
                Rect(met_w, bar_y, _scale(r.below_minimum, top, BAR), 12, BELOW_COLOUR, _(
                    "%(place)s: %(n)s communities below it") % {"place": name,
                                                                "n": r.below_minimum}),
            ]
            value = _("%(met)s of %(n)s at the minimum") % {"met": r.met, "n": r.communities}
            mark = None
        track = Rect(0, bar_y, BAR, 12, TRACK_COLOUR, "")
        bars.append(BarRow(name, value, y0 + 15, bar_y, track,
                           [s for s in segments if s.width > 0], mark))

    if community:
        legend = [Legend(MET_COLOUR, _("At the minimum")), Legend(BELOW_COLOUR, _("Below the minimum")),
                  Legend(MARK_COLOUR, _("Minimum"), mark=True)]
        table = Table([_("Community"), _("Consultations held"), _("Minimum"), _("Minimum met")],
                      [(r.place.name, [str(r.consultations), str(r.minimum),
                                       _("Yes") if r.minimum_met else _("No")]) for r in rows])
    else:
        legend = [Legend(MET_COLOUR, _("Communities at the minimum")),
                  Legend(BELOW_COLOUR, _("Communities below it"))]
        table = Table([_("Street / township"), _("Communities"), _("At the minimum"),
                       _("Below the minimum")],
                      [(r.place.name, [str(r.communities), str(r.met), str(r.below_minimum)])
                       for r in rows])
    return Chart(key="consultations", title=_("Consultations against the minimum"),
                 summary=consultations_summary(d.rows_kind, rows),
                 height=max(len(rows), 1) * BAR_ROW,
                 legend=legend, table=table, bars=bars)


def consultations_summary(rows_kind: str, rows: list[selectors.Row]) -> str:
    """What the consultations chart shows, in words."""
    if not rows:
        return _("No communities here.")
    if rows_kind == PlaceKind.COMMUNITY:
        met = sum(1 for r in rows if r.minimum_met)
        parts = [ngettext(
            "Of %(n)s community, %(met)s held at least the minimum number of consultations.",
            "Of %(n)s communities, %(met)s held at least the minimum number of consultations.",
            len(rows)) % {"n": len(rows), "met": met}]
        below = [r.place.name for r in rows if not r.minimum_met]
        if below:
            parts.append(_("Below the minimum: %(names)s.") % {"names": _names(below)})
        most, n = _leaders([(r.place.name, r.consultations) for r in rows])
        if n:
            parts.append(_("The most consultations: %(place)s (%(n)s).") % {"place": most, "n": n})
        return _sentences(parts)
    communities = sum(r.communities for r in rows)
    met = sum(r.met for r in rows)
    parts = [ngettext(
        "%(streets)s street or township: %(met)s of its %(n)s communities held at least the "
        "minimum number of consultations.",
        "%(streets)s streets and townships: %(met)s of their %(n)s communities held at least "
        "the minimum number of consultations.",
        len(rows)) % {"streets": len(rows), "met": met, "n": communities}]
    worst, n = _leaders([(r.place.name, r.below_minimum) for r in rows])
    if n:
        parts.append(_("The most communities below the minimum: %(place)s (%(n)s).") % {
            "place": worst, "n": n})
    return _sentences(parts)


def _nice_top(value: int) -> int:
    """The axis's top: the value rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if value <= m * step:
                return m * step
        step *= 10


def months_chart(d: selectors.Dashboard) -> Chart:
    """A column a month: the opinions registered, stacked by category."""
    series = d.months
    totals = [sum(v[m] for v in series.values()) for m in range(12)]
    top = _nice_top(max(totals, default=0))
    plot_top, plot_bottom = 12.0, 170.0
    plot_h = plot_bottom - plot_top
    left = 8.0 + 7 * len(str(top))
    slot = (WIDTH - left) / 12
    month_names = [str(m) for m in MONTH_AXIS]
    labels = dict(Category.choices)

    lines = [Line(left, plot_bottom, WIDTH, plot_bottom)]
    ticks = [Text(left - 4, plot_bottom + 4, "0")]
    for value in sorted({top // 2, top} - {0}):
        y = round(plot_bottom - plot_h * value / top, 2)
        lines.append(Line(left, y, WIDTH, y))
        ticks.append(Text(left - 4, y + 4, str(value)))

    rects: list[Rect] = []
    for m in range(12):
        x = round(left + m * slot + slot * 0.15, 2)
        y = plot_bottom
        for category, values in series.items():
            n = values[m]
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            rects.append(Rect(x, round(y, 2), round(slot * 0.7, 2), round(h, 2),
                              CATEGORY_COLOURS.get(category, OTHER_COLOUR),
                              _("%(month)s, %(category)s: %(n)s") % {
                                  "month": month_names[m],
                                  "category": labels.get(category, category), "n": n}))
    names = [(c, str(labels.get(c, c))) for c in series]
    table = Table(
        [_("Category"), *month_names, _("Total")],
        [(name, [str(n) for n in series[c]] + [str(sum(series[c]))]) for c, name in names],
        (_("Total"), [str(n) for n in totals] + [str(sum(totals))]),
    )
    return Chart(
        key="months", title=_("Opinions by category and month"),
        summary=months_summary(d.period.year, series), height=COLUMNS_HEIGHT,
        legend=[Legend(CATEGORY_COLOURS.get(c, OTHER_COLOUR), name) for c, name in names],
        table=table, rects=rects, lines=lines, ticks=ticks,
        labels=[Text(round(left + (m + 0.5) * slot, 2), 188, month_names[m]) for m in range(12)],
    )


def months_summary(year: int, series: dict[str, list[int]]) -> str:
    """What the months chart shows, in words."""
    totals = [sum(v[m] for v in series.values()) for m in range(12)]
    total = sum(totals)
    if not total:
        return _("No opinions were registered in %(year)s.") % {"year": year}
    labels = dict(Category.choices)
    months, in_month = _leaders([(str(MONTHS[m + 1]), totals[m]) for m in range(12)])
    categories, in_category = _leaders([(str(labels.get(c, c)), sum(v)) for c, v in series.items()])
    return _sentences([
        ngettext("%(n)s opinion was registered in %(year)s.",
                 "%(n)s opinions were registered in %(year)s.", total) % {"n": total, "year": year},
        _("The most in %(month)s (%(n)s).") % {"month": months, "n": in_month},
        _("The most frequent category: %(category)s (%(n)s).") % {
            "category": categories, "n": in_category},
    ])


def dashboard_charts(d: selectors.Dashboard, rows: list[selectors.Row]) -> list[Chart]:
    """The dashboard's charts: the consultations of the rows on this page, the months of
    them all."""
    return [consultations_chart(d, rows), months_chart(d)]
