"""`load_key_file`: a JSON key file read into a signer and a verifier.

The file format is in docs/signed-prices.md, "Key file". Every message names the
file and the field, never the key material.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Final

from .._errors import PricingConfigError
from .codec import b64url_decode, strict_json
from .keys import ALGORITHMS, KEY_ID_RULE, VerificationKey, check_kid
from .signer import PriceSigner
from .verifier import PriceVerifier

__all__ = ["load_key_file"]

_MAX_KEY_FILE_BYTES: Final = 1 << 20
_KEY_ENTRY_FIELDS: Final = frozenset({"kid", "alg", "secret", "privateKeyPem", "publicKeyPem"})
_MATERIAL_FIELDS: Final = ("secret", "privateKeyPem", "publicKeyPem")


_NAMED: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,23}")
"""A field name short enough to show: no secret (32 bytes at least) fits in it."""


def _refuse_unknown(where: str, document: dict[str, Any], known: frozenset[str]) -> None:
    """Raise PricingConfigError naming the fields of ``document`` that are not ``known``
    (one that could be key material pasted in the wrong place only by its length)."""
    unknown = sorted(set(document) - known)
    if unknown:
        shown = [
            repr(k) if _NAMED.fullmatch(k) else f"one of {len(k)} characters (not shown)"
            for k in unknown
        ]
        raise PricingConfigError(f"{where}: unknown field(s) {', '.join(shown)}")


def _key_material(at: str, entry: dict[str, Any]) -> tuple[str, str, str, str]:
    """An entry's kid, alg, material field name and material text, checked for shape."""
    try:
        kid = check_kid(entry.get("kid"))
    except PricingConfigError:
        raise PricingConfigError(f"{at}.kid: must be {KEY_ID_RULE}") from None
    alg = entry.get("alg")
    if not isinstance(alg, str) or alg not in ALGORITHMS:
        raise PricingConfigError(f"{at}.alg: must be one of 'ES256', 'HS256', 'RS256'")
    present = [name for name in _MATERIAL_FIELDS if name in entry]
    if len(present) != 1:
        raise PricingConfigError(
            f"{at}: needs exactly one of 'secret', 'privateKeyPem', 'publicKeyPem'"
        )
    field = present[0]
    material = entry[field]
    if not isinstance(material, str):
        raise PricingConfigError(f"{at}.{field}: must be a string")
    if (field == "secret") != (alg == "HS256"):
        wanted = "'secret'" if alg == "HS256" else "'privateKeyPem' or 'publicKeyPem'"
        raise PricingConfigError(f"{at}.{field}: {alg} keys need {wanted}")
    return kid, alg, field, material


def _load_key_entry(
    where: str, index: int, entry: object
) -> tuple[str, VerificationKey, PriceSigner | None]:
    """One ``keys[i]`` entry: its kid, its verification key, and its signer if private."""
    at = f"{where}: keys[{index}]"
    if not isinstance(entry, dict):
        raise PricingConfigError(f"{at}: must be an object")
    _refuse_unknown(at, entry, _KEY_ENTRY_FIELDS)
    kid, alg, field, material = _key_material(at, entry)
    try:
        if field == "publicKeyPem":
            return kid, VerificationKey.from_public_pem(material, kid=kid, algorithm=alg), None
        if field == "privateKeyPem":
            signer = PriceSigner.from_pem(material, kid=kid, algorithm=alg)
        else:
            # A base64url secret, padding optional (but only as much as its length needs).
            unpadded = material.rstrip("=")
            padding = len(material) - len(unpadded)
            secret = b64url_decode(unpadded)
            if secret is None or (padding and (padding > 2 or len(material) % 4)):
                raise PricingConfigError("is not canonical base64url")
            signer = PriceSigner.hs256(secret, kid=kid)
        return kid, signer.verification_key(), signer
    except PricingConfigError as exc:
        # The constructors' messages name the problem and never quote the material.
        raise PricingConfigError(f"{at}.{field}: {exc}") from None


def _read_document(where: str, path: str | os.PathLike[str]) -> dict[str, Any]:
    """The key file's top-level JSON object, read with a size bound and strict JSON."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(_MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise PricingConfigError(f"{where}: cannot be read ({exc.strerror or 'error'})") from None
    if len(data) > _MAX_KEY_FILE_BYTES:
        raise PricingConfigError(f"{where}: larger than {_MAX_KEY_FILE_BYTES} bytes")
    problem = None
    try:
        document = strict_json(data)
    except json.JSONDecodeError as exc:
        problem = f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
    except (ValueError, RecursionError):
        problem = "not valid JSON (bad encoding, duplicate names or nesting)"
    if problem is not None:
        # Raised here, not in the handler: the decoder's error holds the whole file
        # (secrets too), and would ride along as the new error's __context__.
        raise PricingConfigError(f"{where}: {problem}")
    if not isinstance(document, dict):
        raise PricingConfigError(f"{where}: must be a JSON object")
    _refuse_unknown(where, document, frozenset({"keys", "signingKid"}))
    return document


def _signer(where: str, signing_kid: object, signers: dict[str, PriceSigner | None]) -> PriceSigner:
    """The signer named by ``signingKid`` among the file's keys (``None``: a public key)."""
    if not isinstance(signing_kid, str) or signing_kid not in signers:
        raise PricingConfigError(f"{where}: signingKid does not name a key in 'keys'")
    signer = signers[signing_kid]
    if signer is None:
        raise PricingConfigError(
            f"{where}: signingKid {signing_kid!r} names a public key; signing needs "
            "'secret' or 'privateKeyPem'"
        )
    return signer


def load_key_file(path: str | os.PathLike[str]) -> tuple[PriceSigner | None, PriceVerifier]:
    """Read a JSON key file (docs/signed-prices.md) into a signer and a verifier.

    The verifier accepts every key in the file; the signer uses the key named by
    ``signingKid`` and is ``None`` when the file has no ``signingKid``.

    Raises:
        PricingConfigError: the file cannot be read or is invalid; the message names the
            problem and never quotes key material.
    """
    where = f"key file {os.fspath(path)!s}"
    document = _read_document(where, path)
    entries = document.get("keys")
    if not isinstance(entries, list) or not entries:
        raise PricingConfigError(f"{where}: 'keys' must be a non-empty list")
    verification_keys: list[VerificationKey] = []
    signers: dict[str, PriceSigner | None] = {}
    for index, entry in enumerate(entries):
        kid, verification_key, signer = _load_key_entry(where, index, entry)
        if kid in signers:
            raise PricingConfigError(f"{where}: keys[{index}].kid: {kid!r} appears twice")
        verification_keys.append(verification_key)
        signers[kid] = signer
    signing_kid = document.get("signingKid")
    signer = None if signing_kid is None else _signer(where, signing_kid, signers)
    return signer, PriceVerifier(verification_keys)
