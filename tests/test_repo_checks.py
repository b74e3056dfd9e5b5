"""The repository checks end to end: real git repositories and files, the plugin run by pytester.

gitignore, deploy-files, pre-commit and rotation. Secret-looking values are made at run time
(``fake_token``), never written here as literals.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys

import pytest

from helpers import SecretsProject, fake_token
from pytest_secrets.values import fingerprint_of

GUIDE_GITIGNORE = (
    "# Environment files\n.env\n.env.local\n.env.*.local\n\n# Never commit these\n"
    "*.pem\n*.key\ncredentials.json\nsecrets.json\n"
)


def run_check(project: SecretsProject, check: str, *args: str) -> pytest.RunResult:
    return project.run("-k", check, "-rs", *args)


def git_init(project: SecretsProject) -> None:
    project.git("init", "-q", "-b", "main")


def commit_all(project: SecretsProject, message: str = "commit") -> None:
    project.git("add", "-A")
    project.git("commit", "-q", "-m", message)


def secrets_hex(nbytes: int) -> str:
    import secrets

    return secrets.token_hex(nbytes)


def assert_no_value(result: pytest.RunResult, *values: str) -> None:
    text = result.stdout.str() + result.stderr.str()
    for value in values:
        assert value not in text


# --- gitignore ------------------------------------------------------------------------


@pytest.fixture
def repo(project: SecretsProject) -> SecretsProject:
    git_init(project)
    return project


def test_gitignore_is_skipped_outside_a_git_repository(project: SecretsProject) -> None:
    result = run_check(project, "gitignore")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*secrets-audit::gitignore*not audited: the project folder is not inside a git repository*"])


def test_the_guides_gitignore_passes(repo: SecretsProject) -> None:
    repo.write(".gitignore", GUIDE_GITIGNORE)
    result = run_check(repo, "gitignore")
    result.assert_outcomes(passed=1)


def test_no_gitignore_names_every_required_pattern(repo: SecretsProject) -> None:
    repo.write("README.md", "hello\n")
    result = run_check(repo, "gitignore")
    result.assert_outcomes(failed=1)
    for pattern in (".env", ".env.local", ".env.*.local", "*.pem", "*.key", "credentials.json", "secrets.json"):
        result.stdout.fnmatch_lines([f"*git would not ignore files matching '{pattern}' at the root (*) "
                                     f"and in subfolders (some/folder/*): no rule matches"])
    result.stdout.fnmatch_lines(["*7 findings*", "*add the pattern to the root .gitignore*"])


def test_a_negation_un_ignores_a_pattern(repo: SecretsProject) -> None:
    repo.write(".gitignore", GUIDE_GITIGNORE.replace(".env.local\n", ".env*\n!.env.local\n"))
    result = run_check(repo, "gitignore")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*.gitignore:4: git would not ignore files matching '.env.local' at the root "
                                 "(.env.local) and in subfolders (some/folder/.env.local): un-ignored by .gitignore:4 '!.env.local'"])
    result.stdout.no_fnmatch_line("*2 findings*")


def test_a_nested_gitignore_can_un_ignore_a_pattern(repo: SecretsProject) -> None:
    repo.write(".gitignore", GUIDE_GITIGNORE)
    repo.write("certs/.gitignore", "!*.pem\n")
    result = run_check(repo, "gitignore")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*certs/.gitignore:1: git would not ignore files matching '*.pem' in certs/ "
                                 "(certs/production.pem): un-ignored by certs/.gitignore:1 '!*.pem'"])
    result.stdout.no_fnmatch_line("*matching '.env'*")


def test_a_nested_gitignore_can_add_ignores_without_breaking_the_root(repo: SecretsProject) -> None:
    repo.write(".gitignore", GUIDE_GITIGNORE)
    repo.write("app/.gitignore", "__pycache__/\n")
    run_check(repo, "gitignore").assert_outcomes(passed=1)


def test_a_pattern_anchored_to_the_root_leaves_subfolders_exposed(repo: SecretsProject) -> None:
    repo.write(".gitignore", GUIDE_GITIGNORE.replace("\n.env\n", "\n/.env\n"))
    result = run_check(repo, "gitignore")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*git would not ignore files matching '.env' in subfolders (some/folder/.env): no rule matches"])


def test_info_exclude_counts_because_git_says_so(repo: SecretsProject) -> None:
    exclude = repo.path / ".git" / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    exclude.write_text(GUIDE_GITIGNORE)
    result = run_check(repo, "gitignore")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*.env is ignored at the root and in subfolders only by .git/info/exclude, which applies to this clone alone*"])


def test_a_global_excludes_file_counts_and_can_be_overridden(repo: SecretsProject) -> None:
    excludes = repo.path.parent / "global-excludes"
    excludes.write_text(GUIDE_GITIGNORE)
    subprocess.run(["git", "config", "--global", "core.excludesFile", str(excludes)], check=True)
    run_check(repo, "gitignore").assert_outcomes(passed=1)
    repo.write(".gitignore", "!secrets.json\n")
    result = run_check(repo, "gitignore")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*matching 'secrets.json' at the root (secrets.json) and in subfolders (*): un-ignored by .gitignore:1*"])


def test_a_tracked_fixture_env_file_can_be_accepted_until_it_changes(repo: SecretsProject) -> None:
    """flask tracks tests/test_apps/.env to test its dotenv loading: accepted as it is, not forever."""
    repo.write(".gitignore", GUIDE_GITIGNORE)
    repo.write("tests/apps/.env", "FOO=env\nSPAM=1\n")
    repo.git("add", "-f", "tests/apps/.env")  # tracked on purpose, despite the ignore rule
    commit_all(repo, "fixture")
    result = run_check(repo, "gitignore")
    result.stdout.fnmatch_lines(["*tests/apps/.env: is tracked by git although it matches '.env'*[[]fp *[]]"])
    accepted = run_check(repo, "gitignore", "--secrets-accept")
    accepted.stdout.fnmatch_lines(["secrets-accept: 1 finding accepted into .secrets-allowlist*"])
    commit_all(repo, "accept the fixture")
    run_check(repo, "gitignore").assert_outcomes(passed=1)
    repo.write("tests/apps/.env", f"FOO=env\nSPAM=1\nAPI_TOKEN={fake_token()}\n")
    commit_all(repo, "the fixture grows a token")
    result = run_check(repo, "gitignore")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*tests/apps/.env: is tracked by git*"])


def test_a_tracked_env_file_fails_even_once_ignored(repo: SecretsProject) -> None:
    token = fake_token()
    repo.env(".env", OPENAI_API_KEY=token)
    repo.write("deploy/server.key", "not a real key\n")
    commit_all(repo, "oops")
    repo.write(".gitignore", GUIDE_GITIGNORE)
    result = run_check(repo, "gitignore")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*.env: is tracked by git although it matches '.env'*",
        "*deploy/server.key: is tracked by git although it matches '*.key'*",
        "*git rm --cached <path>*rotate every secret it held first*",
    ])
    result.stdout.fnmatch_lines(["*2 findings*"])
    assert_no_value(result, token)
    repo.git("rm", "-q", "--cached", ".env", "deploy/server.key")
    run_check(repo, "gitignore").assert_outcomes(passed=1)


def test_the_patterns_are_configurable(repo: SecretsProject) -> None:
    repo.ini("secrets_gitignore_patterns =\n    .env\n    *.p12\n")
    repo.write(".gitignore", ".env\n")
    result = run_check(repo, "gitignore")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*1 finding:*", "*matching '*.p12'*"])


def test_a_project_folder_inside_the_repository_is_checked_from_there(repo: SecretsProject) -> None:
    repo.write(".gitignore", GUIDE_GITIGNORE)
    repo.write("service/.gitignore", "!.env\n")
    result = run_check(repo, "gitignore", "--secrets-root", "service")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*git would not ignore files matching '.env' at the root (.env) and in subfolders "
                                 "(some/folder/.env): un-ignored by .gitignore:1 '!.env'"])


def test_env_files_with_real_values_must_be_ignored_too(repo: SecretsProject) -> None:
    repo.write(".gitignore", GUIDE_GITIGNORE)
    repo.write(".env.example", "SECRET_KEY=change-me\n")
    repo.env(".env.production", SECRET_KEY=fake_token())
    repo.env(".env.staging", SECRET_KEY=fake_token())
    repo.git("add", ".env.staging")
    result = run_check(repo, "gitignore")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*2 findings:*",
        "*.env.production: is an env file with real values that git would not ignore*",
        "*.env.staging: is an env file with real values, and git tracks it*",
        "*'.env.[*]' followed by '!.env.example'*",
    ])
    result.stdout.no_fnmatch_line("*.env.example:*")
    repo.git("rm", "-q", "--cached", ".env.staging")
    repo.write(".gitignore", GUIDE_GITIGNORE + ".env.*\n!.env.example\n")
    run_check(repo, "gitignore").assert_outcomes(passed=1)


# --- deploy-files ---------------------------------------------------------------------


def test_deploy_files_is_skipped_without_any(project: SecretsProject) -> None:
    project.write("app.py", "print('hi')\n")
    result = run_check(project, "deploy-files")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*deploy-files*not audited: no docker-compose files, Dockerfiles or CI workflows*"])


def test_the_guides_compose_file_passes(repo: SecretsProject) -> None:
    repo.write(".gitignore", GUIDE_GITIGNORE + ".env.prod\n")
    repo.write("docker-compose.prod.yml", (
        "services:\n"
        "  api:\n"
        "    image: example/api\n"
        "    environment:\n"
        "      - OPENAI_API_KEY=${OPENAI_API_KEY}\n"
        "      - SECRET_KEY=${SECRET_KEY}\n"
        "      - DATABASE_URL=${DATABASE_URL}\n"
        "      - LOG_LEVEL=info\n"
        "      - DEBUG\n"
        "    env_file:\n"
        "      - .env.prod  # Not committed to git\n"
        "  db:\n"
        "    image: postgres:16\n"
        "    environment:\n"
        "      POSTGRES_USER: app\n"
        "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}\n"
        "      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n"
        "      PGPASSWORD: ''\n"
        "  worker:\n"
        "    environment:\n"
        "      BROKER_URL: amqp://worker:${BROKER_PASSWORD}@rabbit:5672/\n"
    ))
    repo.write(".env.prod", f"SECRET_KEY={fake_token()}\n")
    commit_all(repo)
    run_check(repo, "deploy-files").assert_outcomes(passed=1)


def test_compose_literals_fail_in_mapping_and_list_form(repo: SecretsProject) -> None:
    password, token = fake_token(12), fake_token(40)
    repo.write("deploy/compose.yaml", (
        "services:\n"
        "  db:\n"
        "    image: postgres:16\n"
        "    environment:\n"
        "      POSTGRES_USER: app\n"
        f"      POSTGRES_PASSWORD: {password}\n"
        "      LOG_LEVEL: info\n"
        "  api:\n"
        "    environment:\n"
        "      - LOG_LEVEL=debug\n"
        f"      - OPENAI_API_KEY={token}\n"
        f"      - DATABASE_URL=postgresql://app:{password}@db:5432/app\n"
        "      - SECRET_KEY=${SECRET_KEY:-insecure-default}\n"
    ))
    result = run_check(repo, "deploy-files")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*4 findings:*",
        f"*deploy/compose.yaml:6 POSTGRES_PASSWORD: a literal value in the environment of service 'db' [[]fp {fingerprint_of(password)}]",
        "*deploy/compose.yaml:11 OPENAI_API_KEY: a literal value in the environment of service 'api'*",
        "*deploy/compose.yaml:12 DATABASE_URL: a literal password inside a URL in the environment of service 'api'*",
        "*deploy/compose.yaml:13 SECRET_KEY: a literal default inside the reference*",
        "*reference the value instead: KEY: ${KEY}*",
    ])
    result.stdout.no_fnmatch_line("*LOG_LEVEL*")
    result.stdout.no_fnmatch_line("*POSTGRES_USER*")
    assert_no_value(result, password, token)


def test_compose_anchors_and_merge_keys_are_followed(repo: SecretsProject) -> None:
    password = fake_token(16)
    repo.write("docker-compose.yml", (
        "x-common: &common\n"
        "  environment:\n"
        f"    REDIS_PASSWORD: {password}\n"
        "services:\n"
        "  a:\n"
        "    <<: *common\n"
        "    image: redis\n"
    ))
    result = run_check(repo, "deploy-files")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*docker-compose.yml:3 REDIS_PASSWORD: a literal value in the environment of service 'a'*"])


def test_a_tracked_env_file_in_compose_fails(repo: SecretsProject) -> None:
    repo.write("docker-compose.yml", "services:\n  api:\n    env_file: config/app.env\n  w:\n    env_file:\n      - path: ./local.env\n        required: false\n")
    repo.write("config/app.env", f"API_TOKEN={fake_token()}\n")
    commit_all(repo)
    result = run_check(repo, "deploy-files")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*docker-compose.yml:3: the env_file of service 'api' is config/app.env, a file tracked by git*",
        "*git rm --cached <file>*",
    ])
    result.stdout.no_fnmatch_line("*local.env*")


def test_a_known_secret_value_fails_whatever_its_name(repo: SecretsProject) -> None:
    token = fake_token(40)
    repo.write(".env.example", "OPENAI_API_KEY=your-key-here\n")
    repo.env(".env", OPENAI_API_KEY=token)
    repo.write("compose.yaml", f"services:\n  api:\n    environment:\n      UPSTREAM: {token}\n")
    result = run_check(repo, "deploy-files")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*compose.yaml:4 UPSTREAM: the real value of OPENAI_API_KEY (from .env:1)*"])
    assert_no_value(result, token)


def test_detect_secrets_judges_values_under_innocent_names(repo: SecretsProject) -> None:
    github_token = "ghp_" + fake_token(36)
    digest = secrets_hex(32)
    repo.write("compose.yaml", (
        "services:\n"
        "  a:\n"
        "    environment:\n"
        f"      UPSTREAM_AUTH: {github_token}\n"
        f"      IMAGE_DIGEST: \"{digest}\"\n"
        f"      BUILD_ID: \"{secrets_hex(20)}\"\n"
    ))
    result = run_check(repo, "deploy-files")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*1 finding:*", "*compose.yaml:4 UPSTREAM_AUTH: a literal detect-secrets recognises (GitHub Token)*"])
    assert_no_value(result, github_token)


def test_unparseable_yaml_is_a_finding_with_its_line(repo: SecretsProject) -> None:
    repo.write("docker-compose.yml", "services:\n  api:\n    environment:\n      - A=1\n     B: [\n")
    result = run_check(repo, "deploy-files")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*docker-compose.yml:5: cannot be parsed as YAML (*), so it was not audited*"])


def test_multi_stage_dockerfile_env_arg_and_copy(repo: SecretsProject) -> None:
    secret, token = fake_token(), fake_token(30)
    repo.write("Dockerfile", (
        "# syntax=docker/dockerfile:1\n"
        "ARG PYTHON=3.11\n"
        "FROM python:${PYTHON} AS builder\n"
        f"ARG PIP_TOKEN={token}\n"
        "ARG GITHUB_TOKEN\n"
        "ENV APP_ENV=production \\\n"
        f"    SECRET_KEY={secret} \\\n"
        "    PORT=8000\n"
        "COPY requirements.txt .\n"
        "COPY .env /app/.env\n"
        "\n"
        "FROM python:${PYTHON}-slim AS runtime\n"
        "ENV API_KEY=$API_KEY\n"
        "ENV DB_PASSWORD hunter two\n"
        "COPY --from=builder /app /app\n"
        "COPY config/*.pem /certs/\n"
    ))
    repo.write("services/worker.Dockerfile", "FROM python:3.11\nENV WORKER_CONCURRENCY=4\nCOPY . /app\n")
    result = run_check(repo, "deploy-files")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*5 findings:*",
        "*Dockerfile:4 PIP_TOKEN: a literal build arg (anyone with the image can read it: docker history) "
        "in the ARG in build stage 'builder'*",
        "*Dockerfile:7 SECRET_KEY: a literal value in the ENV in build stage 'builder'*",
        "*Dockerfile:10: COPY in build stage 'builder' copies .env into the image*",
        "*Dockerfile:14 DB_PASSWORD: a literal value in the ENV in build stage 'runtime'*",
        "*Dockerfile:16: COPY in build stage 'runtime' copies config/[*].pem into the image*",
        "*remove the default: build args are visible*",
        "*ENV values are baked into the image*",
    ])
    result.stdout.fnmatch_lines(["*Dockerfile:5: build arg GITHUB_TOKEN has no default*"])
    result.stdout.no_fnmatch_line("*API_KEY:*")
    assert_no_value(result, secret, token)


def test_copy_dot_exposes_env_unless_dockerignored(repo: SecretsProject) -> None:
    repo.write("Dockerfile", "FROM python:3.11\nCOPY . /app\n")
    repo.env(".env", SECRET_KEY=fake_token())
    repo.write(".env.example", "SECRET_KEY=change-me\n")
    result = run_check(repo, "deploy-files")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Dockerfile:2: COPY in build stage 1 copies the whole build context, and .env is in it*"])
    result.stdout.no_fnmatch_line("*.env.example is in it*")
    repo.write(".dockerignore", "# keep secrets out\n.env\n")
    run_check(repo, "deploy-files").assert_outcomes(passed=1)


def test_copying_an_env_file_other_than_the_template_fails(repo: SecretsProject) -> None:
    repo.write("docker/Dockerfile.dev", "FROM python:3.11\nCOPY .env.example .env.staging /app/\nCOPY [\"certs/tls.key\", \"/etc/tls/\"]\n")
    result = run_check(repo, "deploy-files")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*2 findings:*",
        "*docker/Dockerfile.dev:2: COPY in build stage 1 copies .env.staging into the image",
        "*docker/Dockerfile.dev:3: COPY in build stage 1 copies certs/tls.key into the image",
    ])
    result.stdout.no_fnmatch_line("*copies .env.example*")


def test_workflow_env_at_workflow_job_and_step_level(repo: SecretsProject) -> None:
    key, password, token, login = fake_token(), fake_token(10), fake_token(20), fake_token(16)
    repo.write(".github/workflows/ci.yml", (
        "name: ci\n"
        "on: push\n"
        "env:\n"
        f"  OPENAI_API_KEY: {key}\n"
        "  LOG_LEVEL: info\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    env:\n"
        "      SECRET_KEY: ${{ secrets.SECRET_KEY }}\n"
        f"      DB_PASSWORD: {password}\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: actions/cache@v4\n"
        "        with:\n"
        "          key: pip-${{ hashFiles('requirements.txt') }}\n"
        "          restore-keys: pip-\n"
        "      - name: login\n"
        "        uses: docker/login-action@v3\n"
        "        with:\n"
        "          username: bot\n"
        f"          password: {login}\n"
        "      - name: run tests\n"
        "        env:\n"
        f"          API_TOKEN: {token}\n"
        "          AUTH_HEADER: Bearer ${{ secrets.API_TOKEN }}\n"
        "        run: pytest\n"
    ))
    result = run_check(repo, "deploy-files")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*4 findings:*",
        "*.github/workflows/ci.yml:4 OPENAI_API_KEY: a literal value in the workflow env*",
        "*.github/workflows/ci.yml:11 DB_PASSWORD: a literal value in the env of job 'test'*",
        "*.github/workflows/ci.yml:22 password: a literal value in the with: of step 'login' of job 'test'*",
        "*.github/workflows/ci.yml:25 API_TOKEN: a literal value in the env of step 'run tests' of job 'test'*",
        "*${{ secrets.KEY }}*",
    ])
    result.stdout.no_fnmatch_line("*restore-keys*")
    assert_no_value(result, key, password, token, login)


def test_switches_in_workflows_are_not_secrets(repo: SecretsProject) -> None:
    token = fake_token(20)
    repo.write(".github/workflows/ci.yml", (
        "on: push\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "        with:\n"
        "          persist-credentials: false\n"
        "      - run: pytest\n"
        "        env:\n"
        "          USE_TOKEN_AUTH: 'yes'\n"
        "          VERIFY_PASSWORD: 1\n"
        f"          API_TOKEN: {token}\n"
    ))
    result = run_check(repo, "deploy-files")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*1 finding:*", "*ci.yml:13 API_TOKEN: a literal value*"])
    assert_no_value(result, token)


def test_a_workflow_with_only_references_passes(repo: SecretsProject) -> None:
    repo.write(".github/workflows/deploy.yaml", (
        "on: [push]\n"
        "env:\n"
        "  OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n"
        "  SECRET_KEY: ${{ secrets.SECRET_KEY }}\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    container:\n"
        "      image: ghcr.io/example/app\n"
        "      credentials:\n"
        "        username: ${{ github.actor }}\n"
        "        password: ${{ secrets.GITHUB_TOKEN }}\n"
        "    steps:\n"
        "      - run: ./deploy.sh\n"
        "        env:\n"
        "          DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }}\n"
        "          GITHUB_SHA_SHORT: ${{ github.sha }}\n"
    ))
    result = run_check(repo, "deploy-files")
    result.assert_outcomes(passed=1)
    # A pass names what was read.
    result.stdout.fnmatch_lines(["deploy-files  passed  0 findings", "*scanned: 1 GitHub workflow (.github/workflows/deploy.yaml)"])


def test_gitlab_ci_variables(repo: SecretsProject) -> None:
    password = fake_token(12)
    repo.write(".gitlab-ci.yml", (
        "variables:\n"
        "  PIP_CACHE_DIR: .cache/pip\n"
        f"  POSTGRES_PASSWORD: {password}\n"
        "test:\n"
        "  script: pytest\n"
        "  variables:\n"
        "    DATABASE_URL: postgres://app:$POSTGRES_PASSWORD@db/app\n"
        "    API_KEY:\n"
        f"      value: {password}\n"
        "      description: key\n"
    ))
    result = run_check(repo, "deploy-files")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*2 findings:*",
        "*.gitlab-ci.yml:3 POSTGRES_PASSWORD: a literal value in the global variables*",
        "*.gitlab-ci.yml:9 API_KEY: a literal value in the variables of job 'test'*",
        "*masked CI/CD variable*",
    ])


def test_vendored_and_ignored_folders_are_skipped(repo: SecretsProject) -> None:
    repo.write(".gitignore", "build/\n")
    literal = "services:\n  a:\n    environment:\n      API_TOKEN: " + fake_token() + "\n"
    repo.write("node_modules/pkg/docker-compose.yml", literal)
    repo.write("build/docker-compose.yml", literal)
    repo.write("docker-compose.yml", "services:\n  a:\n    image: nginx\n")
    run_check(repo, "deploy-files").assert_outcomes(passed=1)


def test_deploy_files_can_be_excluded_by_path(repo: SecretsProject) -> None:
    literal = "services:\n  a:\n    environment:\n      API_TOKEN: " + fake_token() + "\n"
    repo.write("examples/demo/docker-compose.yml", literal)
    repo.write("docker-compose.yml", literal)
    repo.ini("secrets_deploy_exclude =\n    examples/*\n")
    result = run_check(repo, "deploy-files")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*1 finding:*", "*  docker-compose.yml:4 API_TOKEN*"])
    repo.ini("secrets_deploy_exclude =\n    examples/*\n    docker-compose.yml\n")
    result = run_check(repo, "deploy-files")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*found (outside secrets_deploy_exclude)*"])


def test_deploy_files_work_without_git(project: SecretsProject) -> None:
    project.write("docker-compose.yml", "services:\n  a:\n    environment:\n      API_TOKEN: " + fake_token() + "\n")
    result = run_check(project, "deploy-files")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*docker-compose.yml:4 API_TOKEN: a literal value*"])


def test_public_keys_setting_silences_a_name(repo: SecretsProject) -> None:
    repo.write("compose.yaml", "services:\n  a:\n    environment:\n      TOKEN_AUDIENCE_KEY: api.example.com\n")
    run_check(repo, "deploy-files").assert_outcomes(failed=1)
    repo.ini("secrets_public_keys = TOKEN_AUDIENCE_KEY\n")
    run_check(repo, "deploy-files").assert_outcomes(passed=1)


# --- pre-commit -----------------------------------------------------------------------

GUIDE_PRE_COMMIT = (
    "repos:\n"
    "  - repo: https://github.com/Yelp/detect-secrets\n"
    "    rev: v1.4.0\n"
    "    hooks:\n"
    "      - id: detect-secrets\n"
    "        args: ['--baseline', '.secrets.baseline']\n"
)


def detect_secrets_cli(project: SecretsProject, *args: str) -> subprocess.CompletedProcess[str]:
    """The real detect-secrets command line, as the guide tells users to run it (never verifying online)."""
    return subprocess.run([sys.executable, "-m", "detect_secrets", *args], cwd=project.path,
                          capture_output=True, text=True, check=False)


def make_baseline(project: SecretsProject, name: str = ".secrets.baseline") -> None:
    result = detect_secrets_cli(project, "scan", "--no-verify")
    assert result.returncode == 0, result.stderr
    project.write(name, result.stdout)


def audit_baseline(project: SecretsProject, is_secret: bool, name: str = ".secrets.baseline") -> None:
    """What ``detect-secrets audit`` records for each entry when a person answers it."""
    path = project.path / name
    data = json.loads(path.read_text())
    for items in data["results"].values():
        for item in items:
            item["is_secret"] = is_secret
    path.write_text(json.dumps(data, indent=2) + "\n")


@pytest.fixture
def hooked(repo: SecretsProject) -> SecretsProject:
    """A repository with the guide's hook, a tracked false positive and an audited baseline."""
    repo.write(".pre-commit-config.yaml", GUIDE_PRE_COMMIT)
    repo.write("app/config.py", f'password = "{fake_token(18)}"  # a test fixture, audited as not a secret\n')
    commit_all(repo)
    make_baseline(repo)
    audit_baseline(repo, is_secret=False)
    commit_all(repo, "baseline")
    return repo


