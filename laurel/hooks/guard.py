"""Where webhooks may go: the SSRF-safe fetcher's policy, checked when a URL is saved and again
on every send (a name may point elsewhere by then; the send connects to the address it vetted).

Public https servers only. WEBHOOK_ALLOW_LOOPBACK (tests, development) adds loopback
addresses and plain http; private networks, link-local (cloud metadata) and the rest stay refused.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from laurel.vc.fetch import (
    BlockedAddressError,
    Fetcher,
    FetchError,
    InvalidUrlError,
    SchemeNotAllowedError,
)

# The receiver's answer is only logged: read this much of it, keep less.
RESPONSE_BYTES = 64 * 1024
LOOPBACK = ("127.0.0.0/8", "::1/128")
MAX_URL = 1000


def fetcher() -> Fetcher:
    loopback = settings.WEBHOOK_ALLOW_LOOPBACK
    return Fetcher(
        allow_private=False,
        timeout=settings.WEBHOOK_TIMEOUT,
        max_bytes=RESPONSE_BYTES,
        max_redirects=0,
        allowed_schemes=("https", "http") if loopback else ("https",),
        trusted_networks=LOOPBACK if loopback else (),
    )


def check_url(url: str) -> str:
    """The URL stripped, or a ValidationError saying why webhooks may not go there."""
    url = url.strip()
    if not url:
        raise ValidationError(_("Enter the URL that receives the events."), code="required")
    if len(url) > MAX_URL:
        raise ValidationError(
            _("The URL may have at most %(n)s characters.") % {"n": MAX_URL}, code="invalid"
        )
    try:
        fetcher().vet(url)
    except SchemeNotAllowedError:
        raise ValidationError(_("The URL must start with https://."), code="scheme") from None
    except InvalidUrlError:
        raise ValidationError(
            _("Enter a full URL with a host name, such as https://lms.example.ac.kr/laurel/events."),
            code="invalid",
        ) from None
    except BlockedAddressError:
        raise ValidationError(
            _(
                "This URL leads to a private, loopback or link-local address. "
                "Webhooks go only to servers reachable on the public internet."
            ),
            code="blocked",
        ) from None
    except FetchError:
        raise ValidationError(
            _("The host name of this URL could not be found (DNS). Check it for typing errors."),
            code="unresolved",
        ) from None
    return url
