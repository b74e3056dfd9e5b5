"""The leak guard: while the user's tests run, a known secret that reaches a log, output,
a warning, a failure or a report fails the test, and is masked wherever pytest reports it.

See ``plugin.py`` for how the pieces fit, and ``docs/leak-guard.md`` for the user's view.
"""
