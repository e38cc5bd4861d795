"""Which requests are not people looking at a credential."""

import re

from django.http import HttpRequest

# Crawlers, link checkers and chat apps fetching a link preview announce themselves in the
# user agent. Counting them would turn "shared in a busy chat room" into hundreds of views,
# so they are skipped. A pattern list is crude, but the counts are only ever trends, and
# nothing about the visitor is stored either way.
_BOT_MARKERS = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|iframely|whatsapp|"
    r"linkcheck|validator|monitor|lighthouse",
    re.IGNORECASE,
)


def is_bot(request: HttpRequest) -> bool:
    """True for requests no person made: HEAD requests and self-declared robots."""
    # Browsers never send HEAD to open a page; link checkers and uptime monitors do.
    if request.method == "HEAD":
        return True
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    return bool(_BOT_MARKERS.search(user_agent))
