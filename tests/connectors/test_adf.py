"""ADF <-> Markdown: every common node, round trips, and hostile documents."""

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prodops_tui.connectors.adf import adf_to_md, md_to_adf
from prodops_tui.services.generator import generate


def doc(*content: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "type": "doc", "content": list(content)}


def para(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(content)}


def text(value: str, *marks: str, href: str = "") -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": value}
    if marks:
        node["marks"] = [
            {"type": m, "attrs": {"href": href}} if m == "link" else {"type": m} for m in marks
        ]
    return node


def item(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "listItem", "content": list(content)}


def test_inline_marks_render_as_markdown() -> None:
    md = adf_to_md(
        doc(
            para(
                text("bold", "strong"),
                text(" "),
                text("it", "em"),
                text(" "),
                text("x()", "code"),
                text(" "),
                text("old", "strike"),
                text(" "),
                text("site", "link", href="https://a.example"),
                text(" "),
                text("both", "strong", "em"),
            )
        )
    )
    assert md == "**bold** *it* `x()` ~~old~~ [site](https://a.example) ***both***"


def test_block_nodes_render_as_markdown() -> None:
    table = {
        "type": "table",
        "content": [
            {
                "type": "tableRow",
                "content": [
                    {"type": "tableHeader", "content": [para(text(h))]} for h in ("Plan", "Seats")
                ],
            },
            {
                "type": "tableRow",
                "content": [
                    {"type": "tableCell", "content": [para(text(c))]} for c in ("Pro | EU", "12")
                ],
            },
        ],
    }
    md = adf_to_md(
        doc(
            {"type": "heading", "attrs": {"level": 2}, "content": [text("Goal")]},
            {
                "type": "orderedList",
                "attrs": {"order": 3},
                "content": [
                    item(
                        para(text("three")),
                        {"type": "bulletList", "content": [item(para(text("nested")))]},
                    ),
                    item(para(text("four"))),
                ],
            },
            {"type": "codeBlock", "attrs": {"language": "sql"}, "content": [text("SELECT 1;")]},
            {"type": "blockquote", "content": [para(text("quoted")), para(text("more"))]},
            {"type": "panel", "attrs": {"panelType": "info"}, "content": [para(text("note"))]},
            {"type": "rule"},
            table,
            {"type": "mediaSingle", "content": [{"type": "media", "attrs": {"id": "x"}}]},
        )
    )
    assert md.split("\n") == [
        "## Goal",
        "",
        "3. three",
        "   - nested",
        "4. four",
        "",
        "```sql",
        "SELECT 1;",
        "```",
        "",
        "> quoted",
        ">",
        "> more",
        "",
        "> note",
        "",
        "---",
        "",
        "| Plan | Seats |",
        "| --- | --- |",
        "| Pro \\| EU | 12 |",
        "",
        "[image]",
    ]


def test_inline_nodes_and_unknown_nodes_degrade_to_text() -> None:
    md = adf_to_md(
        doc(
            para(
                text("Hi "),
                {"type": "mention", "attrs": {"id": "5b10", "text": "@Mei Lin"}},
                {"type": "hardBreak"},
                {"type": "emoji", "attrs": {"shortName": ":tada:"}},
                text(" see "),
                {"type": "inlineCard", "attrs": {"url": "https://x.example/1"}},
            ),
            {
                "type": "decisionList",
                "content": [{"type": "decisionItem", "content": [text("ship it")]}],
            },
            {"type": "futureBlock", "content": [para(text("kept"))]},
        )
    )
    assert md == "Hi @Mei Lin\n:tada: see <https://x.example/1>\n\nship it\n\nkept"


def test_none_is_empty_and_non_objects_raise_value_error() -> None:
    assert adf_to_md(None) == ""
    with pytest.raises(ValueError):
        adf_to_md("plain text")
    with pytest.raises(ValueError):
        adf_to_md([1, 2])


def test_markdown_to_adf_covers_writes() -> None:
    adf = md_to_adf(
        "Fix **now**, see [docs](https://d.example)\nsecond line\n\n- a\n- `b`\n\n"
        "2. two\n3. three\n\n```python\nprint(1)\n```"
    )
    assert adf["content"] == [
        para(
            text("Fix "),
            text("now", "strong"),
            text(", see "),
            text("docs", "link", href="https://d.example"),
            {"type": "hardBreak"},
            text("second line"),
        ),
        {"type": "bulletList", "content": [item(para(text("a"))), item(para(text("b", "code")))]},
        {
            "type": "orderedList",
            "attrs": {"order": 2},
            "content": [item(para(text("two"))), item(para(text("three")))],
        },
        {"type": "codeBlock", "attrs": {"language": "python"}, "content": [text("print(1)")]},
    ]


