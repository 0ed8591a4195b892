"""What a file is, from its first bytes (magic numbers), never from its name.

Only types a browser shows without running anything are accepted: PDF, PNG, JPEG, GIF,
WebP, MP3, M4A/MP4, WAV, Ogg and WebM. SVG and HTML are refused (they can carry scripts).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    content_type: str
    kind: str  # pdf / image / audio / video
    extensions: tuple[str, ...]


PDF = FileType("application/pdf", "pdf", (".pdf",))
PNG = FileType("image/png", "image", (".png",))
JPEG = FileType("image/jpeg", "image", (".jpg", ".jpeg"))
GIF = FileType("image/gif", "image", (".gif",))
WEBP = FileType("image/webp", "image", (".webp",))
MP3 = FileType("audio/mpeg", "audio", (".mp3",))
M4A = FileType("audio/mp4", "audio", (".m4a", ".mp4"))
MP4 = FileType("video/mp4", "video", (".mp4", ".m4v"))
WAV = FileType("audio/wav", "audio", (".wav",))
OGG = FileType("audio/ogg", "audio", (".ogg", ".oga", ".opus"))
WEBM = FileType("video/webm", "video", (".webm",))

ALL_TYPES = (PDF, PNG, JPEG, GIF, WEBP, MP3, M4A, MP4, WAV, OGG, WEBM)
ACCEPTED_EXTENSIONS = sorted({ext for t in ALL_TYPES for ext in t.extensions})


def _is_mp3_frame(head: bytes) -> bool:
    # MPEG audio frame sync: 11 set bits, a valid layer and a bitrate index other than 1111.
    if len(head) < 3 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    return head[1] & 0x06 != 0 and head[2] & 0xF0 != 0xF0


def sniff(head: bytes) -> FileType | None:
    """The type of a file starting with ``head`` (its first 64 bytes suffice), or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head[:4] == b"OggS":
        return OGG
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return WEBM
    if head[4:8] == b"ftyp":
        return M4A if head[8:12] in (b"M4A ", b"M4B ") else MP4
    if head[:3] == b"ID3" or _is_mp3_frame(head):
        return MP3
    return None


def extension_fits(filename: str, filetype: FileType) -> bool:
    name = filename.lower()
    return any(name.endswith(ext) for ext in filetype.extensions)
