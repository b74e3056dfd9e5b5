"""``pytest-secrets``: the fix-it command, doing what the secrets guide otherwise asks of you by hand.

``init`` sets a project up (``.gitignore`` entries, ``.env.example``, detect-secrets baseline and
pre-commit hook), ``generate`` writes a strong value into an env file, ``rotate`` walks through a
key's rotation and records it in the schedule. Each is idempotent, says what it changed, and never
prints a value. The pytest plugin never imports this package.

Exit status: 0 done (or nothing to do), 1 failed (the message says why), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pytest_secrets.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError

__all__ = ["main"]

DESCRIPTION = "Fix what the pytest-secrets audit finds, the way the secrets guide says. Never prints a secret value."


def _root_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root",
        default=None,
        metavar="DIR",
        help="The project folder (default: the current folder, or secrets_root from the pytest configuration).",
    )


def build_parser() -> argparse.ArgumentParser:
    import pytest_secrets.cli.generate as generate
    import pytest_secrets.cli.init as init
    import pytest_secrets.cli.rotate as rotate

    parser = argparse.ArgumentParser(prog="pytest-secrets", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (init, generate, rotate):
        command = commands.add_parser(module.NAME, help=module.HELP, description=module.DESCRIPTION)
        _root_argument(command)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; returns the exit status (the console script exits with it)."""
    parser = build_parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits on --help (0) and on usage errors (2)
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    try:
        code: int = arguments.run(arguments)
    except CommandError as error:
        print(f"pytest-secrets {arguments.command}: error: {error.message}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        print(f"pytest-secrets {arguments.command}: interrupted; nothing more was changed", file=sys.stderr)
        return EXIT_FAILED
    return code if code in (EXIT_OK, EXIT_FAILED, EXIT_USAGE) else EXIT_FAILED
