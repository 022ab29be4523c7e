"""Payloads generated from the vendored OpenAPI schemas (3.0 and 3.1).

`Schemas(spec).response(path)` (or `.compile(schema)`) turns a response schema into a generator
`(random.Random, depth) -> JSON value`: local `$ref`s resolved (recursive schemas end at a depth
cap), `allOf` merged, `oneOf`/`anyOf` picking one member, 3.0 `nullable` and 3.1
`type: [..., "null"]`, `enum`, `const`, `example`, string formats (date-time, date, email, uri,
uuid), numeric bounds, `additionalProperties` (free-form objects get arbitrary JSON), and the
operation's own example answers now and then. Where a spec is looser than the service
(API-NOTES.md), three knobs per spec: `hints` (property name -> values the service sends where
the schema says only "string"), `present` (property names the service always sends though the
schema marks nothing required) and `overrides` (property name -> the schema to use instead, e.g.
Jira's free-form `fields` built from the spec's own component schemas). `damage.py` then
damages half of them; a Hypothesis example is one seed for all of its draws, so a failure
replays from its seed (per-member Hypothesis draws made 5,000 nested payloads take minutes).

hypothesis-jsonschema was not used: it knows neither OpenAPI 3.0's `nullable` nor its
`readOnly`/`example` conventions, and drawing every member through Hypothesis is the slow path.
"""

import copy
import json
import random
from collections.abc import Callable, Mapping
from typing import Any

from tests.contract.spec_hook import _document, spec_file
from tests.fuzz.damage import TIMES, Gen, junk, text

MAX_DEPTH = 7


def _digits(rnd: random.Random) -> str:
    return str(rnd.choice((1, 7, 10042, 2**31, 2**53 + 1)))


_FORMATS: dict[str, Callable[[random.Random], str]] = {
    "date-time": lambda r: r.choice(TIMES[:3]) if r.random() < 0.85 else r.choice(TIMES),
    "datetime": lambda r: r.choice(TIMES[:3]) if r.random() < 0.85 else r.choice(TIMES),
    "date": lambda r: r.choice(("2025-05-31", "2025-06-01", "0001-01-01", "2025-02-30")),
    "email": lambda r: r.choice(("ana@example.com", "x@y", "")),
    "uri": lambda r: r.choice(("https://acme.example/x", "javascript:alert(1)", "")),
    "uuid": lambda r: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
}