def test_pre_commit_is_skipped_outside_git(project: SecretsProject) -> None:
    project.write(".pre-commit-config.yaml", GUIDE_PRE_COMMIT)
    result = run_check(project, "pre-commit")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*pre-commit*not audited: the project folder is not inside a git repository; pre-commit hooks need one*"])


def test_the_guides_hook_with_an_audited_current_baseline_passes(hooked: SecretsProject) -> None:
    result = run_check(hooked, "pre-commit")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*not installed in this clone (run: pre-commit install)*"])


def test_a_project_in_a_subfolder_keeps_its_baseline_there(repo: SecretsProject) -> None:
    """secrets_baseline is relative to the project folder; pre-commit names it from the top folder."""
    repo.write("service/app.py", "x = 1\n")
    repo.ini("secrets_root = service\n")
    result = run_check(repo, "pre-commit")
    result.stdout.fnmatch_lines(["*service/.secrets.baseline: the detect-secrets baseline does not exist*"])


def test_an_installed_hook_is_found_where_git_runs_it(hooked: SecretsProject) -> None:
    """core.hooksPath (and a worktree's shared hooks folder) is where git looks, so we look there."""
    hooked.git("config", "core.hooksPath", ".githooks")
    hooked.write(".githooks/pre-commit", "#!/bin/sh\nexec pre-commit hook-impl \"$@\"\n")
    result = run_check(hooked, "pre-commit")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*not installed*")
    (hooked.path / ".githooks" / "pre-commit").unlink()
    run_check(hooked, "pre-commit").stdout.fnmatch_lines(["*not installed in this clone (run: pre-commit install)*"])


