"""Documents a privacy team sends or works from, as Markdown, HTML, JSON and PDF from one
structure: a title, an introduction and sections of plain lines (and, in a working plan, tables).
`plain` takes internal notes (the policy section or reference file a seeded text cites) out of a
text before it reaches a document sent to a person. The PDF is the HTML page laid out by fpdf2
(pure Python, no browser), in DejaVu Sans (Debian's fonts-dejavu-core, which `make install` sees
to) so that every name prints, whatever its script."""

import html
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from fpdf import FPDF

from resolvers.errors import DatamapError

INTERNAL_NOTE = re.compile(
    r"\s*\((?:[^()]*\b(?:policy \d|per [A-Z]{2,}|assumed|\w+\.md|seeds/|§\s?\d+\.\d)[^()]*)\)"
)


CITED_VIA = re.compile(r"\s+per [A-Z]{3,}\b")
"""Where a reference fact was read ("... final per TMAI"), inside a longer parenthesis."""

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "BI": "DejaVuSans-BoldOblique.ttf",
}


@dataclass(frozen=True)
class Names:
    """Display names for the keys a plan holds."""

    categories: dict[str, str]
    countries: dict[str, str]

    def category(self, key: str) -> str:
        return self.categories.get(key) or key.rsplit(".", 1)[-1].replace("_", " ")

    def country(self, code: str | None) -> str:
        return self.countries.get(code or "", code or "an unrecorded country")


def plain(text: str) -> str:
    """`text` without internal notes such as "(policy 4)", "(per TMAI)" or "per TMAI"."""
    return CITED_VIA.sub("", INTERNAL_NOTE.sub("", text)).strip()


class DocumentFormat(StrEnum):
    MARKDOWN = "md"
    HTML = "html"
    JSON = "json"
    PDF = "pdf"


MEDIA_TYPES = {
    DocumentFormat.MARKDOWN: "text/markdown; charset=utf-8",
    DocumentFormat.HTML: "text/html; charset=utf-8",
    DocumentFormat.JSON: "application/json",
    DocumentFormat.PDF: "application/pdf",
}


@dataclass(frozen=True)
class Table:
    """Rows under a heading row, each cell one line of text."""

    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]
    cites: str | None = None
    """The provision the section answers, such as "GDPR Art. 15(1)(a)"."""
    table: Table | None = None
    """Shown before the lines."""


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _pdf_font(pdf: FPDF) -> None:
    for style, name in FONT_FILES.items():
        path = FONT_DIR / name
        if not path.is_file():
            raise DatamapError(
                f"the PDF font {path} is missing: install Debian's fonts-dejavu-core "
                "(make install does)"
            )
        pdf.add_font("DejaVu", style, str(path))
    pdf.set_font("DejaVu", size=10)


@dataclass(frozen=True)
class Document:
    kind: str
    title: str
    introduction: tuple[str, ...]
    sections: tuple[Section, ...] = field(default=())

    def markdown(self) -> str:
        out = [f"# {self.title}", ""]
        for line in self.introduction:
            out += [line, ""]
        for section in self.sections:
            cites = f" ({section.cites})" if section.cites else ""
            out += [f"## {section.heading}{cites}", ""]
            if section.table is not None:
                table = section.table
                out.append("| " + " | ".join(map(_markdown_cell, table.headings)) + " |")
                out.append("|" + "---|" * len(table.headings))
                out += ["| " + " | ".join(map(_markdown_cell, row)) + " |" for row in table.rows]
                if section.lines:
                    out.append("")
            out += section.lines
            out.append("")
        return "\n".join(out)

    def html(self) -> str:
        e = html.escape
        out = [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{e(self.title)}</title></head><body>",
            f"<h1>{e(self.title)}</h1>",
            *(f"<p>{e(line)}</p>" for line in self.introduction),
        ]
        for section in self.sections:
            cites = f" <small>({e(section.cites)})</small>" if section.cites else ""
            out.append(f"<h2>{e(section.heading)}{cites}</h2>")
            if section.table is not None:
                table = section.table
                out.append('<table border="1">')
                out.append(
                    "<thead><tr>"
                    + "".join(f"<th>{e(h)}</th>" for h in table.headings)
                    + "</tr></thead><tbody>"
                )
                out += [
                    "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>"
                    for row in table.rows
                ]
                out.append("</tbody></table>")
            out += self._html_lines(section.lines)
        out.append("</body></html>")
        return "\n".join(out)

    @staticmethod
    def _html_lines(lines: tuple[str, ...]) -> list[str]:
        """Lines as paragraphs; a run of `- ` lines as one list, where it stands."""
        e = html.escape
        out: list[str] = []
        items: list[str] = []
        for line in (*lines, ""):
            if line.startswith("- "):
                items.append(f"<li>{e(line[2:])}</li>")
                continue
            if items:
                out.append("<ul>" + "".join(items) + "</ul>")
                items = []
            if line:
                out.append(f"<p>{e(line)}</p>")
        return out

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "title": self.title,
            "introduction": list(self.introduction),
            "sections": [
                {
                    "heading": s.heading,
                    "cites": s.cites,
                    "lines": list(s.lines),
                    **(
                        {
                            "table": {
                                "headings": list(s.table.headings),
                                "rows": [list(row) for row in s.table.rows],
                            }
                        }
                        if s.table is not None
                        else {}
                    ),
                }
                for s in self.sections
            ],
        }

    def json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)

    def pdf(self) -> bytes:
        """The HTML page as a PDF (A4)."""
        pdf = FPDF(format="A4")
        pdf.set_title(self.title)
        pdf.set_creator("datamap")
        _pdf_font(pdf)
        pdf.add_page()
        pdf.write_html(self.html().split("<body>", 1)[1].removesuffix("</body></html>"))
        return bytes(pdf.output())

    def render(self, fmt: DocumentFormat) -> bytes:
        if fmt is DocumentFormat.PDF:
            return self.pdf()
        if fmt is DocumentFormat.HTML:
            return self.html().encode()
        if fmt is DocumentFormat.JSON:
            return self.json().encode()
        return self.markdown().encode()
