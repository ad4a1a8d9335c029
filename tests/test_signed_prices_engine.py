"""Signed prices inside the engine and the CLI: the token's price is charged.

The rules are in docs/signed-prices.md.
"""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import pricing
from pricing._cli import main

AT = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SECRET = b"k" * 40


def scenario(token: str | None, *, at: datetime = AT, marker: str = "orders") -> dict[str, Any]:
    """Two units of product 7 whose catalog price is now 150.00."""
    return {
        "at": at.isoformat(),
        "currency": "USD",
        "storageMarker": marker,
        "catalog": [{"id": 7, "title": "Lamp", "price": "150.00"}],
        "order": {"products": [{"productId": 7, "quantity": 2, "signedPrice": token}]},
    }


def sign(price: str = "120.00", *, at: datetime = AT, currency: str = "USD") -> str:
    signer = pricing.PriceSigner.hs256(SECRET, kid="k1")
    return signer.sign(product_id=7, price=price, currency=currency, storage_marker="orders", at=at)


def verifier() -> pricing.PriceVerifier:
    return pricing.PriceVerifier.hs256({"k1": SECRET})


def test_signed_price_is_charged_even_after_the_catalog_price_changed() -> None:
    # Signed at 120.00; the catalog now says 150.00. 2 × 120.00 = 240.00 is charged.
    result = pricing.preview(scenario(sign()), price_verifier=verifier())
    assert result.total_raw == pricing.loads_json("240.00")
    line = result.document["lines"][0]
    assert line["unitPrice"] == 120
    assert line["priceLocked"] is True
    assert result.lines[0].price_locked is True


def test_lines_without_a_token_are_not_marked_price_locked() -> None:
    result = pricing.preview(scenario(None), price_verifier=verifier())
    assert result.total_raw == 300  # 2 × 150.00 from the catalog
    assert "priceLocked" not in result.document["lines"][0]


def test_signed_price_without_a_verifier_is_an_error_naming_the_field() -> None:
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scenario(sign()))
    assert info.value.path == "order.products[0].signedPrice"


def test_expired_token_is_refused_with_the_line_path() -> None:
    late = AT + timedelta(minutes=11)  # default lifetime 10 min, leeway 5 s
    with pytest.raises(pricing.SignedPriceError) as info:
        pricing.preview(scenario(sign(), at=late), price_verifier=verifier())
    assert info.value.reason == "expired"
    assert info.value.path == "order.products[0].signedPrice"


def test_token_for_another_storage_marker_is_refused() -> None:
    with pytest.raises(pricing.SignedPriceError) as info:
        pricing.preview(scenario(sign(), marker="wishlist"), price_verifier=verifier())
    assert info.value.reason == "wrong_marker"


def test_token_for_another_currency_is_refused() -> None:
    with pytest.raises(pricing.SignedPriceError) as info:
        pricing.preview(scenario(sign(currency="EUR")), price_verifier=verifier())
    assert info.value.reason == "wrong_currency"


def test_signed_price_must_fit_the_currency_exponent() -> None:
    # 120.005 has three decimals; USD allows two. (This library's signer refuses to make
    # such a token; another signer with the key may not.)
    from .signing.support import craft, hs256

    iat = int(AT.timestamp())
    claims = {"pid": 7, "price": "120.005", "cur": "USD", "mkr": "orders"}
    claims |= {"iat": iat, "exp": iat + 600, "jti": "t-1"}
    token = craft({"alg": "HS256", "typ": "JWT", "kid": "k1"}, claims, hs256(SECRET))
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scenario(token), price_verifier=verifier())
    assert info.value.path == "order.products[0].signedPrice"
    assert "120.005 has more decimals than USD allows" in str(info.value)


def _key_file(tmp_path: Path) -> Path:
    secret = base64.urlsafe_b64encode(SECRET).decode().rstrip("=")
    path = tmp_path / "keys.json"
    path.write_text(
        json.dumps({"keys": [{"kid": "k1", "alg": "HS256", "secret": secret}], "signingKid": "k1"})
    )
    return path


def test_cli_sign_then_preview_with_key_file(tmp_path: Path) -> None:
    keys = _key_file(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    argv = ["sign", "--key-file", str(keys), "--product", "7", "--price", "99.90"]
    argv += ["--currency", "USD", "--marker", "orders"]
    assert main(argv, out=out, err=err) == 0
    token = out.getvalue().strip()
    assert token.count(".") == 2

    # `sign` stamps the token with the current time, so the scenario uses it too.
    now = datetime.now(UTC)
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario(token, at=now)))
    out = io.StringIO()
    assert main(["preview", str(path), "--json", "--key-file", str(keys)], out=out, err=err) == 0
    doc = json.loads(out.getvalue())
    assert doc["totalSum"] == 199.8  # 2 × 99.90
    assert doc["lines"][0]["priceLocked"] is True


