"""The python-jose names the package uses, imported only with its cryptography backend.

Every python-jose import of the package comes from here, so importing any part of it
fails unless python-jose >= 3.4 runs on ``cryptography`` (not the pure-python
``rsa``/``ecdsa`` fallbacks, whose 2024 CVEs the version floor also excludes).
"""

from __future__ import annotations

import re

try:
    import jose as _jose
    from jose import backends as _jose_backends
    from jose import jwk, jws
    from jose.backends.base import Key as JoseKey
    from jose.backends.cryptography_backend import CryptographyECKey as ECKey
    from jose.backends.cryptography_backend import CryptographyHMACKey as HMACKey
    from jose.backends.cryptography_backend import CryptographyRSAKey as RSAKey
    from jose.exceptions import JOSEError
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "pricing signed prices need python-jose with its cryptography backend: "
        "install 'python-jose[cryptography]>=3.4'"
    ) from exc

__all__ = ["ECKey", "HMACKey", "JOSEError", "JoseKey", "RSAKey", "built_for", "jwk", "jws"]


def built_for(key: JoseKey) -> str | None:
    """The algorithm a key object was built for (``jwk.construct(data, "HS512")``: HS512),
    which its signatures use whatever the verifier calls it; ``None`` if it cannot be
    told. (python-jose keeps it in ``_algorithm`` and has no public name for it.)"""
    algorithm = getattr(key, "_algorithm", None)
    return algorithm if isinstance(algorithm, str) else None


def _jose_version() -> tuple[int, ...]:
    """python-jose's version as a tuple of its leading numeric parts."""
    parts = re.findall(r"\d+", _jose.__version__)[:2]
    return tuple(int(p) for p in parts)


if _jose_version() < (3, 4):  # pragma: no cover - depends on the installation
    raise ImportError(
        "pricing signed prices need python-jose >= 3.4 (earlier releases carry the 2024 "
        "algorithm-confusion CVE): install 'python-jose[cryptography]>=3.4'"
    )

if (
    _jose_backends.RSAKey is not RSAKey
    or _jose_backends.ECKey is not ECKey
    or _jose_backends.HMACKey is not HMACKey
    or jwk.get_key("RS256") is not RSAKey
    or jwk.get_key("ES256") is not ECKey
    or jwk.get_key("HS256") is not HMACKey
):
    raise ImportError(
        "python-jose is not using its cryptography backend (it fell back to the pure-python "
        "rsa/ecdsa backends, or another key class was registered): "
        "install 'python-jose[cryptography]>=3.4'"
    )
