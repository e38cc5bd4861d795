"""The email telling people they were awarded a badge, queued in the outbox with the award.

Rendering three templates per award costs more than everything else an award writes, so
each variant (language, badge version, dates, whether the person has a name) is rendered
once, with stand-ins for the name and the award's address, and every email of that variant
is the rendering with its own name and address put in. The templates only ever see those
stand-ins and the variant's own fields, so no email can carry another person's details.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

from laurel.awards.models import Award
from laurel.orgs.models import Organization
from laurel.outbox.actions import email_payload, enqueue_emails
from laurel.wallet.tokens import claim_url

TEMPLATE = "awards/email/awarded"
# Stand-ins that no template text, translation or badge name contains.
NAME = "LaurelRecipientName0b7e5c"
URL = "LaurelAwardAddress0b7e5c"
CLAIM = "LaurelClaimAddress0b7e5c"


@dataclass(frozen=True)
class Variant:
    subject: str
    text: str
    html: str


class AwardEmails:
    """Outbox payloads for awards of one organization, each variant rendered once."""

    def __init__(self, org: Organization) -> None:
        self.org = org
        self.variants: dict[tuple[object, ...], Variant] = {}

    def payload(self, award: Award) -> dict[str, str]:
        recipient = award.recipient
        language = recipient.language or self.org.default_language
        key = (language, award.version_id, bool(recipient.name), award.issued_on, award.expires_on)
        variant = self.variants.get(key)
        if variant is None:
            variant = self.variants[key] = self._render(award, language, bool(recipient.name))
        name, url, claim = recipient.name, award.public_url, claim_url(award.public_id, recipient.email)
        return email_payload(
            to=recipient.email,
            subject=variant.subject.replace(NAME, name).replace(URL, url),
            text=variant.text.replace(NAME, name).replace(URL, url).replace(CLAIM, claim),
            html=variant.html.replace(NAME, escape(name))
            .replace(URL, escape(url))
            .replace(CLAIM, escape(claim)),
        )

    def _render(self, award: Award, language: str, named: bool) -> Variant:
        context = {
            "award": {"issued_on": award.issued_on, "expires_on": award.expires_on},
            "version": award.version,
            "org": self.org,
            "recipient": {"name": NAME if named else ""},
            "url": URL,
            "claim_url": CLAIM,
        }
        with translation.override(language):
            subject = render_to_string(f"{TEMPLATE}_subject.txt", context)
            text = render_to_string(f"{TEMPLATE}.txt", context)
            html = render_to_string(f"{TEMPLATE}.html", context)
        return Variant(subject=subject, text=text, html=html)


def queue_award_emails(org: Organization, awards: Sequence[Award]) -> int:
    """One email per award in the outbox, in the awards' transaction (a few inserts for all)."""
    emails = AwardEmails(org)
    return enqueue_emails(org, (emails.payload(award) for award in awards))
