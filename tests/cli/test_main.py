"""The ``pricing preview`` command: JSON output, the readable summary, exit codes, ``at``."""

from __future__ import annotations

import importlib
import io
import json
import random
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

import pricing
from pricing._cli import main
from pricing._cli.main import DISTRIBUTION, package_version

# The module, not the function that pricing._cli re-exports under the same name.
cli_main = importlib.import_module("pricing._cli.main")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "oneentry.json"


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _write(tmp_path: Path, scn: dict[str, Any]) -> str:
    file = tmp_path / "scenario.json"
    file.write_text(json.dumps(scn), encoding="utf-8")
    return str(file)


def test_json_output_is_the_preview_document():
    """``--json`` prints exactly ``preview(...).to_json()`` (plus a newline), and it parses."""
    code, out, err = _run(["preview", str(EXAMPLE), "--json"])
    assert code == 0
    assert err == ""
    expected = pricing.preview(pricing.loads_json(EXAMPLE.read_text(encoding="utf-8"))).to_json()
    assert out == expected + "\n"
    doc = json.loads(out)
    # The OneEntry example: 300 raw, 15 off → 285; totalSum is after discounts, as
    # OneEntry's createOrder response shows it.
    assert doc["discountConfig"]["totalRaw"] == 300
    assert (doc["totalSum"], doc["totalSumWithDiscount"], doc["totalDue"]) == (285, 285, 285)


def test_json_output_from_standard_input(monkeypatch):
    """``-`` reads the scenario from standard input."""
    text = EXAMPLE.read_text(encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code, out, _ = _run(["preview", "-", "--json"])
    assert code == 0
    assert out == pricing.preview_json(text) + "\n"


def test_summary_shows_totals_and_every_rule(sb, tmp_path):
    """Without ``--json``: a readable summary with the totals and each rule's status."""
    discounts = [
        sb.discount(1, "PERCENTAGE", 10, position=1, identifier="ten_off"),
        sb.discount(2, "FIXED_AMOUNT", 20, position=2, identifier="twenty_off"),
        sb.discount(
            3, "PERCENTAGE", 5, position=3, identifier="old", endDate="2020-01-01T00:00:00Z"
        ),
        sb.discount(4, "PERCENTAGE", 5, position=4, identifier="vip", userGroups=[99]),
    ]
    scn = sb.scenario(
        [(1, 2)],
        catalog=[sb.product(1, "150.00")],
        discounts=discounts,
        settings={"maxDiscountValue": 15},
    )
    # 300 raw; ten_off 30 → 270; twenty_off 20 → 250 (50 off) > cap 15 % of 300 = 45:
    # twenty_off (last) cut by 5 → 15, capped. 300 − 45 = 255.
    code, out, err = _run(["preview", _write(tmp_path, scn)])
    assert code == 0
    assert err == ""
    lines = out.splitlines()

    def row(*words: str) -> str:
        found = [ln for ln in lines if all(w in ln for w in words)]
        assert found, f"no line with {words} in:\n{out}"
        return found[0]

    row("total raw", "300.00")
    row("discount", "-45.00")
    row("with discount", "255.00")
    row("total due", "255.00")
    row("ten_off", "applied", "30.00")
    row("twenty_off", "applied (capped)", "15.00")
    row("old", "not_applied", "expired")
    row("vip", "not_applied", "not_in_group")
    # It is a summary, not the JSON document.
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def test_summary_mentions_coupon_and_warnings(sb, tmp_path):
    """The summary says whether the coupon applied, and shows warnings."""
    d = sb.discount(1, identifier="summer", coupons=["SUMMER"])
    scn = sb.scenario(discounts=[d], coupon="summer", markers=["nobody"])
    code, out, _ = _run(["preview", _write(tmp_path, scn)])
    assert code == 0
    assert "Coupon SUMMER: valid, applied" in out
    assert "unknown_marker" in out
    assert "nobody" in out


def test_coupon_error_exits_1_with_one_line(sb, tmp_path):
    """A refused coupon is not bad input: exit 1, one line naming the reason."""
    scn = sb.scenario(discounts=[sb.discount(1, coupons=["REAL"])], coupon="FAKE")
    code, out, err = _run(["preview", _write(tmp_path, scn), "--json"])
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("pricing: CouponError (not_found): ")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("coupons", "reason"),
    [
        ([{"code": "USED", "isUsed": True}], "already_used"),
        (["USED"], "expired"),
    ],
)
def test_other_coupon_errors_exit_1(sb, tmp_path, coupons, reason):
    """already_used and expired coupons exit 1 too."""
    d = sb.discount(1, coupons=coupons, endDate="2020-01-01T00:00:00Z")
    if reason == "already_used":
        d.pop("endDate")
    scn = sb.scenario(discounts=[d], coupon="used")
    code, _, err = _run(["preview", _write(tmp_path, scn), "--json"])
    assert code == 1
    assert f"CouponError ({reason})" in err


