"""The env-file checks end to end: a real project, real files, the plugin run by pytester."""

from __future__ import annotations

import pytest

from helpers import SecretsProject
from helpers import SecretsProject, fake_fernet_key, fake_token
from pytest_secrets.checks import CHECKS
from pytest_secrets.redaction import encoded_forms
from pytest_secrets.values import fingerprint_of

GUIDE_EXAMPLE = (
    "# API Keys\n"
    "OPENAI_API_KEY=sk-...your-key-here...\n"
    "OPENAI_BASE_URL=https://api.openai.com/v1\n"
    "SECRET_KEY=generate-a-32-char-random-string\n"
    "ENCRYPTION_KEY=generate-a-32-byte-fernet-key\n"
    "DATABASE_URL=postgresql://user:password@localhost:5432/agents\n"
    "MINIO_ROOT_USER=your-minio-user\n"
    "MINIO_ROOT_PASSWORD=your-minio-password\n"
    "S3_ENDPOINT_URL=http://localhost:9000\n"
)


# Every other registered check is deselected when one env check is selected by name.
DESELECTED = len(CHECKS) - 1
ENV_CHECKS = "env-parity or example-placeholders or distinct-environments or secret-strength"


def good_values() -> dict[str, str]:
    return {
        "OPENAI_API_KEY": "sk-proj-" + fake_token(48),
        "OPENAI_BASE_URL": "https://api.openai.com/v1",
        "SECRET_KEY": fake_token(43),
        "ENCRYPTION_KEY": fake_fernet_key(),
        "DATABASE_URL": f"postgresql://agents:{fake_token(24)}@db:5432/agents",
        "MINIO_ROOT_USER": "agents-admin",
        "MINIO_ROOT_PASSWORD": fake_token(32),
        "S3_ENDPOINT_URL": "http://minio:9000",
    }


def run_check(project: SecretsProject, check: str, *args: str) -> pytest.RunResult:
    return project.run("-k", check, "-rs", *args)


@pytest.fixture
def guide_project(project: SecretsProject) -> SecretsProject:
    """The guide's own .env.example with a .env that follows every rule."""
    project.write(".env.example", GUIDE_EXAMPLE)
    project.env(".env", **good_values())
    project.write("app/settings.py", "import os\nKEY = os.environ['OPENAI_API_KEY']\nURL = os.getenv('DATABASE_URL')\n")
    return project


def test_a_project_that_follows_the_guide_passes(guide_project: SecretsProject) -> None:
    guide_project.env(".env.production", **good_values())
    result = guide_project.run("-v", "-k", ENV_CHECKS)
    result.assert_outcomes(passed=4)


def test_switches_named_like_secrets_are_settings_not_secrets(guide_project: SecretsProject) -> None:
    """ALLOW_PASSWORD_LOGIN=true is the same in every file and in the example, and that is fine."""
    switches = "ALLOW_PASSWORD_LOGIN=true\nUSE_TOKEN_AUTH=off\n"
    guide_project.write(".env.example", GUIDE_EXAMPLE + switches)
    for name in (".env", ".env.production"):
        text = "".join(f"{key}={value}\n" for key, value in good_values().items())
        guide_project.write(name, text + switches)
    result = guide_project.run("-v", "-k", ENV_CHECKS)
    result.assert_outcomes(passed=4)
    # Named as a secret in the settings, a switch is judged like any secret value.
    guide_project.ini("secrets_secret_keys = ALLOW_PASSWORD_LOGIN\n")
    result = run_check(guide_project, "distinct-environments")
    result.assert_outcomes(failed=1, deselected=DESELECTED)
    result.stdout.fnmatch_lines(["*ALLOW_PASSWORD_LOGIN*"])


