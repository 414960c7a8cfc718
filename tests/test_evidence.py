"""Evidence images (INC-3) against a hostile upload corpus: what is refused, with the words a
person sees, and nothing kept; what is accepted is re-encoded, stripped of metadata and of
anything hidden after the image, hashed as uploaded and stored under a name the server makes;
the file is served only to Communications, Legal and HR, as a download no browser will run.

The clock is stopped at 9am on Monday 2 February 2026 (Greenwich time, so dates do not shift).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from governance.errors import DomainError
from governance.models import Event, ServiceArea, User
from moderation import events
from moderation.models import Evidence, Incident, IncidentKind, StepKind
from moderation.services.abuse import case_open, case_step_record
from moderation.services.evidence import DAMAGED, NOT_AN_IMAGE, evidence_check
from moderation.services.incidents import incident_add_evidence, incident_report
from tests.register_helpers import make_account

START = datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 2, 2)

TOO_LARGE = "The image is too large. Upload a screenshot of the post only"
SLASHES = "The file name must not contain slashes or '..'. Rename the file"
CONTROL = "The file name must not contain control characters. Rename the file"
STORED_NAME = re.compile(r"evidence/2026/02/[0-9a-f]{32}\.(png|jpg|webp)")


@pytest.fixture(autouse=True)
def _stopped_clock() -> Iterator[None]:
    with time_machine.travel(START, tick=False):
        yield


# ---------------------------------------------------------------------------------------------
# The corpus, made here so every byte is known


def picture(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    """A picture whose every pixel differs from its neighbours, so a changed pixel shows."""
    width, height = size
    bands = len(mode)
    return Image.frombytes(
        mode, size, bytes((i * 7 + i // 5) % 256 for i in range(width * height * bands))
    )


def noise(size: tuple[int, int]) -> Image.Image:
    """Pixels that do not compress, so that half the file is half the picture."""
    width, height = size
    return Image.frombytes("RGB", size, random.Random(10).randbytes(width * height * 3))


def encoded(image: Image.Image, image_format: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format=image_format, **options)
    return out.getvalue()


def png(size: tuple[int, int] = (64, 48), **options: Any) -> bytes:
    return encoded(picture(size), "PNG", **options)


def jpeg(size: tuple[int, int] = (64, 48), **options: Any) -> bytes:
    return encoded(picture(size), "JPEG", **options)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_chunks(data: bytes) -> list[bytes]:
    """The chunk types of a PNG file, in order."""
    kinds, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kinds.append(data[at + 4 : at + 8])
        at += 12 + length
    return kinds


def declared_png(width: int, height: int, rows: int | None = None) -> bytes:
    """A one-bit black PNG that declares ``width`` by ``height`` pixels. Its picture data is
    ``rows`` rows of zeros (every row when None): a few kilobytes that decode to millions of
    pixels, a decompression bomb."""
    row = b"\0" * ((width + 7) // 8 + 1)  # each row: a filter byte, then the bits
    packer = zlib.compressobj(9)
    stream = b"".join(packer.compress(row) for _ in range(height if rows is None else rows))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", stream + packer.flush())
        + png_chunk(b"IEND", b"")
    )


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<script>alert('from the zip')</script>")
    return out.getvalue()


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
HTML = b"<html><body><script>fetch('/evidence/1/').then(r => r.text())</script></body></html>"
TRAILER_HTML = b"<html><script>alert('polyglot')</script></html>"


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def unsanitised(name: str, content: bytes) -> SimpleUploadedFile:
    """An upload whose name is kept exactly as given. Django's own parser would strip a path
    from it; the service is checked without that help, as it may be handed files from
    elsewhere."""
    file = upload("shot.png", content)
    file.__dict__["_name"] = name
    return file


def stored_files(tmp_path: Path) -> list[Path]:
    root = tmp_path / "evidence"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def pixels(data: bytes, mode: str = "RGB") -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert(mode).tobytes()


@pytest.fixture
def decoding(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every time Pillow starts decoding pixel data, the image's size, in order."""
    started: list[str] = []
    load = ImageFile.ImageFile.load

    def watched(image: ImageFile.ImageFile) -> Any:
        started.append(f"{image.size[0]}x{image.size[1]}")
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", watched)
    return started


