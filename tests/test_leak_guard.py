"""End-to-end tests of the leak guard: real pytest runs (pytester) of small leaky projects.

Every fake secret is made at run time; each test checks both that the leak is reported (key,
channel, place) and that no encoded form of the value appears anywhere the run wrote.
"""

from __future__ import annotations

import base64
import binascii
import os
import urllib.parse
from pathlib import Path

import pytest
from helpers import SecretsProject, fake_token

from pytest_secrets.leakguard.canary import PLANTED_KEYS_VARIABLE
from pytest_secrets.leakguard.guard import CANARY_NOTE, LEAK_FIX
from pytest_secrets.audit import SUMMARY_TITLE
from pytest_secrets.leakguard.plugin import ALLOW_NEEDS_REASON, SUMMARY_PREFIX
from pytest_secrets.redaction import encoded_forms
from pytest_secrets.strength import is_fernet_key

KEY = "SERVICE_API_KEY"
# -W default: an in-process run inherits this suite's "error" warning filter.
QUIET = ("-m", "not secrets_audit", "-p", "no:cacheprovider", "-W", "default")
PREAMBLE = f"""
import base64, binascii, logging, os, sys, urllib.parse, warnings
import pytest

VALUE = os.environ["{KEY}"]
log = logging.getLogger("app.client")
"""


def every_form(value: str) -> set[str]:
    """The redactor's forms plus encodings computed here, independently of it."""
    data = value.encode()
    forms = {form.text for form in encoded_forms(value)}
    forms |= {
        value,
        base64.b64encode(data).decode(),
        base64.b64encode(data).decode().rstrip("="),
        base64.urlsafe_b64encode(data).decode(),
        urllib.parse.quote(value, safe=""),
        urllib.parse.quote_plus(value),
        binascii.hexlify(data).decode(),
        binascii.hexlify(data).decode().upper(),
    }
    return forms


def assert_never_shown(value: str, *texts: str) -> None:
    for text in texts:
        for form in every_form(value):
            assert form not in text, "a form of the secret was written"


def output_of(result: pytest.RunResult) -> str:
    return "\n".join(result.outlines + result.errlines)


@pytest.fixture
def value() -> str:
    # Characters that percent-encoding changes, so the url form differs from the raw one.
    return fake_token(32) + "+/=?&"


@pytest.fixture
def leaky(project: SecretsProject, value: str, monkeypatch: pytest.MonkeyPatch) -> SecretsProject:
    """A project declaring one secret key, whose value is in the environment."""
    project.write(".env.example", f"{KEY}=your-key-here\n")
    monkeypatch.setenv(KEY, value)
    return project


def run_test(project: SecretsProject, body: str, *args: str, subprocess: bool = False) -> pytest.RunResult:
    project.write("test_app.py", PREAMBLE + body)
    run = project.run_subprocess if subprocess else project.run
    return run(*QUIET, *args)


# --- every channel -------------------------------------------------------------------------

CHANNELS = {
    "log %-args": (
        "def test_it():\n    log.warning('calling with key %s', VALUE)\n",
        "log record (logger app.client, level WARNING) at test_app.py:8",
    ),
    "log f-string at INFO with log_level": (
        "def test_it():\n    log.info(f'Using API key: {VALUE}')\n",
        "log record (logger app.client, level INFO)",
    ),
    "log exc_info": (
        "def test_it():\n    try:\n        raise ValueError('bad key ' + VALUE)\n"
        "    except ValueError:\n        log.exception('request failed')\n",
        "level ERROR), exception info",
    ),
    "stdout": ("def test_it():\n    print('key', VALUE)\n", "captured stdout at test_app.py:7"),
    "stderr": ("def test_it():\n    sys.stderr.write(VALUE + '\\n')\n", "captured stderr"),
    "capsys read": (
        "def test_it(capsys):\n    print(VALUE)\n    assert capsys.readouterr().out\n",
        "stdout read through capsys.readouterr()",
    ),
    "capfd read": (
        "def test_it(capfd):\n    os.write(2, VALUE.encode())\n    assert capfd.readouterr().err\n",
        "stderr read through capfd.readouterr()",
    ),
    "capsysbinary read": (
        "def test_it(capsysbinary):\n    sys.stdout.buffer.write(VALUE.encode())\n    assert capsysbinary.readouterr().out\n",
        "stdout read through capsysbinary.readouterr()",
    ),
    "warning": ("def test_it():\n    warnings.warn('rejected ' + VALUE)\n", "warning (UserWarning) at test_app.py:8"),
    "exception": (
        "def test_it():\n    raise RuntimeError(f'Invalid key: {VALUE}')\n",
        "failure report (RuntimeError: message, traceback, locals) at test_app.py:8",
    ),
    "assertion with locals": (
        "def test_it():\n    token = VALUE\n    assert token == 'expected'\n",
        "failure report (AssertionError",
    ),
    "report section": (
        "def test_it(request):\n    request.node.add_report_section('call', 'http', 'body ' + VALUE)\n",
        "report section 'Captured http call'",
    ),
    "user property": (
        "def test_it(record_property):\n    record_property('token', VALUE)\n",
        "user property 'token'",
    ),
}


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_a_leak_in_each_channel_fails_the_test_and_is_masked(leaky: SecretsProject, value: str, channel: str) -> None:
    body, expected = CHANNELS[channel]
    result = run_test(leaky, body, "--showlocals", "-rA", "-o", "log_level=INFO")
    result.assert_outcomes(failed=1)
    assert f"{KEY} [fp " in result.stdout.str()
    assert expected in result.stdout.str()
    assert "how to fix:" in result.stdout.str()
    assert_never_shown(value, output_of(result))


