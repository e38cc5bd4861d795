"""`laurel issue`: one award, signed at once, written as JSON, VC-JWT or a baked image."""

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from laurel.achievements.models import ImageAsset
from laurel.awards.models import Award
from laurel.cli import main
from laurel.credentials.models import AwardStatus, Credential, StatusList
from laurel.orgs.models import Organization, Recipient
from laurel.vc import baking
from laurel.vc.fetch import Fetcher
from laurel.vc.verify import Report, verify
from tests.awards.helpers import make_achievement
from tests.credentials.helpers import KEK_A

ROOT = Path(__file__).resolve().parent.parent
LAUREL = Path(sys.executable).with_name("laurel")
SVG_IMAGE = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")


def png_image() -> bytes:
    """A real 1x1 grey PNG, written from the PNG specification's chunk layout."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def asset(data: bytes, content_type: str) -> ImageAsset:
    return ImageAsset.objects.create(sha256=ImageAsset.digest(data), content_type=content_type, data=data)


@pytest.fixture
def school(db: None) -> Organization:
    org = Organization.objects.create(slug="hanbit", name_ko="한빛고등학교", name_en="Hanbit High School")
    png, svg = asset(png_image(), "image/png"), asset(SVG_IMAGE, "image/svg+xml")
    make_achievement(org, "python", name_ko="파이썬 기초", name_en="Python Basics", image=svg, image_png=png)
    make_achievement(org, "safety", name_ko="실험실 안전", image=png)
    make_achievement(org, "old", name_en="Retired Badge", archived=True)
    return org


@pytest.fixture(autouse=True)
def _keys() -> Iterator[None]:
    # Issuer keys are sealed with a fixed test KEK; the site is plain http, so issuers are did:key.
    with override_settings(KEK=KEK_A, KEK_PREVIOUS=[], SITE_URL="http://laurel.test"):
        yield


@contextmanager
def captured() -> Iterator[tuple[io.BytesIO, io.StringIO]]:
    """Stand-ins for stdout (a byte stream, not a terminal) and stderr."""
    out, err = io.BytesIO(), io.StringIO()
    old = sys.stdout, sys.stderr
    wrapper = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stdout, sys.stderr = wrapper, err
    try:
        yield out, err
    finally:
        sys.stdout, sys.stderr = old
        wrapper.flush()
        wrapper.detach()  # a collected wrapper would close the buffer the test still reads


def issue(*args: str) -> tuple[int, bytes, str]:
    with captured() as (out, err):
        code = main(["issue", *args])
    return code, out.getvalue(), err.getvalue()


def status_fetcher() -> Fetcher:
    """Serves every published status list from the database, as Laurel's pages would."""
    lists = {lst.url: json.dumps(lst.credential).encode() for lst in StatusList.objects.all()}
    return Fetcher(overrides=lists, allowed_schemes=("https", "http"))


def verified(data: bytes | str | dict[str, Any]) -> Report:
    return verify(data, fetcher=status_fetcher())


def only_award() -> Award:
    (award,) = Award.objects.all()
    return award


def test_json_on_stdout_is_the_stored_credential_and_it_verifies(school: Organization) -> None:
    code, out, err = issue(
        "--org=hanbit", "--achievement=python", "--recipient=Kim@Example.com", "--name=김민수"
    )
    assert code == 0, err
    award = only_award()
    document = json.loads(out)
    # The organization's default language (Korean) unless --lang says otherwise.
    stored = Credential.objects.get(award=award, language=school.default_language)
    assert document == stored.json
    assert award.recipient.email == "kim@example.com"
    assert award.public_url in err
    report = verified(out)
    assert report.valid, report.to_dict()
    assert report.check("status").status == "pass"  # type: ignore[union-attr]


def test_lang_picks_the_language_of_the_credential(school: Organization, tmp_path: Path) -> None:
    target = tmp_path / "en.json"
    code, out, err = issue(
        "--org=hanbit",
        "--achievement=python",
        "--recipient=lee@example.com",
        "--name=Lee",
        "--lang=en",
        f"-o={target}",
    )
    assert code == 0, err
    document = json.loads(target.read_text())
    assert document["credentialSubject"]["achievement"]["inLanguage"] == "en"
    assert document["credentialSubject"]["achievement"]["name"] == "Python Basics"
    assert str(target) in out.decode()
    assert verified(target.read_bytes()).valid