class TestEnvParity:
    def test_missing_undocumented_and_code_keys_are_named(self, guide_project: SecretsProject) -> None:
        values = good_values()
        del values["MINIO_ROOT_PASSWORD"]
        values["STRIPE_API_KEY"] = "sk_test_" + fake_token(24)
        guide_project.env(".env", **values)
        guide_project.write("app/billing.py", "from os import getenv\n\n\nWEBHOOK = getenv('STRIPE_WEBHOOK_SECRET')\n")
        result = run_check(guide_project, "env-parity")
        result.assert_outcomes(failed=1, deselected=DESELECTED)
        result.stdout.fnmatch_lines([
            "3 findings:",
            "  .env.example:8 MINIO_ROOT_PASSWORD: declared in .env.example but not set in .env or the environment",
            "  .env:8 STRIPE_API_KEY: set in .env but not documented in .env.example",
            "  app/billing.py:4 STRIPE_WEBHOOK_SECRET: read by the code but not documented in .env.example",
            "how to fix:",
        ])

    def test_the_environment_can_supply_declared_keys(self, guide_project: SecretsProject, monkeypatch: pytest.MonkeyPatch) -> None:
        values = good_values()
        (guide_project.path / ".env").unlink()
        for key, value in values.items():
            monkeypatch.setenv(key, value)
        run_check(guide_project, "env-parity").assert_outcomes(passed=1, deselected=DESELECTED)
        monkeypatch.delenv("SECRET_KEY")
        result = run_check(guide_project, "env-parity")
        result.stdout.fnmatch_lines(["*SECRET_KEY: declared in .env.example but not set in the environment (there is no .env)"])

    def test_environment_can_be_ignored(self, guide_project: SecretsProject, monkeypatch: pytest.MonkeyPatch) -> None:
        (guide_project.path / ".env").unlink()
        for key, value in good_values().items():
            monkeypatch.setenv(key, value)
        guide_project.ini("secrets_use_environment = false\n")
        result = run_check(guide_project, "env-parity")
        result.stdout.fnmatch_lines(["8 findings:"])

    def test_no_example_file_is_said_plainly(self, project: SecretsProject) -> None:
        project.env(".env", API_TOKEN=fake_token())
        result = run_check(project, "env-parity")
        result.stdout.fnmatch_lines(["*.env.example: there is no .env.example, so 1 key the project uses is not documented: API_TOKEN"])
        project.env(".env", **{f"API_TOKEN_{number}": fake_token() for number in range(10)})
        result = run_check(project, "env-parity")
        result.stdout.fnmatch_lines(["*so 10 keys the project uses are not documented: API_TOKEN_0, API_TOKEN_1, *, API_TOKEN_7 and 2 more"])
        (project.path / ".env").unlink()
        result = run_check(project, "env-parity")
        result.assert_outcomes(skipped=1, deselected=DESELECTED)
        result.stdout.fnmatch_lines(["*no .env.example, no env files and no environment lookups in the code*"])

    def test_malformed_lines_and_bad_encodings_are_findings(self, guide_project: SecretsProject) -> None:
        text = (guide_project.path / ".env").read_text()
        guide_project.write(".env", text + "this line is broken\nSECRET_KEY=" + fake_token(43) + "\n")
        guide_project.write(".env.staging", b"DATABASE_URL=caf\xe9\n")
        result = run_check(guide_project, "env-parity")
        result.stdout.fnmatch_lines([
            "*findings:",
            "  .env:9: python-dotenv cannot parse this line; it is ignored",
            "  .env:10: SECRET_KEY is set again (first on line 3); python-dotenv keeps this last value",
            "  .env.staging: is not valid UTF-8 (byte 16); python-dotenv cannot read it, so none of its keys are audited",
        ])

    def test_unparseable_code_is_noted_not_crashed(self, guide_project: SecretsProject) -> None:
        guide_project.write("app/broken.py", "def broken(:\n")
        result = run_check(guide_project, "env-parity")
        result.assert_outcomes(passed=1, deselected=DESELECTED)
        result.stdout.fnmatch_lines(["*note: app/broken.py not read for environment lookups: not valid Python 3.* (line 1)*"])

    def test_ignored_code_keys(self, guide_project: SecretsProject) -> None:
        guide_project.write("app/ci.py", "import os\nIN_CI = os.environ.get('CI')\n")
        run_check(guide_project, "env-parity").assert_outcomes(failed=1, deselected=DESELECTED)
        guide_project.ini("secrets_ignore_code_keys = CI\n")
        run_check(guide_project, "env-parity").assert_outcomes(passed=1, deselected=DESELECTED)


