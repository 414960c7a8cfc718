"""Evidence images (INC-3): what is accepted, and how it is kept.

Only PNG, JPEG and WebP images are accepted, and the content decides, never the name or the
type the browser claims. Pillow reads the header first: an image that would decode to more
than settings.EVIDENCE_MAX_PIXELS is refused before any pixel is unpacked (a decompression
bomb). The image is then decoded in full (a truncated file is refused) and encoded again, which
keeps the pixels and drops everything else: metadata (EXIF with its location, comments, colour
profiles) and anything hidden after the image (a polyglot's HTML or archive). The SHA-256 of the
file exactly as uploaded is recorded, so it can be compared with a copy kept elsewhere.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from governance.errors import DomainError
from governance.models import User
from moderation.models import AbuseCase, CaseStep, Evidence, Incident

# What Pillow calls each accepted format: the extension kept, the type served, how it is saved.
FORMATS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "PNG": ("png", "image/png", {"optimize": True}),
    "JPEG": ("jpg", "image/jpeg", {"quality": 92}),
    "WEBP": ("webp", "image/webp", {"lossless": True}),
}
NOT_AN_IMAGE = "The selected file must be a PNG, JPEG or WebP image"
DAMAGED = "The selected image is damaged or incomplete. Take the screenshot again and upload it"


@dataclass(frozen=True)
class CheckedImage:
    """An upload that passed every check, encoded again and ready to keep."""

    content: bytes
    original_sha256: str
    original_name: str
    original_size: int
    extension: str
    content_type: str
    width: int
    height: int


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _clean_name(name: str) -> str:
    """The uploaded name, for showing only. A name that tries to reach another folder, or
    carries control characters (a NUL byte), is refused: it was not made by a person saving a
    screenshot. (Django's upload parser strips such names already; the service does not rely on
    it, because it may be called with files from elsewhere.)"""
    if any(unicodedata.category(char) == "Cc" for char in name):
        raise DomainError("The file name must not contain control characters. Rename the file")
    if "/" in name or "\\" in name or ".." in name:
        raise DomainError("The file name must not contain slashes or '..'. Rename the file")
    return name.strip()[:120] or "image"


def _read(upload: UploadedFile) -> bytes:
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise DomainError(f"The selected file must be smaller than {_megabytes(limit)}")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(f"The selected file must be smaller than {_megabytes(limit)}")
    if not data:
        raise DomainError("The selected file is empty")
    return data


def evidence_check(upload: UploadedFile) -> CheckedImage:
    """Check an upload and encode it again, or raise a DomainError that says why not."""
    name = _clean_name(upload.name or "")
    data = _read(upload)
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check is a warning below twice its limit: make it refuse.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
                # A phone's JPEG with a second picture inside is called MPO: still a JPEG.
                image_format = "JPEG" if image.format == "MPO" else image.format or ""
                width, height = image.size
                if width * height > settings.EVIDENCE_MAX_PIXELS:
                    raise DomainError(
                        f"The image is too large: it is {width} by {height} pixels. "
                        "Upload a screenshot of the post only"
                    )
                image.load()
                upright = ImageOps.exif_transpose(image) or image
                # A phone's portrait photo is turned upright: record the size of what is kept.
                width, height = upright.size
                content = _encode(upright, image_format)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise DomainError("The image is too large. Upload a screenshot of the post only") from error
    except UnidentifiedImageError as error:
        raise DomainError(NOT_AN_IMAGE) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        # Truncated or corrupt data fails while decoding.
        raise DomainError(DAMAGED) from error
    extension, content_type, _ = FORMATS[image_format]
    return CheckedImage(
        content=content,
        original_sha256=hashlib.sha256(data).hexdigest(),
        original_name=name,
        original_size=len(data),
        extension=extension,
        content_type=content_type,
        width=width,
        height=height,
    )


def evidence_checked(upload: UploadedFile | CheckedImage) -> CheckedImage:
    """An upload checked once: a page that already checked it (to say what is wrong at its
    question) hands over the result."""
    return upload if isinstance(upload, CheckedImage) else evidence_check(upload)


def _encode(image: Image.Image, image_format: str) -> bytes:
    """The pixels alone, in the format they came in. Nothing but the pixels is passed on, so
    no metadata survives."""
    if image_format == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format=image_format, **FORMATS[image_format][2])
    return out.getvalue()


def evidence_keep(
    checked: CheckedImage,
    *,
    uploaded_by: User | None,
    incident: Incident | None = None,
    case: AbuseCase | None = None,
    step: CaseStep | None = None,
    now: datetime.datetime | None = None,
) -> Evidence:
    """Store the checked image through the evidence storage and record it. The caller's
    transaction decides whether the record stays; a file left behind by a rolled-back record
    is never served, because only a record leads to a file."""
    evidence = Evidence(
        incident=incident,
        case=case,
        step=step,
        original_sha256=checked.original_sha256,
        stored_sha256=hashlib.sha256(checked.content).hexdigest(),
        original_name=checked.original_name,
        original_size=checked.original_size,
        content_type=checked.content_type,
        width=checked.width,
        height=checked.height,
        uploaded_by=uploaded_by,
        uploaded_at=now or timezone.now(),
    )
    evidence.file.save(f"image.{checked.extension}", ContentFile(checked.content), save=False)
    evidence.save()
    return evidence
