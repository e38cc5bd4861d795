"""The certificate download: /a/<public_id>/certificate.pdf?paper=a4|letter."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from laurel.awards.models import Award
from laurel.awards.public_views import page_language
from laurel.certificates import pdf
from laurel.core.problems import problem
from laurel.credentials.actions import public_status
from laurel.events.actions import record_event
from laurel.events.models import Kind


@require_safe
def certificate(request: HttpRequest, public_id: str) -> HttpResponse:
    award = get_object_or_404(
        Award.objects.select_related(
            "org", "recipient", "achievement", "version__image", "version__image_png"
        ),
        public_id=public_id,
    )
    paper = request.GET.get("paper", "a4")
    with translation.override(page_language(request, award)):
        if paper not in pdf.PAPERS:
            return problem(400, _("Unknown paper size"), _("Choose paper=a4 or paper=letter."))
        state = public_status(award)["status"]
        # A revoked or suspended award gets no certificate: a printout outlives the revocation
        # and would mislead whoever reads it without scanning. Expired ones print, marked.
        if state in ("revoked", "suspended"):
            return problem(
                410 if state == "revoked" else 409,
                _("No certificate for this award"),
                _("The issuer revoked this badge.")
                if state == "revoked"
                else _("The issuer suspended this badge."),
                verification_page=award.public_url,
            )
    body = pdf.render(pdf.certificate_of(award), paper)
    if request.method == "GET":
        record_event(Kind.DOWNLOAD, org=award.org, award=award, detail="pdf", request=request)
    response = HttpResponse(body, content_type="application/pdf")
    name = f"{award.achievement.slug}-{award.public_id}-{paper}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
