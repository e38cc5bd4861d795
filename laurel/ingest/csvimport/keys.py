import hashlib

MAX_KEY = 255


def event_key(*parts: str) -> str:
    """An event key from its parts; a key too long for the column keeps a digest of the tail."""
    key = ":".join(parts)
    if len(key) <= MAX_KEY:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: MAX_KEY - len(digest) - 1]}~{digest}"
