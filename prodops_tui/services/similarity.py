"""Which issues a feedback item most likely belongs to, and which feedback says the same thing.

Issues: IDF-weighted inverted lists over key and summary, built once per screen and reused;
typed words in the picker narrow them by prefix.
Feedback duplicates: the full-text index finds candidates sharing the item's rarest words, and
rapidfuzz's token-set ratio re-ranks them. Scores are 0..1.
"""

import heapq
import math
import re
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import text

from prodops_tui.store.store import Store

__all__ = ["IssueIndex", "Suggestion", "duplicates", "feedback_text", "tokens"]

_WORD = re.compile(r"[^\W_]+")
KEY_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_]*-[0-9]*$")
_STOP_WORDS = (
    "a an and are as at be but by can do does for from has have hi hello i if in is it its me "
    "my no not of on or our please so that the their them there this to us was we were what "
    "when which with would you your thanks thank regards best cheers team"
)
STOP = frozenset(_STOP_WORDS.split(" "))
COMMON_SHARE = 0.2
"""Words in more than this share of issues only count when the text has no rarer ones."""
QUERY_WORDS = 8
"""How many of the text's most distinctive words a summary should cover to score fully."""


def tokens(value: str) -> list[str]:
    """Lowercase words without stop words or one-letter words."""
    return [w for w in _WORD.findall(value.lower()) if len(w) > 1 and w not in STOP]


def feedback_text(subject: str, body: str) -> str:
    return f"{subject}\n{body}"


@dataclass(frozen=True)
class Suggestion:
    """A likely match and how sure we are (0..1)."""

    id: str
    key: str
    title: str
    score: float


class IssueIndex:
    """Inverted lists over the cached issues' keys and summaries, weighted by IDF.

    A feedback item scores an issue by how much of the issue's summary it contains (IDF-weighted),
    times how much of the item's most distinctive wording the summary covers."""

    def __init__(self, issues: Iterable[tuple[str, str, str]]) -> None:
        """`issues`: (id, key, summary) of every issue that can be linked."""
        self.ids: list[str] = []
        self.keys: list[str] = []
        self.titles: list[str] = []
        self.words: list[tuple[str, ...]] = []
        lists: dict[str, list[int]] = {}
        for doc, (issue_id, key, summary) in enumerate(issues):
            self.ids.append(issue_id)
            self.keys.append(key)
            self.titles.append(summary)
            words = tuple(dict.fromkeys(map(sys.intern, tokens(summary))))
            self.words.append(words)
            for word in dict.fromkeys((*words, *_WORD.findall(key.lower()))):
                lists.setdefault(word, []).append(doc)
        total = max(len(self.ids), 1)
        self.postings = {word: array("i", docs) for word, docs in lists.items()}
        self.idf = {word: math.log(1 + total / len(docs)) for word, docs in lists.items()}
        self.weight = [sum(self.idf[w] for w in words) or 1.0 for words in self.words]
        self.vocabulary = sorted(self.postings)
        self.common = total * COMMON_SHARE
        self._last: tuple[str, dict[int, float]] | None = None

    @classmethod
    def load(cls, store: Store) -> "IssueIndex":
        """Every cached, not deleted issue, newest first."""
        sql = "SELECT id, key, summary FROM issue WHERE NOT deleted ORDER BY updated DESC"
        with store.read() as conn:
            rows = conn.execute(text(sql))
            return cls((str(i), str(k), str(s or "")) for i, k, s in rows)

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, value: str) -> dict[int, float]:
        """Issue (document number) -> score in 0..1, for issues sharing a word with `value`
        (the last text's scores are kept: the picker asks again on every key)."""
        last = self._last
        if last is not None and last[0] == value:
            return last[1]
        found = self._scores(value)
        self._last = (value, found)
        return found

    def _scores(self, value: str) -> dict[int, float]:
        query = [w for w in dict.fromkeys(tokens(value)) if w in self.idf]
        rare = [w for w in query if len(self.postings[w]) <= self.common]
        used = rare if len(rare) >= 2 else query
        coverage = sum(sorted((self.idf[w] for w in query), reverse=True)[:QUERY_WORDS]) or 1.0
        found: dict[int, float] = {}
        for word in used:
            weight = self.idf[word]
            for doc in self.postings[word]:
                found[doc] = found.get(doc, 0.0) + weight
        return {
            doc: min(1.0, shared / self.weight[doc]) * min(1.0, shared / coverage)
            for doc, shared in found.items()
        }

    def rank(self, value: str, limit: int = 10, typed: str = "") -> list[Suggestion]:
        """The issues most similar to `value`; with `typed`, only those whose key or summary has
        every typed word as a prefix of one of its words, ranked the same way."""
        scores = self.scores(value)
        if typed.strip():
            allowed = self._typed(typed)
            best = heapq.nsmallest(limit, allowed, key=lambda d: (-scores.get(d, 0.0), d))
            return [self._suggestion(doc, scores.get(doc, 0.0)) for doc in best]
        top = heapq.nsmallest(limit, scores.items(), key=lambda item: (-item[1], item[0]))
        return [self._suggestion(doc, score) for doc, score in top]

    def _typed(self, typed: str) -> list[int]:
        """Issues whose key starts with a typed key (`api-12`), or matching every typed prefix:
        the longest prefix's lists, then a check of the rest."""
        if KEY_PREFIX.match(typed.strip()):
            wanted = typed.strip().upper()
            return [doc for doc, key in enumerate(self.keys) if key.startswith(wanted)]
        prefixes = _WORD.findall(typed.lower())
        ordered = sorted(prefixes, key=len, reverse=True)
        docs: set[int] = set()
        for term in self._prefixed(ordered[0]):
            docs.update(self.postings[term])
        rest = ordered[1:]
        if not rest:
            return list(docs)
        return [d for d in docs if all(self._has_prefix(d, p) for p in rest)]

    def _has_prefix(self, doc: int, prefix: str) -> bool:
        words = (*self.words[doc], *_WORD.findall(self.keys[doc].lower()))
        return any(word.startswith(prefix) for word in words)

    def _prefixed(self, prefix: str) -> list[str]:
        start = bisect_left(self.vocabulary, prefix)
        found = []
        for term in self.vocabulary[start:]:
            if not term.startswith(prefix):
                break
            found.append(term)
        return found

    def _suggestion(self, doc: int, score: float) -> Suggestion:
        return Suggestion(self.ids[doc], self.keys[doc], self.titles[doc], round(score, 3))