def test_a_secret_in_a_test_id_fails_the_test(leaky: SecretsProject) -> None:
    result = run_test(leaky, "@pytest.mark.parametrize('token', [VALUE])\ndef test_it(token):\n    pass\n")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*SERVICE_API_KEY [[]fp *] in the test's id (parametrize ids)*"])


def test_a_leak_in_setup_is_reported_on_the_test(leaky: SecretsProject, value: str) -> None:
    body = "@pytest.fixture\ndef client():\n    print('connecting with', VALUE)\n    return 1\n\ndef test_it(client):\n    pass\n"
    result = run_test(leaky, body)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*SERVICE_API_KEY*captured stdout*(raw, during setup)*"])
    result.stdout.no_fnmatch_line("*ERROR at setup*")
    assert_never_shown(value, output_of(result))


def test_a_leak_in_teardown_fails_the_teardown(leaky: SecretsProject, value: str) -> None:
    body = "@pytest.fixture\ndef client():\n    yield 1\n    log.error('closing %s', VALUE)\n\ndef test_it(client):\n    pass\n"
    result = run_test(leaky, body)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_it*", "*log record (logger app.client, level ERROR)*"])
    assert_never_shown(value, output_of(result))


def test_a_failing_test_that_also_leaks_keeps_its_failure_and_gains_a_section(leaky: SecretsProject, value: str) -> None:
    result = run_test(leaky, "def test_it():\n    print(VALUE)\n    assert 1 == 2\n")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*assert 1 == 2*", "*- secrets leak guard -*", "*captured stdout*"])
    assert_never_shown(value, output_of(result))


def test_clean_tests_pass_and_the_summary_says_so(leaky: SecretsProject) -> None:
    result = run_test(leaky, "def test_it():\n    log.warning('no secrets here')\n    print('hello')\n")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*= {SUMMARY_TITLE} =*", f"{SUMMARY_PREFIX}no known secret leaked (1 value watched in this process)"])


def test_each_phase_judges_only_new_report_content_yet_misses_nothing(leaky: SecretsProject, value: str) -> None:
    """A report repeats the earlier phases' sections; a section added later under an earlier
    phase's name, and the earlier sections of a masked report, are still judged and masked."""
    leaky.write("conftest.py", "def pytest_runtest_logreport(report):\n    open('reports.log', 'a').write(repr(report.__dict__))\n")
    body = (
        "@pytest.fixture\ndef client(request):\n    print('setup ok')\n    yield\n    print('teardown', VALUE)\n\n"
        "def test_late_section(request):\n    request.node.add_report_section('setup', 'http', 'body ' + VALUE)\n\n"
        "def test_clean_then_teardown_leak(client):\n    print('call ok')\n\n"
        "def test_call_leak(client):\n    print('call', VALUE)\n"
    )
    result = run_test(leaky, body, "-rA")
    result.assert_outcomes(passed=1, failed=2, errors=2)
    result.stdout.fnmatch_lines(["*test_late_section*report section 'Captured http setup'*"])
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_clean_then_teardown_leak*"])
    assert_never_shown(value, output_of(result), (leaky.path / "reports.log").read_text())


