"""The ordered registry of audit checks. Each check is one item: ``secrets-audit::<name>``.

To find the check you want to change, look up its name here; each lives in its own module.
"""

from __future__ import annotations

from pytest_secrets.checks.base import Check
from pytest_secrets.checks.deploy_files import DeployFilesCheck
from pytest_secrets.checks.distinct_environments import DistinctEnvironmentsCheck
from pytest_secrets.checks.env_parity import EnvParityCheck
from pytest_secrets.checks.example_placeholders import ExamplePlaceholdersCheck
from pytest_secrets.checks.git_history import GitHistoryCheck
from pytest_secrets.checks.gitignore import GitignoreCheck
from pytest_secrets.checks.pre_commit import PreCommitCheck
from pytest_secrets.checks.rotation import RotationCheck
from pytest_secrets.checks.secret_strength import SecretStrengthCheck
from pytest_secrets.checks.tracked_files import TrackedFilesCheck

CHECKS: tuple[type[Check], ...] = (
    EnvParityCheck,
    ExamplePlaceholdersCheck,
    DistinctEnvironmentsCheck,
    SecretStrengthCheck,
    GitignoreCheck,
    DeployFilesCheck,
    PreCommitCheck,
    RotationCheck,
    GitHistoryCheck,
    TrackedFilesCheck,
)

__all__ = ["CHECKS", "Check"]
