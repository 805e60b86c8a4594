"""The GitHub Pages workflow builds with the README's command and caches honestly."""

import re

import yaml

from bookutils import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"


def load():
    return yaml.safe_load(WORKFLOW.read_text())


def steps(workflow):
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def uses(step, action):
    return step.get("uses", "").split("@")[0] == action


def test_build_step_runs_the_readme_command():
    readme = (ROOT / "README.md").read_text()
    assert "bash scripts/build-book.sh" in readme
    runs = [step.get("run", "") for step in steps(load())]
    assert any(run.strip() == "bash scripts/build-book.sh" for run in runs)


def test_cache_key_covers_book_config_engine_and_requirements():
    cache = [s for s in steps(load()) if uses(s, "actions/cache")]
    assert len(cache) == 1
    assert cache[0]["with"]["path"] == "_build/.jupyter_cache"
    key = cache[0]["with"]["key"]
    hashed = re.search(r"hashFiles\((.*?)\)", key).group(1)
    for pattern in ("book/**", "_config.yml", "_toc.yml", "minigrad/**", "requirements.txt"):
        assert f"'{pattern}'" in hashed, f"the cache key does not hash {pattern}"


def test_reports_uploaded_when_the_build_fails():
    uploads = [s for s in steps(load()) if uses(s, "actions/upload-artifact")]
    assert any(s.get("if") == "failure()" and s["with"]["path"] == "_build/work/*/_build/html/reports" for s in uploads)


def test_deploys_to_pages_from_main():
    workflow = load()
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    all_steps = steps(workflow)
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert any(uses(s, action) for s in all_steps), action
    upload = next(s for s in all_steps if uses(s, "actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as True
    assert "main" in triggers["push"]["branches"]
    deploy = workflow["jobs"]["deploy"]
    assert "refs/heads/main" in deploy["if"]
