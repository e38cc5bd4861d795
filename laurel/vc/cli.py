"""``laurel verify PATH_OR_URL [--json] [--now ISO] [--map URL=PATH ...] [--lang en|ko]``.

Exit status: 0 valid (warnings allowed), 1 invalid, 2 unreadable input or bad arguments
(one line on stderr), 3 a document the verification needed could not be fetched.
``--map`` serves a URL from a local file: JSON-LD contexts (a document holding only
``@context``) become extra contexts, everything else (DID and controller documents, status
lists, the credential URL itself) is served by the fetcher instead of the network.
"""

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from laurel.vc import ob2
from laurel.vc.fetch import FetchError
from laurel.vc.ob2_read import looks_like_ob2
from laurel.vc.verify import Report, default_fetcher, verify
from laurel.vc.verify_input import MAX_IMAGE_BYTES, InputError, parse_json_text

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE, EXIT_FETCH_FAILED = 0, 1, 2, 3
_MARKS = {"pass": "✓", "fail": "✗", "warning": "!", "skipped": "-"}


class UsageError(Exception):
    """Bad arguments or an input that cannot be read: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="laurel verify", description="Verify a verifiable credential.")
    parser.add_argument(
        "source", metavar="PATH_OR_URL", help="OB 3.0 or 2.0: JSON, JWT/JWS, baked PNG/SVG; '-' for stdin"
    )
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--now", help="verify as of this ISO 8601 date-time (UTC if no offset)")
    parser.add_argument(
        "--map", action="append", default=[], metavar="URL=PATH", help="serve URL from a local file"
    )
    parser.add_argument("--lang", choices=("en", "ko"), default="en", help="language of the messages")
    return parser


def parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise UsageError(f"laurel verify: --now is not an ISO 8601 date-time: {value!r}") from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _read_file(path: str, limit: int = MAX_IMAGE_BYTES) -> bytes:
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with Path(path).open("rb") as file:
                data = file.read(limit + 1)
    except OSError as error:
        raise UsageError(f"laurel verify: cannot read {path}: {error.strerror or error}") from error
    if len(data) > limit:
        raise UsageError(f"laurel verify: {path} is larger than {limit} bytes")
    return data


def parse_maps(entries: Sequence[str]) -> tuple[dict[str, bytes], dict[str, dict[str, Any]]]:
    """``URL=PATH`` entries -> (fetcher overrides, extra JSON-LD contexts)."""
    overrides: dict[str, bytes] = {}
    contexts: dict[str, dict[str, Any]] = {}
    for entry in entries:
        url, sign, path = entry.partition("=")
        if not sign or not url or not path:
            raise UsageError(f"laurel verify: --map needs URL=PATH, not {entry!r}")
        body = _read_file(path)
        overrides[url] = body
        context = _as_context(body)
        if context is not None:
            contexts[url] = context
    return overrides, contexts


def _as_context(body: bytes) -> dict[str, Any] | None:
    """The document when it is a JSON-LD context (an object whose only member is ``@context``)."""
    try:
        document = parse_json_text(body.decode("utf-8"))
    except (InputError, UnicodeDecodeError):
        return None
    return document if set(document) == {"@context"} else None


def _load_source(source: str, overrides: Mapping[str, bytes], fetcher: Any) -> bytes:
    if not source.startswith(("https://", "http://")):
        return _read_file(source)
    if source in overrides:
        return overrides[source]
    return bytes(fetcher.fetch(source, accept="application/json, application/jwt, image/*, */*").body)


def render(report: Report, lang: str) -> str:
    """One line per check (✓ pass, ✗ fail, ! warning, - skipped), then VALID or INVALID."""
    lines = [f"{_MARKS[check.status]} {check.message(lang)}" for check in report.checks]
    lines.append("VALID" if report.valid else "INVALID")
    return "\n".join(lines)


def exit_code(report: Report) -> int:
    """0 valid, 2 unreadable, 3 when only fetching failed, else 1."""
    if report.valid:
        return EXIT_VALID
    if report.unreadable:
        return EXIT_UNREADABLE
    failures = [check for check in report.checks if check.status == "fail"]
    if report.fetch_failed and all(check.details.get("fetch_failed") for check in failures):
        return EXIT_FETCH_FAILED
    return EXIT_INVALID


def run(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    now = parse_now(args.now)
    overrides, contexts = parse_maps(args.map)
    fetcher = replace(default_fetcher(), overrides=overrides)
    try:
        data = _load_source(args.source, overrides, fetcher)
    except FetchError as error:
        print(f"laurel verify: cannot fetch {args.source}: {error}", file=sys.stderr)
        return EXIT_FETCH_FAILED
    report: Report
    if looks_like_ob2(data):
        report = ob2.verify(data, now=now, fetcher=fetcher)
    else:
        report = verify(data, now=now, fetcher=fetcher, extra_contexts=contexts or None)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render(report, args.lang))
    return exit_code(report)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``laurel verify``; ``argv`` excludes the program and sub-command names."""
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except UsageError as error:
        print(str(error), file=sys.stderr)
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
