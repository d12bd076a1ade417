"""Writing files: atomically and keeping their mode (every file nbvc replaces is
written here), inside the workspace, and sweeping what killed writes left."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager

from .keys import UnsafeKey

TYPE_CHECKING = False  # typing's flag: status writes its cache through here, and starts lean
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import BinaryIO

TEMP_PREFIX = ".nbvc-"
#: a temp file untouched this long was left by a run that was killed: a live write
#: keeps its file's mtime moving, and renames it as soon as it is written
STALE_AFTER_S = 300


def sweep(folder: str, names: Iterable[str], prefix: str = TEMP_PREFIX, suffix: str = ".tmp",
          *, now: float | None = None) -> int:
    """Remove the stale temp files (``prefix…suffix``) among ``names`` in ``folder``
    (see :data:`STALE_AFTER_S`); returns how many. One that cannot be removed stays."""
    now = time.time() if now is None else now
    removed = 0
    for name in names:
        if name.startswith(prefix) and name.endswith(suffix):
            path = os.path.join(folder, name)
            try:
                if now - os.lstat(path).st_mtime > STALE_AFTER_S:
                    os.unlink(path)
                    removed += 1
            except OSError:
                continue
    return removed


def check_inside(dest: str | os.PathLike[str], root: str | os.PathLike[str]) -> None:
    """Refuse a destination whose real path leaves ``root``: a folder on the way (or the
    file itself) is a symlink leading out of the workspace."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(dest)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        shown = os.path.relpath(dest, root) if os.fspath(dest).startswith(os.fspath(root)) else dest
        raise UnsafeKey(f"{shown}: a symlink on the way leads outside the workspace; not written")


@contextmanager
def atomic_writer(dest: str | os.PathLike[str], inside: str | os.PathLike[str] | None = None, *,
                  durable: bool = False, replace: bool = True) -> Iterator[BinaryIO]:
    """A file to write that replaces ``dest`` in one rename when the block ends without
    an error (else it is removed): a reader sees the old bytes or the new, never part.
    The file keeps its mode; a new file gets the mode any program's new file gets
    (0666 less the umask), not a temp file's 0600. ``inside``: the workspace root the
    real path must stay in (checked before anything is created). ``durable``: on the
    disk before the rename (fsync), for stores whose writes must survive a crash.
    ``replace`` off: never over a file that is there (:class:`FileExistsError`, even
    for one that appeared while this was written): the new file is linked in."""
    if inside is not None:
        check_inside(dest, inside)
    try:
        mode: int | None = os.stat(dest).st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    folder = os.path.dirname(os.fspath(dest))
    os.makedirs(folder, exist_ok=True)
    temp = os.path.join(folder, f"{TEMP_PREFIX}{os.urandom(8).hex()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            if durable:
                out.flush()
                os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        if replace:
            os.replace(temp, dest)
        else:
            _link_new(temp, dest)
    finally:
        if os.path.lexists(temp):
            os.unlink(temp)


def _link_new(temp: str, dest: str | os.PathLike[str]) -> None:
    """Put ``temp`` at ``dest`` unless something is there (:class:`FileExistsError`)."""
    try:
        os.link(temp, dest)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: checked, then renamed in
        if os.path.lexists(dest):
            raise FileExistsError(dest) from None
        os.replace(temp, dest)


def write_atomic(dest: str | os.PathLike[str], data: bytes,
                 inside: str | os.PathLike[str] | None = None, *, replace: bool = True) -> None:
    """Replace ``dest`` with ``data`` (see :func:`atomic_writer`; ``replace`` off: only
    where no file is, else :class:`FileExistsError`)."""
    with atomic_writer(dest, inside, replace=replace) as out:
        out.write(data)


def name_folding(folder: str) -> tuple[bool, bool]:
    """Does the file system of ``folder`` fold names: (letter case, Unicode
    normalisation)? macOS and Windows fold case; macOS also folds NFC/NFD. Two
    notebooks whose names fold to one cannot both be held there. Found by making one
    probe file and looking it up under the folded names."""
    probe = os.path.join(folder, f"{TEMP_PREFIX}Fold\u00e9-{os.urandom(4).hex()}.tmp")
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:
        return False, False
    try:
        head, name = os.path.split(probe)
        case = os.path.lexists(os.path.join(head, name.replace("Fold", "fOLD")))
        forms = os.path.lexists(os.path.join(head, name.replace("\u00e9", "e\u0301")))
        return case, forms
    finally:
        os.unlink(probe)


def folded(name: str, case: bool, forms: bool) -> str:
    """``name`` as a file system folding as :func:`name_folding` says sees it."""
    if forms:
        import unicodedata

        name = unicodedata.normalize("NFC", name)
    return name.casefold() if case else name