def test_scenario_without_at_uses_the_current_time_and_says_so(sb, tmp_path):
    """No ``at`` in the file: the CLI uses now, and notes it on stderr."""
    now = datetime.now(UTC)
    day = timedelta(days=1)
    discounts = [
        sb.discount(
            1,
            identifier="current",
            startDate=(now - day).isoformat(),
            endDate=(now + day).isoformat(),
        ),
        sb.discount(2, identifier="past", endDate=(now - day).isoformat()),
        sb.discount(3, identifier="future", startDate=(now + day).isoformat()),
    ]
    scn = sb.scenario(discounts=discounts)
    del scn["at"]
    code, out, err = _run(["preview", _write(tmp_path, scn), "--json"])
    assert code == 0
    assert err.count("\n") == 1
    assert err.startswith("pricing: note: the scenario has no 'at'")
    stamp = datetime.fromisoformat(err.rstrip("\n").rsplit(" ", 1)[-1])
    assert abs(stamp - now) < timedelta(minutes=5)
    explanation = {e["identifier"]: e["reason"] for e in json.loads(out)["explanation"]}
    assert explanation == {"current": None, "past": "expired", "future": "not_started"}


def test_scenario_with_null_at_is_bad_input(sb, tmp_path):
    """The CLI fills in the current time only when the file leaves ``at`` out: ``null``
    is a value, and not an instant."""
    scn = sb.scenario(at=None)
    code, out, err = _run(["preview", _write(tmp_path, scn), "--json"])
    assert code == 2
    assert out == ""
    assert err == (
        "pricing: bad input: at: must be an ISO 8601 date-time with a zone offset, not null\n"
    )


def test_bad_input_exits_2(sb, tmp_path):
    """Bad input: exit 2, one line with the path, nothing on stdout."""
    scn = sb.scenario()
    scn["order"]["products"][0]["quantity"] = 0
    code, out, err = _run(["preview", _write(tmp_path, scn)])
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("pricing: bad input: order.products[0].quantity: ")


# ---------------------------------------------------------------------------
# the command itself: --version, python -m pricing, help texts

ROOT = Path(__file__).resolve().parents[2]


def _subprocess(*argv: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "pricing", *argv], input=stdin, capture_output=True, timeout=60
    )


def test_version_is_the_installed_distributions(capsys: pytest.CaptureFixture[str]) -> None:
    assert DISTRIBUTION == "exact-discounts"
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"pricing {metadata.version(DISTRIBUTION)}\n"
    assert package_version() == metadata.version(DISTRIBUTION)


def test_version_falls_back_to_whatever_provides_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Installed under another name (a fork), next to the unrelated "pricing": the fork's.
    versions = {"pricing": "9.9 (unrelated)", "pricing-fork": "2.0"}

    def version(name: str) -> str:
        if name not in versions:
            raise metadata.PackageNotFoundError(name)
        return versions[name]

    monkeypatch.setattr(metadata, "version", version)
    monkeypatch.setattr(
        metadata, "packages_distributions", lambda: {"pricing": ["pricing", "pricing-fork"]}
    )
    assert package_version() == "2.0"
    versions[DISTRIBUTION] = "1.0"
    assert package_version() == "1.0"


def test_version_without_metadata_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    assert package_version() == "unknown (not installed)"


