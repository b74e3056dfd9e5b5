"""``python -m pytest_secrets``: the ``pytest-secrets`` fix-it command."""

from __future__ import annotations

import sys

from pytest_secrets.cli import main

if __name__ == "__main__":
    sys.exit(main())
