"""Atlassian Document Format to Markdown for display, and Markdown back to ADF for writes.

Reading is forgiving: unknown nodes degrade to their text and mistyped parts are skipped, so
only a document that is not a JSON object at all raises `ValueError`. Writing covers
paragraphs, headings, bullet and ordered lists, code blocks and inline strong, em, strike,
code and links; text is not escaped, so Markdown markers inside plain text do not round-trip.
"""

import re
from collections.abc import Callable, Iterator
from typing import Any

_MAX_DEPTH = 64
_MARK_ORDER = ("code", "em", "strong", "strike", "link")
_WRAP = {"code": "`", "em": "*", "strong": "**", "strike": "~~"}
_MEDIA = "[image]"

Node = dict[str, Any]


def adf_to_md(doc: object) -> str:
    """Markdown for an ADF document; None gives ""; anything but an object raises ValueError."""
    if doc is None:
        return ""
    if not isinstance(doc, dict):
        raise ValueError("the description is not an ADF document")
    return _blocks(_children(doc), 0).strip("\n")


def _children(node: Node) -> list[Node]:
    content = node.get("content")
    if not isinstance(content, list):
        return []
    return [child for child in content if isinstance(child, dict)]


def _kind(node: Node) -> str:
    """The node's `type`, "" unless it is text (a list or object there is not a kind)."""
    kind = node.get("type")
    return kind if isinstance(kind, str) else ""


def _attr(node: Node, name: str) -> Any:
    attrs = node.get("attrs")
    return attrs.get(name) if isinstance(attrs, dict) else None


def _str_attr(node: Node, name: str) -> str:
    value = _attr(node, name)
    return value if isinstance(value, str) else ""


def _blocks(nodes: list[Node], depth: int) -> str:
    parts = [_block(node, depth + 1) for node in nodes]
    return "\n\n".join(part for part in parts if part)


def _block(node: Node, depth: int) -> str:
    if depth > _MAX_DEPTH:
        return ""
    kind = _kind(node)
    render = _BLOCKS.get(kind)
    if render is not None:
        return render(node, depth)
    if kind in _INLINE_KINDS or "text" in node:
        return _inline(node, depth)
    children = _children(node)
    if all(_kind(child) in _INLINE_KINDS for child in children):
        return _inlines(children, depth)
    return _blocks(children, depth)


def _inlines(nodes: list[Node], depth: int) -> str:
    """The nodes' inline text; plain text nodes (most of a document) skip `_inline`."""
    if depth >= _MAX_DEPTH:
        return ""
    parts = []
    for node in nodes:
        text = node.get("text")
        if node.get("type") == "text" and isinstance(text, str):
            marks = node.get("marks")
            parts.append(_marked(text, marks) if marks else text)
        else:
            parts.append(_inline(node, depth + 1))
    return "".join(parts)


def _inline(node: Node, depth: int) -> str:
    if depth > _MAX_DEPTH:
        return ""
    kind = _kind(node)
    if kind == "text" or (kind not in _INLINE_KINDS and "text" in node):
        text = node.get("text")
        return _marked(text, node.get("marks")) if isinstance(text, str) else ""
    if kind == "hardBreak":
        return "\n"
    if kind in ("mention", "emoji", "status"):
        return _str_attr(node, "text") or _str_attr(node, "shortName")
    if kind == "inlineCard":
        url = _str_attr(node, "url")
        return f"<{url}>" if url else ""
    if kind in ("media", "mediaInline"):
        return _MEDIA
    if kind == "date":
        return _str_attr(node, "timestamp")
    return _inlines(_children(node), depth)


def _marked(text: str, marks: object) -> str:
    if not text or not isinstance(marks, list):
        return text
    if len(marks) == 1 and isinstance(marks[0], dict) and _kind(marks[0]) in _WRAP:
        wrap = _WRAP[marks[0]["type"]]  # the common case: one simple mark
        return wrap + text + wrap
    by_type = {_kind(m): m for m in marks if isinstance(m, dict)}
    for kind in _MARK_ORDER:
        mark = by_type.get(kind)
        if mark is None:
            continue
        if kind == "link":
            href = _str_attr(mark, "href")
            text = f"[{text}]({href})" if href else text
        else:
            text = _WRAP[kind] + text + _WRAP[kind]
    return text


