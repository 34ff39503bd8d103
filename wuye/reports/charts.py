"""The reports' charts: pygal renders each table as SVG on the server; we keep the SVG and drop
what the strict CSP forbids in a page (its <script>, its <style> element and style attributes).
The stylesheet pygal would have inlined is served once from /reports/charts.css instead."""
from __future__ import annotations

import re
import sys
from functools import lru_cache

import pygal
from flask_babel import gettext as _
from markupsafe import Markup
from pygal.etree import etree
from pygal.style import Style

from ..services.reports.tables import COUNT, FEN, PERCENT, Line, Table

FONT = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif'
STYLE = Style(font_family=FONT, background="transparent", plot_background="#ffffff",
              colors=("#9aa5b1", "#1f6feb"),  # the previous period grey, this period blue
              title_font_size=15, label_font_size=12, major_label_font_size=12, value_font_size=11,
              legend_font_size=12)
ROOT_CLASS = "wuye-chart"

# pygal puts an import hook for its map plugins (pygal.maps.*) on sys.meta_path; it has no find_spec,
# so every later failed import anywhere warns (an error under the tests' filterwarnings). We use no maps.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]


def _config(**kw) -> dict:
    return dict(style=STYLE, js=[], disable_xml_declaration=True, print_values=True, tooltip_border_radius=0,
                show_y_guides=True, legend_at_bottom=True, legend_at_bottom_columns=2, margin=8,
                classes=["pygal-chart", ROOT_CLASS], **kw)


def _clean(tree) -> str:
    """No script, no <style>, no style attribute, no hover tooltip (it needs the script anyway)."""
    for parent in list(tree.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            cls = child.get("class", "") if tag else ""
            if tag.endswith("script") or tag.endswith("style") or "tooltip" in cls.split() or not tag:
                parent.remove(child)
    for el in tree.iter():
        if isinstance(el.tag, str):
            el.attrib.pop("style", None)
    tree.attrib.pop("id", None)
    return etree.tostring(tree, encoding="unicode")


def _scale(table: Table):
    """Values as the chart shows them: fen as yuan; and how each is printed beside its bar."""
    if table.unit == FEN:
        return (lambda v: None if v is None else v / 100), (lambda v: f"¥{v:,.0f}")
    if table.unit == PERCENT:
        return (lambda v: v), (lambda v: f"{v:g}%")
    return (lambda v: v), (lambda v: f"{v:g}")


def bar(table: Table, now_label: str, before_label: str) -> Markup | None:
    """A horizontal bar per line: the previous period beside this one, numbers printed as text."""
    if not table.chart or not table.lines:
        return None
    return Markup(_bar(table.title, table.unit, tuple((ln.label, ln.now, ln.before) for ln in table.lines),
                       now_label, before_label))


@lru_cache(maxsize=1024)
def _bar(title: str, unit: str, rows: tuple, now_label: str, before_label: str) -> str:
    """The SVG of one chart, kept for the same title, numbers and words (pygal takes ~10 ms a chart:
    a month's report read again, its print and the other readers' pages reuse them)."""
    table = Table("", title, unit, [Line(str(i), label, now, before) for i, (label, now, before) in enumerate(rows)])
    values, shown = _scale(table)
    extra = {}
    if table.unit == COUNT:  # whole numbers on the axis: no "0.5 orders"
        top = max([line.now or 0 for line in table.lines] + [line.before or 0 for line in table.lines])
        if top <= 10:
            extra["y_labels"] = list(range(0, int(top) + 1))
    height = max(160, 60 + 44 * len(table.lines))
    lines = list(reversed(table.lines))  # pygal draws the first bar at the bottom; the table reads top down
    # pygal sizes the label margin for Latin letters; a Chinese character is about twice as wide
    wide = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in line.label) for line in lines)
    # css=[]: the <style> pygal would build from its files is dropped anyway (served as charts.css)
    chart = pygal.HorizontalBar(**_config(css=[], width=640, height=height, show_legend=True, truncate_label=-1,
                                          margin_left=int(wide * 3.5), value_formatter=shown, **extra))
    chart.x_labels = [line.label for line in lines]
    chart.add(before_label, [values(line.before) for line in lines])
    chart.add(now_label, [values(line.now) for line in lines])
    tree = chart.render_tree()
    for title in tree.iter("title"):  # pygal names every chart "Pygal"
        if title.text == "Pygal":
            title.text = table.title
    svg = _clean(tree)
    # the SVG names itself for screen readers; the table beside it carries the numbers
    return svg.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(table.title)}" ', 1)


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """pygal's own CSS for our style, with its per-chart id prefix turned into our class."""
    chart = pygal.HorizontalBar(**_config())
    chart.add("a", [1])
    chart.add("b", [2])
    text = chart.render(is_unicode=True)
    css = "\n".join(re.findall(r"<style[^>]*>(.*?)</style>", text, re.S))
    css = re.sub(r"#chart-[0-9a-f-]{36}", f"svg.{ROOT_CLASS}", css)
    css = css.replace("&gt;", ">")
    return css + f"\nsvg.{ROOT_CLASS} .tooltip{{display:none}}\n"


def labels() -> tuple[str, str]:
    return _("This period"), _("Previous period")