# ---------------------------------------------------------------------------------------------
# Records to attach evidence to, made through the services


@pytest.fixture
def incident(requester: User) -> Incident:
    report, _ = incident_report(
        reporter=requester,
        kind=IncidentKind.INAPPROPRIATE_CONTENT,
        happened_on=TODAY,
        what_happened="An offensive image was posted in reply to our post.",
        account_described="Parks on X",
    )
    return report


def attach(incident: Incident, actor: User, file: SimpleUploadedFile) -> Evidence:
    incident_add_evidence(actor=actor, incident=incident, upload=file)
    return Evidence.objects.get(incident=incident)


def refused(call: Callable[..., Any], **kwargs: Any) -> str:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value.message


# ---------------------------------------------------------------------------------------------
# Refused, with a message, and nothing kept

CORPUS = [
    pytest.param("evil.svg", lambda: SVG, "image/svg+xml", NOT_AN_IMAGE, id="svg-with-script"),
    pytest.param("shot.png", lambda: HTML, "image/png", NOT_AN_IMAGE, id="html-named-png"),
    pytest.param(
        "shot.png",
        lambda: b"\x89PNG\r\n\x1a\n" + HTML,
        "image/png",
        NOT_AN_IMAGE,
        id="html-behind-png-signature",
    ),
    pytest.param(
        "anim.gif", lambda: encoded(picture(), "GIF"), "image/gif", NOT_AN_IMAGE, id="gif"
    ),
    pytest.param(
        "anim.png", lambda: encoded(picture(), "GIF"), "image/png", NOT_AN_IMAGE, id="gif-named-png"
    ),
    pytest.param(
        "scan.bmp", lambda: encoded(picture(), "BMP"), "image/bmp", NOT_AN_IMAGE, id="bmp"
    ),
    pytest.param(
        "scan.tiff", lambda: encoded(picture(), "TIFF"), "image/tiff", NOT_AN_IMAGE, id="tiff"
    ),
    pytest.param("archive.png", zip_archive, "image/png", NOT_AN_IMAGE, id="zip-named-png"),
    pytest.param("empty.png", lambda: b"", "image/png", "The selected file is empty", id="empty"),
    pytest.param(
        "half.png",
        lambda: encoded(noise((200, 200)), "PNG")[:20_000],
        "image/png",
        DAMAGED,
        id="truncated-png",
    ),
    pytest.param(
        "half.jpg",
        lambda: encoded(noise((200, 200)), "JPEG")[:3_000],
        "image/jpeg",
        DAMAGED,
        id="truncated-jpeg",
    ),
    pytest.param(
        "stub.png", lambda: png()[:20], "image/png", DAMAGED, id="png-cut-inside-its-header"
    ),
    pytest.param(
        "bomb.png",
        lambda: declared_png(50_000, 50_000, rows=64),
        "image/png",
        TOO_LARGE,
        id="bomb-50000x50000",
    ),
    pytest.param(
        "tall.png",
        lambda: declared_png(7_000, 7_000),
        "image/png",
        "The image is too large: it is 7000 by 7000 pixels. Upload a screenshot of the post only",
        id="above-evidence-max-pixels",
    ),
]


@pytest.mark.parametrize(("name", "content", "content_type", "message"), CORPUS)
def test_hostile_file_is_refused_with_a_message_and_nothing_kept(
    name: str,
    content: Callable[[], bytes],
    content_type: str,
    message: str,
    incident: Incident,
    communications: User,
    tmp_path: Path,
) -> None:
    data = content()
    assert refused(evidence_check, upload=upload(name, data, content_type)) == message
    assert (
        refused(
            incident_add_evidence,
            actor=communications,
            incident=incident,
            upload=upload(name, data, content_type),
        )
        == message
    )
    assert not Evidence.objects.exists()
    assert stored_files(tmp_path) == []
    assert not Event.objects.filter(action=events.INCIDENT_EVIDENCE_ADDED).exists()