class Schemas:
    """Generators for the schemas of one vendored spec (compiled once, then cheap to run)."""

    def __init__(
        self,
        spec: str,
        hints: Mapping[str, tuple[Any, ...]] | None = None,
        present: frozenset[str] = frozenset(),
        overrides: Mapping[str, dict[str, Any]] | None = None,
    ) -> None:
        self.document = _document(spec_file(spec))
        self.hints = dict(hints or {})
        self.present = present
        self.overrides = dict(overrides or {})
        self._refs: dict[str, Gen] = {}

    def component(self, name: str) -> Gen:
        return self.compile({"$ref": f"#/components/schemas/{name}"})

    def response(self, path: str, method: str = "get") -> Gen:
        """The generator for the 200 JSON answer of one operation: from its schema, and a
        quarter of the time the spec's own example answer (if it has one)."""
        answer = self.document["paths"][path][method]["responses"]["200"]
        answer = self._resolve(answer) if "$ref" in answer else answer
        content = answer["content"]["application/json"]
        generate = self.compile(content["schema"])
        examples = self._examples(content)
        if not examples:
            return generate
        return lambda rnd, depth: (
            copy.deepcopy(rnd.choice(examples)) if rnd.random() < 0.25 else generate(rnd, depth)
        )

    def _examples(self, content: dict[str, Any]) -> list[Any]:
        """`example` (Atlassian stores it as a JSON string) and every `examples` value."""
        found = [content["example"]] if "example" in content else []
        for example in (content.get("examples") or {}).values():
            example = self._resolve(example) if "$ref" in example else example
            found += [example["value"]] if "value" in example else []
        decoded = []
        for value in found:
            try:
                decoded.append(json.loads(value) if isinstance(value, str) else value)
            except ValueError:
                continue
        return decoded

    def compile(self, schema: Any, name: str = "") -> Gen:
        if not isinstance(schema, dict):
            return junk
        if "$ref" in schema:
            return self._ref(schema["$ref"], name)
        if "allOf" in schema:
            return self.compile(self._merged(schema), name)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return self._either(schema, key, name)
        plain = self._plain(schema, name)
        hinted = self.hints.get(name)
        if hinted:
            return lambda rnd, depth: (
                rnd.choice(hinted) if rnd.random() < 0.7 else plain(rnd, depth)
            )
        if "example" in schema and not isinstance(schema["example"], dict | list):
            example = schema["example"]
            return lambda rnd, depth: example if rnd.random() < 0.3 else plain(rnd, depth)
        return plain

    def _ref(self, ref: str, name: str) -> Gen:
        key = f"{ref}|{name}"
        if key not in self._refs:
            self._refs[key] = junk  # a recursive schema reaching itself while compiling
            compiled = self.compile(self._resolve({"$ref": ref}), name)
            self._refs[key] = compiled
        return lambda rnd, depth: self._refs[key](rnd, depth)

    def _resolve(self, schema: dict[str, Any]) -> Any:
        node: Any = self.document
        for part in str(schema["$ref"]).lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def _merged(self, schema: dict[str, Any]) -> dict[str, Any]:
        """allOf members merged into one object schema (properties and required united)."""
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for member in schema["allOf"]:
            while isinstance(member, dict) and "$ref" in member:
                member = self._resolve(member)
            if not isinstance(member, dict):
                continue
            if "allOf" in member:
                member = self._merged(member)
            for key, value in member.items():
                if key == "properties":
                    merged["properties"] = {**merged.get("properties", {}), **value}
                elif key == "required":
                    merged["required"] = [*merged.get("required", []), *value]
                else:
                    merged.setdefault(key, value)
        return merged

    def _either(self, schema: dict[str, Any], key: str, name: str) -> Gen:
        rest = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
        options = [self.compile({**rest, **self._inline(m)}, name) for m in schema[key]]
        return lambda rnd, depth: rnd.choice(options)(rnd, depth)

    def _inline(self, member: Any) -> dict[str, Any]:
        while isinstance(member, dict) and "$ref" in member:
            member = self._resolve(member)
        return member if isinstance(member, dict) else {}

    def _plain(self, schema: dict[str, Any], name: str) -> Gen:
        kind = schema.get("type")
        kinds = kind if isinstance(kind, list) else [kind]
        nullable = schema.get("nullable") is True or "null" in kinds
        kinds = [k for k in kinds if k != "null"] or ([None] if kind is None else ["null"])
        makers = [self._typed(schema, k, name) for k in kinds]

        def generate(rnd: random.Random, depth: int) -> Any:
            if nullable and rnd.random() < 0.1:
                return None
            return rnd.choice(makers)(rnd, depth)

        return generate

    def _typed(self, schema: dict[str, Any], kind: Any, name: str) -> Gen:
        if "const" in schema:
            return lambda rnd, depth: schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            values = list(schema["enum"])
            return lambda rnd, depth: rnd.choice(values)
        if kind == "object" or (kind is None and "properties" in schema):
            return self._object(schema)
        if kind == "array":
            return self._array(schema, name)
        if kind == "string":
            return _string(schema, name)
        if kind in ("integer", "number"):
            return _number(schema, kind)
        if kind == "boolean":
            return lambda rnd, depth: rnd.random() < 0.5
        if kind == "null":
            return lambda rnd, depth: None
        return junk

    def _array(self, schema: dict[str, Any], name: str) -> Gen:
        item = self.compile(schema.get("items", {}), name)
        most = min(int(schema.get("maxItems", 4)), 4)
        least = min(int(schema.get("minItems", 0)), most)

        def generate(rnd: random.Random, depth: int) -> list[Any]:
            top = least if depth >= MAX_DEPTH else max(least, most - depth // 2)
            return [item(rnd, depth + 1) for _ in range(rnd.randint(least, top))]

        return generate

    def _object(self, schema: dict[str, Any]) -> Gen:
        listed = schema.get("properties") or {}
        props = {k: self.compile(self.overrides.get(k, v), k) for k, v in listed.items()}
        required = set(schema.get("required") or ()) | (self.present & set(props))
        extra = schema.get("additionalProperties")
        more = self.compile(extra) if isinstance(extra, dict) and extra else junk
        open_ended = extra is True or isinstance(extra, dict)

        def generate(rnd: random.Random, depth: int) -> dict[str, Any]:
            keep = 0.0 if depth >= MAX_DEPTH else 0.5 - depth * 0.06
            out = {
                k: g(rnd, depth + 1)
                for k, g in props.items()
                if k in required or rnd.random() < keep
            }
            if open_ended and depth < MAX_DEPTH:
                for _ in range(rnd.randint(0, 2)):
                    out[_key(rnd)] = more(rnd, depth + 1)
            return out

        return generate


def _key(rnd: random.Random) -> str:
    return rnd.choice(("2025-05-30", "2025-05-31", "2025-05", "app_opened", "9", "", "tier"))


def _string(schema: dict[str, Any], name: str) -> Gen:
    form = _FORMATS.get(str(schema.get("format", "")))
    wants_digits = name == "id" or name.endswith("Id")

    def generate(rnd: random.Random, depth: int) -> str:
        if form is not None:
            return form(rnd)
        if wants_digits and rnd.random() < 0.9:
            return _digits(rnd)
        return text(rnd)

    return generate


def _number(schema: dict[str, Any], kind: str) -> Gen:
    low = schema.get("minimum", -(2**31))
    high = schema.get("maximum", 2**31)

    def generate(rnd: random.Random, depth: int) -> int | float:
        roll = rnd.random()
        if roll < 0.8:
            value: float = rnd.randint(int(max(low, -1000)), int(min(high, 100_000)))
        elif roll < 0.9:
            value = rnd.choice((0, -1, 2**53 + 1, 2**63, 1e308))
        else:
            value = rnd.uniform(-1.0, 1.0) if kind == "number" else 2**31 - 1
        return value if kind == "number" else int(value)

    return generate
