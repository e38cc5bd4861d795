"""Personas and helpers shared by the test suite.

Every organization test meets the same people: an owner (with a second
factor), a teammate who issues, a mentor, a viewer, an outsider who owns
another organization, and a learner with no staff role at all.
"""

from django.contrib.sessions.backends.base import SessionBase
from django.test import Client, TestCase
from django_otp.plugins.otp_totp.models import TOTPDevice

from laurel.accounts.models import User
from laurel.orgs.models import Membership, Organization, Role

PASSWORD = "correct horse battery staple"


def make_user(email: str, name: str = "", language: str = "ko") -> User:
    return User.objects.create_user(email, PASSWORD, name=name, language=language)


def login(client: Client, user: User) -> None:
    """Sign in as a user, with a verified second factor when they have one."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session: SessionBase = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()


class BaseTestCase(TestCase):
    org: Organization
    owner: User
    teammate: User
    mentor: User
    viewer: User
    outsider: User
    learner: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.org = Organization.objects.create(
            slug="hanbit", name_ko="한빛대학교", name_en="Hanbit University", default_language="ko"
        )
        cls.owner = make_user("owner@hanbit.example", "김소유")
        TOTPDevice.objects.create(user=cls.owner, name="phone", confirmed=True)
        cls.teammate = make_user("issuer@hanbit.example", "이발급")
        cls.mentor = make_user("mentor@hanbit.example", "박멘토")
        cls.viewer = make_user("viewer@hanbit.example", "최열람", language="en")
        Membership.objects.create(org=cls.org, user=cls.owner, role=Role.OWNER)
        Membership.objects.create(org=cls.org, user=cls.teammate, role=Role.ISSUER)
        Membership.objects.create(org=cls.org, user=cls.mentor, role=Role.MENTOR)
        Membership.objects.create(org=cls.org, user=cls.viewer, role=Role.VIEWER)

        cls.other_org = Organization.objects.create(slug="other", name_en="Other Academy")
        cls.outsider = make_user("outsider@other.example", "Outsider", language="en")
        TOTPDevice.objects.create(user=cls.outsider, name="phone", confirmed=True)
        Membership.objects.create(org=cls.other_org, user=cls.outsider, role=Role.OWNER)

        cls.learner = make_user("learner@student.example", "정학생")

    # The language the test client asks for; None sends no Accept-Language header,
    # so the site default applies (English in the test settings, Korean in production).
    language: str | None = None

    def _pre_setup(self) -> None:  # type: ignore[override]
        super()._pre_setup()  # type: ignore[misc]
        if self.language:
            self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = self.language

    def login(self, user: User) -> None:
        login(self.client, user)