NAMES = [
    pytest.param("../../etc/passwd.png", SLASHES, id="dot-dot-slash"),
    pytest.param("..\\..\\windows\\shot.png", SLASHES, id="dot-dot-backslash"),
    pytest.param("/var/www/static/shot.png", SLASHES, id="absolute-path"),
    pytest.param("shot..png", SLASHES, id="dot-dot-alone"),
    pytest.param("shot.png\x00.html", CONTROL, id="nul-byte"),
    pytest.param("shot\x00", CONTROL, id="nul-byte-at-the-end"),
    pytest.param("shot\n.png", CONTROL, id="line-break"),
]


@pytest.mark.parametrize(("name", "message"), NAMES)
def test_file_name_that_reaches_elsewhere_is_refused_and_nothing_kept(
    name: str, message: str, incident: Incident, communications: User, tmp_path: Path
) -> None:
    """A real PNG, so that only the name is wrong."""
    assert refused(evidence_check, upload=unsanitised(name, png())) == message
    assert (
        refused(
            incident_add_evidence,
            actor=communications,
            incident=incident,
            upload=unsanitised(name, png()),
        )
        == message
    )
    assert not Evidence.objects.exists()
    assert stored_files(tmp_path) == []


def test_file_over_the_size_limit_is_refused_and_nothing_kept(
    settings: Any, incident: Incident, communications: User, tmp_path: Path
) -> None:
    settings.EVIDENCE_MAX_BYTES = 512 * 1024
    # A real picture padded past the limit: only the size is wrong.
    data = png() + b"\0" * (512 * 1024 + 1 - len(png()))
    message = "The selected file must be smaller than 0.5 MB"
    assert refused(evidence_check, upload=upload("big.png", data)) == message
    assert (
        refused(
            incident_add_evidence,
            actor=communications,
            incident=incident,
            upload=upload("big.png", data),
        )
        == message
    )
    assert not Evidence.objects.exists()
    assert stored_files(tmp_path) == []


def test_file_that_understates_its_size_is_still_refused(settings: Any) -> None:
    """The size a client claims is not trusted: the bytes are counted."""
    settings.EVIDENCE_MAX_BYTES = 512 * 1024
    file = upload("big.png", png() + b"\0" * (600 * 1024))
    file.size = 1_000
    assert refused(evidence_check, upload=file) == "The selected file must be smaller than 0.5 MB"


def test_file_exactly_at_the_size_limit_is_accepted(settings: Any) -> None:
    settings.EVIDENCE_MAX_BYTES = 512 * 1024
    data = png() + b"\0" * (512 * 1024 - len(png()))
    assert len(data) == settings.EVIDENCE_MAX_BYTES
    assert evidence_check(upload("full.png", data)).original_size == 512 * 1024


def test_decompression_bomb_is_refused_before_any_pixel_is_decoded(decoding: list[str]) -> None:
    """A few hundred bytes that declare 2,500 million pixels (over 2 GB once unpacked)."""
    bomb = declared_png(50_000, 50_000, rows=64)
    assert len(bomb) < 1_000
    assert refused(evidence_check, upload=upload("bomb.png", bomb)) == TOO_LARGE
    assert decoding == []


def test_image_above_the_portal_limit_but_below_pillows_is_refused_before_decoding(
    decoding: list[str],
) -> None:
    """Forty-nine million pixels: under Pillow's own bomb limit (89 million), over the portal's
    default (40 million); a file of a few kilobytes that would take 49 MB to unpack."""
    bomb = declared_png(7_000, 7_000)
    assert len(bomb) < 10_000
    assert refused(evidence_check, upload=upload("tall.png", bomb)) == (
        "The image is too large: it is 7000 by 7000 pixels. Upload a screenshot of the post only"
    )
    assert decoding == []


def test_pixel_limit_follows_the_setting(settings: Any, decoding: list[str]) -> None:
    settings.EVIDENCE_MAX_PIXELS = 10_000
    assert refused(evidence_check, upload=upload("wide.png", png((101, 100)))) == (
        "The image is too large: it is 101 by 100 pixels. Upload a screenshot of the post only"
    )
    assert decoding == []
    assert evidence_check(upload("square.png", png((100, 100)))).width == 100
    assert set(decoding) == {"100x100"}  # the watch does see decoding


