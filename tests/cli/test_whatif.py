"""``pricing whatif``: the aggregate on stdout, per-cart rows as CSV or JSON Lines, exit codes."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import pricing
from pricing import batch
from pricing._cli import main

AT = "2026-11-22T12:00:00+00:00"

CATALOG = [
    {"id": 1, "title": "Tee", "price": "20.00", "categoryIds": [10]},
    {"id": 2, "title": "Mug", "price": "12.50", "categoryIds": [20]},
    {"id": 3, "title": "Cap", "price": "15.00", "categoryIds": [10]},
]
BASELINE = {
    "currency": "USD",
    "categories": [{"id": 10}, {"id": 20}],
    "catalog": CATALOG,
    "discounts": [
        {
            "id": 1,
            "identifier": "tees10",
            "position": 1,
            "discountValue": {
                "value": 10,
                "discountType": "PERCENTAGE",
                "applicability": "TO_PRODUCT",
            },
            "conditions": [{"conditionType": "CATEGORY", "entityIds": [10]}],
        }
    ],
    "settings": {"allowStacking": True},
}
CANDIDATE = {
    **BASELINE,
    "discounts": [
        *BASELINE["discounts"],
        {
            "id": 2,
            "identifier": "five-off-40",
            "position": 2,
            "discountValue": {
                "value": "5",
                "discountType": "FIXED_AMOUNT",
                "applicability": "TO_ORDER",
            },
            "conditions": [{"conditionType": "MIN_CART_AMOUNT", "value": {"amount": "40"}}],
        },
    ],
}
CARTS = [
    {"id": "a", "order": {"products": [{"productId": 1, "quantity": 2}]}, "at": AT},
    {"id": "b", "order": {"products": [{"productId": 2, "quantity": 1}]}, "at": AT},
    {
        "id": "c",
        "order": {"products": [{"productId": 3, "quantity": 3}, {"productId": 2, "quantity": 1}]},
    },
    {"id": "d", "order": {"products": [{"productId": 99, "quantity": 1}]}, "at": AT},
]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    paths = {}
    for name, data in (("A.json", BASELINE), ("B.json", CANDIDATE)):
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
        paths[name] = str(tmp_path / name)
    carts = tmp_path / "carts.jsonl"
    carts.write_text("".join(json.dumps(c) + "\n" for c in CARTS), encoding="utf-8")
    paths["carts"] = str(carts)
    paths["dir"] = str(tmp_path)
    return paths


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _whatif(files: dict[str, str], *extra: str) -> tuple[int, str, str]:
    argv = ["whatif", "--baseline", files["A.json"], "--candidate", files["B.json"]]
    return _run([*argv, files["carts"], "--at", AT, "--no-progress", *extra])


def _expected() -> batch.WhatIf:
    return batch.whatif(
        [batch.parse_cart(c, default_id=i) for i, c in enumerate(CARTS, start=1)],
        baseline=BASELINE,
        candidate=CANDIDATE,
        at=datetime.fromisoformat(AT),
    )


def test_prints_the_aggregate(files: dict[str, str]) -> None:
    code, out, err = _whatif(files)
    assert (code, err) == (0, "")
    # a: 40 → 36, +5 off with the candidate; b: 12.50 unchanged; c: 57.50 → 53 → 48;
    # d: unknown product, refused by both.
    assert "What-if over 4 carts (USD): 3 priced under both rule sets, 1 refused" in out
    assert "revenue (totalDue)" in out
    assert "-10.00" in out  # revenue delta
    assert "+10.00" in out  # discount delta
    assert "carts affected: 2 of 3 (paying less: 2, paying more: 0)" in out


def test_the_aggregate_alone_streams_the_carts(
    files: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --out, no row is kept and no cart waits for the others: the carts are
    priced as they are read (memory flat in their number), to the same aggregate."""
    monkeypatch.setattr(batch, "read_carts", lambda *a, **k: pytest.fail("all carts read"))
    monkeypatch.setattr(batch, "whatif", lambda *a, **k: pytest.fail("every row kept"))
    code, out, _ = _whatif(files)
    assert code == 0
    monkeypatch.undo()
    assert out == pricing._cli.whatif.render_aggregate(_expected().aggregate)


def test_a_bad_line_met_while_streaming_exits_2_naming_it(files: dict[str, str]) -> None:
    carts = Path(files["carts"])
    carts.write_text(carts.read_text() + '{"order": {"products": "none"}}\n', encoding="utf-8")
    code, out, err = _whatif(files)
    assert (code, out) == (2, "")
    assert "carts.jsonl:5: order.products" in err