class TestExamplePlaceholders:
    def test_guide_placeholders_pass(self, guide_project: SecretsProject) -> None:
        run_check(guide_project, "example-placeholders").assert_outcomes(passed=1, deselected=DESELECTED)

    def test_real_looking_values_fail(self, guide_project: SecretsProject) -> None:
        token = fake_token(40)
        password = fake_token(18)
        example = GUIDE_EXAMPLE.replace("generate-a-32-char-random-string", token)
        example = example.replace("user:password@", f"agents:{password}@")
        guide_project.write(".env.example", example)
        result = run_check(guide_project, "example-placeholders")
        result.stdout.fnmatch_lines([
            "2 findings:",
            f"  .env.example:4 SECRET_KEY: holds a 40-character random-looking value, not a placeholder [fp {fingerprint_of(token)}]",
            "  .env.example:6 DATABASE_URL: holds a URL with a real-looking password, not a placeholder*",
        ])

    def test_a_real_value_copied_into_the_example_is_named(self, guide_project: SecretsProject) -> None:
        values = good_values()
        guide_project.env(".env", **values)
        guide_project.write(".env.example", GUIDE_EXAMPLE.replace("your-minio-password", values["MINIO_ROOT_PASSWORD"]))
        result = run_check(guide_project, "example-placeholders")
        result.stdout.fnmatch_lines([
            "*.env.example:8 MINIO_ROOT_PASSWORD: holds the real value of MINIO_ROOT_PASSWORD from the project's env files*",
            "*rotate it now*",
        ])

    def test_detect_secrets_sees_known_formats(self, guide_project: SecretsProject) -> None:
        aws_key = "AKIA" + "QYLPMN5HHHFPZAM2"  # split so no AWS-shaped literal is committed
        guide_project.write(".env.example", GUIDE_EXAMPLE + f"AWS_ACCESS_KEY_ID={aws_key}\n")
        result = run_check(guide_project, "example-placeholders")
        result.stdout.fnmatch_lines(["*.env.example:10 AWS_ACCESS_KEY_ID: detect-secrets sees a AWS Access Key here*"])


class TestDistinctEnvironments:
    def test_shared_values_between_environments_fail(self, guide_project: SecretsProject) -> None:
        values = good_values()
        guide_project.env(".env", **values)
        production = good_values()
        production["SECRET_KEY"] = values["SECRET_KEY"]
        guide_project.env(".env.production", **production)
        guide_project.env(".env.local", SECRET_KEY=values["SECRET_KEY"])  # same environment: allowed
        result = run_check(guide_project, "distinct-environments")
        result.stdout.fnmatch_lines([
            "1 finding:",
            f"  .env.production:3 SECRET_KEY: same value in .env:3 (development) and here (production) [fp {fingerprint_of(values['SECRET_KEY'])}]",
        ])

    def test_public_values_may_be_shared(self, guide_project: SecretsProject) -> None:
        production = good_values()
        guide_project.env(".env.production", **production)
        run_check(guide_project, "distinct-environments").assert_outcomes(passed=1, deselected=DESELECTED)

    def test_one_environment_is_skipped_with_reason(self, guide_project: SecretsProject) -> None:
        result = run_check(guide_project, "distinct-environments")
        result.assert_outcomes(skipped=1, deselected=DESELECTED)
        result.stdout.fnmatch_lines(["*fewer than two environments to compare (found: .env)*"])


