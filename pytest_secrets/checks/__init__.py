"""The ordered registry of audit checks. Each check is one item: ``secrets-audit::<name>``.

To find the check you want to change, look up its name here; each lives in its own module.
"""

from __future__ import annotations

from pytest_secrets.checks.base import Check
from pytest_secrets.checks.distinct_environments import DistinctEnvironmentsCheck
from pytest_secrets.checks.env_parity import EnvParityCheck
from pytest_secrets.checks.example_placeholders import ExamplePlaceholdersCheck
from pytest_secrets.checks.secret_strength import SecretStrengthCheck

CHECKS: tuple[type[Check], ...] = (
    EnvParityCheck,
    ExamplePlaceholdersCheck,
    DistinctEnvironmentsCheck,
    SecretStrengthCheck,
)

__all__ = ["CHECKS", "Check"]