def test_unclosed_markers_stay_literal() -> None:
    assert md_to_adf("a * b ` c [d](")["content"] == [para(text("a * b ` c [d]("))]
    assert md_to_adf("```\nno end")["content"] == [
        {"type": "codeBlock", "attrs": {"language": ""}, "content": [text("no end")]}
    ]


def test_generated_descriptions_round_trip() -> None:
    company = generate("tiny", 7, date(2025, 6, 1))
    for row in company.issues():
        assert adf_to_md(row["description_adf"]) == row["description_md"]
        assert md_to_adf(row["description_md"]) == row["description_adf"]


_WORDS = st.text(alphabet="abcdefgh XYZ,:;!?0123456789", min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and s != ""
)
_MARKS = st.sampled_from([(), ("strong",), ("em",), ("code",), ("strike",)])


def _spaced(parts: list[tuple[str, tuple[str, ...]]]) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = []
    for n, (word, marks) in enumerate(parts):
        if n:
            nodes.append(text(" "))
        nodes.append(text(word, *marks))
    return para(*nodes)


_PARAGRAPH = st.lists(st.tuples(_WORDS, _MARKS), min_size=1, max_size=4).map(_spaced)


def _merged(node: dict[str, Any]) -> dict[str, Any]:
    """Adjacent text nodes with equal marks merged, as the Markdown reader produces them."""
    out: list[dict[str, Any]] = []
    for child in node["content"]:
        if out and out[-1].get("marks") == child.get("marks") and "marks" not in child:
            out[-1] = {**out[-1], "text": out[-1]["text"] + child["text"]}
        else:
            out.append(child)
    return {**node, "content": out}


_BLOCK = st.one_of(
    _PARAGRAPH.map(_merged),
    st.lists(_PARAGRAPH.map(_merged), min_size=1, max_size=3).map(
        lambda ps: {"type": "bulletList", "content": [item(p) for p in ps]}
    ),
    _WORDS.map(
        lambda w: {"type": "codeBlock", "attrs": {"language": "text"}, "content": [text(w)]}
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_BLOCK, min_size=1, max_size=5))
def test_supported_subset_round_trips(blocks: list[dict[str, Any]]) -> None:
    original = doc(*blocks)
    assert md_to_adf(adf_to_md(original)) == original


_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
_TYPES = st.sampled_from(
    [
        "doc",
        "paragraph",
        "heading",
        "bulletList",
        "orderedList",
        "listItem",
        "codeBlock",
        "blockquote",
        "panel",
        "table",
        "tableRow",
        "tableCell",
        "tableHeader",
        "rule",
        "text",
        "hardBreak",
        "mention",
        "emoji",
        "inlineCard",
        "mediaSingle",
        "media",
        "expand",
        "status",
        "date",
        "weird",
        7,
        None,
    ]
)
_ATTRS = st.one_of(
    _SCALAR,
    st.dictionaries(
        st.sampled_from(
            ["level", "order", "language", "text", "url", "href", "shortName", "title", "timestamp"]
        ),
        _SCALAR,
        max_size=3,
    ),
)
_HOSTILE = st.recursive(
    _SCALAR,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.fixed_dictionaries(
            {},
            optional={
                "type": _TYPES,
                "content": st.one_of(_SCALAR, st.lists(children, max_size=4)),
                "text": _SCALAR,
                "attrs": _ATTRS,
                "marks": st.one_of(
                    _SCALAR,
                    st.lists(
                        st.one_of(
                            _SCALAR,
                            st.fixed_dictionaries({"type": _TYPES}, optional={"attrs": _ATTRS}),
                        ),
                        max_size=3,
                    ),
                ),
            },
        ),
    ),
    max_leaves=25,
)


@settings(max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_HOSTILE)
def test_hostile_documents_never_raise_other_errors(document: object) -> None:
    try:
        md = adf_to_md(document)
    except ValueError:
        assert not isinstance(document, dict) and document is not None
    else:
        assert isinstance(md, str)


def test_deep_nesting_is_cut_off_not_a_recursion_error() -> None:
    node: dict[str, Any] = text("deep")
    for _ in range(5000):
        node = {"type": "blockquote", "content": [node]}
    assert isinstance(adf_to_md(doc(node)), str)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80))
def test_any_markdown_gives_a_document(markdown: str) -> None:
    adf = md_to_adf(markdown)
    assert adf["type"] == "doc"
    assert isinstance(adf_to_md(adf), str)
