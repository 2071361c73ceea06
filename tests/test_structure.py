"""The shape of the code a newcomer relies on (docs/architecture.md). Which package may import which
is import-linter's contract in pyproject.toml, run by `make test` (`make lint-imports`)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "config", "zones", "enterprises", "membership", "reports"]
MAX_LINES = 600
MAX_TOP_OF_REPORTS = 8


def code_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_module_is_over_600_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in code_modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_reports_keeps_at_most_eight_modules_at_its_top():
    top = sorted(path.name for path in (ROOT / "reports").glob("*.py"))
    assert len(top) <= MAX_TOP_OF_REPORTS, top


def test_every_package_of_reports_has_its_tests_folder():
    packages = {p.name for p in (ROOT / "reports").iterdir() if (p / "__init__.py").exists()}
    tested = {p.name for p in (ROOT / "tests" / "reports").iterdir() if (p / "__init__.py").exists()}
    assert packages - {"migrations", "templatetags"} <= tested


def test_tests_sit_in_the_folder_of_what_they_test():
    """Only the shared helpers and this file stay at the top of tests/."""
    top = sorted(path.name for path in (ROOT / "tests").glob("test_*.py"))
    assert top == ["test_structure.py"]


def test_the_product_never_reads_the_shared_folder():
    readers = [
        str(path.relative_to(ROOT))
        for folder in [*APPS, "tests", "bench", "scripts"]
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "test_structure.py" and "../shared" in path.read_text(encoding="utf-8")
    ]
    assert readers == []
