"""``pricing.batch`` inputs: rule-set files and carts as JSON Lines, bad input named."""

from __future__ import annotations

import copy
import io
import json
import pickle
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pricing
from pricing import batch
from pricing.batch.io import utf8_lines

from .support import BASELINE, CARTS


def test_read_carts_jsonl_names_lines_and_defaults_ids(tmp_path: Path) -> None:
    file = tmp_path / "carts.jsonl"
    file.write_text(
        "\n".join(json.dumps(c) for c in CARTS[:3])
        + "\n\n"
        + json.dumps({"order": CARTS[3]["order"]}),
        encoding="utf-8",
    )
    carts = batch.read_carts(file)
    assert [c.id for c in carts] == ["c0", "c1", "c2", 5]  # no id: the line number
    assert carts[3].customer is None
    assert carts[3].at is None

    file.write_text('{"order": {"products": []}}\n{"order": {"products": [{"productId": 1}]}}\n')
    with pytest.raises(pricing.ScenarioError) as err:
        batch.read_carts(file)
    assert err.value.path == f"{file}:2: order.products[0].quantity"

    with pytest.raises(pricing.ScenarioError, match="malformed JSON"):
        batch.read_carts(io.StringIO('{"order": \n'))
    with pytest.raises(pricing.ScenarioError, match="unknown field"):
        batch.read_carts(['{"order": {"products": []}, "oder": 1}'])
    with pytest.raises(pricing.ScenarioError, match="no such file"):
        batch.read_carts(tmp_path / "missing.jsonl")


@pytest.mark.parametrize("given", [True, False, 1.5, [1], {"a": 1}, 10**40])
def test_a_cart_id_is_an_integer_or_text(given: object) -> None:
    """``"id": true`` was read as 1, the id of another cart, in the rows written."""
    line = json.dumps({"order": {"products": []}, "id": given})
    with pytest.raises(pricing.ScenarioError) as err:
        batch.read_carts([line])
    assert err.value.path == "carts:1: id"
    ids = [json.dumps({"order": {"products": []}, "id": i}) for i in (1, "1", -(10**39))]
    assert [c.id for c in batch.read_carts(ids)] == [1, "1", -(10**39)]


def test_rule_set_format_refuses_order_customer_at_and_typos(tmp_path: Path) -> None:
    for key in ("order", "customer", "at"):
        with pytest.raises(pricing.ScenarioError, match=f"a rule set has no '{key}'"):
            batch.RuleSet({**BASELINE, key: None})
    with pytest.raises(pricing.ScenarioError) as err:
        batch.RuleSet({**BASELINE, "discount": []}, name="B.json")
    assert err.value.path == "B.json: discount"
    bad = copy.deepcopy(BASELINE)
    bad["catalog"][0]["price"] = "1.005"
    file = tmp_path / "A.json"
    file.write_text(pricing.dumps_json(bad), encoding="utf-8")
    with pytest.raises(pricing.ScenarioError) as err:
        batch.RuleSet.load(file)
    assert err.value.path == f"{file}: catalog[0].price"


