"""The people and data a browser test starts from, made through the ORM and the actions.

Each browser test runs with `transaction=True`, so the database is emptied after
every test and each test builds its own small world.
"""

import time
from dataclasses import dataclass
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from laurel.accounts.models import User
from laurel.achievements.actions import create_achievement
from laurel.achievements.forms import validate_achievement
from laurel.achievements.models import Achievement
from laurel.awards import actions as award_actions
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.orgs.models import Membership, Organization, Role
from laurel.test import PASSWORD, make_user
from tests.totp import totp

__all__ = ["PASSWORD", "World", "award", "make_badge", "make_world", "stale_code", "totp_now"]


@dataclass
class World:
    org: Organization
    owner: User
    device: TOTPDevice
    issuer: User


def make_world() -> World:
    org = Organization.objects.create(
        slug="hanbit", name_ko="한빛대학교", name_en="Hanbit University", default_language="ko"
    )
    owner = make_user("owner@hanbit.example", "김소유")
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    issuer = make_user("issuer@hanbit.example", "이발급")
    Membership.objects.create(org=org, user=owner, role=Role.OWNER)
    Membership.objects.create(org=org, user=issuer, role=Role.ISSUER)
    return World(org=org, owner=owner, device=device, issuer=issuer)


def make_badge(world: World, **overrides: Any) -> Achievement:
    data: dict[str, Any] = {
        "name_ko": "데이터 분석 입문",
        "name_en": "Introduction to Data Analysis",
        "description_ko": "데이터 분석 입문 과정을 마쳤습니다.",
        "description_en": "Completed the introduction to data analysis.",
        "criteria_ko": "**기말 과제**를 제출합니다.",
        "achievement_type": "Badge",
        "alt_text_ko": "초록색 방패 모양 배지",
        "alt_text_en": "A green shield badge",
        "design": {"shape": "shield", "primary": "#1b5e20", "secondary": "#ffffff", "icon": "book"},
    }
    data.update(overrides)
    return create_achievement(Actor(world.issuer), world.org, validate_achievement(data, org=world.org))


def award(world: World, achievement: Achievement, email: str, name: str) -> Award:
    return award_actions.award(Actor(world.issuer), world.org, achievement, email=email, name=name)


def totp_now(device: TOTPDevice, at: float | None = None) -> str:
    """The device's current code, computed from its key by the hand-written RFC 6238 helper."""
    return totp(device.bin_key, at, step=device.step, digits=device.digits, t0=device.t0)


def stale_code(device: TOTPDevice) -> str:
    """A code from an hour ago that is none of the codes accepted now (±1 step of drift)."""
    now = time.time()
    accepted = {totp_now(device, now + shift * device.step) for shift in (-1, 0, 1)}
    hours = 1
    while (code := totp_now(device, now - hours * 3600)) in accepted:
        hours += 1
    return code