def test_csv_rows_equal_the_batch_rows(files: dict[str, str]) -> None:
    target = Path(files["dir"]) / "rows.csv"
    code, out, _ = _whatif(files, "--out", str(target))
    assert code == 0
    assert f"4 rows written to {target} (csv)" in out
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = _expected().records()
    assert [r["id"] for r in rows] == ["a", "b", "c", "d"]
    for row, record in zip(rows, expected, strict=True):
        assert list(row) == list(batch.COLUMNS)
        for column in batch.COLUMNS:
            value = record[column]
            want = (
                ""
                if value is None
                else str(value).lower()
                if isinstance(value, bool)
                else str(value)
            )
            assert row[column] == want, column
    assert rows[0]["candidate_total_due"] == "31.00"
    assert rows[3]["error"].startswith("baseline: ScenarioError")


def test_jsonl_rows_are_exact_numbers(files: dict[str, str]) -> None:
    target = Path(files["dir"]) / "rows.out"
    code, _, _ = _whatif(files, "--out", str(target), "--format", "jsonl")
    assert code == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    docs = [pricing.loads_json(line) for line in lines]
    expected = _expected().records()
    assert len(docs) == len(expected)
    for doc, record in zip(docs, expected, strict=True):
        assert list(doc) == list(batch.COLUMNS)
        assert doc["candidate_total_due"] == record["candidate_total_due"]
        assert doc["discount_delta"] == record["discount_delta"]


def test_rows_to_stdout_move_the_aggregate_to_stderr(files: dict[str, str]) -> None:
    code, out, err = _whatif(files, "--out", "-", "--format", "jsonl")
    assert code == 0
    assert len(out.splitlines()) == 4
    assert "What-if over 4 carts" in err


def test_carts_without_at_use_now_and_say_so(files: dict[str, str]) -> None:
    argv = ["whatif", "--baseline", files["A.json"], "--candidate", files["B.json"]]
    code, out, err = _run([*argv, files["carts"], "--no-progress"])
    assert code == 0
    assert "carts without 'at' are priced at the current time" in err
    assert "What-if over 4 carts" in out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"order": {"products": []}}, "a rule set has no 'order'"),
        ({"discount": []}, "discount: unknown field"),
    ],
)
def test_bad_rule_set_exits_2_naming_the_file(
    files: dict[str, str], change: dict[str, Any], message: str
) -> None:
    Path(files["B.json"]).write_text(json.dumps({**CANDIDATE, **change}), encoding="utf-8")
    code, out, err = _whatif(files)
    assert code == 2
    assert out == ""
    assert err.startswith(f"pricing: bad input: {files['B.json']}: ")
    assert message in err
    assert "Traceback" not in err


def test_bad_cart_line_exits_2_naming_the_line(files: dict[str, str]) -> None:
    with open(files["carts"], "a", encoding="utf-8") as handle:
        handle.write('{"order": {"products": [{"productId": 1, "quantity": 0}]}}\n')
    code, _, err = _whatif(files)
    assert code == 2
    assert f"{files['carts']}:5: order.products[0].quantity" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--out", "rows.txt"], "cannot tell the row format"),
        (["--format", "csv"], "rows are written only with --out"),
        (["--at", "2026-11-22T12:00:00"], "--at: must carry a time zone"),
        (["--at", "noon"], "--at: not an ISO 8601 instant"),
        (["--at", "2026-11-22T12:00:00.0000001Z"], "--at: a second has at most 6 decimals"),
        (["--processes", "0"], "--processes: must be at least 1"),
    ],
)
def test_bad_options_exit_2(files: dict[str, str], extra: list[str], message: str) -> None:
    code, _, err = _whatif(files, *extra)
    assert code == 2
    assert message in err


def test_missing_carts_file_exits_2(files: dict[str, str]) -> None:
    argv = ["whatif", "--baseline", files["A.json"], "--candidate", files["B.json"]]
    code, _, err = _run([*argv, files["carts"] + ".nope", "--at", AT])
    assert code == 2
    assert "no such file" in err


BROKEN = {
    "binary garbage": bytes(range(256)) * 4,
    "invalid UTF-8": b'{"currency": "caf\xe9"}\n',
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "empty": b"",
}


@pytest.mark.parametrize("content", BROKEN.values(), ids=BROKEN.keys())
@pytest.mark.parametrize("which", ["A.json", "carts"])
def test_broken_files_exit_2_with_one_line(
    files: dict[str, str], which: str, content: bytes
) -> None:
    Path(files[which]).write_bytes(content)
    code, out, err = _whatif(files)
    if which == "carts" and not content:
        assert code == 0  # no carts: an empty study
        return
    assert (code, out) == (2, "")
    assert err.startswith(f"pricing: bad input: {files[which]}")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_a_directory_as_a_file_exits_2(files: dict[str, str]) -> None:
    argv = ["whatif", "--baseline", files["dir"], "--candidate", files["B.json"]]
    code, _, err = _run([*argv, files["carts"], "--at", AT])
    assert code == 2
    assert err == f"pricing: bad input: {files['dir']}: is a directory, not a file\n"