def test_warnings_still_reach_pytest_and_leaking_ones_masked(leaky: SecretsProject, value: str) -> None:
    body = (
        "def test_clean():\n    warnings.warn('a clean deprecation', DeprecationWarning)\n\n"
        "def test_leak():\n    warnings.warn('rejected ' + VALUE)\n"
    )
    result = run_test(leaky, body)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*warnings summary*", "*test_clean*", "*DeprecationWarning: a clean deprecation*", "*test_leak*", "*UserWarning: rejected [[]REDACTED:*"]
    )
    assert_never_shown(value, output_of(result))


# --- every encoding ------------------------------------------------------------------------

ENCODINGS = {
    "raw": ("VALUE", "raw"),
    "base64": ("base64.b64encode(VALUE.encode()).decode()", "base64"),
    "base64 in a Basic auth header": ("base64.b64encode(('user:' + VALUE).encode()).decode()", "base64"),
    "base64url": ("base64.urlsafe_b64encode(VALUE.encode()).decode()", "base64url"),
    "url": ("urllib.parse.quote(VALUE, safe='')", "url"),
    "url (quote_plus)": ("urllib.parse.quote_plus(VALUE)", "url"),
    "hex": ("binascii.hexlify(VALUE.encode()).decode()", "hex"),
    "HEX": ("binascii.hexlify(VALUE.encode()).decode().upper()", "hex"),
}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("channel", ["print", "log"])
def test_each_encoding_is_caught(leaky: SecretsProject, value: str, encoding: str, channel: str) -> None:
    expression, form = ENCODINGS[encoding]
    call = "print" if channel == "print" else "log.warning"
    result = run_test(leaky, f"def test_it():\n    {call}('header: ' + {expression})\n")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*{KEY} [[]fp *]*({form})*"])
    assert_never_shown(value, output_of(result))


# --- capture modes, live logging ------------------------------------------------------------


@pytest.mark.parametrize("capture", ["--capture=fd", "--capture=sys", "-s", "--capture=tee-sys"])
def test_every_capture_mode(leaky: SecretsProject, value: str, capture: str) -> None:
    body = "def test_it():\n    print('key', VALUE)\n    log.warning('key %s', VALUE)\n"
    result = run_test(leaky, body, capture, "-rA", subprocess=True)
    result.assert_outcomes(failed=1)
    assert "log record (logger app.client, level WARNING)" in result.stdout.str()
    assert "stdout" in result.stdout.str()
    assert_never_shown(value, output_of(result))


def test_live_logging_is_masked(leaky: SecretsProject, value: str) -> None:
    body = "def test_it():\n    log.info('key %s', VALUE)\n    logging.getLogger('quiet').propagate = False\n"
    result = run_test(leaky, body, "-o", "log_cli=true", "-o", "log_cli_level=INFO", subprocess=True)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*live log call*", "*key [[]REDACTED:SERVICE_API_KEY[]]*"])
    assert_never_shown(value, output_of(result))


def test_an_application_handler_sees_the_masked_record(leaky: SecretsProject, value: str) -> None:
    """Handlers the app attaches to its own (non-propagating) loggers run before pytest's."""
    body = (
        "def test_it(tmp_path):\n"
        "    app = logging.getLogger('app.audit')\n    app.propagate = False\n"
        "    handler = logging.FileHandler(tmp_path / 'app.log')\n    app.addHandler(handler)\n"
        "    app.warning('token %s', VALUE)\n    handler.close()\n"
        "    text = (tmp_path / 'app.log').read_text()\n    assert 'REDACTED' in text, text\n"
    )
    result = run_test(leaky, body)
    result.assert_outcomes(failed=1)
    assert "log record (logger app.audit, level WARNING)" in result.stdout.str()
    assert "AssertionError" not in result.stdout.str()


# --- reports: JUnit XML, other plugins, every byte written -----------------------------------


def test_junit_xml_is_masked(leaky: SecretsProject, value: str) -> None:
    body = (
        "def test_out(record_property, record_xml_attribute):\n"
        "    record_property('token', VALUE)\n    record_xml_attribute('token', VALUE)\n"
        "    print(VALUE)\n    sys.stderr.write(VALUE)\n    log.warning(VALUE)\n"
        "def test_failure():\n    raise ValueError(VALUE)\n"
    )
    result = run_test(leaky, body, "--junitxml=junit.xml", "-o", "junit_logging=all")
    result.assert_outcomes(failed=2)
    xml = (leaky.path / "junit.xml").read_text()
    assert "[REDACTED:SERVICE_API_KEY]" in xml
    assert "<failure" in xml and "system-out" in xml and "system-err" in xml and "<property" in xml
    assert_never_shown(value, xml, output_of(result))


