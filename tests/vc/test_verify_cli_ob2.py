"""`laurel verify` reads Open Badges 2.0 badges too, with --map serving the issuer's documents."""

from pathlib import Path

import pytest

from laurel.vc import cli
from tests.imports.ob2_site import Ob2Site, bake_png


def mapped(site: Ob2Site, folder: Path) -> list[str]:
    """--map URL=PATH arguments serving every document of ``site`` from files."""
    arguments = []
    for number, (path, (_status, body, _headers)) in enumerate(site.documents.items()):
        file = folder / f"doc{number}.json"
        file.write_bytes(body)
        arguments += ["--map", f"{site.url(path)}={file}"]
    return arguments


def test_a_baked_signed_ob2_badge_verifies_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = Ob2Site(base="https://academy.example")
    site.publish_issuer()
    badge = tmp_path / "badge.png"
    badge.write_bytes(bake_png(site.signed("minji@student.example")))
    code = cli.main([str(badge), "--now", "2026-06-01T00:00:00Z", *mapped(site, tmp_path)])
    out = capsys.readouterr().out
    assert code == cli.EXIT_VALID, out
    assert "Open Badges 2.0" in out and out.strip().endswith("VALID")


def test_a_revoked_ob2_badge_exits_invalid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = Ob2Site(base="https://academy.example")
    site.publish_issuer()
    token = site.signed("minji@student.example")
    revoked = site.assertion("/signed", "minji@student.example", signed=True)["id"]
    site.put("/revocations.json", site.revocation_list([revoked]))
    source = tmp_path / "badge.jws"
    source.write_text(token)
    code = cli.main([str(source), "--lang", "ko", "--now", "2026-06-01T00:00:00Z", *mapped(site, tmp_path)])
    out = capsys.readouterr().out
    assert code == cli.EXIT_INVALID
    assert "폐기" in out
