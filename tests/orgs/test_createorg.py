import pytest
from django.contrib.auth.tokens import default_token_generator

from laurel.accounts.models import User
from laurel.audit.models import AuditEvent
from laurel.cli import main
from laurel.orgs.models import Membership, Organization, Role

pytestmark = pytest.mark.django_db


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], list[str]]:
    code = main(["createorg", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def test_it_creates_an_org_with_an_owner_and_prints_a_sign_in_link(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys,
        "--slug",
        "seoul-tech",
        "--name-ko",
        "서울기술원",
        "--name-en",
        "Seoul Tech",
        "--owner",
        "Boss@Seoul.example",
    )
    assert (code, err) == (0, [])
    org = Organization.objects.get(slug="seoul-tech")
    assert (org.name_ko, org.name_en) == ("서울기술원", "Seoul Tech")
    owner = User.objects.get(email="boss@seoul.example")
    assert Membership.objects.get(org=org, user=owner).role == Role.OWNER
    assert not owner.has_usable_password()
    assert out[0] == "organization: seoul-tech"
    assert out[1].startswith("sign-in link: ") and "/accounts/reset/" in out[1]
    token = out[1].rstrip("/").rsplit("/", 1)[1]
    assert default_token_generator.check_token(owner, token)
    event = AuditEvent.objects.get(action="org.create")
    assert (event.via, event.actor) == ("cli", None)


def test_without_an_owner_it_prints_only_the_slug(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--slug", "solo", "--name-ko", "", "--name-en", "Solo")
    assert (code, out) == (0, ["organization: solo"])
    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--slug", "Bad Slug", "--name-ko", "가", "--name-en", "A"], "slug 'Bad Slug' is not valid"),
        (["--slug", "a--b", "--name-ko", "가", "--name-en", "A"], "slug 'a--b' is not valid"),
        (["--slug", "invitations", "--name-ko", "가", "--name-en", "A"], "slug 'invitations' is reserved"),
        (["--slug", "ok", "--name-ko", " ", "--name-en", ""], "give a name"),
        (
            ["--slug", "ok", "--name-ko", "가", "--name-en", "A", "--owner", "nobody"],
            "'nobody' is not a valid email",
        ),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_1(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 1
    assert out == []
    assert len(err) == 1
    assert err[0].startswith("laurel: ")
    assert message in err[0]
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_a_taken_slug_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    Organization.objects.create(slug="taken", name_en="Taken")
    code, _, err = run(
        capsys, "--slug", "taken", "--name-ko", "가", "--name-en", "Other", "--owner", "a@b.example"
    )
    assert (code, err) == (1, ["laurel: slug 'taken' is already taken"])
    assert Organization.objects.get(slug="taken").name_en == "Taken"
    assert not User.objects.exists()


def test_a_missing_argument_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--slug", "x")
    assert code == 2
    assert len(err) == 1
