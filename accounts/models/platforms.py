from django.db import models


class Platform(models.TextChoices):
    X = "x", "X (Twitter)"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    LINKEDIN = "linkedin", "LinkedIn"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    FLICKR = "flickr", "Flickr"
    VIMEO = "vimeo", "Vimeo"
    BLOG = "blog", "Blog"
    FORUM = "forum", "Discussion forum"
    OTHER = "other", "Another platform"


PLATFORM_LABELS = {value: str(label) for value, label in Platform.choices}


def platform_label(platform: str, other: str) -> str:
    if platform == Platform.OTHER and other:
        return other
    return PLATFORM_LABELS.get(platform, platform)