def test_pillows_own_bomb_limit_still_refuses_when_the_setting_is_raised_above_it(
    settings: Any, decoding: list[str]
) -> None:
    """A council that raises EVIDENCE_MAX_PIXELS past Pillow's limit still gets Pillow's
    check: its warning, for 89 to 179 million pixels, is made a refusal."""
    settings.EVIDENCE_MAX_PIXELS = 500_000_000
    bomb = declared_png(10_000, 10_000, rows=64)
    assert refused(evidence_check, upload=upload("bomb.png", bomb)) == TOO_LARGE
    assert decoding == []


def test_report_with_a_hostile_screenshot_keeps_neither_report_nor_file(
    requester: User, tmp_path: Path
) -> None:
    message = refused(
        incident_report,
        reporter=requester,
        kind=IncidentKind.SUSPICIOUS_CONTENT,
        happened_on=TODAY,
        what_happened="A link to a fake council payment page.",
        account_described="Parks on X",
        evidence=upload("evil.svg", SVG, "image/svg+xml"),
    )
    assert message == NOT_AN_IMAGE
    assert not Incident.objects.exists()
    assert not Evidence.objects.exists()
    assert stored_files(tmp_path) == []


# ---------------------------------------------------------------------------------------------
# Accepted: re-encoded, stripped, hashed, kept under a server-made name


ACCEPTED = [
    pytest.param("shot.png", lambda: png(), "png", "image/png", id="png"),
    pytest.param("photo.jpg", lambda: jpeg(), "jpg", "image/jpeg", id="jpeg"),
    pytest.param(
        "shot.webp",
        lambda: encoded(picture(), "WEBP", lossless=True),
        "webp",
        "image/webp",
        id="webp",
    ),
    pytest.param("photo.png", lambda: jpeg(), "jpg", "image/jpeg", id="jpeg-named-png"),
    pytest.param("shot.jpg", lambda: png(), "png", "image/png", id="png-named-jpg"),
    pytest.param(
        "grey.png",
        lambda: encoded(picture(mode="L"), "PNG"),
        "png",
        "image/png",
        id="greyscale-png",
    ),
    pytest.param(
        "palette.png",
        lambda: encoded(picture().convert("P"), "PNG"),
        "png",
        "image/png",
        id="palette-png",
    ),
]


@pytest.mark.parametrize(("name", "content", "extension", "content_type"), ACCEPTED)
def test_image_is_kept_re_encoded_under_a_server_made_name(
    name: str,
    content: Callable[[], bytes],
    extension: str,
    content_type: str,
    incident: Incident,
    communications: User,
    tmp_path: Path,
) -> None:
    data = content()
    evidence = attach(incident, communications, upload(name, data))
    assert STORED_NAME.fullmatch(evidence.file.name)
    assert evidence.file.name.endswith(f".{extension}")
    assert evidence.content_type == content_type
    assert evidence.original_name == name
    assert evidence.original_size == len(data)
    assert (evidence.width, evidence.height) == (64, 48)
    assert evidence.uploaded_by == communications
    [kept] = stored_files(tmp_path)
    assert kept == tmp_path / "evidence" / evidence.file.name
    stored = kept.read_bytes()
    assert evidence.original_sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.stored_sha256 == hashlib.sha256(stored).hexdigest()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[extension]
        assert image.size == (64, 48)
    event = Event.objects.get(action=events.INCIDENT_EVIDENCE_ADDED)
    assert event.data["sha256"] == hashlib.sha256(data).hexdigest()
    assert hashlib.sha256(data).hexdigest()[:12] in event.summary


def test_lossless_formats_keep_every_pixel(
    communications: User, incident: Incident, tmp_path: Path
) -> None:
    attach(incident, communications, upload("shot.webp", encoded(picture(), "WEBP", lossless=True)))
    [kept] = stored_files(tmp_path)
    assert pixels(kept.read_bytes()) == picture().tobytes()