def test_other_plugins_only_see_masked_reports(leaky: SecretsProject, value: str) -> None:
    leaky.write(
        "conftest.py",
        "def pytest_runtest_logreport(report):\n"
        "    with open('seen-by-plugin.txt', 'a') as seen:\n"
        "        seen.write(repr(report.sections) + report.longreprtext + repr(report.user_properties))\n",
    )
    body = "def test_it(record_property):\n    record_property('p', VALUE)\n    print(VALUE)\n    raise ValueError(VALUE)\n"
    result = run_test(leaky, body, "--showlocals")
    result.assert_outcomes(failed=1)
    seen = (leaky.path / "seen-by-plugin.txt").read_text()
    assert "REDACTED" in seen
    assert_never_shown(value, seen)


@pytest.mark.parametrize("xdist_args", [("-p", "no:xdist"), ("-n", "2")], ids=["no xdist", "-n 2"])
def test_no_byte_the_run_wrote_holds_the_secret(leaky: SecretsProject, value: str, xdist_args: tuple[str, ...]) -> None:
    """Terminal, JUnit XML, the cache folder, a plugin's log: every file under the project."""
    leaky.write("conftest.py", "def pytest_runtest_logreport(report):\n    open('plugin.log', 'a').write(str(report.__dict__))\n")
    body = (
        "@pytest.fixture\ndef client():\n    print('setup', VALUE)\n    yield\n    log.error('teardown %s', VALUE)\n"
        "def test_everything(client, record_property, capsys):\n"
        "    record_property('token', VALUE)\n    log.warning('key %s', VALUE)\n    warnings.warn(VALUE)\n"
        "    print(base64.b64encode(VALUE.encode()).decode())\n    token = VALUE\n    assert token == 'x'\n"
        "def test_passes():\n    print(urllib.parse.quote(VALUE, safe=''))\n"
    )
    leaky.write("test_app.py", PREAMBLE + body)
    result = leaky.run_subprocess(
        "-m", "not secrets_audit", "-rA", "--showlocals", "-vv", "--junitxml=out/junit.xml",
        "-o", "log_cli=true", "-o", "junit_logging=all", "-o", "cache_dir=.pytest_cache", *xdist_args,
    )
    result.assert_outcomes(failed=2, errors=1)
    written = output_of(result)
    files = [path for path in leaky.path.rglob("*") if path.is_file() and path.name != ".env.example"]
    assert any(".pytest_cache" in path.parts for path in files)
    assert any(path.name == "junit.xml" for path in files)
    for path in files:
        written += "\n" + path.read_bytes().decode("utf-8", "replace")
    assert_never_shown(value, written)


# --- xdist ---------------------------------------------------------------------------------


def test_under_xdist_every_worker_guards_and_the_controller_summarises_once(leaky: SecretsProject, value: str) -> None:
    body = "".join(
        f"def test_leak_{number}():\n    log.warning('key %s', VALUE)\n\ndef test_clean_{number}():\n    print('ok')\n\n"
        for number in range(4)
    )
    result = run_test(leaky, body, "-n", "2", "--junitxml=junit.xml", subprocess=True)
    result.assert_outcomes(failed=4, passed=4)
    assert result.stdout.str().count(f"= {SUMMARY_TITLE} =") == 1
    assert result.stdout.str().count("FAILED: SERVICE_API_KEY") == 4
    assert_never_shown(value, output_of(result), (leaky.path / "junit.xml").read_text())


# --- the allowance marker, warn mode --------------------------------------------------------


def test_an_allowed_leak_is_masked_but_passes(leaky: SecretsProject, value: str) -> None:
    body = (
        "@pytest.mark.secrets_allow_leak(reason='the API returns the token')\n"
        "def test_it():\n    print(VALUE)\n    log.warning(VALUE)\n"
    )
    result = run_test(leaky, body, "-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*test_it: allowed: SERVICE_API_KEY*"])
    assert "[REDACTED:SERVICE_API_KEY]" in result.stdout.str()
    assert_never_shown(value, output_of(result))