def test_files_with_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    """A UTF-8 byte-order mark (as some editors write) is dropped, not an error."""
    rules = tmp_path / "A.json"
    rules.write_bytes(b"\xef\xbb\xbf" + pricing.dumps_json(BASELINE).encode())
    assert batch.RuleSet.load(rules).currency == "USD"
    carts = tmp_path / "carts.jsonl"
    carts.write_bytes(b"\xef\xbb\xbf" + "".join(json.dumps(c) + "\n" for c in CARTS[:2]).encode())
    assert [c.id for c in batch.read_carts(carts)] == ["c0", "c1"]
    assert [c.id for c in batch.read_carts(["\ufeff" + json.dumps(CARTS[0])])] == ["c0"]


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        (None, "is a directory", None),
        # A rule set is read whole: the byte's place in the file.
        (b"\xff\xfe{\x00}\x00", r"is not UTF-8 text \(byte 0\)", 1),
        # '{"order": {"products": []}}\n' is 28 bytes: 0x80 is byte 28, on line 2.
        (b'{"order": {"products": []}}\n\x80\n', r"is not UTF-8 text \(byte 28\)", 2),
    ],
)
def test_unreadable_files_are_bad_input_naming_them(
    tmp_path: Path, content: bytes | None, message: str, line: int | None
) -> None:
    file = tmp_path / "input"
    if content is None:
        file.mkdir()
    else:
        file.write_bytes(content)
    with pytest.raises(pricing.ScenarioError, match=message) as err:
        batch.RuleSet.load(file)
    assert err.value.path == str(file)
    with pytest.raises(pricing.ScenarioError, match=message) as err:
        batch.read_carts(file)
    # Carts are read a line at a time: the line is named too.
    assert err.value.path == (str(file) if line is None else f"{file}:{line}")


@pytest.mark.parametrize(
    ("data", "lines"),
    [
        (b"a\nb\n", ["a\n", "b\n"]),
        (b"a\r\nb", ["a\n", "b"]),  # CRLF read as a text file reads it
        (b"a\rb\rc\n", ["a\n", "b\n", "c\n"]),  # lone CRs end lines too
        (b"a\r", ["a\n"]),
        (b"\xc3\x89t\xc3\xa9\n", ["\u00c9t\u00e9\n"]),  # UTF-8, whatever the locale
    ],
)
def test_utf8_lines_splits_as_a_text_file_does(data: bytes, lines: list[str]) -> None:
    assert list(utf8_lines(io.BytesIO(data), "f")) == lines


@given(st.lists(st.sampled_from(["a", "é", "\r", "\n", "\r\n", "{}"]), max_size=12))
def test_utf8_lines_are_the_lines_a_text_file_gives(pieces: list[str]) -> None:
    data = "".join(pieces).encode()
    text_file = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=None)
    assert list(utf8_lines(io.BytesIO(data), "f")) == list(text_file)


@pytest.mark.parametrize(
    ("data", "path", "byte"),
    [
        (b"ok\n\xff\n", "f:2", 3),
        # Lone CRs count as line ends before the bad byte: "a", "b", then line 3.
        (b"a\rb\r\xe9\n", "f:3", 4),
        # A bad byte after the start of a line: its place in the stream.
        (b'{"x": 1}\n{"y": "\xe9"}\n', "f:2", 16),
    ],
)
def test_utf8_lines_names_the_line_and_byte_of_what_is_not_utf8(
    data: bytes, path: str, byte: int
) -> None:
    with pytest.raises(pricing.ScenarioError) as err:
        list(utf8_lines(io.BytesIO(data), "f"))
    assert err.value.path == path
    assert err.value.message == f"is not UTF-8 text (byte {byte})"


def test_a_long_directory_is_named_whole_and_a_long_key_after_it_is_cut(tmp_path: Path) -> None:
    """Messages cut a key of more than 100 characters (it is input); a file name is no
    key: a directory path of 150 characters without a dot is named whole."""
    folder = tmp_path / ("d" * 150)
    folder.mkdir()
    missing = folder / "carts.jsonl"
    with pytest.raises(pricing.ScenarioError) as err:
        batch.read_carts(missing)
    assert str(err.value) == f"{missing}: no such file"
    long_key = "K" * 150
    lines = folder / "lines"  # (no dot in the whole path, name included)
    lines.write_text(json.dumps({"order": {"products": []}, long_key: 1}) + "\n")
    with pytest.raises(pricing.ScenarioError) as err:
        batch.read_carts(lines)
    message = str(err.value)
    assert message.startswith(f"{lines}:1: ")
    assert "K" * 99 + "…" in message
    assert "K" * 100 not in message
    assert err.value.path == f"{lines}:1: {long_key}"
    again = pickle.loads(pickle.dumps(err.value))  # (a worker's error, in the parent)
    assert str(again) == message
    assert again.source == err.value.source


