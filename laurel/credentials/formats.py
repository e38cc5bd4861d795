"""A stored credential as the files people download: JSON, JWT, or baked into the badge image."""

import json
from typing import Any

from laurel.achievements.models import AchievementVersion, ImageAsset
from laurel.credentials.models import Credential
from laurel.vc import baking

PNG, SVG = "image/png", "image/svg+xml"


def bake_source(version: AchievementVersion, fmt: str) -> ImageAsset | None:
    """The badge image a baked credential goes into: a PNG (rendered or uploaded) for png,
    the SVG upload for svg; None when the badge has no such image."""
    if fmt == "png":
        for asset in (version.image_png, version.image):
            if asset is not None and asset.content_type == PNG:
                return asset
        return None
    if fmt == "svg" and version.image is not None and version.image.content_type == SVG:
        return version.image
    return None


def document(credential: Credential) -> dict[str, Any]:
    """The credential with its keys sorted, so every download of it is the same bytes.

    PostgreSQL's jsonb does not keep key order, so a credential just signed and the same one
    read back would otherwise serialize differently (and change their ETag and baked images).
    """
    return json.loads(json.dumps(credential.json, sort_keys=True))


def json_bytes(credential: Credential) -> bytes:
    return json.dumps(document(credential), ensure_ascii=False, indent=2).encode("utf-8")


def baked(credential: Credential, source: ImageAsset) -> bytes:
    """The badge image with the credential inside; raises ``baking.BakingError``."""
    return baking.bake(bytes(source.data), document(credential))
