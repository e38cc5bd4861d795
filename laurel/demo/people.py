"""The demo's people and the awards they hold, with fixed dates so every seed is alike."""

import datetime
import hashlib
from dataclasses import dataclass

from laurel.orgs.models import Role

PASSWORD = "laurel-demo"
ORG_SLUG = "hanbit"
ORG = {
    "name_ko": "한빛국립대학교",
    "name_en": "Hanbit National University",
    "description_ko": (
        "한빛국립대학교는 지역혁신중심 대학지원체계(RISE)에 참여하여 지자체·지역 기업과 함께 "
        "지역혁신 인재를 양성합니다. 리빙랩, 산학협력 현장실습, 지역 데이터 교육의 성과를 "
        "디지털 배지로 인정합니다."
    ),
    "description_en": (
        "Hanbit National University takes part in RISE (Regional Innovation System & Education), "
        "training talent for regional innovation with the provincial government and local companies. "
        "Its living labs, industry placements and regional data courses are recognised with digital badges."
    ),
    "url": "https://hanbit.example",
    "email": "rise@hanbit.example",
}
# A fixed key keeps the owner's authenticator entry valid across fresh demo databases.
OWNER_TOTP_KEY = hashlib.sha1(b"laurel demo: hanbit owner second factor", usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Staff:
    email: str
    name: str
    role: str


STAFF = [
    Staff("issuer@hanbit.example", "이서연", Role.ISSUER),
    Staff("owner@hanbit.example", "김한빛", Role.OWNER),
    Staff("mentor1@hanbit.example", "박준호", Role.MENTOR),
    Staff("mentor2@hanbit.example", "최지은", Role.MENTOR),
    Staff("viewer@hanbit.example", "정민수", Role.VIEWER),
]
ISSUER_EMAIL = STAFF[0].email
OWNER_EMAIL = STAFF[1].email


@dataclass(frozen=True)
class Learner:
    number: int
    name: str
    student_id: str
    language: str = "ko"
    # Learners with an account have proven their email, which links their awards to them.
    has_account: bool = False

    @property
    def email(self) -> str:
        return f"student{self.number:02d}@hanbit.example"


LEARNERS = [
    Learner(1, "김민준", "20240101", has_account=True),
    Learner(2, "이서윤", "20240102", has_account=True),
    Learner(3, "박도윤", "20240215"),
    Learner(4, "최하은", "20240233"),
    Learner(5, "정우진", "20240317", language="en", has_account=True),
    Learner(6, "강지우", "20240342"),
    Learner(7, "조예린", "20240408"),
    Learner(8, "윤시우", "20240451"),
    Learner(9, "장수아", "20240519", language="en", has_account=True),
    Learner(10, "임건우", "20240526"),
    Learner(11, "한지민", "20240604"),
    Learner(12, "오태윤", "20240637"),
]


@dataclass(frozen=True)
class DemoAward:
    badge: str  # a key of badges.BADGES
    learner: int  # Learner.number
    issued_on: datetime.date
    evidence_url: str = ""
    evidence_narrative: str = ""


def _day(month: int, day: int) -> datetime.date:
    return datetime.date(2026, month, day)


REPORTS = "https://hanbit.example/rise/livinglab/2026/"
AWARDS = [
    *(DemoAward("digital", n, _day(3, 20)) for n in (1, 2, 3, 4)),
    *(DemoAward("digital", n, _day(3, 27)) for n in (5, 6, 7, 8)),
    DemoAward(
        "community",
        1,
        _day(6, 26),
        REPORTS + "bus-stops",
        "읍내 버스정류장 12곳의 이용 실태를 조사하고 군청과 함께 배차 시간표 개선안을 만들었습니다.",
    ),
    DemoAward(
        "community",
        3,
        _day(6, 26),
        REPORTS + "bus-stops",
        "팀의 설문 설계와 주민 인터뷰를 맡았습니다.",
    ),
    DemoAward(
        "community",
        6,
        _day(6, 26),
        REPORTS + "market-signage",
        "전통시장 상인회와 함께 다국어 안내판을 설계하고 설치했습니다.",
    ),
    DemoAward(
        "community",
        9,
        _day(6, 26),
        REPORTS + "market-signage",
        "Translated the market signs into English and Vietnamese and tested them with visitors.",
    ),
    DemoAward(
        "community",
        10,
        _day(6, 26),
        REPORTS + "senior-digital",
        "경로당 어르신 30명을 대상으로 키오스크 사용 교실을 운영했습니다.",
    ),
    DemoAward(
        "community",
        11,
        _day(6, 26),
        REPORTS + "senior-digital",
        "교육 교재를 큰 글씨판으로 다시 만들고 만족도 조사를 정리했습니다.",
    ),
    DemoAward("startup", 1, _day(5, 15)),
    DemoAward("startup", 5, _day(5, 15), "https://hanbit.example/rise/startup/2026/final"),
    DemoAward("startup", 9, _day(5, 15), "https://hanbit.example/rise/startup/2026/final"),
    DemoAward("data", 1, _day(7, 10), "https://hanbit.example/rise/data/2026/population-report"),
    DemoAward("data", 2, _day(7, 10)),
    DemoAward("data", 8, _day(7, 10), "https://hanbit.example/rise/data/2026/traffic-report"),
    DemoAward("data", 10, _day(7, 10)),
    DemoAward("data", 12, _day(7, 17)),
    DemoAward("fieldwork", 2, _day(8, 28), "", "한빛정밀(주) 품질관리팀에서 8주 동안 실습했습니다."),
    DemoAward("fieldwork", 4, _day(8, 28)),
    DemoAward("fieldwork", 7, _day(8, 28), "", "지역 스마트팜 기업에서 센서 데이터 점검 업무를 도왔습니다."),
    DemoAward("fieldwork", 12, _day(8, 28)),
    DemoAward("global", 3, _day(9, 18)),
    DemoAward("global", 5, _day(9, 18)),
    DemoAward("global", 9, _day(9, 18)),
    DemoAward("global", 11, _day(9, 25)),
]