def test_no_config_and_no_baseline_name_both(repo: SecretsProject) -> None:
    repo.write("README.md", "hi\n")
    result = run_check(repo, "pre-commit")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*2 findings:*",
        "*.pre-commit-config.yaml: there is no .pre-commit-config.yaml, so no detect-secrets hook blocks secrets*",
        "*.secrets.baseline: the detect-secrets baseline does not exist*",
        "*add the guide's hook to .pre-commit-config.yaml*pre-commit install*",
        "*detect-secrets scan > .secrets.baseline*",
    ])


def test_a_config_without_the_hook_or_without_baseline_args(hooked: SecretsProject) -> None:
    hooked.write(".pre-commit-config.yaml", "repos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.0\n    hooks:\n      - id: black\n")
    result = run_check(hooked, "pre-commit")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*.pre-commit-config.yaml: has no detect-secrets hook*"])
    hooked.write(".pre-commit-config.yaml", GUIDE_PRE_COMMIT.replace("        args: ['--baseline', '.secrets.baseline']\n", ""))
    result = run_check(hooked, "pre-commit")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*.pre-commit-config.yaml:5: runs detect-secrets without --baseline*", "*args: ['--baseline'*"])


def test_the_baseline_named_by_the_hook_is_the_one_audited(hooked: SecretsProject) -> None:
    hooked.write(".pre-commit-config.yaml", GUIDE_PRE_COMMIT.replace("'--baseline', '.secrets.baseline'", "'--baseline=ci/secrets.json'"))
    result = run_check(hooked, "pre-commit")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ci/secrets.json: the detect-secrets baseline does not exist*", "*detect-secrets scan > ci/secrets.json*"])
    (hooked.path / "ci").mkdir()
    (hooked.path / ".secrets.baseline").rename(hooked.path / "ci" / "secrets.json")
    run_check(hooked, "pre-commit").assert_outcomes(passed=1)


def test_a_baseline_that_is_not_json_names_the_line(hooked: SecretsProject) -> None:
    path = hooked.path / ".secrets.baseline"
    lines = path.read_text().splitlines()
    lines[3] += ",,"  # two commas where JSON allows one at most
    path.write_text("\n".join(lines) + "\n")
    result = run_check(hooked, "pre-commit")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*.secrets.baseline:4: is not valid JSON (*)*", "*regenerate the baseline*"])


def test_an_unaudited_baseline_fails(hooked: SecretsProject) -> None:
    make_baseline(hooked)
    result = run_check(hooked, "pre-commit")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*.secrets.baseline:*: has an entry nobody audited: Secret Keyword in app/config.py:1*",
        "*detect-secrets audit .secrets.baseline*",
    ])


