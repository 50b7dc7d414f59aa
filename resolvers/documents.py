"""Documents sent to a data subject, as Markdown, HTML and JSON from one structure: a title, an
introduction and sections of plain lines. `plain` takes internal notes (the policy section or
reference file a seeded text cites) out of a text before it reaches a document."""

import html
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum

INTERNAL_NOTE = re.compile(
    r"\s*\((?:[^()]*\b(?:policy \d|per [A-Z]{2,}|assumed|\w+\.md|seeds/|§\s?\d+\.\d)[^()]*)\)"
)


CITED_VIA = re.compile(r"\s+per [A-Z]{3,}\b")
"""Where a reference fact was read ("... final per TMAI"), inside a longer parenthesis."""


def plain(text: str) -> str:
    """`text` without internal notes such as "(policy 4)", "(per TMAI)" or "per TMAI"."""
    return CITED_VIA.sub("", INTERNAL_NOTE.sub("", text)).strip()


class DocumentFormat(StrEnum):
    MARKDOWN = "md"
    HTML = "html"
    JSON = "json"


MEDIA_TYPES = {
    DocumentFormat.MARKDOWN: "text/markdown; charset=utf-8",
    DocumentFormat.HTML: "text/html; charset=utf-8",
    DocumentFormat.JSON: "application/json",
}


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]
    cites: str | None = None
    """The provision the section answers, such as "GDPR Art. 15(1)(a)"."""


@dataclass(frozen=True)
class Document:
    kind: str
    title: str
    introduction: tuple[str, ...]
    sections: tuple[Section, ...] = field(default=())

    def markdown(self) -> str:
        out = [f"# {self.title}", "", *self.introduction, ""]
        for section in self.sections:
            cites = f" ({section.cites})" if section.cites else ""
            out += [f"## {section.heading}{cites}", ""]
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
            items = [line[2:] for line in section.lines if line.startswith("- ")]
            for line in section.lines:
                if not line.startswith("- "):
                    out.append(f"<p>{e(line)}</p>")
            if items:
                out.append("<ul>" + "".join(f"<li>{e(item)}</li>" for item in items) + "</ul>")
        out.append("</body></html>")
        return "\n".join(out)

    def json(self) -> str:
        return json.dumps(
            {
                "kind": self.kind,
                "title": self.title,
                "introduction": list(self.introduction),
                "sections": [
                    {"heading": s.heading, "cites": s.cites, "lines": list(s.lines)}
                    for s in self.sections
                ],
            },
            ensure_ascii=False,
            indent=2,
        )

    def render(self, fmt: DocumentFormat) -> str:
        if fmt is DocumentFormat.HTML:
            return self.html()
        if fmt is DocumentFormat.JSON:
            return self.json()
        return self.markdown()
