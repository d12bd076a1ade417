"""The core verbs, nbvc's Python API (docs/api.md): the workspace and its saves
(:mod:`.workspace`), status, history and refs, show/restore/diff sides
(:mod:`.versions`), push and fetch/pull with their merge (:mod:`.sync`,
:mod:`.remote_versions`, :mod:`.merge`), publish and doctor. They sit over the index,
the stores, the notebook module and the files module, and print nothing."""
