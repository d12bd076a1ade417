"""The command line, the only layer that prints: the click commands
(:mod:`nbvc.cli.commands`, which parse and call the core) and what they print
(:mod:`nbvc.cli.render`). Importing this package imports neither: the entry point's
lean lane takes only the renderers."""
