"""The house style's dependency rules, checked on every run."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORTAL = ROOT / "portal"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_import_contracts_hold():
    """Layers, zone independence, thin views, HTTP-free services, bare models (.importlinter)."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_only_the_sanitize_module_imports_nh3_and_nothing_imports_bleach():
    for path in PORTAL.rglob("*.py"):
        modules = {name.split(".")[0] for name in imported_modules(path)}
        assert "bleach" not in modules, path
        if path != PORTAL / "sanitize.py":
            assert "nh3" not in modules, path


def test_views_never_touch_the_database_session():
    """Views may take csrf or a limiter from extensions, never ``db``: services own persistence."""
    for zone in ("public", "staff"):
        for path in (PORTAL / zone).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                        and node.module == "portal.extensions" for alias in node.names}
            assert "db" not in imported, path
            assert "commit(" not in path.read_text(encoding="utf-8"), path


def test_safe_filter_is_used_only_on_sanitized_html_columns():
    pattern = re.compile(r"\{\{\s*([^}|]+?)\s*\|\s*safe\b")
    for path in (ROOT / "templates").rglob("*.html"):
        for expression in pattern.findall(path.read_text(encoding="utf-8")):
            assert expression.endswith("_html"), (path, expression)


def test_templates_have_no_inline_script_or_style():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert "<style" not in text and " style=" not in text, path
        assert not re.search(r"\son[a-z]+=", text), path
