"""The front end's own checks: the message catalogs and the unit tests under tabs/frontend/tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

FRONTEND_DIR = Path(__file__).resolve().parents[2] / "tabs" / "frontend"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None or not (FRONTEND_DIR / "node_modules" / "esbuild").exists(),
    reason="node or tabs/frontend/node_modules missing (run bash .ci/setup)",
)


def run_node(*args: str) -> subprocess.CompletedProcess[str]:
    assert NODE is not None
    return subprocess.run(
        [NODE, *args], cwd=FRONTEND_DIR, capture_output=True, text=True, timeout=120
    )


def test_catalogs_complete() -> None:
    result = run_node("scripts/check-i18n.mjs")

    assert result.returncode == 0, result.stderr
    assert "i18n check passed" in result.stdout


def write_tree(root: Path, catalogs: dict[str, str], source: str = "") -> None:
    (root / "src" / "i18n").mkdir(parents=True)
    imports = "".join(f'import {name} from "./{name}";\n' for name in catalogs)
    (root / "src" / "i18n" / "index.ts").write_text(imports)
    for name, text in catalogs.items():
        (root / "src" / "i18n" / f"{name}.ts").write_text(text)
    (root / "src" / "page.tsx").write_text(source)


def test_catalog_check_finds_problems(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "area": """export default {
              en: { "area.title": "Title", "area.only": "English only", "area.hello": "Hi {name}",
                    "area.items.one": "{count} item", "area.items.other": "{count} items" },
              ru: { "area.title": "Заголовок", "area.hello": "Привет, {user}",
                    "area.items.one": "{count} элемент", "area.items.other": "{count} элемента" },
            };""",
        },
        source='t("area.title"); t("area.typo");',
    )
    (tmp_path / "src" / "i18n" / "orphan.ts").write_text(
        'export default { en: { "o.a": "A" }, ru: { "o.a": "А" } };'
    )
    result = run_node("scripts/check-i18n.mjs", str(tmp_path))

    assert result.returncode == 1
    assert '"area.only" exists in en but is missing in ru' in result.stderr
    assert '"area.hello" has different {placeholders}' in result.stderr
    assert 'ru plural "area.items" lacks "area.items.few"' in result.stderr
    assert 'ru plural "area.items" lacks "area.items.many"' in result.stderr
    assert "src/i18n/orphan.ts: not imported in src/i18n/index.ts" in result.stderr
    assert 'src/page.tsx:1: t("area.typo") has no text in any catalog' in result.stderr
    assert 't("area.title")' not in result.stderr


def test_unit_tests_pass() -> None:
    result = run_node("scripts/run-tests.mjs")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
