"""What an attachment may do to us: nothing. Each one is inspected as bytes, never opened by an
application, and flagged when it is too large, a compression bomb, macro-enabled or encrypted.

Why flags and not rejection: the raw message is already stored (tourstack.inbox.store), so a
flagged attachment loses nothing; a person sees the flag on the message and its task. Flagged
attachments are dropped from what the extractors read.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from tourstack.inbox.parse import MAX_ATTACHMENT_BYTES, Attachment

MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # what a zip (xlsx and docx are zips) may expand to
MAX_COMPRESSION_RATIO = 100  # real spreadsheets compress 5-20x; bombs thousands of times
MAX_ZIP_MEMBERS = 10_000
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".docm", ".dotm", ".pptm", ".potm", ".ppam", ".xlsb")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls/.doc: may carry VBA, not read here
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Verdict:
    attachment: Attachment
    flags: tuple[str, ...]

    @property
    def readable(self) -> bool:
        return not self.flags


def _zip_flags(data: bytes) -> list[str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return ["corrupt_archive"]
    flags = []
    if len(members) > MAX_ZIP_MEMBERS:
        flags.append("zip_bomb")
    expanded = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if expanded > MAX_UNCOMPRESSED_BYTES or expanded / packed > MAX_COMPRESSION_RATIO:
        flags.append("zip_bomb")
    names = {m.filename.lower() for m in members}
    if any(n.endswith("vbaproject.bin") for n in names):
        flags.append("macro_enabled")
    if any(m.flag_bits & 0x1 for m in members):
        flags.append("encrypted_archive")
    return sorted(set(flags))


def inspect(attachment: Attachment) -> Verdict:
    data, name = attachment.data, attachment.filename.lower()
    flags: list[str] = []
    if attachment.size > MAX_ATTACHMENT_BYTES:
        return Verdict(attachment, ("attachment_too_large",))
    if name.endswith(MACRO_SUFFIXES) or "macroenabled" in attachment.content_type:
        flags.append("macro_enabled")
    if data.startswith(OLE_MAGIC):
        flags.append("legacy_office")  # may hold macros or encryption; a person opens it, not us
    if data.startswith(ZIP_MAGIC):
        flags += _zip_flags(data)
    if data.startswith(b"%PDF") and b"/Encrypt" in data:
        flags.append("encrypted_pdf")
    return Verdict(attachment, tuple(sorted(set(flags))))


def screen(attachments: list[Attachment]) -> tuple[list[Attachment], list[str]]:
    """The attachments safe to read, and the flags of those that are not."""
    safe, flags = [], []
    for verdict in map(inspect, attachments):
        if verdict.readable:
            safe.append(verdict.attachment)
        else:
            flags += [f"{flag}:{verdict.attachment.filename}" for flag in verdict.flags]
    return safe, flags
