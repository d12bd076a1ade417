"""nbvc inside other tools: Jupyter (``jupyter/``), papermill (``papermill.py``: the
``nbvc://`` handler) and nbdime (``nbdime.py``: diffs).

A layer above the core: these modules import the core and what lies below it, and
nothing below imports them; the command line may.
"""
