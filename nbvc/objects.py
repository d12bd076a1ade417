"""Content-addressed local copies of every save (``.nbvc/objects/ab/cdef…``).

They let history work offline and let push upload a save even after the working
file changed again. Objects are written to a temp file and renamed into place, so
a crash never leaves a half-written object under its final name.
"""

from __future__ import annotations

import os
from pathlib import Path

from .digest import Digest, digest_stream
from .errors import NotFound, WorkspaceError

#: how a kept object starts: a temp file in the root, renamed into ab/cdef… when whole
TEMP_PREFIX = ".tmp-"


class ObjectsUnwritable(WorkspaceError):
    """The objects folder takes no new object: no save can be kept, so no command
    that saves can go on (unlike one bad notebook, which is skipped)."""


class ObjectStore:
    """Immutable blobs named by their sha256."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._root = str(root)
        self._made: set[str] = set()

    def path(self, sha256: str) -> Path:
        return Path(self._location(sha256))

    def _location(self, sha256: str) -> str:
        """The object's path as a string: push stores thousands, and pathlib's
        joins cost more than the write itself."""
        return f"{self._root}{os.sep}{sha256[:2]}{os.sep}{sha256[2:]}"

    def has(self, sha256: str) -> bool:
        return os.path.exists(self._location(sha256))

    def _finish(self, tmp: str, digest: Digest) -> Digest:
        final = self._location(digest.sha256)
        if os.path.exists(final):
            os.unlink(tmp)
        else:
            folder = os.path.dirname(final)
            if folder not in self._made:
                os.makedirs(folder, exist_ok=True)
                self._made.add(folder)
            os.replace(tmp, final)
        return digest

    def sweep(self, *, now: float | None = None) -> int:
        """Remove the temp files killed saves left here (see :func:`nbvc.files.sweep`)."""
        from .files import sweep

        try:
            names = os.listdir(self._root)
        except OSError:
            return 0
        return sweep(self._root, names, TEMP_PREFIX, "", now=now)

    def _temp(self) -> tuple[int, str]:
        import tempfile

        try:
            try:
                return tempfile.mkstemp(dir=self._root, prefix=TEMP_PREFIX)
            except FileNotFoundError:  # the folder was removed (to free space): make it again
                os.makedirs(self._root, exist_ok=True)
                return tempfile.mkstemp(dir=self._root, prefix=TEMP_PREFIX)
        except OSError as exc:
            raise ObjectsUnwritable(f"cannot write to {self.root}: {exc.strerror}",
                                    hint="check the folder's permissions and free space") from None

    def ingest_file(self, source: Path) -> Digest:
        """Copy a file in while hashing it: one read of the source, whatever its size."""
        fd, tmp = self._temp()
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                digest = digest_stream(src, copy_to=out)
            return self._finish(tmp, digest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def ingest_bytes(self, data: bytes, digest: Digest) -> Digest:
        """Store bytes whose digest the caller already computed."""
        if self.has(digest.sha256):
            return digest
        fd, tmp = self._temp()
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            return self._finish(tmp, digest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def read(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise NotFound(
                f"local object {sha256[:12]} is missing",
                hint="run 'nbvc fetch' and 'nbvc pull' to recover pushed versions",
            ) from None

    def verified_path(self, sha256: str) -> Path:
        """The object's path after checking its bytes still hash to its name."""
        path = self.path(sha256)
        try:
            with open(path, "rb") as handle:
                found = digest_stream(handle).sha256
        except FileNotFoundError:
            raise NotFound(f"local object {sha256[:12]} is missing") from None
        if found != sha256:
            raise WorkspaceError(f"local object {sha256[:12]} is damaged (hash mismatch)")
        return path
