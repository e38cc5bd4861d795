"""Laurel against other Python implementations on the same distinct OB 3.0 credentials.

Usage: ``python -m bench.compare [--n 200] [--bench-python .venv-bench/bin/python]``

eddsa-rdfc-2022 sign and verify, as rates and as ratios to the pyld baseline pipeline of
``bench.sign_verify``:

- Laurel (``laurel.vc.data_integrity``, in this process);
- openbadgeslib from PyPI, when the bench environment has it: it is never a dependency of
  Laurel, so it runs in a child process of that environment's Python (this same file, with
  ``--openbadgeslib-worker``), which gets the credentials, key and ``created`` times as JSON.
  Its first signed credentials are then verified by Laurel, so the comparison is like for like.

The worker mode imports only the standard library and openbadgeslib.
"""

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

DEFAULT_BENCH_PYTHON = Path(__file__).resolve().parent.parent / ".venv-bench" / "bin" / "python"
CROSS_CHECKED = 5


def openbadgeslib_worker() -> None:
    """Sign and verify with openbadgeslib what arrives on stdin; print rates (or why not) as JSON."""
    job = json.load(sys.stdin)
    try:
        from openbadgeslib.ob3 import ldp  # type: ignore[import-not-found]
    except ImportError as error:
        print(json.dumps({"error": f"cannot import openbadgeslib.ob3.ldp: {error}"}))
        return
    documents, method = job["documents"], job["method"]
    private, public = job["private_pem"].encode(), job["public_pem"].encode()
    created = [datetime.fromisoformat(moment.replace("Z", "+00:00")) for moment in job["created"]]
    for document in job["warm_up"]:  # its contexts get loaded once, as Laurel's do
        ldp.verify_data_integrity_proof(ldp.add_data_integrity_proof(document, private, method), public)
    started = time.perf_counter()
    signed = [
        ldp.add_data_integrity_proof(doc, private, method, created=moment)
        for doc, moment in zip(documents, created, strict=True)
    ]
    sign_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for document in signed:
        ldp.verify_data_integrity_proof(document, public)
    verify_seconds = time.perf_counter() - started
    count = len(documents)
    result = {
        "sign": count / sign_seconds,
        "verify": count / verify_seconds,
        "signed": signed[:CROSS_CHECKED],
    }
    print(json.dumps(result, ensure_ascii=False))


def run_openbadgeslib(python: Path, job: dict[str, Any]) -> dict[str, Any]:
    """The worker's answer, or ``{"error": reason}`` when it cannot run."""
    if not python.exists():
        return {"error": f"no bench environment at {python} (make bench creates it)"}
    completed = subprocess.run(  # noqa: S603 (our own script, our own interpreter)
        [str(python), str(Path(__file__).resolve()), "--openbadgeslib-worker"],
        input=json.dumps(job, ensure_ascii=False),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"worker failed: {last}"}
    answer: dict[str, Any] = json.loads(completed.stdout)
    return answer


def job_for(run: Any) -> dict[str, Any]:
    from cryptography.hazmat.primitives import serialization

    private = run.key.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = run.key.public_key.key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {
        "warm_up": run.warm_up,
        "documents": run.documents,
        "created": run.created,
        "method": run.method,
        "private_pem": private.decode(),
        "public_pem": public.decode(),
    }


def compare(count: int, seed: int | None, bench_python: Path) -> None:
    from bench import sign_verify
    from laurel.vc import data_integrity

    print(f"machine: {sign_verify.machine()}")
    print(f"credentials: {count} distinct, eddsa-rdfc-2022, one process each")
    run = sign_verify.Run(count, seed)
    run.warm()
    key = run.key
    baseline = sign_verify.run_baseline(run)
    signed = sign_verify.run_rdfc(run)
    sign_verify.check_same_signatures(baseline, signed)
    run.measure("pyld baseline rdfc verify", lambda i: sign_verify.baseline_verify(signed[i], key))
    other = run_openbadgeslib(bench_python, job_for(run))
    print_table(run.rates, other)
    if "error" in other:
        print(f"openbadgeslib: not available ({other['error']})")
        return
    for document in other["signed"]:
        data_integrity.verify(document)
    print(f"openbadgeslib: its first {len(other['signed'])} signed credentials verify with Laurel")


def print_table(rates: dict[str, float], other: dict[str, Any]) -> None:
    rows = [
        ("sign", rates["pyld baseline rdfc sign"], rates["laurel eddsa-rdfc-2022 sign"], other.get("sign")),
        (
            "verify",
            rates["pyld baseline rdfc verify"],
            rates["laurel eddsa-rdfc-2022 verify"],
            other.get("verify"),
        ),
    ]
    print(f"{'':8}{'pyld baseline':>16}{'Laurel':>22}{'openbadgeslib':>22}")
    for name, base, laurel, theirs in rows:
        theirs_text = f"{theirs:,.0f}/s ×{theirs / base:.2f}" if theirs else "n/a"
        print(f"{name:8}{base:>14,.0f}/s{f'{laurel:,.0f}/s ×{laurel / base:.2f}':>22}{theirs_text:>22}")
        if theirs:
            print(f"{'':8}Laurel / openbadgeslib = ×{laurel / theirs:.2f}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=200, help="distinct credentials")
    parser.add_argument("--seed", type=int, default=None, help="fix the generated credentials")
    parser.add_argument("--bench-python", type=Path, default=DEFAULT_BENCH_PYTHON)
    parser.add_argument("--openbadgeslib-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.openbadgeslib_worker:
        openbadgeslib_worker()
    else:
        compare(args.n, args.seed, args.bench_python)


if __name__ == "__main__":
    main()
