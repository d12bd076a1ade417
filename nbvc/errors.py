"""One exception family for everything a user can cause or fix.

Every layer below the CLI raises these (never prints or exits); the CLI turns them
into one line on stderr, an optional hint, and the exit code of the class.
"""

from __future__ import annotations


class NbvcError(Exception):
    """Base of all user-facing errors. ``exit_code`` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(NbvcError):
    """The user asked for something malformed (bad option, bad path, bad ref)."""

    exit_code = 2


class InvalidNotebook(UsageError):
    """A file is not a readable, valid notebook."""


class NotFound(NbvcError):
    """A notebook, version or object that was asked for does not exist."""

    exit_code = 3

    @classmethod
    def no_versions(cls, rel: str) -> NotFound:
        """``rel`` has no version in the index (``log`` of a notebook never saved)."""
        return cls(f"{rel}: no versions recorded", hint=f"run 'nbvc save {rel}' to record one")


class ConflictError(NbvcError):
    """The remote moved since this workspace last saw it."""

    exit_code = 4


class RemoteError(NbvcError):
    """The remote store failed or refused: network, credentials, bucket, versioning."""

    exit_code = 5


class WorkspaceError(NbvcError):
    """The workspace is missing, locked, read-only or damaged."""

    exit_code = 6


class ConfigError(UsageError):
    """A setting is missing or has a value nbvc cannot use."""


#: the exit code of a command that did its work except for items it had to skip
#: (each listed with why): a notebook that does not parse, a key no file can hold
PARTLY_DONE = 7

EXIT_CODES = {
    0: "success",
    1: "unexpected failure (run with --debug to see the traceback)",
    2: "bad input: invalid option, path, notebook, version ref or name",
    3: "not found: unknown notebook, version, name or object",
    4: "conflict: the remote moved since this workspace last saw it",
    5: "remote error: network, credentials, bucket or versioning problem",
    6: "workspace error: not initialised, locked, read-only or damaged",
    PARTLY_DONE: "partly done: some items were skipped (each listed with why); the rest was done",
}
