"""`report.html`: the class at a glance, one self-contained page that reads offline.

Per-part score distributions (matplotlib, PNG inlined as base64), the checks that failed most
often with their messages and how many submissions each hit, the leaderboard columns ranked, and
every submission whose grading did not finish, with why. Everything that comes from results.json
or the export (check names, feedback, names) is HTML-escaped: it may hold text students chose.
"""
from __future__ import annotations

import base64
import html
import io
import re
import statistics
from collections import Counter, defaultdict
from typing import Any, Sequence
from urllib.parse import quote

from autograder.assignment import Part
from autograder.regrade.scores import Graded, format_number, part_scores
from autograder.results import clean_text, first_line

TOP_CHECKS = 20
TOP_MESSAGES = 3
LOG_LINES = 40
_TAG = re.compile(r"<[^>]*>")
_CASE = re.compile(r"\s*(\(case \d+ of \d+\)|\[[^\]]*\])\s*$")  # one case of a parametrized check
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
td.n { text-align: right; } pre { white-space: pre-wrap; font-size: 0.85em; background: #f6f6f6; }
img { max-width: 100%; } .muted { color: #666; }
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _students(item: Graded) -> str:
    return ", ".join(p.name or p.email or p.sid for p in item.entry.submitters) or ""


def _message(test: dict[str, Any]) -> str:
    """A failed test's feedback on one line (HTML feedback reduced to its text)."""
    output = str(test.get("output", ""))
    if test.get("output_format") == "html":
        output = html.unescape(_TAG.sub(" ", output))
    return first_line(clean_text(output), 200) or "(no message)"


def _table(header: Sequence[str], body: list[list[str]], numeric: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{_e(cell)}</th>" for cell in header)
    lines = []
    for row in body:
        cells = "".join(f"<td class=\"n\">{cell}</td>" if i in numeric else f"<td>{cell}</td>"
                        for i, cell in enumerate(row))
        lines.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"


def distributions_png(ok: list[Graded], parts: Sequence[Part]) -> bytes | None:
    """One histogram per part and one of the total (ten bins from 0 to full marks), as a PNG."""
    if not ok or not parts:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    panels = [(part.label, float(part.points), [part_scores(g.document or {}).get(part.label, 0.0)
                                                 for g in ok]) for part in parts]
    panels.append(("total", float(sum(p.points for p in parts if not p.bonus)),
                   [float((g.document or {}).get("score", 0.0)) for g in ok]))
    columns = min(4, len(panels))
    rows = -(-len(panels) // columns)
    figure = Figure(figsize=(3.2 * columns, 2.2 * rows), dpi=80)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.05, right=0.98, top=1 - 0.35 / rows, bottom=0.3 / rows,
                           wspace=0.25, hspace=0.8)
    for index, (label, maximum, values) in enumerate(panels):
        axes = figure.add_subplot(rows, columns, index + 1)
        top = max(maximum, max(values), 1e-9)
        axes.hist(values, bins=10, range=(0.0, top), color="#4a7ab5", edgecolor="white")
        axes.set_title(f"{label} (of {format_number(maximum)})", fontsize=9)
        axes.set_xlim(0.0, top)
        axes.tick_params(labelsize=7)
        axes.xaxis.set_major_locator(MaxNLocator(5))
        axes.yaxis.set_major_locator(MaxNLocator(4, integer=True))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def check_name(name: str) -> str:
    """A test's name without the case it is of a parametrized check: cases count as one check."""
    while (shorter := _CASE.sub("", name)) != name:
        name = shorter
    return name


def failing_checks(ok: list[Graded]) -> list[tuple[str, str, int, list[tuple[str, int]]]]:
    """(part, check, submissions it failed, its most common messages with the submissions that
    got each), most often failed first; the cases of a parametrized check count as one check."""
    hits: Counter[tuple[str, str]] = Counter()
    messages: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for item in ok:
        seen: dict[tuple[str, str], set[str]] = defaultdict(set)
        for test in (item.document or {}).get("tests", []):
            if float(test.get("score", 0)) >= float(test.get("max_score", 0)):
                continue
            key = (str(test.get("number", "")), check_name(str(test.get("name", ""))))
            seen[key].add(_message(test))
        for key, texts in seen.items():
            hits[key] += 1
            messages[key].update(texts)
    ranked = sorted(hits.items(), key=lambda pair: (-pair[1], pair[0]))
    return [(part, name, count, messages[(part, name)].most_common(TOP_MESSAGES))
            for (part, name), count in ranked]


def leaderboards(ok: list[Graded]) -> dict[str, list[tuple[Graded, Any]]]:
    """Each leaderboard column: the submissions that report it, best first."""
    columns: dict[str, list[tuple[Graded, Any, str]]] = defaultdict(list)
    for item in ok:
        for entry in (item.document or {}).get("leaderboard", []):
            columns[str(entry.get("name", ""))].append((item, entry.get("value"), entry.get("order", "desc")))
    ranked = {}
    for name, values in sorted(columns.items()):
        numeric = all(isinstance(v, (int, float)) for _, v, _ in values)
        descending = values[0][2] != "asc"
        key = (lambda t: float(t[1])) if numeric else (lambda t: str(t[1]))
        ordered = sorted(values, key=key, reverse=descending)
        ranked[name] = [(item, value) for item, value, _ in ordered]
    return ranked


def build_report(graded: list[Graded], parts: Sequence[Part], *, title: str,
                 notes: Sequence[str] = ()) -> str:
    ok = [item for item in graded if item.ok]
    failed = [item for item in graded if not item.ok]
    totals = [float((item.document or {}).get("score", 0.0)) for item in ok]
    regular = sum(part.points for part in parts if not part.bonus)
    seconds = [item.seconds for item in graded if item.seconds is not None]
    out = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
           f"<title>{_e(title)}: regrade report</title><style>{_STYLE}</style></head><body>",
           f"<h1>{_e(title)}: regrade report</h1>",
           f"<p>{len(graded)} submissions ({sum(max(1, len(i.entry.submitters)) for i in graded)} "
           f"students): {len(ok)} graded, {len(failed)} not.",
           (f" Total: mean {format_number(statistics.fmean(totals))}, median "
            f"{format_number(statistics.median(totals))} of {format_number(regular)}." if totals else ""),
           "</p>"]
    if seconds:
        out.append(f"<p class=\"muted timing\">Grading took {format_number(statistics.median(seconds))} s "
                   "per submission (median) in this run's grading processes.</p>")
    out.append("<h2>Score distributions</h2><p class=\"muted\">Submissions per score, in ten bins "
               "from 0 to full marks, for each part and the total (graded submissions only).</p>")
    png = distributions_png(ok, parts)
    out.append(f"<img alt=\"score distribution of each part\" src=\"data:image/png;base64,"
               f"{base64.b64encode(png).decode('ascii')}\">" if png else "<p>No graded submission.</p>")
    out.append("<h2>Checks failed most often</h2>")
    checks = failing_checks(ok)[:TOP_CHECKS]
    body = [[_e(part), _e(name), f"{count} of {len(ok)}",
             "<br>".join(f"{_e(message)} <span class=\"muted\">({hits})</span>"
                         for message, hits in messages)] for part, name, count, messages in checks]
    out.append(_table(["part", "check", "submissions", "messages (submissions)"], body, numeric=(2,))
               if body else "<p>No check failed.</p>")
    boards = leaderboards(ok)
    if boards:
        out.append("<h2>Leaderboard</h2>")
        for name, ranked in boards.items():
            out.append(f"<h3>{_e(name)}</h3>")
            out.append(_table(["rank", "submission", "students", "value"],
                              [[str(rank), _e(item.entry.id), _e(_students(item)), _e(value)]
                               for rank, (item, value) in enumerate(ranked, 1)], numeric=(0, 3)))
    out.append("<h2>Submissions not graded</h2>")
    if failed:
        rows = []
        for item in failed:
            reason = first_line(clean_text((item.document or {}).get("output", "")), 300)
            log = (f"<a href=\"{_e(quote(item.entry.id))}/grader.log\">grader.log</a>"
                   if item.document is not None else "")
            rows.append([_e(item.entry.id), _e(_students(item)), _e(item.status), _e(reason), log])
        out.append(_table(["submission", "students", "status", "what it says", "log"], rows))
    else:
        out.append("<p>Every submission was graded.</p>")
    if notes:
        out.append("<h2>Notes on the source</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    out.append("</body></html>\n")
    return "\n".join(out)
