"""Validate every request and response an httpx.AsyncClient makes against a vendor OpenAPI spec.

Usage (a connector contract test):

    hook = spec_hook(spec_file("jira-pm-subset.openapi.json"), server="http://127.0.0.1:8080")
    http = HttpCore("jira", "http://127.0.0.1:8080", auth, event_hooks={"response": [hook]})

`server` is the URL the spec's paths hang off (GrowthBook: ".../api", Mixpanel query:
".../api/query"). A mismatch raises AssertionError with one flattened line per problem.
Relaxations, all documented in API-NOTES.md §4: no up-front spec check (Jira's spec fails it);
strict `additionalProperties: false` dropped from `allOf` members (GrowthBook lists); a Bearer
scheme accepted wherever only Basic is declared (Zendesk OAuth); 429/5xx answers that the spec
does not declare are allowed; `tag:yaml.org,2002:value` scalars (Zendesk oas) load as strings.
"""

import functools
import json
import os
import warnings
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema_path import SchemaPath
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.responses.exceptions import ResponseNotFound
from werkzeug.datastructures import Headers, ImmutableMultiDict

_REPO = Path(__file__).resolve().parents[2]
_SPEC_DIRS = (Path("/work/shared/api-specs"), _REPO.parent / "shared" / "api-specs")
_LINE = 300
_TRANSIENT = frozenset({429, 500, 502, 503, 504})
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
Hook = Callable[[httpx.Response], Awaitable[None]]


def specs_dir() -> Path | None:
    """The vendored spec directory ($PRODOPS_API_SPECS, /work/shared/api-specs, ../shared)."""
    override = os.environ.get("PRODOPS_API_SPECS")
    candidates = (Path(override),) if override else _SPEC_DIRS
    return next((path for path in candidates if path.is_dir()), None)


def spec_file(name: str) -> Path:
    """The path of a vendored spec by file name; skips the test if the specs are absent."""
    folder = specs_dir()
    if folder is None or not (folder / name).is_file():
        pytest.skip(f"API spec {name} not found: put the vendor specs in /work/shared/api-specs")
    return folder / name


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """Safe YAML that reads YAML 1.1 `=` (`value` tag) scalars as plain strings."""


_Loader.add_constructor(
    "tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node)
)


@functools.cache
def _document(spec_path: Path) -> dict[str, Any]:
    """The parsed and relaxed spec (cached: the large specs take seconds to parse)."""
    text = spec_path.read_text(encoding="utf-8")
    raw = json.loads(text) if spec_path.suffix == ".json" else yaml.load(text, Loader=_Loader)
    if not isinstance(raw, dict) or "paths" not in raw:
        raise AssertionError(f"{spec_path.name} is not an OpenAPI document")
    _relax_all_of(raw)
    _accept_bearer(raw)
    return raw


@functools.cache
def _openapi(spec_path: Path, server: str) -> OpenAPI:
    document = dict(_document(spec_path))
    document["servers"] = [{"url": server.rstrip("/")}]
    return OpenAPI(SchemaPath.from_dict(document), config=Config(spec_validator_cls=None))


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _relax_all_of(root: dict[str, Any]) -> None:
    """Drop `additionalProperties: false` on allOf members (GrowthBook's list answers).

    Inline members lose the keyword; a local `$ref` member to a strict plain object (no allOf of
    its own, so recursive schemas such as Jira's never loop) becomes a relaxed copy. All changes
    are collected first, then applied, so the walk never sees its own edits.
    """
    inline: list[dict[str, Any]] = []
    swaps: list[tuple[list[Any], int, dict[str, Any]]] = []
    for schema in _walk(root):
        members = schema.get("allOf")
        if not isinstance(members, list):
            continue
        for index, member in enumerate(members):
            target = _local_ref(member, root) if isinstance(member, dict) else None
            if isinstance(member, dict) and member.get("additionalProperties") is False:
                inline.append(member)
            elif target and target.get("additionalProperties") is False and "allOf" not in target:
                swaps.append((members, index, target))
    for member in inline:
        member.pop("additionalProperties", None)
    for members, index, target in swaps:
        members[index] = {k: v for k, v in target.items() if k != "additionalProperties"}


def _local_ref(member: dict[str, Any], root: dict[str, Any]) -> dict[str, Any] | None:
    ref = member.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return None
    found: Any = root
    for part in ref[2:].split("/"):
        found = found.get(part) if isinstance(found, dict) else None
    return found if isinstance(found, dict) else None


def _accept_bearer(document: dict[str, Any]) -> None:
    """Where only Basic is declared, also accept `Authorization: Bearer` (Zendesk OAuth)."""
    schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
    if any(s.get("scheme") == "bearer" for s in schemes.values() if isinstance(s, dict)):
        return
    schemes["prodopsBearer"] = {"type": "http", "scheme": "bearer"}
    requirements = [document.get("security")]
    for item in document.get("paths", {}).values():
        requirements += [op.get("security") for m, op in item.items() if m in _METHODS]
    for requirement in requirements:
        if isinstance(requirement, list) and requirement:
            requirement.append({"prodopsBearer": []})


class _Request:
    """An httpx.Request as openapi-core's Request protocol."""

    def __init__(self, request: httpx.Request) -> None:
        url = request.url
        self.host_url = f"{url.scheme}://{url.netloc.decode('ascii')}"
        self.path = url.path
        self.method = request.method.lower()
        self.body: bytes | None = request.content or None
        self.content_type = request.headers.get("content-type", "")
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(url.params.multi_items())),
            header=Headers(list(request.headers.items())),
            cookie=ImmutableMultiDict(),
        )


class _Response:
    """An httpx.Response as openapi-core's Response protocol."""

    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.content_type = response.headers.get("content-type", "")
        self.headers = Headers(list(response.headers.items()))
        self.data: bytes | None = response.content


def flatten(errors: list[Exception]) -> list[str]:
    """One line per problem: jsonschema's nested errors where present, else the error itself."""
    lines: list[str] = []
    for error in errors:
        chain = [error, error.__cause__] if error.__cause__ else [error]
        nested = [e for cause in chain for e in getattr(cause, "schema_errors", None) or ()]
        if nested:
            lines.extend(f"{_where(e)}: {e.message}" for e in nested)
        else:
            lines.extend(f"{type(cause).__name__}: {cause}" for cause in chain)
    return [" ".join(line.split())[:_LINE] for line in lines]


def _where(error: Any) -> str:
    path = "/".join(str(part) for part in getattr(error, "absolute_path", ()))
    return f"body/{path}" if path else "body"


def spec_hook(spec_path: Path, *, server: str) -> Hook:
    """An httpx response event hook asserting request and response match `spec_path`."""
    if not spec_path.is_file():
        pytest.skip(f"API spec {spec_path} not found: vendor specs live in /work/shared/api-specs")
    openapi = _openapi(spec_path.resolve(), server)

    async def check(response: httpx.Response) -> None:
        await response.aread()
        request = _Request(response.request)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Unsupported scheme type", UserWarning)
            problems = flatten(list(openapi.unmarshal_request(request).errors))
            found = openapi.unmarshal_response(request, _Response(response)).errors
        undeclared = response.status_code in _TRANSIENT and all(
            isinstance(e, ResponseNotFound) for e in found
        )
        if not undeclared:
            problems += flatten(list(found))
        if problems:
            where = f"{response.request.method} {response.request.url.path}"
            summary = f"{where} -> {response.status_code} breaks {spec_path.name}: "
            raise AssertionError(summary + " | ".join(problems))

    return check