def test_stored_name_has_nothing_of_the_uploaded_name_and_nothing_goes_to_media(
    incident: Incident, communications: User, tmp_path: Path
) -> None:
    evidence = attach(incident, communications, upload("Riya Patel home address.png", png()))
    assert STORED_NAME.fullmatch(evidence.file.name)
    for word in ("riya", "patel", "home", "address"):
        assert word not in evidence.file.name.lower()
    assert Path(evidence.file.path).resolve().is_relative_to((tmp_path / "evidence").resolve())
    media = tmp_path / "media"
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_the_same_file_twice_is_kept_twice_under_different_names(
    incident: Incident, communications: User, tmp_path: Path
) -> None:
    for _ in range(2):
        incident_add_evidence(
            actor=communications, incident=incident, upload=upload("shot.png", png())
        )
    first, second = Evidence.objects.order_by("pk")
    assert first.file.name != second.file.name
    assert first.original_sha256 == second.original_sha256
    assert len(stored_files(tmp_path)) == 2


@pytest.mark.parametrize(
    "trailer",
    [
        pytest.param(TRAILER_HTML, id="png-then-html"),
        pytest.param(zip_archive(), id="png-then-zip"),
    ],
)
def test_polyglot_is_kept_as_its_picture_alone(
    trailer: bytes, incident: Incident, communications: User, tmp_path: Path
) -> None:
    original = png()
    data = original + trailer
    # Still an archive, or a page, to anything that reads it from the other end.
    assert data.endswith(trailer)
    evidence = attach(incident, communications, upload("shot.png", data))
    [kept] = stored_files(tmp_path)
    stored = kept.read_bytes()
    assert trailer not in stored
    assert b"<script>" not in stored
    assert b"PK\x03\x04" not in stored and b"PK\x05\x06" not in stored
    assert stored.endswith(png_chunk(b"IEND", b""))
    assert pixels(stored) == pixels(original) == picture().tobytes()
    # The hash is of the file as it was uploaded, trailer and all.
    assert evidence.original_sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.original_size == len(data)


def test_jpeg_loses_its_exif_location_and_camera(
    incident: Incident, communications: User, tmp_path: Path
) -> None:
    exif = Image.Exif()
    exif[0x010F] = "SentinelCameraMaker"  # Make
    exif[0x0110] = "SentinelModel 5"  # Model
    exif[0x0131] = "SentinelEditor 1.0"  # Software
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (53.0, 28.0, 47.0), 3: "W", 4: (2.0, 14.0, 43.0)})
    data = jpeg(exif=exif.tobytes(), comment=b"SentinelComment")
    with Image.open(io.BytesIO(data)) as image:
        assert image.getexif().get_ifd(0x8825)  # the upload does carry a location
    attach(incident, communications, upload("photo.jpg", data))
    [kept] = stored_files(tmp_path)
    stored = kept.read_bytes()
    for sentinel in (b"Sentinel", b"Exif", b"GPS"):
        assert sentinel not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
        assert "comment" not in image.info


def test_png_loses_its_text_chunks_and_colour_profile(
    incident: Incident, communications: User, tmp_path: Path
) -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "SentinelTextChunk at 51.5N 0.1W")
    text.add_itxt("Author", "SentinelInternationalText")
    text.add_text("Description", "SentinelCompressed " * 20, zip=True)
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = png(pnginfo=text, icc_profile=profile)
    assert {b"tEXt", b"iTXt", b"zTXt", b"iCCP"} <= set(png_chunks(data))
    attach(incident, communications, upload("shot.png", data))
    [kept] = stored_files(tmp_path)
    stored = kept.read_bytes()
    assert b"Sentinel" not in stored
    assert not {b"tEXt", b"iTXt", b"zTXt", b"iCCP", b"eXIf"} & set(png_chunks(stored))
    with Image.open(io.BytesIO(stored)) as image:
        assert getattr(image, "text", {}) == {}
        assert "icc_profile" not in image.info
    assert pixels(stored) == picture().tobytes()


