"""The `laurel` command: demo, serve, worker, createorg, keys, issue, source, verify, manage."""

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line on stderr and exit 2, as every Laurel command does.
        raise UsageError(f"{self.prog}: {message}")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")
    import django

    django.setup()


def manage(argv: Sequence[str]) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["laurel manage", *argv])
    return 0


def serve(port: int, host: str = "127.0.0.1", with_worker: bool = False) -> int:
    setup_django()
    from waitress import serve as waitress_serve

    from laurel.wsgi import application

    worker = None
    if with_worker:
        worker = subprocess.Popen([sys.executable, "-m", "laurel", "worker"])
    try:
        print(f"Laurel is serving on http://{host}:{port}/", flush=True)
        waitress_serve(application, host=host, port=port, threads=8, ident="laurel")
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=10)
    return 0


def demo(no_serve: bool, port: int) -> int:
    # The demo has no mail server: emails land as files in $LAUREL_DATA_DIR/mail.
    os.environ.setdefault("LAUREL_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    # Links printed and emailed by the demo point at the port it serves on.
    os.environ.setdefault("LAUREL_SITE_URL", f"http://127.0.0.1:{port}")
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo")
    # Signs the seeded awards now, so the demo's credentials verify before the worker starts.
    call_command("sign_awards")
    if no_serve:
        return 0
    return serve(port, with_worker=True)


def createorg(slug: str, name_ko: str, name_en: str, owner: str | None) -> int:
    setup_django()
    from django.core.management import call_command

    # "--opt=value" keeps a value that starts with "-" from being read as an option.
    args = ["createorg", f"--slug={slug}", f"--name-ko={name_ko}", f"--name-en={name_en}"]
    if owner:
        args.append(f"--owner={owner}")
    call_command(*args)
    return 0


def keys(action: str, slug: str, kind: str, key: str | None, reason: str) -> int:
    setup_django()
    from django.core.management import call_command

    args = [f"keys_{action}", f"--org={slug}"]
    if action == "rotate":
        args.append(f"--kind={kind}")
    if action == "compromise":
        args += [f"--key={key}", f"--reason={reason}"]
    call_command(*args)
    return 0


def source(slug: str, kind: str, name: str) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("source_create", f"--org={slug}", f"--kind={kind}", f"--name={name}")
    return 0


def issue(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    # "--opt=value" keeps a value that starts with "-" from being read as an option.
    options = [
        f"--org={args.org}",
        f"--achievement={args.achievement}",
        f"--recipient={args.recipient}",
        f"--format={args.format}",
    ]
    options += [f"--{name}={value}" for name in ("name", "lang") if (value := getattr(args, name))]
    if args.output is not None:
        options.append(f"--output={args.output}")
    call_command("issue_credential", *options)
    return 0


def build_parser() -> Parser:
    parser = Parser(prog="laurel", description="Laurel digital badges")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    p = sub.add_parser("demo", help="migrate, seed the demo and serve it")
    p.add_argument("--no-serve", action="store_true")
    p.add_argument("--port", type=int, default=8000)
    p = sub.add_parser("serve", help="serve the web application")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--host", default="127.0.0.1")
    p = sub.add_parser("worker", help="run background tasks and deliver the outbox")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between task polls")
    p.add_argument("--sweep-interval", type=float, default=5.0, help="seconds between outbox sweeps")
    p = sub.add_parser("createorg", help="create an organization")
    p.add_argument("--slug", required=True)
    p.add_argument("--name-ko", required=True)
    p.add_argument("--name-en", required=True)
    p.add_argument("--owner", help="owner's email; prints a one-time sign-in link")
    p = sub.add_parser("keys", help="list, rotate or withdraw an organization's signing keys")
    p.add_argument("action", choices=["list", "rotate", "compromise"])
    p.add_argument("--org", required=True, help="organization slug")
    p.add_argument("--kind", default="Ed25519", help="rotate: Ed25519 (default), P-256 or RSA")
    p.add_argument("--key", help="compromise: the key's id, as `laurel keys list` shows it")
    p.add_argument("--reason", default="", help="compromise: why, kept in the audit log")
    p = sub.add_parser("issue", help="award a badge to one person and write its signed credential")
    p.add_argument("--org", required=True, help="organization slug")
    p.add_argument("--achievement", required=True, help="badge slug")
    p.add_argument("--recipient", required=True, metavar="EMAIL", help="the recipient's email address")
    p.add_argument("--name", help="the recipient's name (default: the one on file)")
    p.add_argument("--lang", choices=["ko", "en"], help="credential language (default: the organization's)")
    p.add_argument("--format", choices=["json", "jwt", "png", "svg"], default="json")
    p.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
    p = sub.add_parser("source", help="create an ingestion source and print its credentials once")
    p.add_argument("action", choices=["create"])
    p.add_argument("--org", required=True, help="organization slug")
    p.add_argument("--kind", required=True, choices=["xapi", "caliper", "webhook", "lti", "csv"])
    p.add_argument("--name", default="")
    sub.add_parser("verify", help="verify an Open Badges 3.0 credential", add_help=False)
    sub.add_parser("manage", help="run a Django management command", add_help=False)
    return parser


def run(argv: Sequence[str]) -> int:
    if argv and argv[0] == "manage":
        return manage(argv[1:])
    if argv and argv[0] == "verify":
        # The verifier is Django-free: it runs without settings or a database.
        from laurel.vc.cli import main as verify_main

        return verify_main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        return demo(args.no_serve, args.port)
    if args.command == "serve":
        return serve(args.port, args.host)
    if args.command == "worker":
        return manage(["worker", f"--interval={args.interval}", f"--sweep-interval={args.sweep_interval}"])
    if args.command == "keys":
        if args.action == "compromise" and not args.key:
            raise UsageError("laurel keys compromise: --key is required")
        return keys(args.action, args.org, args.kind, args.key, args.reason)
    if args.command == "issue":
        return issue(args)
    if args.command == "createorg":
        return createorg(args.slug, args.name_ko, args.name_en, args.owner)
    if args.command == "source":
        return source(args.org, args.kind, args.name)
    build_parser().print_help(sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    from django.core.management.base import CommandError

    try:
        return run(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except CommandError as exc:
        print(f"laurel: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