def _paragraph(node: Node, depth: int) -> str:
    return _inlines(_children(node), depth)


def _heading(node: Node, depth: int) -> str:
    level = _attr(node, "level")
    hashes = "#" * (level if isinstance(level, int) and 1 <= level <= 6 else 1)
    return f"{hashes} {_inlines(_children(node), depth)}"


def _list(node: Node, depth: int) -> str:
    ordered = node.get("type") == "orderedList"
    start = _attr(node, "order")
    number = start if isinstance(start, int) and 0 <= start < 10**9 else 1
    lines = []
    for item in _children(node):
        bullet = f"{number}. " if ordered else "- "
        number += 1
        is_item = item.get("type") == "listItem"
        body = _blocks(_children(item), depth) if is_item else _block(item, depth)
        lines.append(bullet + _indent(body, " " * len(bullet)))
    return "\n".join(lines)


def _indent(text: str, pad: str) -> str:
    return text.replace("\n\n", "\n").replace("\n", "\n" + pad)


def _code(node: Node, depth: int) -> str:
    language = _str_attr(node, "language")
    text = "".join(
        str(child.get("text")) for child in _children(node) if isinstance(child.get("text"), str)
    )
    return f"```{language}\n{text}\n```"


def _quote(node: Node, depth: int) -> str:
    body = _blocks(_children(node), depth)
    return "\n".join(f"> {line}" if line else ">" for line in body.split("\n"))


def _table(node: Node, depth: int) -> str:
    rows = [
        [_cell(cell, depth) for cell in _children(row)] for row in _children(node) if _children(row)
    ]
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    lines = [_row(row + [""] * (width - len(row))) for row in rows]
    lines.insert(1, _row(["---"] * width))
    return "\n".join(lines)


def _cell(node: Node, depth: int) -> str:
    text = _blocks(_children(node), depth) if _children(node) else _inline(node, depth)
    return " ".join(text.split()).replace("|", "\\|")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _expand(node: Node, depth: int) -> str:
    title = _str_attr(node, "title")
    body = _blocks(_children(node), depth)
    return f"**{title}**\n\n{body}" if title else body


_BLOCKS: dict[str, Callable[[Node, int], str]] = {
    "paragraph": _paragraph,
    "heading": _heading,
    "bulletList": _list,
    "orderedList": _list,
    "codeBlock": _code,
    "blockquote": _quote,
    "panel": _quote,
    "table": _table,
    "rule": lambda node, depth: "---",
    "mediaSingle": lambda node, depth: _MEDIA,
    "mediaGroup": lambda node, depth: _MEDIA,
    "blockCard": lambda node, depth: _str_attr(node, "url"),
    "expand": _expand,
    "nestedExpand": _expand,
}
_INLINE_KINDS = frozenset(
    ("text", "hardBreak", "mention", "emoji", "status", "inlineCard", "media", "mediaInline")
    + ("date",)
)

# Markdown -> ADF

_FENCE = re.compile(r"^```\s*([\w+#.-]*)\s*$")
_BULLET = re.compile(r"^[-*+] (.*)$")
_ORDERED = re.compile(r"^(\d{1,9})[.)] (.*)$")
_HEADING = re.compile(r"^(#{1,6}) (.*)$")
_INLINE = re.compile(
    r"`(?P<code>[^`]+)`"
    r"|\[(?P<label>[^\]]+)\]\((?P<href>[^)\s]+)\)"
    r"|\*\*(?P<strong>.+?)\*\*"
    r"|~~(?P<strike>.+?)~~"
    r"|\*(?P<em>[^*]+)\*"
    r"|(?<!\w)_(?P<em2>[^_]+)_(?!\w)"
)


def md_to_adf(markdown: str) -> Node:
    """An ADF document for Markdown text; anything unrecognised becomes plain paragraphs."""
    lines = markdown.replace("\r\n", "\n").split("\n")
    return {"version": 1, "type": "doc", "content": list(_md_blocks(lines))}