def test_an_unused_allowance_is_reported(leaky: SecretsProject) -> None:
    body = "@pytest.mark.secrets_allow_leak(reason='old')\ndef test_it():\n    pass\n"
    result = run_test(leaky, body)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*test_it: secrets_allow_leak is unused*(old)"])


def test_an_allowance_needs_a_reason(leaky: SecretsProject) -> None:
    result = run_test(leaky, "@pytest.mark.secrets_allow_leak\ndef test_it():\n    pass\n")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*{ALLOW_NEEDS_REASON}*"])


def test_the_marker_is_known_without_the_audit(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("import pytest\n@pytest.mark.secrets_allow_leak(reason='x')\ndef test_it():\n    pass\n")
    pytester.runpytest("--strict-markers").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    "route", ["cli", "ini", "env"],
)
def test_warn_mode_reports_without_failing(leaky: SecretsProject, value: str, route: str, monkeypatch: pytest.MonkeyPatch) -> None:
    args: tuple[str, ...] = ()
    if route == "cli":
        args = ("--secrets-leak-action=warn",)
    elif route == "ini":
        leaky.ini("secrets_leak_action = warn\n")
    else:
        monkeypatch.setenv("PYTEST_SECRETS_LEAK_ACTION", "warn")
    result = run_test(leaky, "def test_it():\n    print(VALUE)\n", "-rA", *args)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*leaks do not fail the test*", "*test_it: warned: SERVICE_API_KEY*"])
    assert_never_shown(value, output_of(result))


def test_an_invalid_leak_action_is_a_usage_error(leaky: SecretsProject) -> None:
    result = run_test(leaky, "def test_it():\n    pass\n", "-o", "secrets_leak_action=ignore")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*secrets_leak_action*expected one of fail, warn*"])


def test_the_guard_can_be_turned_off(leaky: SecretsProject) -> None:
    result = run_test(leaky, "def test_it():\n    print(VALUE)\n", "-o", "secrets_leak_guard=false")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line(f"{SUMMARY_PREFIX}*")


