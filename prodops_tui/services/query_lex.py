"""The query bar's tokens: words, `field:value` terms, quotes, parentheses, AND/OR/NOT and `-`."""

import re
from dataclasses import dataclass


class QueryError(ValueError):
    """A query that cannot be read: `position` is the 1-based character it points at."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Token:
    """kind: "(", ")", "AND", "OR", "NOT", "-", "word", "phrase" or "term" (field op value)."""

    kind: str
    text: str
    position: int
    """1-based index of the token's first character."""
    field: str = ""
    op: str = ""
    value_position: int = 0


KEYWORDS = frozenset({"AND", "OR", "NOT"})
_TERM = re.compile(r"([A-Za-z_]+)(>=|<=|:|>|<|=)")
_STOP = frozenset(' \t\n()"')


def tokens(text: str) -> list[Token]:
    """Split a query into tokens; QueryError for an unclosed quote or a lone `-`."""
    found: list[Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif char in "()":
            found.append(Token(char, char, index + 1))
            index += 1
        elif char == "-":
            if index + 1 >= len(text) or text[index + 1].isspace() or text[index + 1] == ")":
                raise QueryError(f"'-' at {index + 1} needs a term right after it", index + 1)
            found.append(Token("-", "-", index + 1))
            index += 1
        elif char == '"':
            phrase, end = _quoted(text, index)
            found.append(Token("phrase", phrase, index + 1))
            index = end
        else:
            token, index = _word_or_term(text, index)
            found.append(token)
    return found


def _quoted(text: str, start: int) -> tuple[str, int]:
    """The text inside the quote opening at `start` (with \\" and \\\\ escapes), and the index
    after its closing quote."""
    chars: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            chars.append(text[index + 1])
            index += 2
        elif char == '"':
            return "".join(chars), index + 1
        else:
            chars.append(char)
            index += 1
    raise QueryError(f"unclosed quote at {start + 1}", start + 1)


def _bare(text: str, start: int) -> tuple[str, int]:
    index = start
    while index < len(text) and text[index] not in _STOP:
        index += 1
    return text[start:index], index


def _word_or_term(text: str, start: int) -> tuple[Token, int]:
    term = _TERM.match(text, start)
    if term is None:
        word, end = _bare(text, start)
        kind = word.upper() if word.upper() in KEYWORDS else "word"
        return Token(kind, word, start + 1), end
    field, op = term.group(1), term.group(2)
    value_start = term.end()
    if value_start < len(text) and text[value_start] == '"':
        value, end = _quoted(text, value_start)
    else:
        value, end = _bare(text, value_start)
        if not value:
            raise QueryError(f"'{field}{op}' at {start + 1} needs a value", start + 1)
    token = Token("term", value, start + 1, field=field.lower(), op=op)
    return _with_value_position(token, value_start + 1), end


def _with_value_position(token: Token, position: int) -> Token:
    return Token(token.kind, token.text, token.position, token.field, token.op, position)


_PLAIN = re.compile(r"[^\s()\"\\]+")


def quote(value: str) -> str:
    """A value as typed: bare when it reads back the same, else in double quotes."""
    plain = _PLAIN.fullmatch(value) and not value.startswith("-") and value.upper() not in KEYWORDS
    if plain and _TERM.match(value) is None:
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
