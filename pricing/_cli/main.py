"""The ``pricing`` command line: preview a scenario, sign a price, print an example, what-if.

Exit codes (docs/errors.md):

- 0: success;
- 1: a refusal that is not bad input (``CouponError``, ``SignedPriceError``), or
  output cut short: when the reader of standard output goes away (``pricing preview
  --json FILE | head -3``) the command stops quietly with 1, as Python's documentation
  recommends (the output is incomplete, so it is not a success);
- 2: bad input, in the scenario, any file named or the arguments: one line on
  stderr naming the problem, never a traceback;
- 130: interrupted (Ctrl-C), after one line on stderr.
"""

from __future__ import annotations

import argparse
import codecs
import inspect
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from importlib import metadata
from typing import Any, NoReturn, TextIO

from .._engine import preview_scenario
from .._errors import PricingConfigError, PricingError, ScenarioError
from ..batch.io import bounded_text, parse_json, read_text, reading
from . import examples, whatif
from .arguments import ascii_int, ascii_integer
from .summary import render_summary

__all__ = ["build_parser", "main", "package_version", "run"]

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130

DISTRIBUTION = "exact-discounts"
"""The distribution that provides the ``pricing`` package (``pip install exact-discounts``).

The import name and the command are ``pricing``; the distribution has another name
because ``pricing`` on the public index is an unrelated package.
"""


def package_version() -> str:
    """The installed version of this package.

    The version of :data:`DISTRIBUTION` when it is installed; failing that, of the
    distribution that provides the import package (a fork installed under another
    name), never the unrelated ``pricing`` distribution; and for a source tree that is
    not installed, ``unknown (not installed)``.
    """
    package = __name__.split(".")[0]
    others = metadata.packages_distributions().get(package, [])
    for name in [DISTRIBUTION, *(n for n in others if n not in (DISTRIBUTION, package))]:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "unknown (not installed)"


# ---------------------------------------------------------------------------
# streams


def _escape(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: what cannot be encoded as ``\\uXXXX`` (valid in a JSON string)."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    escaped = []
    for char in exc.object[exc.start : exc.end]:
        code = ord(char)
        if code > 0xFFFF:  # a UTF-16 surrogate pair, as JSON writes it
            code -= 0x10000
            escaped.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            escaped.append(f"\\u{code:04x}")
    return "".join(escaped), exc.end


codecs.register_error("pricing.escape", _escape)


def _escaping(stream: TextIO) -> TextIO:
    """``stream``, made to write what its encoding cannot hold as ``\\uXXXX`` escapes.

    A title read from ``"\\ud800"`` is a lone surrogate: printing it must neither
    raise ``UnicodeEncodeError`` nor make the ``--json`` output invalid. Streams
    without an encoding (``io.StringIO``) take any text as it is.
    """
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="pricing.escape")
    return stream


def _quiet_stdout() -> None:
    """After a closed pipe: point stdout at devnull, so the exit flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (a test's stream): nothing to quiet
        pass


# ---------------------------------------------------------------------------
# input


def _read_scenario(name: str) -> str:
    """A scenario file's text, or standard input's for ``-`` (a byte-order mark dropped)."""
    if name != "-":
        return read_text(name)
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return bounded_text(buffer, "standard input")
    with reading("standard input"):  # (a test's text stream)
        return sys.stdin.read().removeprefix("\ufeff")


def _load_verifier(key_file: str | None) -> Any:
    """The price verifier of ``--key-file`` (signing is imported only when used)."""
    if key_file is None:
        return None
    from .._signing import load_key_file

    return load_key_file(key_file)[1]


# ---------------------------------------------------------------------------
# commands


def _cmd_preview(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Preview a scenario and print the result.

    Price one scenario (docs/scenario.md) and print a readable summary, or with
    --json the full JSON document. The scenario comes from FILE, standard input
    (-) or a bundled example (--example NAME).
    """
    if args.example is not None:
        data = parse_json(examples.example_text(args.example))
    else:
        data = parse_json(_read_scenario(args.scenario))
    if isinstance(data, Mapping) and "at" not in data:  # (an "at" of null is bad input)
        now = datetime.now(UTC).replace(microsecond=0)
        err.write(
            f"pricing: note: the scenario has no 'at'; using the current time {now.isoformat()}\n"
        )
        data = {**data, "at": now}
    # (walked: parse_json has refused all that the input limits refuse)
    result = preview_scenario(data, _load_verifier(args.key_file), args.strict, walked=True)
    out.write(result.to_json() + "\n" if args.json else render_summary(result))
    return EXIT_OK


def _lifetime(seconds: int) -> timedelta:
    """``--lifetime`` as a timedelta; one no datetime holds is bad input, not an OverflowError."""
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise ScenarioError(
            "--lifetime", "out of range: a token expires by 9999-12-31T23:59:59Z at the latest"
        ) from None