def test_python_dash_m_pricing() -> None:
    done = _subprocess("--help")
    assert done.returncode == 0
    assert done.stdout.startswith(b"usage: pricing [-h] [--version] COMMAND ...\n")
    for command in (b"preview", b"sign", b"example", b"whatif"):
        assert b"\n    " + command + b" " in done.stdout
    done = _subprocess("--version")
    assert (done.returncode, done.stdout) == (0, f"pricing {package_version()}\n".encode())


@pytest.mark.parametrize("command", ["preview", "sign", "example", "whatif"])
def test_every_command_has_a_description_and_plain_metavars(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    usage, description = text.split("\n\n")[:2]
    assert not description.startswith(("positional arguments:", "options:")), text
    # --processes N, not --processes PROCESSES: no metavar is the option's name shouted.
    for option, metavar in re.findall(r"--([\w-]+) ([A-Z_]+)\b", usage):
        assert metavar != option.upper().replace("-", "_"), (option, metavar)


# ---------------------------------------------------------------------------
# a closed pipe, Ctrl-C


def test_closed_pipe_exits_1_quietly(tmp_path: Path) -> None:
    """``pricing preview --json FILE | head -3``: no traceback, no "Exception ignored"."""
    scn = pricing.loads_json(EXAMPLE.read_text(encoding="utf-8"))
    scn["catalog"] = [{"id": i, "price": "1.00"} for i in range(1, 801)]
    scn["order"] = {"products": [{"productId": i, "quantity": 1} for i in range(1, 801)]}
    big = _write(tmp_path, scn)  # its JSON is larger than a pipe's buffer
    child = subprocess.Popen(
        [sys.executable, "-m", "pricing", "preview", "--json", big],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    assert child.stderr is not None
    child.stdout.close()
    with child.stderr:
        err = child.stderr.read()
    assert child.wait(timeout=60) == 1
    assert err == b""


def test_broken_pipe_in_main_exits_1() -> None:
    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    err = io.StringIO()
    assert main(["preview", str(EXAMPLE)], out=Closed(), err=err) == 1
    assert err.getvalue() == ""


def test_ctrl_c_exits_130_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_main, "preview_scenario", interrupted)
    code, out, err = _run(["preview", str(EXAMPLE)])
    assert (code, out, err) == (130, "", "pricing: interrupted\n")


def test_out_of_memory_exits_1_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def exhausted(*args: Any, **kwargs: Any) -> None:
        raise MemoryError

    monkeypatch.setattr(cli_main, "preview_scenario", exhausted)
    code, out, err = _run(["preview", str(EXAMPLE)])
    assert (code, out, err) == (1, "", "pricing: out of memory\n")


TOO_LARGE = "larger than 128 MiB (the most a file of input may hold)"


@pytest.mark.parametrize("where", ["file", "stdin"])
def test_input_larger_than_the_limit_is_refused_unread(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file of input is read to at most the limit (128 MiB; 64 bytes here): more is
    bad input, not a read that fills the memory."""
    import pricing.batch.io as batch_io

    monkeypatch.setattr(batch_io, "MAX_FILE_BYTES", 64)
    big = tmp_path / "big.json"
    big.write_bytes(EXAMPLE.read_bytes())  # (2 kB or so)
    if where == "file":
        code, _, err = _run(["preview", str(big)])
        assert err == f"pricing: bad input: {big}: {TOO_LARGE}\n"
    else:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(big.read_bytes())))
        code, _, err = _run(["preview", "-"])
        assert err == f"pricing: bad input: standard input: {TOO_LARGE}\n"
    assert code == 2


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_an_endless_file_is_refused() -> None:
    done = _subprocess("preview", "/dev/zero")
    assert done.returncode == 2
    assert done.stderr == f"pricing: bad input: /dev/zero: {TOO_LARGE}\n".encode()


# ---------------------------------------------------------------------------
# bundled examples


def test_example_lists_and_prints_the_bundled_examples() -> None:
    names = sorted(p.stem for p in (ROOT / "examples").glob("*.json"))
    code, out, err = _run(["example"])
    assert (code, out.split()) == (0, names)
    assert "pricing example NAME" in err
    for name in names:
        code, out, _ = _run(["example", name])
        assert (code, out) == (0, (ROOT / "examples" / f"{name}.json").read_text("utf-8"))


def test_preview_example_is_the_file_previewed() -> None:
    assert _run(["preview", "--example", "oneentry", "--json"]) == _run(
        ["preview", str(EXAMPLE), "--json"]
    )


def test_unknown_example_is_bad_input() -> None:
    for argv in (["example", "nope"], ["preview", "--example", "nope"]):
        code, out, err = _run(argv)
        assert (code, out) == (2, "")
        assert err.startswith("pricing: bad input: no example 'nope' (examples: bonus, ")
        assert err.count("\n") == 1


def test_preview_needs_a_file_or_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview"]) == 2
    assert main(["preview", str(EXAMPLE), "--example", "oneentry"]) == 2
    assert "Traceback" not in capsys.readouterr().err


# ---------------------------------------------------------------------------
# input files however broken: exit 2, one line, never a traceback

BROKEN = {
    "binary garbage": bytes(random.Random(7).randrange(256) for _ in range(4096)),
    "NUL bytes": b"\x00" * 64,
    "invalid UTF-8": b'{"currency": "caf\xe9"}',
    "UTF-16": '{"currency": "USD"}'.encode("utf-16"),
    "empty": b"",
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "not an object": b"[1, 2]",
    "a lone surrogate as the currency": b'{"at": "2026-11-22T12:00:00Z", "currency": "\\ud800"}',
    "an integer too long to read": b'{"currency": "USD", "x": ' + b"9" * 5000 + b"}",
}


def _assert_one_line(code: int, out: str, err: str) -> None:
    assert (code, out) == (2, "")
    assert err.startswith("pricing: bad input: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.parametrize("content", BROKEN.values(), ids=BROKEN.keys())
def test_broken_files_exit_2_with_one_line(tmp_path: Path, content: bytes) -> None:
    file = tmp_path / "scenario.json"
    file.write_bytes(content)
    _assert_one_line(*_run(["preview", str(file)]))
    done = _subprocess("preview", "-", stdin=content)
    _assert_one_line(done.returncode, done.stdout.decode(), done.stderr.decode())


def test_a_directory_or_a_missing_file_is_named(tmp_path: Path) -> None:
    for name, problem in ((tmp_path, "is a directory"), (tmp_path / "no.json", "no such file")):
        code, out, err = _run(["preview", str(name)])
        _assert_one_line(code, out, err)
        assert f"{name}: {problem}" in err


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    file = tmp_path / "scenario.json"
    file.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    assert _run(["preview", str(file), "--json"]) == _run(["preview", str(EXAMPLE), "--json"])
    done = _subprocess("preview", "-", "--json", stdin=file.read_bytes())
    assert (done.returncode, done.stdout.decode()) == _run(["preview", str(EXAMPLE), "--json"])[:2]


@pytest.mark.parametrize("json_output", [True, False], ids=["json", "summary"])
def test_lone_surrogates_are_refused_naming_the_field(tmp_path: Path, json_output: bool) -> None:
    """``"\\ud800"`` escapes decode to no Unicode text: bad input, one line, the path."""
    scn = pricing.loads_json(EXAMPLE.read_text(encoding="utf-8"))
    scn["catalog"][0]["title"] = "Caf\u00e9 \ud800"
    file = tmp_path / "scenario.json"
    file.write_text(json.dumps(scn), encoding="ascii")  # json.dumps writes the \\u escapes
    err = io.StringIO()
    argv = ["preview", str(file), *(["--json"] if json_output else [])]
    assert main(argv, out=io.StringIO(), err=err) == 2
    assert err.getvalue().count("\n") == 1
    assert "catalog[0].title" in err.getvalue()
    assert "surrogate" in err.getvalue()


def test_lone_surrogates_on_a_real_stdin() -> None:
    scn = pricing.loads_json(EXAMPLE.read_text(encoding="utf-8"))
    scn["discounts"][0]["identifier"] = "id\ud800"
    done = _subprocess("preview", "-", "--json", stdin=json.dumps(scn).encode())
    assert done.returncode == 2
    assert done.stdout == b""
    assert b"Traceback" not in done.stderr
    assert b"discounts[0].identifier" in done.stderr