def test_an_entry_audited_as_a_real_secret_fails(hooked: SecretsProject) -> None:
    audit_baseline(hooked, is_secret=True)
    result = run_check(hooked, "pre-commit")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*.secrets.baseline:*: records a real secret (audited is_secret: true): Secret Keyword in app/config.py:1*",
        "*rotate it first*",
    ])


def test_a_stale_baseline_fails_like_the_hook_itself(hooked: SecretsProject) -> None:
    token = fake_token(24)
    hooked.write("app/client.py", f'api_key = "{token}"\n')
    hooked.git("add", "app/client.py")
    result = run_check(hooked, "pre-commit")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        f"*app/client.py:1: is out of date: detect-secrets finds a Secret Keyword here that .secrets.baseline "
        f"does not hold [[]fp {fingerprint_of(token)}]",
        "*detect-secrets scan --baseline .secrets.baseline*",
    ])
    assert_no_value(result, token)
    # The real hook agrees: it blocks a commit of that file.
    blocked = subprocess.run([sys.executable, "-m", "detect_secrets.pre_commit_hook", "--baseline", ".secrets.baseline",
                              "app/client.py"], cwd=hooked.path, capture_output=True, text=True, check=False)
    assert blocked.returncode != 0
    # After the guide's update (scan --baseline) and an audit, it passes again.
    updated = detect_secrets_cli(hooked, "scan", "--no-verify", "--baseline", ".secrets.baseline")
    assert updated.returncode == 0, updated.stderr
    result = run_check(hooked, "pre-commit")
    result.stdout.fnmatch_lines(["*has an entry nobody audited: Secret Keyword in app/client.py:1*"])
    audit_baseline(hooked, is_secret=False)
    run_check(hooked, "pre-commit").assert_outcomes(passed=1)