def test_without_the_audit_nothing_is_watched(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makefile(".example", **{".env": f"{KEY}=your-key-here\n"})
    monkeypatch.setenv(KEY, fake_token())
    pytester.makepyfile(PREAMBLE + "def test_it():\n    print(VALUE)\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert pytester.parseconfig().pluginmanager.get_plugin("secrets-leak-guard") is None


# --- fixtures -------------------------------------------------------------------------------


def test_known_secrets_are_masked_and_more_can_be_registered(leaky: SecretsProject, value: str) -> None:
    body = (
        "def test_register(known_secrets):\n"
        f"    assert '{KEY}' in known_secrets and '{KEY}' in repr(known_secrets)\n"
        "    assert VALUE not in repr(known_secrets) + str(list(known_secrets))\n"
        f"    assert known_secrets['{KEY}'].reveal() == VALUE\n"
        "    token = known_secrets.register('SESSION_TOKEN', 'tok-' + 'x1y2z3' * 5)\n"
        "    assert 'SESSION_TOKEN' in repr(token) and 'tok-' not in repr(token)\n"
        "    print('issued', 'tok-' + 'x1y2z3' * 5)\n"
    )
    result = run_test(leaky, body)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*SESSION_TOKEN [[]fp *] in captured stdout*"])
    assert "tok-x1y2z3" not in result.stdout.str()


@pytest.mark.parametrize(
    "subject",
    ["'body ' + VALUE", "('body ' + VALUE).encode()", "path", "caplog"],
)
def test_assert_no_secrets(leaky: SecretsProject, value: str, subject: str) -> None:
    setup = ""
    if subject == "path":
        setup = "    path = tmp_path / 'response.json'\n    path.write_text(VALUE)\n"
    elif subject == "caplog":
        setup = "    log.warning('key %s', VALUE)\n"
    body = (
        "@pytest.mark.secrets_allow_leak(reason='only the explicit assertion judges')\n"
        f"def test_it(assert_no_secrets, tmp_path, caplog):\n{setup}"
        f"    assert_no_secrets({subject})\n\n"
        "def test_clean(assert_no_secrets, tmp_path):\n    assert_no_secrets('nothing here')\n    assert_no_secrets(b'nor here')\n"
    )
    result = run_test(leaky, body)
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*holds 1 known secret value*", f"*{KEY} [[]fp *] as raw at *"])
    assert_never_shown(value, output_of(result))


# --- canaries -------------------------------------------------------------------------------

GUIDE_EXAMPLE = """\
OPENAI_API_KEY=sk-...your-key-here...
OPENAI_BASE_URL=https://api.openai.com/v1
SECRET_KEY=generate-a-32-char-random-string
ENCRYPTION_KEY=generate-a-32-byte-fernet-key
DATABASE_URL=postgresql://user:password@localhost:5432/agents  # pragma: allowlist secret
"""
# The application's settings module reads the environment once, at import.
SETTINGS_MODULE = """\
import os
OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY")
SECRET_KEY = os.environ.get("SECRET_KEY")
ENCRYPTION_KEY = os.environ.get("ENCRYPTION_KEY")
DATABASE_URL = os.environ.get("DATABASE_URL")
"""


@pytest.fixture
def ci_project(project: SecretsProject) -> SecretsProject:
    """The guide's example file, no .env, no values in the environment: CI."""
    project.write(".env.example", GUIDE_EXAMPLE)
    project.write("app_settings.py", SETTINGS_MODULE)
    project.write("conftest.py", "import app_settings\n")
    return project


def test_canaries_are_planted_well_formed_before_conftest_imports(ci_project: SecretsProject) -> None:
    ci_project.write(
        "test_shapes.py",
        "import base64, urllib.parse, app_settings as s\n"
        "def test_shapes():\n"
        "    assert s.OPENAI_API_KEY.startswith('sk-canary') and len(s.OPENAI_API_KEY) == 51\n"
        "    assert s.SECRET_KEY.startswith('canary') and len(s.SECRET_KEY) == 43\n"
        "    assert len(base64.urlsafe_b64decode(s.ENCRYPTION_KEY)) == 32 and s.ENCRYPTION_KEY.startswith('canary')\n"
        "    url = urllib.parse.urlsplit(s.DATABASE_URL)\n"
        "    assert url.scheme == 'postgresql' and url.password.startswith('canary') and url.port == 5432\n",
    )
    result = ci_project.run(*QUIET, "--secrets-canary")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*canaries planted for DATABASE_URL, ENCRYPTION_KEY, OPENAI_API_KEY, SECRET_KEY*"])
    for key in ("OPENAI_API_KEY", "SECRET_KEY", "ENCRYPTION_KEY", "DATABASE_URL", PLANTED_KEYS_VARIABLE):
        assert key not in os.environ, "the environment is restored after the session"


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("logging.getLogger('app').warning('calling OpenAI with %s', s.OPENAI_API_KEY)", "OPENAI_API_KEY"),
        ("print('db', s.DATABASE_URL)", "DATABASE_URL"),
        ("raise ValueError(f'Invalid key: {s.SECRET_KEY}')", "SECRET_KEY"),
    ],
)
def test_a_canary_leak_fails_the_test(ci_project: SecretsProject, code: str, key: str) -> None:
    ci_project.write("test_leak.py", f"import logging, app_settings as s\ndef test_it():\n    {code}\n")
    result = ci_project.run(*QUIET, "--secrets-canary")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*{key}* [[]fp *] in *, canary)", f"note: {CANARY_NOTE}"])
    assert "sk-canary" not in result.stdout.str()


def test_canaries_under_xdist_are_fresh_in_each_worker(ci_project: SecretsProject) -> None:
    ci_project.write(
        "test_leak.py",
        "import logging, os, app_settings as s\n"
        "def test_leak():\n    logging.getLogger('app').warning('key %s', s.OPENAI_API_KEY)\n"
        "def test_clean():\n    assert os.environ['OPENAI_API_KEY'] == s.OPENAI_API_KEY\n",
    )
    result = ci_project.run_subprocess(*QUIET, "--secrets-canary", "-n", "2")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*OPENAI_API_KEY [[]fp *] in log record*, canary)*"])
    assert "sk-canary" not in output_of(result)


def test_canary_switch_in_ini_and_a_real_env_value_is_not_replaced(ci_project: SecretsProject) -> None:
    real = fake_token(43)
    ci_project.env(".env", SECRET_KEY=real)
    ci_project.ini("secrets_canary = true\n")
    ci_project.write(
        "test_it.py",
        "import os\ndef test_it():\n    assert 'SECRET_KEY' not in os.environ\n    print(open('.env').read())\n",
    )
    result = ci_project.run(*QUIET)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*canaries planted for DATABASE_URL, ENCRYPTION_KEY, OPENAI_API_KEY"])
    result.stdout.fnmatch_lines(["*SECRET_KEY [[]fp *] in captured stdout*(raw)*"])
    assert real not in output_of(result)