@pytest.mark.parametrize(
    ("at", "message"),
    [
        (1700000000, "not int"),  # a Unix number is no instant here either
        ("1700000000", "must be an ISO 8601 date-time"),
        (None, "not null"),  # left out, a cart takes the batch's instant; null is bad input
        ("2026-11-22T12:00:00.0000001Z", "at most 6 decimals"),
    ],
)
def test_a_carts_at_is_read_as_a_scenarios_is(at: object, message: str) -> None:
    line = {"order": {"products": [{"productId": 1, "quantity": 1}]}, "at": at}
    with pytest.raises(pricing.ScenarioError) as err:
        batch.parse_cart(line, where="carts.jsonl:3")
    assert err.value.path == "carts.jsonl:3: at"
    assert message in err.value.message


def test_what_is_not_carts_is_bad_input_naming_it() -> None:
    """Bytes, objects where lines of text are read, a cart that is no object: each a
    clear ``ScenarioError``, never an ``AttributeError`` from inside."""
    with pytest.raises(pricing.ScenarioError, match="not bytes"):
        batch.read_carts(b'{"order": {"products": []}}\n')
    with pytest.raises(pricing.ScenarioError, match="lines of text, not int"):  # (a TypeError)
        batch.read_carts(5)  # type: ignore[arg-type]
    with pytest.raises(pricing.ScenarioError, match=r"^carts:1: a line of JSON text, not dict"):
        batch.read_carts([{"order": {"products": []}}])
    with pytest.raises(pricing.ScenarioError) as err:
        batch.parse_cart([1, 2], where="carts.jsonl:1")
    assert str(err.value) == "carts.jsonl:1: a cart is a JSON object"
    with pytest.raises(pricing.ScenarioError) as err:  # the first cart of a list: [0]
        batch.price_many([{"order": {"products": []}, "bad": 1}], BASELINE)
    assert err.value.path == "carts[0]: bad"


def test_a_line_of_carts_longer_than_the_limit_is_refused(monkeypatch) -> None:
    """A cart's line is read to at most the limit (128 MiB; 32 bytes here), so that a
    stream without line ends (``/dev/zero``) is bad input, not a read that fills the
    memory; the line is named."""
    import pricing.batch.io as batch_io

    monkeypatch.setattr(batch_io, "MAX_FILE_BYTES", 32)
    lines = utf8_lines(io.BytesIO(b'{"order": {}}\n' + b"{" + b" " * 40 + b"}\n"), "c.jsonl")
    assert next(lines) == '{"order": {}}\n'
    with pytest.raises(pricing.ScenarioError) as info:
        next(lines)
    assert info.value.path == "c.jsonl:2"
    assert info.value.message == "a line larger than 128 MiB (the most a file of input may hold)"


def test_a_malformed_cart_line_is_placed_within_its_line() -> None:
    """The line's own end is not part of its JSON: "line 2 column 1" pointed past it."""
    lines = ['{"order": {"products": []}}\n', '{"order": \n']
    carts = batch.iter_carts(lines, name="c.jsonl")
    next(carts)
    with pytest.raises(pricing.ScenarioError) as info:
        next(carts)
    assert str(info.value) == "c.jsonl:2: malformed JSON at line 1 column 11: Expecting value"


def test_a_gzip_file_of_carts_is_named_as_such() -> None:
    """Not "is not UTF-8 text (byte 1)": what it is, and what to do."""
    import gzip

    data = gzip.compress(b'{"order": {"products": []}}\n')
    with pytest.raises(pricing.ScenarioError) as info:
        list(utf8_lines(io.BytesIO(data), "carts.jsonl.gz"))
    assert str(info.value) == (
        "carts.jsonl.gz: is gzip-compressed: give it decompressed (zcat FILE | … -)"
    )