@pytest.mark.parametrize("xdist_args", [pytest.param(["-p", "xdist", "-n", "2"], id="xdist"), pytest.param(["-p", "no:xdist"], id="no-xdist")])
def test_the_scan_of_tracked_files_is_cached_with_or_without_xdist(hooked: SecretsProject, xdist_args: list[str]) -> None:
    hooked.run_subprocess("-k", "pre-commit", *xdist_args).assert_outcomes(passed=1)
    stored = list((hooked.path / ".pytest_cache" / "v" / "pytest-secrets" / "pre-commit").rglob("*"))
    files = [path for path in stored if path.is_file()]
    assert len(files) == 1, stored  # written by the process that may write the cache (the xdist controller)
    entries = json.loads(files[0].read_text())["files"]
    assert [hit[0] for hits in entries.values() for hit in hits] == ["Secret Keyword"]
    hooked.run_subprocess("-k", "pre-commit", *xdist_args).assert_outcomes(passed=1)


def test_an_entry_naming_another_file_is_not_trusted_for_this_one(hooked: SecretsProject) -> None:
    """detect-secrets' hook matches entries by their own filename field, so an entry that names an
    absolute path (as a scan from another folder writes it) does not cover the tracked file."""
    path = hooked.path / ".secrets.baseline"
    data = json.loads(path.read_text())
    [entry] = data["results"]["app/config.py"]
    entry["filename"] = str(hooked.path / "app" / "config.py")
    path.write_text(json.dumps(data, indent=2) + "\n")
    hooked.git("add", ".secrets.baseline")
    result = run_check(hooked, "pre-commit")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*app/config.py:1: is out of date: detect-secrets finds a Secret Keyword here*"])
    blocked = subprocess.run([sys.executable, "-m", "detect_secrets.pre_commit_hook", "--baseline", ".secrets.baseline",
                              "app/config.py"], cwd=hooked.path, capture_output=True, text=True, check=False)
    assert blocked.returncode != 0  # the hook agrees


