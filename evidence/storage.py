"""Where evidence bytes live, and how an upload reaches disk without being held in memory.

An upload is spooled into ``EVIDENCE_ROOT/.incoming/`` chunk by chunk while it is hashed and
counted; once `evidence.services.store_upload` accepts it, the spool file is renamed into
``EVIDENCE_ROOT/<yyyy>/<mm>/<uuid>.<ext>`` (a rename on one file system: no second copy).
A refused upload's spool file is deleted, so a refusal leaves nothing on disk.

`EvidenceUploadHandler` does the spooling while Django parses the request, so the view never
holds the file in memory and never copies it to a second temporary file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.utils import timezone

INCOMING_DIR = ".incoming"
HEAD_BYTES = 64  # enough for every magic number `evidence.sniff` looks at
MP4_BOX_TYPE = b"ftyp"


def evidence_root() -> Path:
    return Path(settings.EVIDENCE_ROOT)


def limit_for_head(head: bytes) -> int:
    """The size limit that applies to a file starting with `head`: video only for MP4."""
    if head[4:8] == MP4_BOX_TYPE:
        return settings.EVIDENCE_VIDEO_MAX_BYTES
    return settings.EVIDENCE_MAX_BYTES


def new_stored_name(extension: str) -> str:
    """A fresh relative path, sharded by month so that no directory grows without bound."""
    now = timezone.localtime()
    return f"{now:%Y}/{now:%m}/{uuid.uuid4().hex}{extension}"


def path_for(stored_name: str) -> Path:
    """The absolute path of a stored name; refuses anything that would leave EVIDENCE_ROOT."""
    root = evidence_root().resolve()
    path = (root / stored_name).resolve()
    if root not in path.parents:
        raise ValueError(f"stored name outside EVIDENCE_ROOT: {stored_name!r}")
    return path


class Spool:
    """A file being received: written to disk in chunks, hashed and counted as it goes.

    Bytes beyond the size limit are counted but not written (and the partial file is deleted
    at once), so an oversize upload cannot fill the disk; the refusal comes afterwards, when
    the service sees `oversize`.
    """

    def __init__(self) -> None:
        incoming = evidence_root() / INCOMING_DIR
        incoming.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=incoming, prefix="up-", suffix=".part")
        self.path: Path | None = Path(name)
        self._file = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self.size = 0
        self.head = b""
        self.limit = max(settings.EVIDENCE_MAX_BYTES, settings.EVIDENCE_VIDEO_MAX_BYTES)
        self.oversize = False

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.oversize:
            return
        if len(self.head) < HEAD_BYTES:
            self.head += data[: HEAD_BYTES - len(self.head)]
            if len(self.head) >= 8:
                self.limit = limit_for_head(self.head)
        if self.size > self.limit:
            self.oversize = True
            self.discard()
            return
        self._hash.update(data)
        self._file.write(data)

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def discard(self) -> None:
        """Delete the spool file (idempotent; a no-op once it has been moved into place)."""
        self.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None

    def finish(self) -> None:
        """Flush the bytes to disk (before any database lock is taken: fsync of a big video
        takes seconds). The row that will point at the file must never outlive its content
        after a power cut."""
        assert self.path is not None
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self.close()
        else:
            with self.path.open("rb") as done:
                os.fsync(done.fileno())
        os.chmod(self.path, 0o640)

    def move_to(self, stored_name: str) -> Path:
        """Rename the finished spool into place (one file system: no copy) and make the new
        directory entry durable."""
        assert self.path is not None
        target = path_for(stored_name)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.path, target)
        self.path = None
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return target


class SpooledUpload(UploadedFile):
    """What `EvidenceUploadHandler` hands to the view: a spool already hashed and on disk."""

    def __init__(self, spool: Spool, *, name: str, content_type: str) -> None:
        super().__init__(None, name, content_type, spool.size)
        self.spool = spool

    def temporary_file_path(self) -> str:
        return str(self.spool.path)

    def chunks(self, chunk_size=None):  # pragma: no cover - the service reads the spool
        raise NotImplementedError("read the spool file, not the upload")


def spool_chunks(upload: UploadedFile) -> Spool:
    """Spool any Django upload (memory, temporary file, test file) chunk by chunk."""
    if isinstance(upload, SpooledUpload):
        return upload.spool
    spool = Spool()
    try:
        for chunk in upload.chunks():
            spool.write(chunk)
        spool.close()
    except BaseException:
        spool.discard()
        raise
    return spool


class EvidenceUploadHandler(FileUploadHandler):
    """Spools the multipart field ``file`` into EVIDENCE_ROOT while Django parses the request.

    Installed by the upload view before anything reads ``request.POST``; every other file field
    is read and dropped. Only one file per request is kept.
    """

    chunk_size = 256 * 1024
    field_name = "file"

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.spool: Spool | None = None
        self._active = False

    def new_file(self, field_name, file_name, content_type, content_length, *args, **kwargs):
        super().new_file(field_name, file_name, content_type, content_length, *args, **kwargs)
        self._active = field_name == self.field_name and self.spool is None
        if self._active:
            self.spool = Spool()
        raise StopFutureHandlers

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self._active:
            self.spool.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> SpooledUpload | None:
        if not self._active:
            return None
        self._active = False
        self.spool.close()
        return SpooledUpload(self.spool, name=self.file_name, content_type=self.content_type)

    def upload_interrupted(self) -> None:
        if self.spool is not None:
            self.spool.discard()

    def discard(self) -> None:
        """Called by the view when the request ends without the service taking the spool."""
        if self.spool is not None:
            self.spool.discard()