def test_carts_from_standard_input(files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    carts = Path(files["carts"]).read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbf" + carts)))
    argv = ["whatif", "--baseline", files["A.json"], "--candidate", files["B.json"], "-"]
    assert _run([*argv, "--at", AT, "--no-progress"]) == _whatif(files)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\xff\xfe\x00")))
    code, _, err = _run([*argv, "--at", AT])
    assert code == 2
    assert err == "pricing: bad input: standard input:1: is not UTF-8 text (byte 0)\n"


def test_standard_input_is_read_as_utf8_whatever_the_locale(
    files: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Latin-1 locale (``PYTHONIOENCODING=latin-1``) must not change a study: the
    carts' bytes are UTF-8, as a file's are (a non-ASCII id read as Latin-1 was
    another text, "Ã©tÃ©")."""
    cart = {"id": "\u00e9t\u00e9", "order": CARTS[0]["order"], "at": AT}
    data = (json.dumps(cart, ensure_ascii=False) + "\n").encode()
    Path(files["carts"]).write_bytes(data)
    argv = ["whatif", "--baseline", files["A.json"], "--candidate", files["B.json"]]
    tail = ["--at", AT, "--no-progress", "--out", "-", "--format", "jsonl"]
    from_file = _run([*argv, files["carts"], *tail])
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="latin-1"))
    from_stdin = _run([*argv, "-", *tail])
    assert from_file[0] == 0, from_file[2]
    assert "\u00e9t\u00e9" in from_file[1]  # the id, as written
    assert from_stdin == from_file


def test_a_cart_with_a_lone_surrogate_is_bad_input(files: dict[str, str]) -> None:
    """A cart id read from ``"\\ud800"`` is no Unicode text: exit 2 naming the line."""
    cart = {"id": "c\ud800", "order": CARTS[0]["order"], "at": AT}
    Path(files["carts"]).write_text(json.dumps(cart) + "\n", encoding="ascii")
    code, _, err = _whatif(files)
    assert code == 2
    assert "carts.jsonl:1: id: " in err
    assert "surrogate" in err


def test_an_unknown_key_of_a_discount_is_warned_of_or_with_strict_refused(
    files: dict[str, str],
) -> None:
    """A typo at the top of a discount object (``conditons``) is kept and echoed, so a
    study would price without its conditions: it is said on stderr, and with
    ``--strict`` it is an error, as for ``pricing preview``."""
    typo = json.loads(Path(files["B.json"]).read_text())
    typo["discounts"][0]["conditons"] = []
    Path(files["B.json"]).write_text(json.dumps(typo), encoding="utf-8")
    code, out, err = _whatif(files)
    assert code == 0
    warned = f"pricing: warning: {files['B.json']}: "
    assert warned + '{"code":"unknown_field","path":"discounts[0].conditons"}\n' in err
    code, out, err = _whatif(files, "--strict")
    assert code == 2
    assert out == ""
    assert f"{files['B.json']}: discounts[0].conditons: unknown field" in err


def test_rows_to_a_file_stream_the_carts(
    files: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --out FILE no cart waits for the others and no row is kept (memory flat in
    their number): the same rows, and nothing left beside the file."""
    target = Path(files["dir"]) / "rows.jsonl"
    monkeypatch.setattr(batch, "read_carts", lambda *a, **k: pytest.fail("all carts read"))
    monkeypatch.setattr(batch, "whatif", lambda *a, **k: pytest.fail("every row kept"))
    code, out, _ = _whatif(files, "--out", str(target))
    monkeypatch.undo()
    assert code == 0
    assert out.endswith(f"4 rows written to {target} (jsonl)\n")
    rows = [pricing.loads_json(line) for line in target.read_text().splitlines()]
    assert rows == [pricing.loads_json(pricing.dumps_json(r)) for r in _expected().records()]
    assert sorted(p.name for p in target.parent.iterdir() if p.name.startswith(".")) == []


def test_a_bad_line_leaves_no_half_written_rows(files: dict[str, str]) -> None:
    """A bad line met halfway stops the study: the target is not written (an older file
    there stays as it was) and the rows written so far are removed."""
    target = Path(files["dir"]) / "rows.csv"
    target.write_text("an earlier study\n")
    carts = Path(files["carts"])
    carts.write_text(carts.read_text() + '{"order": {"products": "none"}}\n', encoding="utf-8")
    code, out, err = _whatif(files, "--out", str(target))
    assert (code, out) == (2, "")
    assert "carts.jsonl:5: order.products" in err
    assert target.read_text() == "an earlier study\n"
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".part")] == []


def test_an_unwritable_out_is_told_before_any_cart_is_read(files: dict[str, str]) -> None:
    """Found at once, not after a study of a million carts: the carts file here does
    not even exist, and the error is about --out."""
    target = Path(files["dir"]) / "no-such-dir" / "rows.csv"
    argv = ["whatif", "--baseline", files["A.json"], "--candidate", files["B.json"]]
    code, _, err = _run([*argv, files["dir"] + "/missing.jsonl", "--at", AT, "--out", str(target)])
    assert code == 2
    assert err.startswith(f"pricing: bad input: --out: cannot write {target}: ")