def test_jwt_format_writes_a_compact_vc_jwt_that_verifies(school: Organization) -> None:
    code, out, err = issue(
        "--org=hanbit", "--achievement=python", "--recipient=a@example.com", "--name=A", "--format=jwt"
    )
    assert code == 0, err
    token = out.decode().strip()
    assert token.count(".") == 2
    report = verified(token)
    assert report.valid, report.to_dict()
    assert report.format == "jwt"


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_baked_images_carry_the_signed_credential(school: Organization, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"badge.{fmt}"
    code, _out, err = issue(
        "--org=hanbit",
        "--achievement=python",
        "--recipient=b@example.com",
        "--name=B",
        f"--format={fmt}",
        f"--output={target}",
    )
    assert code == 0, err
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG") if fmt == "png" else data.startswith(b"<svg")
    baked = baking.extract(data)
    assert json.loads(baked.payload) == Credential.objects.get(award=only_award(), language="ko").json
    report = verified(data)
    assert report.valid, report.to_dict()
    assert report.format == fmt


def test_a_png_can_be_piped_to_stdout(school: Organization) -> None:
    code, out, err = issue(
        "--org=hanbit", "--achievement=safety", "--recipient=c@example.com", "--name=C", "--format=png"
    )
    assert code == 0, err
    assert out.startswith(b"\x89PNG\r\n\x1a\n")
    assert verified(out).valid


def test_the_name_on_file_is_used_when_none_is_given(school: Organization) -> None:
    Recipient.objects.create(org=school, email="park@example.com", name="박지성")
    code, _out, err = issue("--org=hanbit", "--achievement=python", "--recipient=park@example.com")
    assert code == 0, err
    assert only_award().recipient.name == "박지성"


BAD_INPUT = [
    ("unknown-org", ["--org=nobody", "--achievement=python"], "no organization with slug 'nobody'"),
    ("unknown-badge", ["--org=hanbit", "--achievement=rust"], "hanbit has no badge with slug 'rust'"),
    (
        "invalid-email",
        ["--org=hanbit", "--achievement=python", "--recipient=not-an-email"],
        "is not a valid email",
    ),
    ("archived", ["--org=hanbit", "--achievement=old"], "archived"),
    ("svg-of-png-only", ["--org=hanbit", "--achievement=safety", "--format=svg"], "cannot be baked as SVG"),
    ("missing-language", ["--org=hanbit", "--achievement=safety", "--lang=en"], "has no English version"),
    ("no-name", ["--org=hanbit", "--achievement=python", "--recipient=new@example.com", "--name="], "--name"),
    ("bad-format", ["--org=hanbit", "--achievement=python", "--format=pdf"], "invalid choice: 'pdf'"),
]


@pytest.mark.parametrize(
    ("args", "message"), [case[1:] for case in BAD_INPUT], ids=[case[0] for case in BAD_INPUT]
)
def test_bad_input_is_one_line_on_stderr_and_leaves_nothing(
    school: Organization, args: list[str], message: str
) -> None:
    defaults = {"--recipient": "kim@example.com", "--name": "Kim"}
    given = {arg.split("=", 1)[0] for arg in args}
    args = args + [f"{option}={value}" for option, value in defaults.items() if option not in given]
    code, out, err = issue(*args)
    assert code != 0
    assert out == b""
    assert len(err.strip().splitlines()) == 1, err
    assert message in err
    assert not Award.objects.exists()
    assert not Recipient.objects.filter(email="kim@example.com").exists()


def test_a_write_failure_after_signing_rolls_the_award_back(school: Organization, tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "badge.json"
    code, _out, err = issue(
        "--org=hanbit", "--achievement=python", "--recipient=kim@example.com", "--name=Kim", f"-o={target}"
    )
    assert code == 1
    assert err.strip() == f"laurel: cannot write {target}: No such file or directory"
    assert not target.exists()
    assert not Award.objects.exists()
    assert not Credential.objects.exists()
    assert not AwardStatus.objects.exists()


def test_an_image_is_not_written_to_a_terminal(school: Organization, monkeypatch: pytest.MonkeyPatch) -> None:
    with captured() as (_out, err):
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        code = main(
            [
                "issue",
                "--org=hanbit",
                "--achievement=python",
                "--recipient=k@example.com",
                "--name=K",
                "--format=png",
            ]
        )
    assert code == 1
    assert "refusing to write a PNG image to a terminal" in err.getvalue()
    assert not Award.objects.exists()


def _laurel(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LAUREL), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


SETUP = """
from laurel.achievements.models import Achievement, AchievementVersion
from laurel.orgs.models import Organization
org = Organization.objects.create(slug="hanbit", name_ko="한빛고등학교", name_en="Hanbit High School")
badge = Achievement.objects.create(org=org, slug="python")
badge.current_version = AchievementVersion.objects.create(achievement=badge, number=1, name_ko="파이썬 기초")
badge.save()
"""
DUMP_STATUS = """
import json
from laurel.credentials.models import StatusList
print(json.dumps({lst.url: lst.credential for lst in StatusList.objects.all()}))
"""


def test_the_laurel_command_issues_a_credential_that_laurel_verify_accepts(tmp_path: Path) -> None:
    if not LAUREL.exists():
        pytest.skip(f"the laurel entry point is not installed beside {sys.executable}")
    # A database of its own: the subprocess cannot see the test database.
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {
        "LAUREL_DATA_DIR": str(tmp_path / "data"),
        "LAUREL_KEK": KEK_A,
        "DJANGO_SETTINGS_MODULE": "laurel.settings",
    }
    for args in (["manage", "migrate", "-v0"], ["manage", "shell", "-c", SETUP]):
        done = _laurel(env, *args)
        assert done.returncode == 0, done.stderr
    target = tmp_path / "badge.json"
    done = _laurel(
        env,
        "issue",
        "--org",
        "hanbit",
        "--achievement",
        "python",
        "--recipient",
        "kim@example.com",
        "--name",
        "김민수",
        "-o",
        str(target),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("issued ")
    dumped = _laurel(env, "manage", "shell", "-c", DUMP_STATUS)
    assert dumped.returncode == 0, dumped.stderr
    maps = []
    for index, (url, document) in enumerate(json.loads(dumped.stdout.strip().splitlines()[-1]).items()):
        path = tmp_path / f"status-{index}.json"
        path.write_text(json.dumps(document))
        maps += ["--map", f"{url}={path}"]
    checked = _laurel(env, "verify", str(target), *maps)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip().endswith("VALID")
    refused = _laurel(
        env,
        "issue",
        "--org",
        "hanbit",
        "--achievement",
        "python",
        "--recipient",
        "nope",
        "--name",
        "X",
        "-o",
        str(tmp_path / "x.json"),
    )
    assert refused.returncode == 1
    assert (
        refused.stderr.strip().splitlines()[-1] == "laurel: --recipient: “nope” is not a valid email address."
    )