def _rare_words(words: Sequence[str], idf: dict[str, float], count: int) -> list[str]:
    """The most distinctive words: highest IDF in the issue index (unknown = rarest)."""
    unique = list(dict.fromkeys(w for w in words if len(w) > 2))
    return sorted(unique, key=lambda w: -idf.get(w, 99.0))[:count]


def duplicates(
    store: Store,
    feedback_id: str,
    value: str,
    idf: dict[str, float] | None = None,
    limit: int = 5,
    floor: float = 0.6,
) -> list[Suggestion]:
    """Other feedback that most likely says the same thing, best first (score >= floor)."""
    words = _rare_words(tokens(value), idf or {}, 6)
    if not words:
        return []
    candidates = _candidates(store, feedback_id, words)
    scored = [
        (fuzz.token_set_ratio(value, feedback_text(subject, body)) / 100, fid, subject)
        for fid, subject, body in candidates
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [
        Suggestion(fid, "", subject, round(s, 3))
        for s, fid, subject in scored[:limit]
        if s >= floor
    ]


def _candidates(store: Store, feedback_id: str, words: list[str]) -> list[Any]:
    """Up to 200 feedback rows sharing the most words, from the full-text index."""
    if store.dialect == "postgresql":
        sql = (
            "SELECT id, subject, substr(body, 1, 2000) FROM feedback"
            " WHERE search_vector @@ to_tsquery('simple', :q) AND id <> :id"
            " ORDER BY ts_rank(search_vector, to_tsquery('simple', :q)) DESC, seq DESC LIMIT 200"
        )
        query = " | ".join(words)
    else:
        sql = (
            "SELECT f.id, f.subject, substr(f.body, 1, 2000) FROM feedback_fts"
            " JOIN feedback f ON f.seq = feedback_fts.rowid"
            " WHERE feedback_fts MATCH :q AND f.id <> :id ORDER BY rank LIMIT 200"
        )
        query = " OR ".join(f'"{w}"' for w in words)
    with store.read() as conn:
        return list(conn.execute(text(sql), {"q": query, "id": feedback_id}).all())
