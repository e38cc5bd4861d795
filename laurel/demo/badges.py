"""The demo's seven badges, in the JSON shape the achievements app validates.

They follow a RISE (지역혁신중심 대학지원체계) programme: regional problems,
local industry and the digital skills the region's employers ask for.
Alignment addresses point at public frameworks (NCS, DigComp, CEFR).
"""

from typing import Any

NCS_SEARCH = "https://www.ncs.go.kr/unity/th03/ncsResultSearch.do?dutyCd="
NCS_BASIC = "https://www.ncs.go.kr/unity/th01/ncsBasicAbility.do"
TAGS = ["RISE", "지역혁신", "Regional innovation"]

BADGES: dict[str, dict[str, Any]] = {
    "community": {
        "slug": "community-problem-solving",
        "name_ko": "지역문제해결 프로젝트",
        "name_en": "Community Problem-Solving Project",
        "description_ko": (
            "지역 주민·기관과 함께 지역사회의 실제 문제를 정의하고, 한 학기 동안 해결 방안을 "
            "설계·실행한 학생에게 수여합니다. RISE 리빙랩 교과와 연계됩니다."
        ),
        "description_en": (
            "Awarded to students who defined a real problem of the region with local residents and "
            "organizations, then designed and ran a solution over one semester. Part of the RISE "
            "living-lab courses."
        ),
        "criteria_ko": (
            "## 이수 기준\n\n"
            "1. 지역 파트너 기관과 **문제 정의서**를 함께 작성합니다.\n"
            "2. 4인 이상 팀으로 해결 방안을 실행하고 결과를 측정합니다.\n"
            "3. 지역 성과공유회에서 발표하고 **결과 보고서**를 제출합니다.\n"
        ),
        "criteria_en": (
            "## Requirements\n\n"
            "1. Write a **problem statement** together with a local partner organization.\n"
            "2. Carry out a solution in a team of four or more and measure its results.\n"
            "3. Present at the regional showcase and submit a **final report**.\n"
        ),
        "achievement_type": "Assignment",
        "tags": [*TAGS, "리빙랩", "Living lab"],
        "skills": ["문제 정의", "Problem definition", "협업", "Collaboration", "지역사회 참여"],
        "alignments": [
            {
                "targetName": "직업기초능력: 문제해결능력",
                "targetUrl": NCS_BASIC,
                "targetFramework": "NCS",
                "targetCode": "KC-03",
                "targetType": "ceasn:Competency",
                "targetDescription": "NCS 직업기초능력 중 사고력과 문제처리능력",
            }
        ],
        "evidence_required": True,
        "evidence_description_ko": "결과 보고서 또는 발표 자료의 링크와, 본인이 맡은 역할에 대한 짧은 서술.",
        "evidence_description_en": "A link to the final report or slides, and a short account of your role.",
        "alt_text_ko": "초록색 육각형 안에 사람들이 모인 아이콘과 '지역문제해결' 글자",
        "alt_text_en": (
            "A green hexagon with a group of people and the Korean title 'Community problem-solving'"
        ),
        "design": {
            "shape": "hexagon",
            "primary": "#1b5e20",
            "secondary": "#ffffff",
            "icon": "community",
            "title": "지역문제해결",
            "subtitle": "HANBIT RISE",
        },
    },
    "digital": {
        "slug": "digital-literacy",
        "name_ko": "디지털 기초역량",
        "name_en": "Digital Literacy",
        "description_ko": (
            "정보 검색과 평가, 협업 도구, 개인정보 보호, 생성형 AI의 책임 있는 활용 등 "
            "디지털 기초역량 과정을 마친 학생에게 수여합니다."
        ),
        "description_en": (
            "Awarded for completing the digital literacy course: finding and judging information, "
            "collaboration tools, protecting personal data and using generative AI responsibly."
        ),
        "criteria_ko": (
            "- 온라인 모듈 6개를 모두 이수합니다.\n"
            "- 최종 평가에서 **70점 이상**을 받습니다.\n"
            "- 생성형 AI 활용 윤리 서약서를 제출합니다.\n"
        ),
        "criteria_en": (
            "- Complete all six online modules.\n"
            "- Score **70 or more** in the final assessment.\n"
            "- Sign the pledge on the ethical use of generative AI.\n"
        ),
        "achievement_type": "Badge",
        "tags": [*TAGS, "디지털", "Digital"],
        "skills": ["정보 검색", "Information search", "개인정보 보호", "Data protection", "생성형 AI"],
        "alignments": [
            {
                "targetName": "직업기초능력: 정보능력",
                "targetUrl": NCS_BASIC,
                "targetFramework": "NCS",
                "targetCode": "KC-07",
                "targetType": "ceasn:Competency",
            },
            {
                "targetName": (
                    "DigComp 2.2: Browsing, searching and filtering data, information and digital content"
                ),
                "targetUrl": "https://joint-research-centre.ec.europa.eu/digcomp_en",
                "targetFramework": "DigComp 2.2",
                "targetCode": "1.1",
                "targetType": "ceasn:Competency",
            },
        ],
        "validity_days": 730,
        "alt_text_ko": "파란 원 안에 코드 기호와 '디지털 기초역량' 글자",
        "alt_text_en": "A blue circle with a code symbol and the Korean title 'Digital literacy'",
        "design": {
            "shape": "circle",
            "primary": "#0b5cad",
            "secondary": "#ffffff",
            "icon": "code",
            "title": "디지털 기초역량",
            "subtitle": "DIGITAL LITERACY",
        },
    },
    "fieldwork": {
        "slug": "industry-field-placement",
        "name_ko": "산학협력 현장실습",
        "name_en": "Industry Field Placement",
        "description_ko": (
            "지역 협력기업에서 8주 이상 현장실습을 수행하고 기업 멘토의 평가를 통과한 학생에게 수여합니다."
        ),
        "description_en": (
            "Awarded to students who completed a placement of eight weeks or more with a regional "
            "partner company and passed their company mentor's assessment."
        ),
        "criteria_ko": (
            "- 협력기업에서 **320시간 이상** 실습합니다.\n"
            "- 주간 실습일지를 제출합니다.\n"
            "- 기업 멘토 평가에서 '우수' 이상을 받습니다.\n"
        ),
        "criteria_en": (
            "- Work **320 hours or more** at a partner company.\n"
            "- Submit a weekly placement log.\n"
            "- Be rated 'good' or better by the company mentor.\n"
        ),
        "achievement_type": "Fieldwork",
        "tags": [*TAGS, "현장실습", "Work-integrated learning"],
        "skills": ["직무 수행", "On-the-job performance", "직업윤리", "Professional ethics"],
        "alignments": [
            {
                "targetName": "직업기초능력: 직업윤리",
                "targetUrl": NCS_BASIC,
                "targetFramework": "NCS",
                "targetCode": "KC-10",
                "targetType": "ceasn:Competency",
            }
        ],
        "alt_text_ko": "남색 방패 안에 체크 표시와 '현장실습' 글자",
        "alt_text_en": "A navy shield with a check mark and the Korean title 'Field placement'",
        "design": {
            "shape": "shield",
            "primary": "#1a237e",
            "secondary": "#ffffff",
            "icon": "check",
            "title": "현장실습",
            "subtitle": "INDUSTRY",
        },
    },
    "startup": {
        "slug": "startup-idea-challenge",
        "name_ko": "창업 아이디어 챌린지 수상",
        "name_en": "Startup Idea Challenge Award",
        "description_ko": (
            "지역 현안을 해결하는 창업 아이디어로 한빛 RISE 창업 아이디어 챌린지 본선에서 "
            "입상한 팀원에게 수여합니다."
        ),
        "description_en": (
            "Awarded to members of teams placed in the final of the Hanbit RISE Startup Idea "
            "Challenge with a business idea that answers a regional need."
        ),
        "criteria_ko": (
            "1. 사업계획서로 예선을 통과합니다.\n2. 본선 피칭에서 심사위원 평가 **상위 3팀** 안에 듭니다.\n"
        ),
        "criteria_en": (
            "1. Pass the preliminary round with a business plan.\n"
            "2. Finish among the **top three teams** in the final pitch.\n"
        ),
        "achievement_type": "Award",
        "tags": [*TAGS, "창업", "Entrepreneurship"],
        "skills": ["사업 기획", "Business planning", "피칭", "Pitching"],
        "alignments": [
            {
                "targetName": "경영기획",
                "targetUrl": NCS_SEARCH + "02010101",
                "targetFramework": "NCS",
                "targetCode": "02010101",
                "targetType": "ceasn:Competency",
                "targetDescription": "경영·회계·사무 > 기획사무 > 경영기획",
            }
        ],
        "alt_text_ko": "주황색 리본 장식 안에 전구 아이콘과 '창업 챌린지' 글자",
        "alt_text_en": "An orange rosette with a light bulb and the Korean title 'Startup challenge'",
        "design": {
            "shape": "rosette",
            "primary": "#a33b00",
            "secondary": "#ffffff",
            "icon": "lightbulb",
            "title": "창업 챌린지",
            "subtitle": "2026",
        },
    },
    "data": {
        "slug": "regional-data-analyst",
        "name_ko": "지역 데이터 분석가",
        "name_en": "Regional Data Analyst",
        "description_ko": (
            "공공데이터로 지역의 인구·산업·교통 문제를 분석하고, 지자체에 정책 제안 보고서를 "
            "제출한 학생에게 수여하는 마이크로디그리입니다."
        ),
        "description_en": (
            "A micro-credential for students who analysed the region's population, industry or "
            "transport with open public data and submitted a policy report to the local government."
        ),
        "criteria_ko": (
            "- 데이터 분석 교과 3과목(9학점)을 **B+ 이상**으로 이수합니다.\n"
            "- 공공데이터포털 자료로 분석 프로젝트를 수행합니다.\n"
            "- 분석 결과를 시각화한 정책 제안 보고서를 제출합니다.\n"
        ),
        "criteria_en": (
            "- Pass three data analysis courses (9 credits) with **B+ or better**.\n"
            "- Carry out an analysis project with data from the public data portal.\n"
            "- Submit a policy report with visualisations of the results.\n"
        ),
        "achievement_type": "MicroCredential",
        "tags": [*TAGS, "데이터", "Data"],
        "skills": ["Python", "데이터 시각화", "Data visualisation", "공공데이터", "Open data"],
        "alignments": [
            {
                "targetName": "빅데이터분석",
                "targetUrl": NCS_SEARCH + "20010108",
                "targetFramework": "NCS",
                "targetCode": "20010108",
                "targetType": "ceasn:Competency",
                "targetDescription": "정보통신 > 정보기술 > 정보기술개발 > 빅데이터분석",
            }
        ],
        "validity_days": 1095,
        "alt_text_ko": "청록색 둥근 사각형 안에 별과 '데이터 분석가' 글자",
        "alt_text_en": "A teal rounded square with a star and the Korean title 'Data analyst'",
        "design": {
            "shape": "square",
            "primary": "#00695c",
            "secondary": "#ffffff",
            "icon": "star",
            "title": "데이터 분석가",
            "subtitle": "REGIONAL DATA",
        },
    },
    "global": {
        "slug": "global-communication",
        "name_ko": "글로벌 소통 역량",
        "name_en": "Global Communication",
        "description_ko": (
            "유학생과의 공동 프로젝트와 영어 발표를 통해 다문화 환경에서 협업하고 소통하는 "
            "역량을 보인 학생에게 수여합니다."
        ),
        "description_en": (
            "Awarded to students who showed they can work and communicate across cultures, through a "
            "joint project with international students and a presentation in English."
        ),
        "criteria_ko": (
            "- 유학생이 포함된 팀으로 공동 프로젝트를 수행합니다.\n"
            "- 영어로 10분 이상 발표하고 질의응답에 답합니다.\n"
            "- 말하기 평가에서 CEFR **B2** 수준 이상을 인정받습니다.\n"
        ),
        "criteria_en": (
            "- Carry out a joint project in a team with international students.\n"
            "- Give a presentation of ten minutes or more in English and answer questions.\n"
            "- Be assessed at CEFR **B2** or above in speaking.\n"
        ),
        "achievement_type": "Competency",
        "tags": [*TAGS, "글로벌", "Global"],
        "skills": ["영어 발표", "Presenting in English", "다문화 협업", "Intercultural teamwork"],
        "alignments": [
            {
                "targetName": "CEFR B2 (Independent user: vantage)",
                "targetUrl": "https://www.coe.int/en/web/common-european-framework-reference-languages",
                "targetFramework": "CEFR",
                "targetCode": "B2",
                "targetType": "ceasn:Competency",
            },
            {
                "targetName": "직업기초능력: 의사소통능력",
                "targetUrl": NCS_BASIC,
                "targetFramework": "NCS",
                "targetCode": "KC-01",
                "targetType": "ceasn:Competency",
            },
        ],
        "validity_days": 730,
        "alt_text_ko": "보라색 원 안에 노란색 책 아이콘과 '글로벌 소통' 글자",
        "alt_text_en": "A purple circle with a book and the Korean title 'Global communication' in yellow",
        "design": {
            "shape": "circle",
            "primary": "#4a148c",
            "secondary": "#ffe082",
            "icon": "book",
            "title": "글로벌 소통",
            "subtitle": "GLOBAL",
        },
    },
    "python": {
        "slug": "python-programming-basics",
        "name_ko": "파이썬 프로그래밍 기초",
        "name_en": "Python Programming Basics",
        "description_ko": (
            "RISE 디지털 인재 과정의 파이썬 기초 교과를 마친 학생에게 학습관리시스템(LMS)의 출석·과제·"
            "성적 기록에 따라 자동으로 수여합니다."
        ),
        "description_en": (
            "Awarded automatically, from the attendance, assignment and grade records of the learning "
            "management system, to students who complete the Python basics course of the RISE digital "
            "talent track."
        ),
        "criteria_ko": (
            "- 10회 수업 중 **80 % 이상** 출석합니다 (지각은 0.5회, 공결은 제외).\n"
            "- 과제 A1–A4를 모두 제출합니다.\n"
            "- 기말 평가에서 **60점 이상**을 받습니다.\n"
        ),
        "criteria_en": (
            "- Attend **80 % or more** of the ten classes (a late arrival counts half; excused absences "
            "are left out).\n"
            "- Submit all four assignments, A1 to A4.\n"
            "- Score **60 or more** in the final exam.\n"
        ),
        "achievement_type": "Course",
        "tags": [*TAGS, "파이썬", "Python"],
        "skills": ["파이썬", "Python", "프로그래밍", "Programming"],
        "alignments": [
            {
                "targetName": "DigComp 2.2: Programming",
                "targetUrl": "https://joint-research-centre.ec.europa.eu/digcomp_en",
                "targetFramework": "DigComp 2.2",
                "targetCode": "3.4",
                "targetType": "ceasn:Competency",
            }
        ],
        "alt_text_ko": "초록색 방패 안에 코드 기호와 '파이썬 기초' 글자",
        "alt_text_en": "A green shield with a code symbol and the Korean title 'Python basics'",
        "design": {
            "shape": "shield",
            "primary": "#1b5e20",
            "secondary": "#ffffff",
            "icon": "code",
            "title": "파이썬 기초",
            "subtitle": "PY101",
        },
    },
}