class TestSecretStrength:
    def test_weak_values_fail_with_the_right_fix(self, guide_project: SecretsProject) -> None:
        values = good_values()
        values["SECRET_KEY"] = "too-short-" + fake_token(8)
        values["ENCRYPTION_KEY"] = fake_token(44)
        values["MINIO_ROOT_PASSWORD"] = "changeme"
        values["OPENAI_API_KEY"] = "sk-...your-key-here..."
        guide_project.env(".env", **values)
        result = run_check(guide_project, "secret-strength")
        result.stdout.fnmatch_lines([
            "4 findings:",
            "  .env:1 OPENAI_API_KEY: still holds a placeholder*",
            "  .env:3 SECRET_KEY: is 18 characters long; signing keys need 32 or more*",
            "  .env:4 ENCRYPTION_KEY: is not a valid Fernet key*",
            "  .env:7 MINIO_ROOT_PASSWORD: is a well-known insecure default*",
            "how to fix:",
            "*secrets.token_urlsafe(32)*",
            "*Fernet.generate_key()*",
        ])

    def test_a_reference_to_another_key_is_judged_at_that_key(self, guide_project: SecretsProject) -> None:
        values = good_values()
        values["DATABASE_URL"] = "postgresql://agents:${MINIO_ROOT_PASSWORD}@db:5432/agents"
        guide_project.env(".env", **values)
        run_check(guide_project, "secret-strength").assert_outcomes(passed=1, deselected=DESELECTED)
        values["MINIO_ROOT_PASSWORD"] = "changethis"
        guide_project.env(".env", **values)
        result = run_check(guide_project, "secret-strength")
        result.stdout.fnmatch_lines(["1 finding:", "  .env:7 MINIO_ROOT_PASSWORD: is a well-known insecure default*"])

    def test_environment_values_are_checked_too(self, guide_project: SecretsProject, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SECRET_KEY", "ab" * 20)
        result = run_check(guide_project, "secret-strength")
        result.stdout.fnmatch_lines(["  environment SECRET_KEY: has low entropy*"])

    def test_rules_are_configurable(self, guide_project: SecretsProject) -> None:
        values = good_values()
        values["SECRET_KEY"] = "dev-only-key"
        guide_project.env(".env", **values)
        guide_project.ini("secrets_strength_rules =\n    SECRET_KEY = none\n")
        run_check(guide_project, "secret-strength").assert_outcomes(passed=1, deselected=DESELECTED)

    def test_secret_and_public_key_overrides(self, guide_project: SecretsProject) -> None:
        values = good_values()
        guide_project.write(".env.example", GUIDE_EXAMPLE + "WEBHOOK_SIGNING=your-value\n")
        guide_project.env(".env", **values, WEBHOOK_SIGNING="changeme")
        run_check(guide_project, "secret-strength").assert_outcomes(passed=1, deselected=DESELECTED)
        guide_project.ini("secrets_secret_keys = WEBHOOK_*\n")
        run_check(guide_project, "secret-strength").assert_outcomes(failed=1, deselected=DESELECTED)
        guide_project.ini("secrets_secret_keys = WEBHOOK_*\nsecrets_public_keys = WEBHOOK_SIGNING\n")
        run_check(guide_project, "secret-strength").assert_outcomes(passed=1, deselected=DESELECTED)


@pytest.mark.parametrize("xdist_args", [["-n", "2"], ["-p", "no:xdist"]])
def test_no_value_reaches_any_output(guide_project: SecretsProject, xdist_args: list[str]) -> None:
    """A failing run writes nothing that contains a value: terminal, -rA, JUnit XML, the cache."""
    values = good_values()
    weak_secret = "weak-" + fake_token(12)
    values["SECRET_KEY"] = weak_secret
    guide_project.env(".env", **values)
    production = good_values()
    production["DATABASE_URL"] = values["DATABASE_URL"]
    guide_project.env(".env.production", **production)
    leaked_example = GUIDE_EXAMPLE.replace("your-minio-password", values["MINIO_ROOT_PASSWORD"])
    guide_project.write(".env.example", leaked_example + "EXTRA_TOKEN=\n")
    guide_project.env(".env.staging", SECRET_KEY="short", ENCRYPTION_KEY="nope")

    result = guide_project.run_subprocess(*xdist_args, "-k", ENV_CHECKS, "-rA", "-v", "--showlocals", "--junitxml=out.xml", "--tb=long")
    result.assert_outcomes(failed=4)
    written = result.stdout.str() + result.stderr.str()
    written += (guide_project.path / "out.xml").read_text()
    for path in (guide_project.path / ".pytest_cache").rglob("*"):
        if path.is_file():
            written += path.read_text(errors="replace")
    assert "MINIO_ROOT_PASSWORD" in written  # the key is named ...
    secret_values = [value for key, value in values.items() if key not in ("OPENAI_BASE_URL", "S3_ENDPOINT_URL", "MINIO_ROOT_USER")]
    for value in secret_values + [weak_secret]:
        for form in encoded_forms(value):
            assert form.text not in written, f"{form.name} form of a value reached the output"  # ... never the value