def test_an_allowlist_pragma_keeps_the_baseline_current(hooked: SecretsProject) -> None:
    hooked.write("app/client.py", f'api_key = "{fake_token(24)}"  # pragma: allowlist secret\n')
    hooked.git("add", "app/client.py")
    run_check(hooked, "pre-commit").assert_outcomes(passed=1)


def test_untracked_files_do_not_make_the_baseline_stale(hooked: SecretsProject) -> None:
    hooked.write("scratch.py", f'password = "{fake_token(24)}"\n')
    run_check(hooked, "pre-commit").assert_outcomes(passed=1)


# --- rotation -------------------------------------------------------------------------

ROTATION_EXAMPLE = (
    "OPENAI_API_KEY=sk-...your-key-here...\n"
    "SECRET_KEY=generate-a-32-char-random-string\n"
    "ENCRYPTION_KEY=generate-a-32-byte-fernet-key\n"
    "DATABASE_URL=postgresql://user:password@localhost:5432/agents\n"
    "LOG_LEVEL=info\n"
)


def days_ago(days: int) -> str:
    return (datetime.date.today() - datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def scheduled(project: SecretsProject) -> SecretsProject:
    project.write(".env.example", ROTATION_EXAMPLE)
    return project


def test_rotation_is_skipped_without_a_schedule_and_says_how_to_add_one(scheduled: SecretsProject) -> None:
    result = run_check(scheduled, "rotation")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*rotation*not audited: no rotation schedule (.secrets-rotation.toml); to audit rotation, "
                                 "commit one naming each secret, e.g. [[]keys.SECRET_KEY] every = \"1y\", last_rotated = *"])