def _cmd_sign(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Sign a product price for a storage (prints a token).

    Sign a product's price for one order storage with the signing key of a key
    file, and print the token to put in an order line's signedPrice
    (docs/signed-prices.md).
    """
    from .._signing import load_key_file

    signer, _ = load_key_file(args.key_file)
    if signer is None:
        raise ScenarioError("--key-file", "the key file has no signing key (signingKid)")
    number = ascii_integer(args.product)  # (else text: the claims refuse it, naming pid)
    product_id: int | str = args.product if number is None else number
    token = signer.sign(
        product_id=product_id,  # type: ignore[arg-type]
        price=args.price,
        currency=args.currency,
        storage_marker=args.marker,
        at=datetime.now(UTC),
        lifetime=_lifetime(args.lifetime),
    )
    out.write(token + "\n")
    return EXIT_OK


# ---------------------------------------------------------------------------
# the parser


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors read ``pricing: error: ...`` and exit 2 (bad input)."""

    def error(self, message: str) -> NoReturn:
        """Print the usage and the problem on stderr, and exit 2."""
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"pricing: error: {message}\n")


class _Version(argparse.Action):
    """``--version``: looked up only when asked (reading metadata takes a moment)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        sys.stdout.write(f"pricing {package_version()}\n")
        parser.exit(EXIT_OK)


def _preview_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``pricing preview``: where the scenario comes from, the output."""
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("scenario", nargs="?", metavar="FILE", help="scenario JSON file, or -")
    source.add_argument("--example", metavar="NAME", help="a bundled example (pricing example)")
    p.add_argument("--json", action="store_true", help="print the JSON document")
    p.add_argument("--key-file", metavar="KEYS", help="key file to verify signed prices with")
    p.add_argument(
        "--strict",
        action="store_true",
        help="an unknown key of a discount or coupon object is an error, not a warning",
    )


def _sign_arguments(s: argparse.ArgumentParser) -> None:
    """The arguments of ``pricing sign``: the key file and what the token vouches for."""
    s.add_argument("--key-file", required=True, metavar="KEYS", help="key file with a signing key")
    s.add_argument("--product", required=True, metavar="ID", help="product id")
    s.add_argument("--price", required=True, metavar="AMOUNT", help="price, e.g. 149.90")
    s.add_argument("--currency", required=True, metavar="CODE", help="ISO 4217 code")
    s.add_argument("--marker", required=True, metavar="STORAGE", help="the order storage's marker")
    s.add_argument(
        "--lifetime",
        type=ascii_int,
        default=600,
        metavar="SECONDS",
        help="how long the token is valid",
    )


Arguments = Callable[[argparse.ArgumentParser], None]
Handler = Callable[[argparse.Namespace, TextIO, TextIO], int]

COMMANDS: tuple[tuple[str, Arguments, Handler], ...] = (
    ("preview", _preview_arguments, _cmd_preview),
    ("sign", _sign_arguments, _cmd_sign),
    ("example", examples.add_arguments, examples.run),
    ("whatif", whatif.add_arguments, whatif.run),
)
"""Each subcommand: its name, what adds its arguments, and what runs it. The
handler's docstring is the help: its first line in the list of commands, the rest
as the command's description."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``pricing`` command, every subcommand registered."""
    parser = _Parser(prog="pricing", description="Exact, explainable discount previews.")
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    sub = parser.add_subparsers(
        title="commands", dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    for name, arguments, handler in COMMANDS:
        summary, _, description = (inspect.getdoc(handler) or name).partition("\n\n")
        line = summary.rstrip(".")
        command = sub.add_parser(name, help=line[0].lower() + line[1:], description=description)
        arguments(command)
        command.set_defaults(handler=handler)
    return parser


# ---------------------------------------------------------------------------
# running


def _dispatch(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    """Parse and run one command; refusals become exit codes and one line on ``err``."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error (already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    try:
        code: int = args.handler(args, out, err)
        return code
    except (ScenarioError, PricingConfigError) as exc:
        err.write(f"pricing: bad input: {exc}\n")
        return EXIT_BAD_INPUT
    except PricingError as exc:
        reason = getattr(exc, "reason", None)
        label = type(exc).__name__ + (f" ({reason})" if reason else "")
        err.write(f"pricing: {label}: {exc}\n")
        return EXIT_FAILURE


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line and return its exit code (the console script's entry point).

    Args:
        argv: the arguments (default: the process's).
        out: where results go (default: standard output).
        err: where notes and errors go (default: standard error).
    """
    out = _escaping(out or sys.stdout)
    err = _escaping(err or sys.stderr)
    try:
        code = _dispatch(argv, out, err)
        out.flush()
        return code
    except BrokenPipeError:
        if out is sys.stdout:
            _quiet_stdout()
        return EXIT_FAILURE
    except KeyboardInterrupt:
        err.write("pricing: interrupted\n")
        return EXIT_INTERRUPTED
    except MemoryError:  # (input within every limit, on a machine with less memory)
        err.write("pricing: out of memory\n")
        return EXIT_FAILURE


def run() -> NoReturn:
    """Run the command line and exit with its code (``python -m pricing``)."""
    sys.exit(main())
