"""The workspace on disk: where its root is, and every notebook under it with its stat.

``nbvc status`` runs on shell prompts and editor saves, so this module imports only
``os``: it finds the root without pathlib and lists the tree folder by folder
(stats relative to each folder's descriptor), keeping per folder the notebooks' names
and their (mtime_ns, size, inode) in one flat list: a status compares a whole tree
with the one it cached in a single equality, run in C, rather than file by file.
"""

from __future__ import annotations

import os

from .errors import UsageError, WorkspaceError
from .keys import SUFFIX, UnsafeKey, check_relpath

NBVC_DIR = ".nbvc"
CONFIG_FILE = "config.toml"
SKIPPED_DIRS = {NBVC_DIR, ".git", ".ipynb_checkpoints", "__pycache__", "node_modules", ".venv"}

#: (names of the notebooks in listing order, their (mtime_ns, size, inode), flattened)
Folder = tuple[list[str], list[int]]
#: every folder of a workspace by its prefix: "" for the root, "a/b/" below it
Tree = dict[str, Folder]


#: the mtime a racy stat (see :func:`racy`) is compared as: no file has it, so the
#: next look reads the file again
RACY_MTIME = -1


def racy(mtime_ns: int, now_ns: int) -> bool:
    """Could the file be written again, with the same size, and keep this mtime? Yes
    while its timestamp tick is not over (git's "racily clean" entries): a stat taken
    now must not vouch for its bytes later. File systems that keep whole seconds
    (FAT keeps two) tick slowly; the others stamp files from the kernel's coarse
    clock, a few milliseconds a tick, so 50 ms covers them with room to spare."""
    tick = 2_000_000_000 if mtime_ns % 1_000_000_000 == 0 else 50_000_000
    return mtime_ns > now_ns - tick


def find_root(start: str | None = None) -> str:
    """The workspace holding ``start`` (default: the current directory), as git
    finds its repository: the nearest folder, upwards, with ``.nbvc/config.toml``."""
    here = os.path.realpath(start or os.getcwd())
    candidate = here
    while True:
        if os.path.exists(os.path.join(candidate, NBVC_DIR, CONFIG_FILE)):
            return candidate
        parent = os.path.dirname(candidate)
        if parent == candidate:
            raise WorkspaceError(
                f"not an nbvc workspace (or any parent): {here}",
                hint="run 'nbvc init' in the folder that holds your notebooks",
            )
        candidate = parent


def relpath(root: str, user_path: str) -> str:
    """Workspace-relative POSIX path of a path the user typed (relative to the cwd).

    Symlinks are resolved first, so a link pointing outside the workspace is refused."""
    resolved = os.path.realpath(os.path.join(os.getcwd(), user_path))
    if resolved != root and not resolved.startswith(root.rstrip(os.sep) + os.sep):
        raise UnsafeKey(f"{user_path}: outside the workspace {root}")
    text = os.path.relpath(resolved, root).replace(os.sep, "/")
    if text == "." or text.split("/")[0] == NBVC_DIR:
        raise UsageError(f"{user_path}: not a notebook inside the workspace")
    return check_relpath(text)


def scan_tree(root: str) -> Tree:
    """Every notebook under ``root`` (skipping :data:`SKIPPED_DIRS` and not following
    linked folders, as ``os.walk`` does), folder by folder, with its stat."""
    subfolders: list[str] = []
    tree = {"": _scan_folder(root, "", subfolders)}
    _scan_all(root, subfolders, tree)
    return tree


def notebook_stats(tree: Tree) -> dict[str, tuple[int, int, int]]:
    """Per notebook path, its (mtime_ns, size, inode)."""
    found = {}
    for prefix, (names, stats) in tree.items():
        for i, name in enumerate(names):
            found[prefix + name] = (stats[3 * i], stats[3 * i + 1], stats[3 * i + 2])
    return found


def _scan_all(root: str, prefixes: list[str], tree: Tree) -> None:
    pending = list(prefixes)
    while pending:
        prefix = pending.pop()
        tree[prefix] = _scan_folder(root, prefix, pending)


def _scan_folder(root: str, prefix: str, subfolders: list[str]) -> Folder:
    """One folder's notebooks and their stats; its subfolders are added to ``subfolders``.
    A folder that vanished or cannot be read is empty, as ``os.walk`` skips it."""
    try:  # stats relative to the folder's descriptor spare the kernel the path's lookup
        fd = os.open(os.path.join(root, prefix), os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return [], []
    names: list[str] = []
    stats: list[int] = []
    try:
        try:
            with os.scandir(fd) as entries:
                for entry in entries:
                    name = entry.name
                    if entry.is_dir():  # as os.walk: a link to a folder is a folder, not entered
                        if name not in SKIPPED_DIRS and not entry.is_symlink():
                            subfolders.append(prefix + name + "/")
                    elif name.endswith(SUFFIX):
                        names.append(name)
        except OSError:
            return [], []
        gone = []
        for name in names:
            try:
                found = os.stat(name, dir_fd=fd)
            except FileNotFoundError:  # deleted while listed: not on disk
                gone.append(name)
                continue
            stats += (found.st_mtime_ns, found.st_size, found.st_ino)
    finally:
        os.close(fd)
    if gone:
        names = [name for name in names if name not in gone]
    return names, stats