def test_cli_preview_with_a_tampered_token_exits_1_without_traceback(tmp_path: Path) -> None:
    keys = _key_file(tmp_path)
    head, body, sig = sign().split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["price"] = "1.00"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario(f"{head}.{forged}.{sig}")))
    out, err = io.StringIO(), io.StringIO()
    assert main(["preview", str(path), "--key-file", str(keys)], out=out, err=err) == 1
    assert "bad_signature" in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert len(err.getvalue().strip().splitlines()) == 1


# ---------------------------------------------------------------------------
# Instants near the calendar's ends: refusals, never an OverflowError


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        pytest.param("9999-12-31T23:59:59.999999Z", "expired", id="last-instant-utc"),
        pytest.param("9999-12-31T23:59:59.999999-14:00", "expired", id="past-the-end-minus-14h"),
        pytest.param("0001-01-01T00:00:00Z", "not_yet_valid", id="first-instant-utc"),
        pytest.param("0001-01-01T00:00:00+14:00", "not_yet_valid", id="before-the-start-plus-14h"),
    ],
)
def test_preview_at_the_calendar_ends_judges_the_token(at: str, reason: str) -> None:
    data = {**scenario(sign()), "at": at}
    with pytest.raises(pricing.SignedPriceError) as info:
        pricing.preview(data, price_verifier=verifier())
    assert info.value.reason == reason
    assert info.value.path == "order.products[0].signedPrice"


def test_cli_preview_at_the_calendar_end_exits_1_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({**scenario(sign()), "at": "9999-12-31T23:59:59.999999Z"}))
    out, err = io.StringIO(), io.StringIO()
    argv = ["preview", str(path), "--key-file", str(_key_file(tmp_path))]
    assert main(argv, out=out, err=err) == 1
    assert err.getvalue() == (
        "pricing: SignedPriceError (expired): "
        "order.products[0].signedPrice: signed price token has expired\n"
    )


@pytest.mark.parametrize(
    "lifetime",
    [
        pytest.param(str(300_000_000_000), id="exp-past-9999"),
        pytest.param(str(10**17), id="beyond-timedelta"),
        pytest.param(str(-(10**17)), id="negative-beyond-timedelta"),
    ],
)
def test_cli_sign_with_a_lifetime_past_the_calendar_is_bad_input(
    tmp_path: Path, lifetime: str
) -> None:
    argv = ["sign", "--key-file", str(_key_file(tmp_path)), "--product", "7", "--price", "1"]
    argv += ["--currency", "USD", "--marker", "orders", "--lifetime", lifetime]
    out, err = io.StringIO(), io.StringIO()
    assert main(argv, out=out, err=err) == 2
    assert out.getvalue() == ""
    assert err.getvalue().startswith("pricing: bad input: ")
    assert "9999-12-31T23:59:59Z" in err.getvalue()
    assert len(err.getvalue().splitlines()) == 1


@pytest.mark.parametrize(
    ("flag", "value", "said"),
    [
        ("--product", "1_0", "pid: Input should be a valid integer"),  # (int() read it as 10)
        ("--product", "\u0661", "pid: Input should be a valid integer"),  # Arabic-Indic one
        ("--price", "7.001", "7.001 has more decimals than USD allows"),  # no preview takes it
        ("--product", "9" * 5000, "pid: Input should be a valid integer"),  # (int() raised)
    ],
)
def test_cli_sign_reads_numbers_as_json_writes_them(
    tmp_path: Path, flag: str, value: str, said: str
) -> None:
    args = {"--product": "7", "--price": "1", "--currency": "USD", "--marker": "orders"}
    args[flag] = value
    argv = ["sign", "--key-file", str(_key_file(tmp_path))]
    argv += [part for pair in args.items() for part in pair]
    out, err = io.StringIO(), io.StringIO()
    assert main(argv, out=out, err=err) == 2
    assert out.getvalue() == ""
    assert said in err.getvalue()


def test_cli_sign_reads_the_lifetime_in_ascii_digits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["sign", "--key-file", str(_key_file(tmp_path)), "--product", "7", "--price", "1"]
    argv += ["--currency", "USD", "--marker", "orders", "--lifetime", "\u0663"]
    assert main(argv, out=io.StringIO(), err=io.StringIO()) == 2
    assert "argument --lifetime: not an integer" in capsys.readouterr().err
