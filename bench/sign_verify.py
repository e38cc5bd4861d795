"""Single-core throughput of signing and verifying distinct OB 3.0 credentials.

Usage: ``python -m bench.sign_verify [--n 500] [--seed S]``

Measured, one after the other in one process:

- the pyld baseline: the minimal eddsa-rdfc-2022 pipeline written here, independently of
  ``laurel.vc.data_integrity`` (pyld ``normalize`` with URDNA2015 and Laurel's offline
  document loader, SHA-256 of proof configuration and document, Ed25519 via cryptography);
- Laurel eddsa-rdfc-2022 and eddsa-jcs-2022 sign and verify (``laurel.vc.data_integrity``),
  rdfc signing of the whole set as one batch (``sign_many``, as the issuing pipeline does) and
  the full verification report (``laurel.vc.verify.verify``);
- Laurel VC-JWT EdDSA sign and verify (``laurel.vc.jwt``).

Every credential is generated in the run and differs from every other; a few extra ones warm
up the context documents first (processed contexts are cached by URL, never by document).
"""

import argparse
import gc
import hashlib
import os
import platform
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pyld import jsonld as pyld  # type: ignore[import-untyped]

from bench.credentials import credentials
from laurel.vc import data_integrity, jsonld, multibase
from laurel.vc.jwt import sign_vc_jwt, verify_vc_jwt
from laurel.vc.keys import KeyPair
from laurel.vc.verify import verify

WARM_UP = 5
_CREATED_FROM = datetime(2026, 1, 1, tzinfo=UTC)


def machine() -> str:
    """CPU model, cores and Python version, for the report."""
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()} ({platform.system()})"


def created_times(count: int) -> list[str]:
    """A distinct proof ``created`` for each credential, so proof configurations differ too."""
    return [(_CREATED_FROM + timedelta(seconds=7 * i)).strftime("%Y-%m-%dT%H:%M:%SZ") for i in range(count)]


def rate(action: Callable[[int], Any], count: int) -> tuple[float, list[Any]]:
    """Run ``action(i)`` for every index; return credentials per second and the results.

    Garbage from earlier measurements is collected first, so a full collection of everything
    this process keeps (every earlier measurement's results) does not land in this one.
    """
    gc.collect()
    started = time.perf_counter()
    results = [action(index) for index in range(count)]
    return count / (time.perf_counter() - started), results


# The baseline pipeline: vc-di-eddsa section 3.2 done directly with pyld and cryptography.
_NORMALIZE = {
    "algorithm": "URDNA2015",
    "format": "application/n-quads",
    "documentLoader": jsonld.document_loader,
}


def baseline_config(document: dict[str, Any], verification_method: str, created: str) -> dict[str, Any]:
    return {
        "@context": document["@context"],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }


def baseline_hash(config: dict[str, Any], document: dict[str, Any]) -> bytes:
    config_canon = pyld.normalize(config, dict(_NORMALIZE))
    document_canon = pyld.normalize(document, dict(_NORMALIZE))
    return (
        hashlib.sha256(config_canon.encode("utf-8")).digest()
        + hashlib.sha256(document_canon.encode("utf-8")).digest()
    )


def baseline_sign(document: dict[str, Any], key: KeyPair, verification_method: str, created: str) -> bytes:
    config = baseline_config(document, verification_method, created)
    return key.key.sign(baseline_hash(config, document))  # type: ignore[call-arg]


def baseline_verify(signed: dict[str, Any], key: KeyPair) -> None:
    proof = signed["proof"]
    document = {name: value for name, value in signed.items() if name != "proof"}
    config = {name: value for name, value in proof.items() if name != "proofValue"}
    config["@context"] = document["@context"]
    signature = multibase.decode(proof["proofValue"])
    key.public_key.key.verify(signature, baseline_hash(config, document))  # type: ignore[union-attr]


