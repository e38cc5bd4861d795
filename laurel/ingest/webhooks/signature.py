"""Standard Webhooks signatures: the three headers checked, then the HMAC by ``standardwebhooks``.

The library answers every failure with one of a few terse messages and reads the clock
itself; the header and timestamp checks here come first so that a sender learns exactly
what was wrong, and so that tests can pass ``now``.
"""

import base64
import binascii
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

# The library's own window; a delivery older or newer than this is refused as a replay.
TOLERANCE = timedelta(minutes=5)
MAX_ID = 200
HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class SignatureError(ValueError):
    """The delivery is not signed by this source's secret, or not now."""


def _v1_signatures(header: str) -> list[str]:
    # "v1,<base64> v1,<base64> v2,…": several while a secret is rotated; other versions are skipped.
    found = []
    for entry in header.split():
        version, _sep, signature = entry.partition(",")
        if version != "v1" or not signature:
            continue
        try:
            base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            continue
        found.append(f"v1,{signature}")
    return found


def verify(secret: str, body: bytes, headers: dict[str, str], now: datetime) -> str:
    """Check a delivery; returns its ``webhook-id``. Raises :class:`SignatureError`."""
    missing = [name for name in HEADERS if not headers.get(name)]
    if missing:
        raise SignatureError(_("The request lacks the %(names)s header(s).") % {"names": ", ".join(missing)})
    message_id = headers["webhook-id"]
    if len(message_id) > MAX_ID:
        raise SignatureError(_("webhook-id may have at most %(n)s characters.") % {"n": MAX_ID})
    try:
        sent = datetime.fromtimestamp(int(headers["webhook-timestamp"]), tz=now.tzinfo)
    except (ValueError, OverflowError, OSError):
        raise SignatureError(_("webhook-timestamp must be whole seconds since 1970 (Unix time).")) from None
    if abs(now - sent) > TOLERANCE:
        raise SignatureError(
            _(
                "webhook-timestamp is more than %(minutes)s minutes from our clock; "
                "sign each delivery as it is sent."
            )
            % {"minutes": int(TOLERANCE.total_seconds() // 60)}
        )
    signatures = _v1_signatures(headers["webhook-signature"])
    if not signatures:
        raise SignatureError(_("webhook-signature holds no “v1,<base64>” signature."))
    checked = {name: headers[name] for name in HEADERS[:2]}
    checked["webhook-signature"] = " ".join(signatures)
    try:
        Webhook(secret).verify(body, checked, json_parse=False)
    except WebhookVerificationError:
        raise SignatureError(
            _("No signature matches this source's secret over “id.timestamp.body”.")
        ) from None
    return message_id
