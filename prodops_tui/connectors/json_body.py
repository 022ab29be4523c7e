"""JSON from a remote body, decoded into values every store can hold.

JSON may escape characters no database takes: a lone surrogate (`"\\ud800"`: SQLite and
PostgreSQL drivers raise UnicodeEncodeError) or NUL (`"\\u0000"`: PostgreSQL refuses it). Both
become U+FFFD. Only bodies holding such an escape are walked, so the common case costs one scan.
Numbers must be finite: `NaN`/`Infinity` are not JSON and `1e999` overflows, and PostgreSQL's
JSON columns refuse what Python would write for them.

The common case is decoded by orjson (a third of the standard decoder's time on a Jira page,
and it refuses non-finite numbers and nesting deeper than 1,024 itself); bodies with a risky
escape, which orjson refuses or keeps, take the standard decoder and are cleaned.
"""

import json
import math
import re
from typing import Any

import orjson

__all__ = ["loads"]

_RISKY_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def loads(content: bytes) -> Any:
    """`json.loads`, with unstorable characters replaced; ValueError for bad, truncated or
    absurdly nested JSON (the decoder's RecursionError included)."""
    if not _RISKY_ESCAPE.search(content):
        return orjson.loads(content)  # orjson.JSONDecodeError is a ValueError
    try:
        value = json.loads(content, parse_float=_finite, parse_constant=_not_json)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    return _cleaned(value)


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("a number out of range")
    return number


def _not_json(text: str) -> float:
    raise ValueError(f"{text} is not JSON")


def _cleaned(value: Any) -> Any:
    """`value` with every string (keys too) cleaned; iterative, so any depth json took is fine."""
    root = [value]
    stack: list[list[Any] | dict[str, Any]] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            items = list(node.items())
            node.clear()
            for key, item in items:
                node[_UNSTORABLE.sub("\ufffd", key)] = _leaf(item, stack)
        else:
            for index, item in enumerate(node):
                node[index] = _leaf(item, stack)
    return root[0]


def _leaf(item: Any, stack: list[list[Any] | dict[str, Any]]) -> Any:
    """A cleaned string, or the container (queued for cleaning) or scalar as it is."""
    if isinstance(item, str):
        return _UNSTORABLE.sub("\ufffd", item)
    if isinstance(item, list | dict):
        stack.append(item)
    return item
