"""HTML mail -> faithful plain text: paragraphs and list items on their own lines, blockquotes as `>`.

Quoted history is rendered, not dropped, so `clean` separates it with the same
rules it uses for plain text (a Gmail `<blockquote>` becomes `> ` lines under
its attribution; Outlook's `divRplyFwdMsg` becomes its `From:/Sent:` block).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["html_to_text"]

_BLOCK = frozenset({
    "p", "div", "section", "article", "header", "footer", "table", "tr", "ul", "ol", "h1", "h2",
    "h3", "h4", "h5", "h6", "pre", "hr", "address", "center", "dl", "dt", "dd", "form", "body",
    "html", "main", "nav", "aside", "figure", "figcaption",
})
_SKIP = frozenset({"script", "style", "head", "title", "meta", "link", "noscript", "template",
                   "svg", "iframe", "object", "xml", "o:p"})
_SPACES = re.compile(r"[ \t\u00a0\u200b]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        return ""
    lines: list[str] = []
    _Renderer(lines).render(root)
    text = "\n".join(line.rstrip() for line in lines)
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


class _Renderer:
    """Walks the tree once, writing lines; `depth` counts enclosing blockquotes."""

    __slots__ = ("lines", "current", "depth", "list_depth")

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.current: list[str] = []
        self.depth = 0
        self.list_depth = 0

    def flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self.current)).strip()
        self.current = []
        prefix = "> " * self.depth
        if text:
            self.lines.append(prefix + text)

    def blank(self) -> None:
        self.flush()
        prefix = ">" * self.depth
        if self.lines and self.lines[-1] not in ("", prefix):
            self.lines.append(prefix)

    def render(self, node: LexborNode) -> None:
        child = node.child
        while child is not None:
            self.visit(child)
            child = child.next

    def visit(self, node: LexborNode) -> None:
        tag = node.tag
        if tag == "-text":
            self.current.append((node.text_content or "").replace("\n", " "))
            return
        if tag in _SKIP or tag is None or tag.startswith("-"):
            return
        if tag == "br":
            # A <br> after text ends the line; a <br> on an empty line is a paragraph break.
            if "".join(self.current).strip():
                self.flush()
            else:
                self.blank()
            return
        if tag == "blockquote":
            self.blank()
            self.depth += 1
            self.render(node)
            self.flush()
            self.depth -= 1
            self.blank()
            return
        if tag == "li":
            self.flush()
            self.current.append("  " * max(self.list_depth - 1, 0) + "- ")
            self.render(node)
            self.flush()
            return
        if tag in ("ul", "ol"):
            self.flush()
            self.list_depth += 1
            self.render(node)
            self.list_depth -= 1
            self.blank()
            return
        if tag in ("td", "th"):
            self.render(node)
            self.current.append(" ")
            return
        if tag == "img":
            return
        if tag == "p" or tag.startswith("h"):
            self.blank()
            self.render(node)
            self.blank()
            return
        if tag in _BLOCK:
            self.flush()
            self.render(node)
            self.flush()
            return
        self.render(node)
