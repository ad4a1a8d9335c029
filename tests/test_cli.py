"""The ``pricing preview`` command: JSON output, the readable summary, exit codes, ``at``."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import pricing
from pricing._cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "oneentry.json"


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


def test_scenario_with_null_at_also_gets_the_current_time(sb, tmp_path):
    """``"at": null`` is treated like a missing ``at`` by the CLI."""
    scn = sb.scenario(at=None)
    code, out, err = _run(["preview", _write(tmp_path, scn), "--json"])
    assert code == 0
    assert "no 'at'" in err
    assert json.loads(out)["totalSum"] == 100


def test_bad_input_exits_2(sb, tmp_path):
    """Bad input: exit 2, one line with the path, nothing on stdout."""
    scn = sb.scenario()
    scn["order"]["products"][0]["quantity"] = 0
    code, out, err = _run(["preview", _write(tmp_path, scn)])
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("pricing: bad input: order.products[0].quantity: ")
