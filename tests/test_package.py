"""Installed as a package, used from anywhere: a wheel built from the working tree, installed into a
fresh virtualenv outside the checkout, run from a temporary folder with its own HOME.

To stay fast and offline the fresh environment takes its dependencies from the project's own
environment (a ``.pth`` line naming its site-packages, whose own ``.pth`` files — the editable
install among them — are not read from there); the wheel itself is installed with ``--no-deps``, so
every module of the engine that runs comes from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters

from tests.worktree import working_tree

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("server", "graphs", "tools", "policies", "prompts")


def build_wheel(tmp: Path) -> Path:
    source = working_tree(tmp / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(source), "-w", str(tmp / "dist")],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp / "dist").glob("growth_engine-*.whl")
    return wheel


def fresh_venv(tmp: Path, wheel: Path) -> Path:
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True, timeout=60).stdout.strip())
    (site / "_growth_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    str(wheel)], check=True, capture_output=True, timeout=300)
    return venv


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_carries_prompts_migrations_and_their_template(wheel: Path) -> None:
    """And the console's templates and static files, and the MCP Apps views: a page the wheel lacks is a 500."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = archive.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    expected = {f"prompts/{p.relative_to(ROOT / 'prompts')}" for p in (ROOT / "prompts").rglob("*.md")}
    migrations = ROOT / "server" / "persistence" / "migrations"
    expected |= {f"server/persistence/migrations/{p.relative_to(migrations)}"
                 for p in [migrations / "env.py", migrations / "script.py.mako", *migrations.glob("versions/*.py")]}
    for folder in ("server/web/templates", "server/web/static", "server/mcp/static"):
        expected |= {str(p.relative_to(ROOT)) for p in (ROOT / folder).rglob("*") if p.is_file()}
    assert expected - names == set()
    assert len([n for n in names if n.startswith("server/persistence/migrations/versions/")]) >= 6
    assert not [n for n in names if n.startswith(("tests/", "bench/"))]
    assert "growth = server.cli:main" in entry_points


def test_an_installed_wheel_works_from_any_folder_demo_actions_and_serve(wheel: Path, tmp_path: Path) -> None:
    venv = fresh_venv(tmp_path, wheel)
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GROWTH_", "PYTHON", "VIRTUAL_ENV", "XDG_"))}
    env |= {"HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "PATH": f"{venv / 'bin'}{os.pathsep}/usr/bin:/bin"}

    def growth(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(["growth", *args], cwd=elsewhere, env=env, capture_output=True, text=True,
                              timeout=timeout)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done

    # the package runs, not the checkout: every module of the engine comes from the new environment
    probe = ("import json, importlib.resources as r, server.cli, graphs.graph, tools.actions, policies.ranking; "
             "import server.persistence.migrate as m; "
             "print(json.dumps([server.cli.__file__, graphs.graph.__file__, tools.actions.__file__, "
             "policies.ranking.__file__, str(r.files('prompts') / 'ceo_front.md'), str(m.MIGRATIONS / 'env.py')]))")
    where = subprocess.run([str(venv / "bin" / "python"), "-c", probe], cwd=elsewhere, env=env, capture_output=True,
                           text=True, timeout=60)
    assert where.returncode == 0, where.stderr
    for path in json.loads(where.stdout):
        assert Path(path).is_relative_to(venv) and Path(path).exists(), path
    assert shutil.which("growth", path=env["PATH"]) == str(venv / "bin" / "growth")

    database = home / "data" / "growth-engine" / "growth.db"
    demo = growth("demo", timeout=300)
    assert f"created a new, empty database at {database}" in demo.stderr
    assert (database.parent / "demo" / "planted.json").exists() and list(elsewhere.iterdir()) == []
    listed = json.loads(growth("actions", "list", "--json").stdout)
    assert listed and "best first" in growth("actions", "list").stdout

    async def over_stdio() -> list[int]:
        # launched by name, as a desktop client does: the first `growth` on PATH is the installed one
        params = StdioServerParameters(command="growth", args=["serve"], env=env, cwd=str(elsewhere))
        with anyio.fail_after(120):
            async with Client(params, mode="auto") as client:
                result = await client.call_tool("list_actions", {"limit": len(listed)})
        assert not result.is_error and result.structured_content is not None, result
        return [row["id"] for row in result.structured_content["actions"]]

    assert anyio.run(over_stdio) == [row["id"] for row in listed]