def test_a_schedule_on_time_passes(scheduled: SecretsProject) -> None:
    scheduled.write(".secrets-rotation.toml", (
        "# Key names and dates only.\n"
        "[defaults]\n"
        "every = \"1y\"\n"
        "\n"
        "[keys.OPENAI_API_KEY]\n"
        f"last_rotated = {days_ago(100)}\n"
        "owner = \"alice\"\n"
        "\n"
        "[keys]\n"
        f"SECRET_KEY = {{ every = \"90d\", last_rotated = \"{days_ago(10)}\" }}\n"
        "ENCRYPTION_KEY = { every = \"on-compromise\" }\n"
        f"DATABASE_URL = {{ every = \"6m\", last_rotated = {days_ago(0)} }}\n"
    ))
    result = run_check(scheduled, "rotation")
    result.assert_outcomes(passed=1)


def test_an_overdue_secret_fails_with_the_guides_procedure(scheduled: SecretsProject) -> None:
    scheduled.write(".secrets-rotation.toml", (
        "[keys.OPENAI_API_KEY]\n"
        "every = \"1y\"\n"
        f"last_rotated = {days_ago(400)}\n"
        "owner = \"alice\"\n"
        "\n"
        "[keys.SECRET_KEY]\n"
        "every = \"365d\"\n"
        f"last_rotated = {days_ago(366)}\n"
        "\n"
        "[keys.ENCRYPTION_KEY]\n"
        "every = \"12w\"\n"
        f"last_rotated = {days_ago(85)}\n"
        "\n"
        "[keys.DATABASE_URL]\n"
        "every = \"1y\"\n"
        f"last_rotated = {days_ago(30)}\n"
    ))
    result = run_check(scheduled, "rotation")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*3 findings:*",
        f"*.secrets-rotation.toml:1 OPENAI_API_KEY: overdue for rotation: last rotated {days_ago(400)}, every 1 year, due *; owner: alice",
        f"*.secrets-rotation.toml:6 SECRET_KEY: overdue for rotation: last rotated {days_ago(366)}, every 365 days, "
        f"due {days_ago(1)} (1 day ago)",
        "*.secrets-rotation.toml:10 ENCRYPTION_KEY: overdue for rotation*every 12 weeks*",
        "*rotate OPENAI_API_KEY (guide: Secret Rotation, Rotation Procedure, OPENAI_API_KEY): create a new key at "
        "https://platform.openai.com/api-keys*revoke the old key; then set last_rotated = "
        f"{datetime.date.today().isoformat()} for OPENAI_API_KEY in .secrets-rotation.toml",
        "*rotate SECRET_KEY (*SECRET_KEY): generate a new key (openssl rand -base64 32)*users must log in again*",
        "*rotate ENCRYPTION_KEY (*ENCRYPTION_KEY): CAUTION: existing encrypted data becomes unreadable*re-encrypts*",
    ])
    result.stdout.no_fnmatch_line("*DATABASE_URL: overdue*")


