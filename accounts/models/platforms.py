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


def platform_label(platform: str, other: str) -> str:
    if platform == Platform.OTHER and other:
        return other
    return str(Platform(platform).label) if platform in Platform.values else platform