def _md_blocks(lines: list[str]) -> Iterator[Node]:
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if not line.strip():
            i += 1
        elif fence:
            end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), None)
            stop = len(lines) if end is None else end
            yield _code_node(fence.group(1), "\n".join(lines[i + 1 : stop]))
            i = stop + 1
        elif heading := _HEADING.match(line):
            content = _md_inline(heading.group(2))
            yield {"type": "heading", "attrs": {"level": len(heading.group(1))}, "content": content}
            i += 1
        elif _BULLET.match(line) or _ORDERED.match(line):
            found: list[Node] = []
            i = _take_list(lines, i, found)
            yield found[0]
        else:
            j = i
            while j < len(lines) and lines[j].strip() and not _starts_block(lines[j]):
                j += 1
            yield _paragraph_node(lines[i:j])
            i = j


def _starts_block(line: str) -> bool:
    return bool(_FENCE.match(line) or _HEADING.match(line) or _BULLET.match(line)) or bool(
        _ORDERED.match(line)
    )


def _code_node(language: str, text: str) -> Node:
    node: Node = {"type": "codeBlock", "attrs": {"language": language}}
    if text:
        node["content"] = [{"type": "text", "text": text}]
    return node


def _paragraph_node(lines: list[str]) -> Node:
    content: list[Node] = []
    for n, line in enumerate(lines):
        if n:
            content.append({"type": "hardBreak"})
        content.extend(_md_inline(line))
    return {"type": "paragraph", "content": content}


def _take_list(lines: list[str], start: int, out: list[Node]) -> int:
    """Parse one (possibly nested) list starting at `start`; append it to `out`; return the end."""
    indent = len(lines[start]) - len(lines[start].lstrip(" "))
    first = _ORDERED.match(lines[start].strip())
    node: Node = {"type": "orderedList" if first else "bulletList", "content": []}
    if first and int(first.group(1)) != 1:
        node["attrs"] = {"order": int(first.group(1))}
    i = start
    while i < len(lines):
        stripped = lines[i].strip()
        here = len(lines[i]) - len(lines[i].lstrip(" "))
        item = _ORDERED.match(stripped) if first else _BULLET.match(stripped)
        if not stripped or here < indent or (here == indent and item is None):
            break
        if here > indent:
            body = node["content"][-1]["content"]
            if _BULLET.match(stripped) or _ORDERED.match(stripped):
                i = _take_list(lines, i, body)
                continue
            body.append(_paragraph_node([stripped]))
        elif item is not None:
            text = item.group(item.lastindex or 1)
            node["content"].append({"type": "listItem", "content": [_paragraph_node([text])]})
        i += 1
    out.append(node)
    return i


def _md_inline(text: str) -> list[Node]:
    nodes: list[Node] = []
    pos = 0
    for match in _INLINE.finditer(text):
        if match.start() > pos:
            nodes.append({"type": "text", "text": text[pos : match.start()]})
        nodes.extend(_inline_match(match))
        pos = match.end()
    if pos < len(text):
        nodes.append({"type": "text", "text": text[pos:]})
    return nodes


def _inline_match(match: re.Match[str]) -> list[Node]:
    groups = match.groupdict()
    if groups["code"] is not None:
        return [{"type": "text", "text": groups["code"], "marks": [{"type": "code"}]}]
    if groups["label"] is not None:
        link = {"type": "link", "attrs": {"href": groups["href"]}}
        return [_with_mark(node, link) for node in _md_inline(groups["label"])]
    for kind, group in (("strong", "strong"), ("strike", "strike"), ("em", "em"), ("em", "em2")):
        if groups[group] is not None:
            return [_with_mark(node, {"type": kind}) for node in _md_inline(groups[group])]
    return [{"type": "text", "text": match.group(0)}]


def _with_mark(node: Node, mark: Node) -> Node:
    if node.get("type") != "text":
        return node
    return {**node, "marks": [*node.get("marks", []), mark]}
