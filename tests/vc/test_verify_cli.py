import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from laurel.vc import baking
from laurel.vc.cli import main
from laurel.vc.keys import KeyPair
from tests.vc.test_verify import (
    LIST_URL,
    WEB_DID_URL,
    credential,
    did_key_signed,
    did_web_signed,
    png_image,
    sign,
    status_setup,
)

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

ROOT = Path(__file__).resolve().parents[2]
NOW = "2025-06-01T12:00:00Z"


def write(tmp_path: Path, name: str, document: Any) -> str:
    path = tmp_path / name
    path.write_bytes(document if isinstance(document, bytes) else json.dumps(document).encode())
    return str(path)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "laurel.vc.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )


def maps(tmp_path: Path, documents: dict[str, Any]) -> list[str]:
    args = []
    for number, (url, document) in enumerate(documents.items()):
        args += ["--map", f"{url}={write(tmp_path, f'doc{number}.json', document)}"]
    return args


def test_the_module_runs_as_a_program_with_exit_codes(tmp_path: Path) -> None:
    signed = did_key_signed()
    valid = run_cli(write(tmp_path, "valid.json", signed), "--now", NOW)
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.splitlines()[-1] == "VALID"
    assert valid.stdout.startswith("✓ ")

    signed["name"] = "Changed"
    invalid = run_cli(write(tmp_path, "tampered.json", signed), "--now", NOW)
    assert invalid.returncode == 1
    assert invalid.stdout.splitlines()[-1] == "INVALID"
    assert any(line.startswith("✗ ") for line in invalid.stdout.splitlines())

    unreadable = run_cli(write(tmp_path, "junk.json", b"not a credential"))
    assert unreadable.returncode == 2


def test_a_status_list_that_cannot_be_fetched_exits_3_in_a_subprocess(tmp_path: Path) -> None:
    signed, documents = status_setup(set_bit=False)
    del documents[LIST_URL]
    result = run_cli(write(tmp_path, "c.json", signed), "--now", NOW, *maps(tmp_path, documents))
    assert result.returncode == 3, result.stdout + result.stderr


def test_map_serves_did_documents_and_status_lists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signed, documents = status_setup(set_bit=False)
    assert main([write(tmp_path, "c.json", signed), "--now", NOW, *maps(tmp_path, documents)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "VALID"


def test_a_revoked_credential_exits_1_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signed, documents = status_setup(set_bit=True, reason="Plagiarised project")
    assert main([write(tmp_path, "c.json", signed), "--now", NOW, *maps(tmp_path, documents)]) == 1
    assert "✗ The credential has been revoked: Plagiarised project" in capsys.readouterr().out


def test_lang_ko_prints_korean_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    signed, documents = status_setup("suspension", set_bit=True)
    assert (
        main([write(tmp_path, "c.json", signed), "--lang", "ko", "--now", NOW, *maps(tmp_path, documents)])
        == 1
    )
    out = capsys.readouterr().out
    assert "자격 증명이 일시 정지되었습니다." in out
    assert out.splitlines()[-1] == "INVALID"


def test_json_prints_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([write(tmp_path, "c.json", did_key_signed()), "--json", "--now", NOW]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is True
    assert {check["id"] for check in report["checks"]} >= {"proof", "issuer", "validity", "status"}


def test_now_moves_the_clock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import UTC, datetime

    path = write(tmp_path, "c.json", did_key_signed(valid_until=datetime(2025, 3, 1, tzinfo=UTC)))
    assert main([path, "--now", "2025-02-01T00:00:00+09:00"]) == 0
    assert main([path, "--now", NOW]) == 1
    assert "expired" in capsys.readouterr().out


def test_an_unreachable_did_document_exits_3(tmp_path: Path) -> None:
    signed, _documents = status_setup(set_bit=False)
    assert main([write(tmp_path, "c.json", signed), "--now", NOW]) == 3


def test_a_url_is_fetched_through_the_mapped_fetcher(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signed, documents = status_setup(set_bit=False)
    documents["https://issuer.example/a/1/credential.json"] = signed
    args = ["https://issuer.example/a/1/credential.json", "--now", NOW, *maps(tmp_path, documents)]
    assert main(args) == 0


def test_an_unfetchable_url_exits_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LAUREL_ALLOW_PRIVATE_FETCH", raising=False)
    assert main(["https://127.0.0.1/credential.json"]) == 3
    assert "cannot fetch" in capsys.readouterr().err


def test_a_mapped_context_is_used_without_fetching(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = KeyPair.generate()
    unsigned = credential(key.public_key.did_key())
    context_url = "https://issuer.example/contexts/extra.jsonld"
    unsigned["@context"].append(context_url)
    unsigned["credentialSubject"]["favouriteColour"] = "green"
    path = write(
        tmp_path, "c.json", sign(unsigned, key, key.public_key.verification_method_id(), "eddsa-jcs-2022")
    )
    assert main([path, "--now", NOW]) == 1
    context = {"@context": {"favouriteColour": "https://issuer.example/vocab#favouriteColour"}}
    assert main([path, "--now", NOW, *maps(tmp_path, {context_url: context})]) == 0


def test_baked_images_verify(tmp_path: Path) -> None:
    baked = baking.bake(png_image(), did_key_signed())
    assert main([write(tmp_path, "badge.png", baked), "--now", NOW]) == 0


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--now", "yesterday", "x.json"],
        ["--map", "no-equals-sign", "x.json"],
        ["--lang", "fr", "x.json"],
        ["/nonexistent/credential.json"],
    ],
    ids=["no-source", "bad-now", "bad-map", "bad-lang", "missing-file"],
)
def test_bad_arguments_print_one_line_and_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("laurel verify") and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "content", [b"", b"\x89PNG\r\n\x1a\n broken", b"eyJhbGciOiJFZERTQSJ9.e30"], ids=["empty", "png", "jwt"]
)
def test_unreadable_input_exits_2(tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([write(tmp_path, "input", content), "--now", NOW]) == 2
    assert capsys.readouterr().out.splitlines()[-1] == "INVALID"


def test_a_did_document_is_mapped_for_a_did_web_issuer(tmp_path: Path) -> None:
    key = KeyPair.generate()
    signed, document = did_web_signed(key, published=[("key-1", key)])
    path = write(tmp_path, "c.json", signed)
    assert main([path, "--now", NOW]) == 3
    assert main([path, "--now", NOW, *maps(tmp_path, {WEB_DID_URL: document})]) == 0
