"""The layers hold where import-linter cannot see: string foreign keys and migrations.

The layers come from the import-linter contract in pyproject.toml (docs/architecture.md),
so there is one list of them.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parents[3]


def _layers() -> dict[str, int]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    levels: dict[str, int] = {}
    for height, layer in enumerate(reversed(contract["layers"])):
        for module in layer.replace(":", "|").split("|"):
            levels[module.strip().removeprefix("yishi.")] = height
    return levels


LAYERS = _layers()


def test_every_yishi_app_has_a_layer() -> None:
    ours = {c.label for c in apps.get_app_configs() if c.name.startswith("yishi.")}
    assert ours <= set(LAYERS), f"apps without a layer: {ours - set(LAYERS)}"


def test_no_model_points_to_an_app_above_its_own() -> None:
    wrong = []
    for model in apps.get_models():
        own = model._meta.app_label
        if own not in LAYERS:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            other = field.related_model._meta.app_label
            if other in LAYERS and LAYERS[other] > LAYERS[own]:
                wrong.append(f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")
    assert wrong == []


def test_no_migration_depends_on_a_later_app() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    wrong = []
    for (app, name), migration in loader.disk_migrations.items():
        if app not in LAYERS:
            continue
        for dep_app, dep_name in migration.dependencies:
            if dep_app in LAYERS and LAYERS[dep_app] > LAYERS[app]:
                wrong.append(f"{app}.{name} -> {dep_app}.{dep_name}")
        for dep_app, dep_name in getattr(migration, "run_before", []):
            if dep_app in LAYERS and LAYERS[dep_app] < LAYERS[app]:
                wrong.append(f"{app}.{name} runs before {dep_app}.{dep_name}")
    assert wrong == []


def test_the_pure_rules_check_refuses_an_orm_import() -> None:
    bad = ROOT / "yishi" / "core" / "tests" / "_impure_rules_probe.py"
    bad.write_text("from django.db import models\nfrom django.utils.translation import gettext\n")
    try:
        run = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_pure_rules.py"),
                              str(bad)], capture_output=True, text=True, check=False)
    finally:
        bad.unlink()
    assert run.returncode == 1
    assert "imports django.db" in run.stdout and "gettext" not in run.stdout
