"""Hostile input: mutations of valid scenarios, and the contract every one must meet.

A valid scenario from :mod:`pricing.strategies` is broken at one place (a wrong type,
a value out of range, a key missing, unknown or given twice, nesting thousands deep,
a huge number or string, a lone surrogate, ``NaN``), through the Python API and as
JSON text. The contract: either the preview refuses it with a
:class:`pricing.PricingError` (a ``ScenarioError`` names the mutated field, or a
field inside or around it), or it prices it, and then every invariant holds. Never
another exception, never a hang. The CLI is run on a sample: exit 0, 1 or 2, one
line on stderr, no traceback. The nightly profile runs 50 times as many examples.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pricing
from pricing import strategies as ps

from .test_stateful import assert_invariants

Path_ = tuple[str | int, ...]

# Values that are wrong somewhere (and right elsewhere): every path meets each.
_ODD_VALUES: tuple[Any, ...] = (
    True,
    False,
    None,
    "3",
    "false",
    "",
    1.5,
    -1,
    0,
    10**13,
    10**39,
    "1E+3",
    "1_000",
    "\uff12",  # a fullwidth digit
    " 5",
    "12345678901234567890123456789.12",
    "1E-999999999",
    1764000000,  # Unix seconds
    "2026-11-22T12:00:00",  # no zone
    "\ud800",  # a lone surrogate
    "x" * 5000,
    [],
    {},
    [1, 2],
    {"id": 1},
)


def _paths(value: Any, here: Path_ = ()) -> Iterator[Path_]:
    """Every path into ``value``, parents before children."""
    yield here
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*here, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _paths(child, (*here, i))


def _json_path(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _deep(levels: int, leaf: Any = 1) -> Any:
    value = leaf
    for i in range(levels):
        value = [value] if i % 2 else {"k": value}
    return value


def _set(root: Any, path: Path_, value: Any) -> None:
    target = root
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def _delete(root: Any, path: Path_) -> None:
    target = root
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[dict[str, Any], str, str]:
    """A valid scenario broken at one path: (scenario, mutated path, kind of mutation)."""
    scenario = draw(ps.scenarios(features=ps.FEATURES, max_discounts=4, max_lines=4))
    paths = [p for p in _paths(scenario) if p]
    path = draw(st.sampled_from(paths))
    kind = draw(st.sampled_from(("replace", "replace", "replace", "delete", "unknown", "deep")))
    if kind == "replace":
        _set(scenario, path, draw(st.sampled_from(_ODD_VALUES)))
    elif kind == "delete" and not isinstance(path[-1], int):
        _delete(scenario, path)
    elif kind == "unknown":
        parent = path if isinstance(_get(scenario, path), dict) else path[:-1]
        target = _get(scenario, parent)
        if isinstance(target, dict):
            target["typo"] = 1
            path = (*parent, "typo")
    else:
        kind = "deep"
        _set(scenario, path, _deep(draw(st.sampled_from((33, 50, 2000)))))
    return scenario, _json_path(path), kind


def _get(root: Any, path: Path_) -> Any:
    for part in path:
        root = root[part]
    return root


_REFERENCES = ("unknown product", "is not available", "unknown tax rate")


def _related(error_path: str, mutated: str, message: str = "") -> bool:
    """The error names the mutated field, one inside it, or one that holds it; or a
    field that refers to what was mutated (a line naming a product no longer there)."""
    if any(words in message for words in _REFERENCES):
        return True
    return (
        error_path.startswith(mutated)
        or mutated.startswith(error_path)
        or error_path.split(".")[0].split("[")[0] == mutated.split(".")[0].split("[")[0]
    )


def _outcome(run: Any) -> Any:
    """What ``run()`` returns, or the :class:`pricing.PricingError` it raises."""
    try:
        return run()
    except pricing.PricingError as exc:
        return exc


def _check(scenario: dict[str, Any], mutated: str, run: Any) -> None:
    result = _outcome(run)
    if isinstance(result, pricing.ScenarioError):
        assert _related(result.path, mutated, str(result)), (result.path, mutated, str(result))
        assert len(str(result)) < 2000
        return
    if isinstance(result, pricing.PricingError):
        return  # a changed code, date or price may refuse a coupon: a named refusal
    doc = json.loads(result.to_json())
    if scenario.get("settings") is None or not isinstance(scenario.get("settings"), dict):
        return  # (the invariants read the settings as given)
    try:
        assert_invariants(scenario, result.document)
    except (KeyError, TypeError, AttributeError):
        # The invariant helper reads the scenario as the strategies write it; a mutated
        # but valid form (an {id} object, a dropped optional key) it cannot read is
        # checked by the totals alone.
        raw = doc["discountConfig"]["totalRaw"]
        assert 0 <= doc["totalDue"] <= doc["totalSumWithDiscount"] <= raw


_MANY = settings.default.max_examples * 2


@settings(max_examples=_MANY, suppress_health_check=list(HealthCheck), deadline=None)
@given(_mutated())
def test_python_objects_are_refused_by_name_or_priced_soundly(case: Any) -> None:
    scenario, mutated, _ = case
    _check(scenario, mutated, lambda: pricing.preview(scenario))


_TEXT_MUTATIONS = ("duplicate", "long_number", "nan", "exponent", "bom", "deep_text")


@st.composite
def _mutated_text(draw: st.DrawFn) -> tuple[dict[str, Any], bytes, str]:
    """A valid scenario as JSON text, broken at one place only text can break."""
    scenario = draw(ps.scenarios(max_discounts=3, max_lines=3))
    kind = draw(st.sampled_from(_TEXT_MUTATIONS))
    paths = [p for p in _paths(scenario) if p and not isinstance(_get(scenario, p), dict | list)]
    path = draw(st.sampled_from(paths))
    marker = "@@MARK@@"
    if kind == "duplicate":
        parent = _get(scenario, path[:-1])
        if isinstance(parent, dict):
            parent[marker] = None  # placed after the key: the key is then given twice
            text = json.dumps(scenario).replace(
                f'"{marker}": null', f'"{path[-1]}": {json.dumps(parent[path[-1]])}'
            )
            return scenario, text.encode(), _json_path(path)
        kind = "nan"
    if kind == "bom":
        return scenario, b"\xef\xbb\xbf" + json.dumps(scenario).encode(), ""
    replacement = {
        "long_number": "9" * 5000,
        "nan": "NaN",
        "exponent": "1E+999999",
        "deep_text": "[" * 100_000 + "]" * 100_000,
    }[kind]
    _set(scenario, path, marker)
    text = json.dumps(scenario).replace(f'"{marker}"', replacement)
    return scenario, text.encode(), _json_path(path)


@settings(max_examples=_MANY, suppress_health_check=list(HealthCheck), deadline=None)
@given(_mutated_text())
def test_json_text_is_refused_by_name_or_priced_soundly(case: Any) -> None:
    _, text, mutated = case
    out = _outcome(lambda: pricing.preview_json(text))
    if isinstance(out, pricing.ScenarioError):
        assert mutated, f"a BOM is accepted, yet: {out}"
        assert out.path == "" or _related(out.path, mutated), (out.path, mutated)
        return
    if isinstance(out, pricing.PricingError):
        return
    doc = json.loads(out)
    raw = doc["discountConfig"]["totalRaw"]
    assert 0 <= doc["totalDue"] <= doc["totalSumWithDiscount"] <= raw


_CLI_SAMPLES = (
    b"\x00\x01\x02binary",
    b"\xef\xbb\xbf{}",
    b"\xff\xfe{",
    b'{"currency": "USD", "order": {"products": []}, "at": "2026-11-22T12:00:00Z",'
    b' "catalog": [{"id": 1, "title": "\\ud800", "price": 1}]}',
    b"[" * 100_000,
    b'{"currency": "USD", "currency": "EUR"}',
    b'{"at": 1764000000, "currency": "USD", "order": {"products": []}}',
)


def test_the_cli_never_prints_a_traceback(tmp_path: Path) -> None:
    for n, data in enumerate(_CLI_SAMPLES):
        file = tmp_path / f"s{n}.json"
        file.write_bytes(data)
        done = subprocess.run(
            [sys.executable, "-m", "pricing", "preview", str(file), "--json"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert done.returncode in (0, 1, 2), (data[:40], done.stderr[-300:])
        assert b"Traceback" not in done.stderr, (data[:40], done.stderr[-300:])
        if done.returncode:
            said = [ln for ln in done.stderr.splitlines() if not ln.startswith(b"pricing: note:")]
            assert len(said) == 1, done.stderr[-300:]