def test_a_key_the_project_does_not_declare_is_a_finding(scheduled: SecretsProject) -> None:
    scheduled.write(".secrets-rotation.toml", (
        "[keys]\n"
        f"OPENAI_API_KEY = {{ every = \"1y\", last_rotated = {days_ago(5)} }}\n"
        f"OPENAI_APIKEY = {{ every = \"1y\", last_rotated = {days_ago(5)} }}\n"
    ))
    result = run_check(scheduled, "rotation")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*1 finding:*",
        "*.secrets-rotation.toml:3 OPENAI_APIKEY: names a key the project does not declare (.env.example or any env file)",
        "*correct the key name, declare the key in .env.example*",
    ])


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        pytest.param("[keys.SECRET_KEY]\nevery = \"1y\"\nlast_rotated = 2025-13-01\n",
                     "*.secrets-rotation.toml:3: is not valid TOML (*)*", id="bad-toml-date"),
        pytest.param("[keys.SECRET_KEY\nevery = \"1y\"\n", "*.secrets-rotation.toml:1: is not valid TOML (*)*", id="syntax"),
        pytest.param("[keys.SECRET_KEY]\nevery = \"yearly\"\nlast_rotated = 2025-01-01\n",
                     "*.secrets-rotation.toml:2 SECRET_KEY: every: 'yearly' is not an interval*", id="interval"),
        pytest.param("[keys.SECRET_KEY]\nevery = \"1y\"\nlast_rotated = \"last spring\"\n",
                     "*.secrets-rotation.toml:3 SECRET_KEY: last_rotated: 'last spring' is not a date*", id="date-string"),
        pytest.param("[keys.SECRET_KEY]\nevery = \"1y\"\nlast_rotated = 2999-01-01\n",
                     "*.secrets-rotation.toml:3 SECRET_KEY: last_rotated 2999-01-01 is in the future", id="future"),
        pytest.param("[keys.SECRET_KEY]\nevery = \"1y\"\n",
                     "*.secrets-rotation.toml:1 SECRET_KEY: has no last_rotated date*", id="no-date"),
        pytest.param("[keys]\nSECRET_KEY = { last_rotated = 2025-01-01 }\n",
                     "*.secrets-rotation.toml:2 SECRET_KEY: has no interval*", id="no-interval"),
        pytest.param("[keys.SECRET_KEY]\nevery = \"1y\"\nlast_rotatd = 2025-01-01\n",
                     "*.secrets-rotation.toml:3 SECRET_KEY: has an unknown field 'last_rotatd'*", id="typo"),
        pytest.param("[rotation]\nSECRET_KEY = 1\n", "*.secrets-rotation.toml:1: has an unknown section 'rotation'*", id="section"),
        pytest.param("# nothing yet\n", "*.secrets-rotation.toml: names no keys*", id="empty"),
    ],
)
def test_a_malformed_schedule_is_a_finding_with_its_line(scheduled: SecretsProject, schedule: str, expected: str) -> None:
    scheduled.write(".secrets-rotation.toml", schedule)
    result = run_check(scheduled, "rotation")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([expected, "*fix the schedule: one [[]keys.NAME] table per secret*"])


def test_the_schedule_file_is_configurable(scheduled: SecretsProject) -> None:
    scheduled.ini("secrets_rotation_file = ops/rotation.toml\n")
    scheduled.write("ops/rotation.toml", f"[keys.SECRET_KEY]\nevery = \"30d\"\nlast_rotated = {days_ago(45)}\n")
    result = run_check(scheduled, "rotation")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ops/rotation.toml:1 SECRET_KEY: overdue for rotation*", "*in ops/rotation.toml"])


# --- all four together ----------------------------------------------------------------


@pytest.mark.parametrize("xdist_args", [pytest.param(["-p", "xdist", "-n", "2"], id="xdist"), pytest.param(["-p", "no:xdist"], id="no-xdist")])
def test_the_four_checks_together_never_show_a_value(repo: SecretsProject, xdist_args: list[str]) -> None:
    password = fake_token(14)
    repo.write(".env.example", ROTATION_EXAMPLE)
    repo.env(".env", SECRET_KEY=fake_token(), DATABASE_URL=f"postgresql://app:{password}@db/app")
    repo.write("docker-compose.yml", f"services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: {password}\n")
    repo.write(".secrets-rotation.toml", f"[keys.SECRET_KEY]\nevery = \"90d\"\nlast_rotated = {days_ago(200)}\n")
    commit_all(repo)
    result = repo.run_subprocess("-k", "gitignore or deploy-files or pre-commit or rotation", *xdist_args)
    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines(["*docker-compose.yml:4 POSTGRES_PASSWORD: the real value of DATABASE_URL (password) (from .env:2)*"])
    result.stdout.fnmatch_lines(["*SECRET_KEY: overdue for rotation*"])
    result.stdout.fnmatch_lines(["*.env: is tracked by git although it matches '.env'*"])
    assert_no_value(result, password)