def test_phone_photo_is_kept_upright_and_its_recorded_size_is_the_kept_one(
    incident: Incident, communications: User, tmp_path: Path
) -> None:
    """A phone saves a portrait photo landscape with an orientation tag; dropping the tag
    without turning the picture would keep it on its side."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn 90 degrees clockwise to view
    evidence = attach(
        incident, communications, upload("photo.jpg", jpeg((40, 20), exif=exif.tobytes()))
    )
    [kept] = stored_files(tmp_path)
    with Image.open(kept) as image:
        assert image.size == (20, 40)
    assert (evidence.width, evidence.height) == (20, 40)


def test_sha256_is_of_the_bytes_as_uploaded(incident: Incident, communications: User) -> None:
    data = jpeg(exif=Image.Exif().tobytes(), comment=b"makes the stored copy differ")
    evidence = attach(incident, communications, upload("photo.jpg", data))
    assert evidence.original_sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.stored_sha256 != evidence.original_sha256
    assert evidence.stored_sha256 == hashlib.sha256(evidence.file.read()).hexdigest()
    evidence.file.close()


# ---------------------------------------------------------------------------------------------
# Served only through the view, to Communications, Legal and HR


@pytest.fixture
def kept(incident: Incident, communications: User) -> Evidence:
    return attach(incident, communications, upload("Riya's screenshot.png", png()))


def download(client: Client, evidence: Evidence) -> Any:
    return client.get(reverse("evidence_file", args=[evidence.pk]))


@pytest.mark.parametrize("role", ["communications", "legal", "hr"])
def test_evidence_is_served_as_an_inert_download(
    role: str, kept: Evidence, incident: Incident, client_for: Any, request: pytest.FixtureRequest
) -> None:
    response = download(client_for(request.getfixturevalue(role)), kept)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{incident.reference}-evidence-{kept.pk}.png"'
    )
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "sandbox" in policy
    body = b"".join(response.streaming_content)
    response.close()
    assert hashlib.sha256(body).hexdigest() == kept.stored_sha256


def test_case_evidence_is_named_for_the_case(
    communications: User, leisure: ServiceArea, client_for: Any
) -> None:
    account = make_account(communications, leisure)
    case, _ = case_open(
        actor=communications,
        account=account,
        author_handle="@troll",
        post_url="https://x.com/troll/status/1",
        categories=["abusive"],
    )
    step = case_step_record(
        actor=communications,
        case=case,
        kind=StepKind.SCREENSHOT,
        happened_on=TODAY,
        screenshot=upload("shot.jpg", jpeg()),
    )
    evidence = Evidence.objects.get(step=step)
    assert evidence.case == case and evidence.incident is None
    response = download(client_for(communications), evidence)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{case.reference}-evidence-{evidence.pk}.jpg"'
    )
    assert response["Content-Type"] == "image/jpeg"
    response.close()


@pytest.mark.parametrize(
    "role", ["requester", "line_manager", "auditor", "outsider", "administrator"]
)
def test_evidence_is_not_found_for_anyone_else(
    role: str, kept: Evidence, client_for: Any, request: pytest.FixtureRequest
) -> None:
    """The reporter and their line manager read the incident, but not its evidence files; an
    administrator is no exception."""
    response = download(client_for(request.getfixturevalue(role)), kept)
    assert response.status_code == 404
    assert "Content-Disposition" not in response


def test_evidence_is_not_served_to_someone_signed_out(kept: Evidence, client_for: Any) -> None:
    response = download(client_for(None), kept)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert "Content-Disposition" not in response


def test_evidence_that_does_not_exist_is_not_found(communications: User, client_for: Any) -> None:
    response = client_for(communications).get(reverse("evidence_file", args=[999]))
    assert response.status_code == 404


def test_evidence_file_is_only_read_not_changed(
    kept: Evidence, communications: User, client_for: Any
) -> None:
    response = client_for(communications).post(reverse("evidence_file", args=[kept.pk]))
    assert response.status_code == 405


def test_missing_file_gives_a_message_not_a_server_error(
    kept: Evidence, incident: Incident, communications: User, client_for: Any
) -> None:
    kept.file.storage.delete(kept.file.name)
    response = download(client_for(communications), kept)
    assert response.status_code == 302
    assert response["Location"] == reverse("incident", args=[incident.pk])
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "This evidence file cannot be found in the evidence store. Tell the portal's administrator."
    ]
