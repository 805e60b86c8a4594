"""The GitHub workflow: the README's test command on every pull request and on main,
then (main only) the README's build command, deployed to GitHub Pages."""

import re

import yaml

from bookutils import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"

# The current major version of each action (looked up 2026-11: all run on Node 24;
# upload-pages-artifact is a composite action whose v5 uses upload-artifact v7).
# Node 20 majors (checkout v4/v5, setup-python v5, cache v4, upload-artifact v4,
# configure-pages v5, upload-pages-artifact v3/v4, deploy-pages v4) are retired.
ACTION_MAJORS = {
    "actions/checkout": 6,
    "actions/setup-python": 6,
    "actions/cache": 5,
    "actions/upload-artifact": 7,
    "actions/configure-pages": 6,
    "actions/upload-pages-artifact": 5,
    "actions/deploy-pages": 5,
}


def load():
    return yaml.safe_load(WORKFLOW.read_text())


def triggers(workflow):
    return workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as True


def steps(workflow, job=None):
    jobs = [workflow["jobs"][job]] if job else workflow["jobs"].values()
    return [step for j in jobs for step in j.get("steps", [])]


def uses(step, action):
    return step.get("uses", "").split("@")[0] == action


def runs(workflow, job):
    return [step.get("run", "").strip() for step in steps(workflow, job)]


def test_tests_run_on_pull_requests_and_on_main_with_the_readme_command():
    workflow = load()
    on = triggers(workflow)
    assert "pull_request" in on and on["push"]["branches"] == ["main"]
    test = workflow["jobs"]["test"]
    assert "if" not in test, "the test job runs for every event"
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"^bash scripts/test\.sh +# set up and run every test", readme, re.M)
    assert "bash scripts/test.sh" in runs(workflow, "test")


def test_test_job_has_the_debian_packages_it_needs():
    workflow = load()
    test = workflow["jobs"]["test"]
    # Debian (bookworm), where setup.sh's apt-get finds graphviz and chromium
    image = test["container"] if isinstance(test["container"], str) else test["container"]["image"]
    assert re.fullmatch(r"python:3\.11-bookworm", image)
    install = next(run for run in runs(workflow, "test") if "scripts/setup.sh" in run)
    assert "WITH_BROWSER=1" in install and "REQUIREMENTS=requirements-dev.txt" in install
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    for package in ("graphviz", "chromium", "chromium-driver"):
        assert f"missing+=({package})" in setup


def test_every_job_prints_its_resolved_packages_and_refuses_cuda():
    workflow = load()
    for job in ("test", "pages"):
        checks = [run for run in runs(workflow, job) if "pip freeze" in run]
        assert len(checks) == 1, job
        check = checks[0]
        assert re.search(r"pip freeze --all \| tee \S+", check)
        assert "grep -iE '^(nvidia-|triton|cuda-)'" in check and "exit 1" in check
        assert r"grep -E '^torch==[^+]+\+cpu$'" in check
    # printed before the tests run, so the list is in the log even when they fail
    test_runs = runs(workflow, "test")
    freeze = next(i for i, run in enumerate(test_runs) if "pip freeze" in run)
    assert freeze < test_runs.index("bash scripts/test.sh")


def test_pip_downloads_are_cached():
    workflow = load()
    cache = [s for s in steps(workflow, "test") if uses(s, "actions/cache")]
    assert len(cache) == 1 and cache[0]["with"]["path"] == "~/.cache/pip"
    for name in ("requirements.txt", "requirements-dev.txt", "binder/requirements.txt"):
        assert f"'{name}'" in cache[0]["with"]["key"]
    python = next(s for s in steps(workflow, "pages") if uses(s, "actions/setup-python"))
    assert python["with"]["cache"] == "pip" and python["with"]["python-version"] == "3.11"
    assert python["with"]["cache-dependency-path"] == "requirements.txt"


def test_actions_are_on_their_current_major_versions():
    for step in steps(load()):
        if "uses" not in step:
            continue
        action, _, version = step["uses"].partition("@")
        assert action in ACTION_MAJORS, f"unexpected action {action}: add its current major to ACTION_MAJORS"
        assert version == f"v{ACTION_MAJORS[action]}", f"{action}@{version}: current major is v{ACTION_MAJORS[action]}"


def test_pages_job_builds_with_the_readme_command_after_the_tests():
    workflow = load()
    pages = workflow["jobs"]["pages"]
    assert pages["needs"] == "test"
    assert "refs/heads/main" in pages["if"] and "pull_request" in pages["if"]
    readme = (ROOT / "README.md").read_text()
    assert "bash scripts/build-book.sh" in readme
    assert "bash scripts/build-book.sh" in runs(workflow, "pages")


def test_pages_concurrency_is_the_starter_workflows():
    """One `pages` group that never cancels a deployment half way (GitHub's starter)."""
    workflow = load()
    assert "concurrency" not in workflow, "pull requests must not queue behind deployments"
    assert workflow["jobs"]["pages"]["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_permissions_are_least_privilege():
    workflow = load()
    assert workflow["permissions"] == {"contents": "read"}
    assert "permissions" not in workflow["jobs"]["test"]
    pages = workflow["jobs"]["pages"]["permissions"]
    assert pages == {"contents": "write", "pages": "write", "id-token": "write"}  # contents: the notebooks branch


def test_pages_job_publishes_the_student_notebooks_branch_after_deploying():
    workflow = load()
    pages_steps = steps(workflow, "pages")
    publish = [i for i, s in enumerate(pages_steps) if "scripts/publish-notebooks.sh" in s.get("run", "")]
    deploy = [i for i, s in enumerate(pages_steps) if uses(s, "actions/deploy-pages")]
    assert len(publish) == 1 and publish[0] > deploy[0]
    assert pages_steps[publish[0]]["run"].strip() == "bash scripts/publish-notebooks.sh origin notebooks"


def test_cache_key_covers_book_config_engine_and_requirements():
    cache = [s for s in steps(load(), "pages") if uses(s, "actions/cache")]
    assert len(cache) == 1
    assert cache[0]["with"]["path"] == "_build/.jupyter_cache"
    key = cache[0]["with"]["key"]
    hashed = re.search(r"hashFiles\((.*?)\)", key).group(1)
    for pattern in ("book/**", "_config.yml", "_toc.yml", "minigrad/**", "requirements.txt"):
        assert f"'{pattern}'" in hashed, f"the cache key does not hash {pattern}"


def test_reports_uploaded_when_something_fails():
    workflow = load()
    uploads = [s for s in steps(workflow, "pages") if uses(s, "actions/upload-artifact")]
    # one build of both languages, or one site per language built in _build/work/<lang>/
    assert any(s.get("if") == "failure()" and "_build/html/reports" in s["with"]["path"].split() for s in uploads)
    uploads = [s for s in steps(workflow, "test") if uses(s, "actions/upload-artifact")]
    assert any(s.get("if") == "failure()" and s["with"]["path"] == "artifacts" for s in uploads)


def test_deploys_the_built_site_to_pages():
    workflow = load()
    pages_steps = steps(workflow, "pages")
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert any(uses(s, action) for s in pages_steps), action
    upload = next(s for s in pages_steps if uses(s, "actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    deploy = next(s for s in pages_steps if uses(s, "actions/deploy-pages"))
    assert workflow["jobs"]["pages"]["environment"]["url"] == f"${{{{ steps.{deploy['id']}.outputs.page_url }}}}"
    order = [i for i, s in enumerate(pages_steps) if "scripts/build-book.sh" in s.get("run", "") or uses(s, "actions/upload-pages-artifact")]
    assert len(order) == 2 and order == sorted(order)
