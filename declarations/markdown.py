"""Policy text from Markdown to safe HTML (DEC-1).

markdown-it-py renders CommonMark with raw HTML switched off (a ``<script>`` arrives as text)
and refuses ``javascript:`` links; nh3 (the Rust ``ammonia`` sanitiser) then keeps only the
tags and attributes a policy needs, so nothing a Policy owner types can run in a reader's
browser. Sections get ``id`` anchors, which the questions before signing link to.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.anchors.index import slugify

_RENDERER = MarkdownIt("commonmark", {"html": False}).use(anchors_plugin, min_level=2, max_level=3)

_TAGS = {
    "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code",
    "pre", "hr", "br",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}}


def render_policy(text: str) -> SafeString:
    html = _RENDERER.render(text)
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def section_anchor(heading: str) -> str:
    """The ``id`` the renderer gives a section heading, for links to the clause to reread."""
    return slugify(heading.strip().lstrip("#").strip())


def section_headings(text: str) -> list[str]:
    """The section headings (level 2 and 3) of a policy text, in order."""
    return [token_content for token, token_content in _headings(text) if token in ("h2", "h3")]


def _headings(text: str) -> list[tuple[str, str]]:
    tokens = _RENDERER.parse(text)
    found = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and index + 1 < len(tokens):
            found.append((token.tag, tokens[index + 1].content))
    return found