@pytest.mark.parametrize("route", ["cli", "ini", "pyproject", "env"])
def test_each_route_turns_canaries_on(ci_project: SecretsProject, route: str, monkeypatch: pytest.MonkeyPatch) -> None:
    args: tuple[str, ...] = ()
    if route == "cli":
        args = ("--secrets-canary",)
    elif route == "ini":
        ci_project.ini("secrets_canary = true\n")
    elif route == "pyproject":
        (ci_project.path / "pytest.ini").unlink()
        ci_project.write("pyproject.toml", "[tool.pytest.ini_options]\nsecrets_canary = true\n")
    else:
        monkeypatch.setenv("PYTEST_SECRETS_CANARY", "true")
    ci_project.write("test_it.py", "import app_settings as s\ndef test_it():\n    assert s.SECRET_KEY.startswith('canary')\n")
    result = ci_project.run(*QUIET, *args)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*canaries planted for DATABASE_URL, ENCRYPTION_KEY, OPENAI_API_KEY, SECRET_KEY"])
    assert "SECRET_KEY" not in os.environ


def test_a_value_the_conftest_puts_in_a_secret_slot_is_watched(project: SecretsProject) -> None:
    project.write(".env.example", f"{KEY}=your-key-here\n")
    project.write("conftest.py", f"import os, secrets\nos.environ.setdefault('{KEY}', 'test-' + secrets.token_hex(16))\n")
    result = run_test(project, "def test_it():\n    log.warning('key %s', VALUE)\n", subprocess=True)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*{KEY} [[]fp *] in log record*", f"WARNING  app.client:test_app.py:8 key [[]REDACTED:{KEY}[]]"])


def test_the_audit_checks_do_not_see_canaries(ci_project: SecretsProject) -> None:
    ci_project.write("test_it.py", "def test_it():\n    pass\n")
    result = ci_project.run("-p", "no:cacheprovider", "--secrets-canary", "-k", "env-parity or secret-strength or test_it")
    assert "canary" not in "\n".join(line for line in result.outlines if "env-parity" in line and "passed" in line)
    with_canaries = result.stdout.str()
    plain = ci_project.run("-p", "no:cacheprovider", "-k", "env-parity or secret-strength or test_it").stdout.str()
    summary = [line for line in with_canaries.splitlines() if line.startswith(("env-parity", "secret-strength"))]
    assert summary == [line for line in plain.splitlines() if line.startswith(("env-parity", "secret-strength"))]


def test_leak_fix_cites_the_guide() -> None:
    assert "rotate it first" in LEAK_FIX and "Secrets in Logs" in LEAK_FIX


def test_a_value_too_short_to_watch_cannot_be_registered(leaky: SecretsProject) -> None:
    result = run_test(leaky, "def test_it(known_secrets):\n    with pytest.raises(ValueError, match='at least'):\n        known_secrets.register('PIN', '1234')\n")
    result.assert_outcomes(passed=1)


def test_is_fernet_canary() -> None:
    from pytest_secrets.leakguard.canary import fernet_key

    assert all(is_fernet_key(fernet_key()) for _ in range(50))


def test_the_example_fails_under_the_guard(pytester: pytest.Pytester) -> None:
    """examples/leaky-service, as the README runs it: its client logs the key, so a test fails."""
    example = Path(__file__).parent.parent / "examples" / "leaky-service"
    for path in example.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            target = pytester.path / path.relative_to(example)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    result = pytester.runpytest("-p", "no:cacheprovider", "-m", "not secrets_audit")
    result.assert_outcomes(failed=1, passed=2)
    result.stdout.fnmatch_lines(
        [
            "*canaries planted for OPENAI_API_KEY, SECRET_KEY*",
            # pytest 8.0 prints no reason here; later versions add " - secrets leak guard: ...".
            "FAILED tests/test_client.py::test_call_model*",
        ]
    )
    result.stdout.fnmatch_lines(["secrets leak guard: 1 known secret value leaked during this test"])
    result.stdout.fnmatch_lines(["*OPENAI_API_KEY [[]fp *] in log record (logger leaky_service.client, level INFO) at leaky_service/client.py:13 (raw, canary)"])
