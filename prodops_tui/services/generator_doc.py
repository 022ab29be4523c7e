"""A tiny block model rendered both as Atlassian Document Format and as Markdown."""

from typing import Any

Inline = tuple[str, str, str]
"""(text, mark, href): mark is "", "strong", "em", "code" or "link" (href only for links)."""
Block = tuple[str, Any]
"""("p", [Inline]), ("ul", [[Inline]]) or ("code", str)."""

_MD_MARKS = {"": "{}", "strong": "**{}**", "em": "*{}*", "code": "`{}`"}


def plain(text: str) -> Inline:
    return (text, "", "")


def marked(text: str, mark: str, href: str = "") -> Inline:
    return (text, mark, href)


def _adf_text(inline: Inline) -> dict[str, Any]:
    text, mark, href = inline
    node: dict[str, Any] = {"type": "text", "text": text}
    if mark == "link":
        node["marks"] = [{"type": "link", "attrs": {"href": href}}]
    elif mark:
        node["marks"] = [{"type": mark}]
    return node


def _adf_paragraph(inlines: list[Inline]) -> dict[str, Any]:
    return {"type": "paragraph", "content": [_adf_text(i) for i in inlines]}


def _adf_block(block: Block) -> dict[str, Any]:
    kind, body = block
    if kind == "p":
        return _adf_paragraph(body)
    if kind == "ul":
        items = [{"type": "listItem", "content": [_adf_paragraph(item)]} for item in body]
        return {"type": "bulletList", "content": items}
    return {
        "type": "codeBlock",
        "attrs": {"language": "text"},
        "content": [{"type": "text", "text": body}],
    }


def to_adf(blocks: list[Block]) -> dict[str, Any]:
    return {"version": 1, "type": "doc", "content": [_adf_block(b) for b in blocks]}


def _md_inline(inlines: list[Inline]) -> str:
    parts = []
    for text, mark, href in inlines:
        parts.append(f"[{text}]({href})" if mark == "link" else _MD_MARKS[mark].format(text))
    return "".join(parts)


def _md_block(block: Block) -> str:
    kind, body = block
    if kind == "p":
        return _md_inline(body)
    if kind == "ul":
        return "\n".join(f"- {_md_inline(item)}" for item in body)
    return f"```text\n{body}\n```"


def to_md(blocks: list[Block]) -> str:
    return "\n\n".join(_md_block(b) for b in blocks)
