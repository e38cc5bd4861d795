from django.http import HttpRequest
from ninja import Router, Schema

from laurel.api.auth import org_access
from laurel.api.schemas import Language, Problem

router = Router(tags=["organizations"])


class OrgOut(Schema):
    slug: str
    public_id: str
    name_ko: str
    name_en: str
    description_ko: str
    description_en: str
    url: str
    email: str
    default_language: Language
    public_base_url: str


@router.get("/orgs/{slug}", response={200: OrgOut, 404: Problem}, summary="The organization's profile")
def get_org(request: HttpRequest, slug: str) -> OrgOut:
    org = org_access(request, slug, "view").org
    return OrgOut(
        slug=org.slug,
        public_id=str(org.public_id),
        name_ko=org.name_ko,
        name_en=org.name_en,
        description_ko=org.description_ko,
        description_en=org.description_en,
        url=org.url,
        email=org.email,
        default_language=org.default_language,  # type: ignore[arg-type]
        public_base_url=org.base_url,
    )