class Run:
    """One benchmark run: its key, credentials and the rates measured so far."""

    def __init__(self, count: int, seed: int | None) -> None:
        every = credentials(count + WARM_UP, seed)
        self.warm_up, self.documents = every[:WARM_UP], every[WARM_UP:]
        self.count = count
        self.created = created_times(count)
        self.key = KeyPair.generate("Ed25519")
        self.method = self.key.public_key.verification_method_id()
        self.rates: dict[str, float] = {}

    def measure(self, name: str, action: Callable[[int], Any]) -> list[Any]:
        self.rates[name], results = rate(action, self.count)
        return results

    def warm(self) -> None:
        for document in self.warm_up:
            signed = data_integrity.sign(
                document, self.key, verification_method=self.method, created="2026-01-01T00:00:00Z"
            )
            data_integrity.verify(signed)
            baseline_sign(document, self.key, self.method, "2026-01-01T00:00:00Z")


def run_baseline(run: Run) -> list[bytes]:
    docs, key, method, created = run.documents, run.key, run.method, run.created
    return run.measure("pyld baseline rdfc sign", lambda i: baseline_sign(docs[i], key, method, created[i]))


def run_rdfc(run: Run) -> list[dict[str, Any]]:
    docs, key, method, created = run.documents, run.key, run.method, run.created
    signed = run.measure(
        "laurel eddsa-rdfc-2022 sign",
        lambda i: data_integrity.sign(docs[i], key, verification_method=method, created=created[i]),
    )
    run.measure("laurel eddsa-rdfc-2022 verify", lambda i: data_integrity.verify(signed[i]))
    # A batch as the issuing pipeline signs it: the proof configuration's hash is shared.
    gc.collect()
    started = time.perf_counter()
    batch = data_integrity.sign_many(docs, key, verification_method=method, created=created[0])
    run.rates["laurel eddsa-rdfc-2022 sign, batch"] = run.count / (time.perf_counter() - started)
    data_integrity.verify(batch[0])
    # The whole verification report (structure, OB 3.0 schema, JSON-LD, proof, issuer, validity).
    moments = [datetime.fromisoformat(doc["validFrom"]) + timedelta(days=1) for doc in docs]
    reports = run.measure("laurel verify() full report", lambda i: verify(signed[i], now=moments[i]))
    if not all(report.valid for report in reports):
        raise SystemExit("a signed credential did not verify")
    return signed


def run_jcs(run: Run) -> None:
    docs, key, method, created = run.documents, run.key, run.method, run.created
    suite = data_integrity.EDDSA_JCS_2022
    signed = run.measure(
        "laurel eddsa-jcs-2022 sign",
        lambda i: data_integrity.sign(
            docs[i], key, verification_method=method, created=created[i], cryptosuite=suite
        ),
    )
    run.measure("laurel eddsa-jcs-2022 verify", lambda i: data_integrity.verify(signed[i]))


def run_jwt(run: Run) -> None:
    docs, key, method = run.documents, run.key, run.method
    # Each credential is checked at a moment inside its own validity period.
    moments = [datetime.fromisoformat(doc["validFrom"]) + timedelta(days=1) for doc in docs]
    tokens = run.measure("laurel VC-JWT EdDSA sign", lambda i: sign_vc_jwt(docs[i], key, kid=method))
    public = key.public_key
    run.measure(
        "laurel VC-JWT EdDSA verify", lambda i: verify_vc_jwt(tokens[i], lambda _: public, now=moments[i])
    )


def check_same_signatures(baseline: Sequence[bytes], signed: Sequence[dict[str, Any]]) -> None:
    """Ed25519 is deterministic: both rdfc pipelines must produce the same signatures."""
    for signature, document in zip(baseline, signed, strict=True):
        if multibase.decode(document["proof"]["proofValue"]) != signature:
            raise SystemExit(f"baseline and Laurel signatures differ for {document['id']}")


def report(run: Run) -> None:
    base = run.rates["pyld baseline rdfc sign"]
    width = max(len(name) for name in run.rates)
    for name, value in run.rates.items():
        print(f"{name:<{width}}  {value:>9,.0f}/s  ×{value / base:.2f}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=500, help="distinct credentials per measurement")
    parser.add_argument("--seed", type=int, default=None, help="fix the generated credentials")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    run = Run(args.n, args.seed)
    print(f"credentials: {args.n} distinct (half Korean, half English), one process, one core")
    run.warm()
    baseline = run_baseline(run)
    signed = run_rdfc(run)
    check_same_signatures(baseline, signed)
    run_jcs(run)
    run_jwt(run)
    report(run)


if __name__ == "__main__":
    main()
