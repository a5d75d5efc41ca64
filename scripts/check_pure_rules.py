"""Rules modules are pure: they import no ORM, settings or request (docs/architecture.md).

import-linter checks Yishi's own modules (its contracts are in pyproject.toml) but cannot
forbid a subpackage of Django, so this reads each rules module's imports, the lazy ones
inside functions too, and allows only the standard library, Django's translation and
Yishi's pure core modules. Exit status 1 names every import that breaks the rule.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PURE_MODULES = ["yishi/*/rules.py", "yishi/consult/procedures.py", "yishi/core/workflow.py",
                "yishi/ledger/cadence.py"]
ALLOWED = (
    "__future__", "collections", "dataclasses", "datetime", "decimal", "enum", "fractions",
    "functools", "itertools", "math", "re", "statistics", "typing", "unicodedata",
    "django.utils.translation", "django.db.models.enums", "yishi.core.exceptions",
    "yishi.core.workflow", "yishi.core.masking", "yishi.core.rules", "yishi.core.taxonomy",
    "yishi.places.kinds",
)


def allowed(module: str) -> bool:
    if module.startswith("yishi.") and module.rsplit(".", 1)[-1] in ("rules", "procedures"):
        return True  # another pure module
    return any(module == a or module.startswith(a + ".") for a in ALLOWED)


def impure_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            names = [base] if node.module else [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        found += [f"{path.relative_to(ROOT)}:{node.lineno}: imports {n}" for n in names
                  if not allowed(n)]
    return found


def main(paths: list[str]) -> int:
    files = [Path(p).resolve() for p in paths] or sorted(
        f for pattern in PURE_MODULES for f in ROOT.glob(pattern))
    problems = [p for f in files for p in impure_imports(f)]
    for p in problems:
        print(p)
    print(f"pure rules: {len(files)} modules checked, {len(problems)} impure imports")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
