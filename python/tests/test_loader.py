"""The library search order: $DELIVERYOPT_LIBRARY, the source tree, the system loader.

Loads that depend on the process's loader state (LD_LIBRARY_PATH, what is already mapped) run
in a fresh interpreter.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import deliveryopt
from deliveryopt import _loader
from deliveryopt._loader import LINKER_NAME, SONAME, Candidate, LibraryNotFoundError

from conftest import REPO_ROOT

PACKAGE_PARENT = str(Path(deliveryopt.__file__).resolve().parent.parent)


def real_library():
    return Path(deliveryopt.library_path())


def run_python(code, env_changes, remove=("DELIVERYOPT_LIBRARY", "DELIVERYOPT_LIB"),
               pythonpath=PACKAGE_PARENT):
    env = {k: v for k, v in os.environ.items() if k not in remove}
    env.update(env_changes)
    env["PYTHONPATH"] = pythonpath
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, cwd="/",
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def fake_checkout(root: Path, builds):
    (root / "python" / "deliveryopt").mkdir(parents=True)
    (root / "Cargo.toml").write_text("[package]\n")
    for i, profile in enumerate(builds):
        lib = root / "target" / profile / LINKER_NAME
        lib.parent.mkdir(parents=True)
        lib.write_bytes(b"")
        os.utime(lib, (1_000_000 + i, 1_000_000 + i))   # later in `builds` = built later
    return root / "python" / "deliveryopt"


def test_the_explicit_variable_is_the_only_candidate(tmp_path):
    assert _loader.library_candidates({"DELIVERYOPT_LIBRARY": "/opt/x/libdeliveryopt.so"}) == [
        Candidate("$DELIVERYOPT_LIBRARY", "/opt/x/libdeliveryopt.so")]
    assert _loader.library_candidates({"DELIVERYOPT_LIBRARY": str(tmp_path)}) == [
        Candidate("$DELIVERYOPT_LIBRARY", str(tmp_path / LINKER_NAME))], "a directory works too"
    assert _loader.library_candidates({"DELIVERYOPT_LIB": "/old"}) == [
        Candidate("$DELIVERYOPT_LIB", "/old")]
    both = {"DELIVERYOPT_LIBRARY": "/new", "DELIVERYOPT_LIB": "/old"}
    assert _loader.library_candidates(both) == [Candidate("$DELIVERYOPT_LIBRARY", "/new")]


def test_a_wrong_explicit_path_is_an_error_naming_it(tmp_path):
    missing = tmp_path / "nope.so"
    with pytest.raises(LibraryNotFoundError) as ei:
        _loader.load_library({"DELIVERYOPT_LIBRARY": str(missing)})
    assert [c.name for c, _ in ei.value.tried] == [str(missing)]
    assert str(missing) in str(ei.value) and "DELIVERYOPT_LIBRARY" in str(ei.value)
    assert isinstance(ei.value, OSError)

    not_a_library = tmp_path / "text.so"
    not_a_library.write_text("hello")
    with pytest.raises(LibraryNotFoundError) as ei:
        _loader.load_library({"DELIVERYOPT_LIBRARY": str(not_a_library)})
    assert ei.value.tried[0][1], "the loader's reason is kept"


def test_a_checkout_offers_its_builds_newest_first_then_the_system_names(tmp_path):
    pkg = fake_checkout(tmp_path / "a", ["debug", "release"])
    cands = _loader.library_candidates({}, pkg)
    assert cands[:2] == [
        Candidate("source tree", str(tmp_path / "a" / "target" / "release" / LINKER_NAME)),
        Candidate("source tree", str(tmp_path / "a" / "target" / "debug" / LINKER_NAME))]
    assert cands[2] == Candidate("system loader", SONAME)
    assert cands.index(Candidate("system loader", LINKER_NAME)) > 2

    pkg = fake_checkout(tmp_path / "b", ["release", "debug"])
    assert [c.name for c in _loader.library_candidates({}, pkg)[:2]] == [
        str(tmp_path / "b" / "target" / p / LINKER_NAME) for p in ("debug", "release")]

    pkg = fake_checkout(tmp_path / "c", ["debug"])
    assert [c.step for c in _loader.library_candidates({}, pkg)[:2]] == [
        "source tree", "system loader"]


def test_an_installed_package_goes_to_the_system_loader(tmp_path):
    site = tmp_path / "lib" / "python3" / "site-packages" / "deliveryopt"
    site.mkdir(parents=True)
    cands = _loader.library_candidates({}, site)
    assert cands[0] == Candidate("system loader", SONAME)
    assert all(c.step != "source tree" for c in cands)


def test_the_soname_is_found_through_the_system_loader(tmp_path):
    libdir = tmp_path / "lib"
    libdir.mkdir()
    (libdir / SONAME).symlink_to(real_library())
    out = run_python("""
        from pathlib import Path
        from deliveryopt import _loader
        lib, cand = _loader.load_library(package_dir=Path("/nowhere/site-packages/deliveryopt"))
        print(cand.step, cand.name, _loader.loaded_path(lib), sep="|")
    """, {"LD_LIBRARY_PATH": str(libdir)})
    step, name, path = out.split("|")
    assert (step, name) == ("system loader", SONAME)
    assert Path(path) == real_library().resolve()


def test_nothing_found_lists_every_attempt(tmp_path):
    out = run_python("""
        import ctypes.util
        from pathlib import Path
        from deliveryopt import _loader
        if ctypes.util.find_library("deliveryopt"):
            print("installed")
        else:
            try:
                _loader.load_library(package_dir=Path("/nowhere/site-packages/deliveryopt"))
            except _loader.LibraryNotFoundError as e:
                print(repr([c.name for c, _ in e.tried]))
                print(str(e).splitlines()[0])
    """, {"LD_LIBRARY_PATH": str(tmp_path)})
    if out == "installed":
        pytest.skip("a libdeliveryopt is installed on this system")
    names, first = out.splitlines()
    assert eval(names)[:2] == [SONAME, LINKER_NAME]
    assert first == "libdeliveryopt.so could not be loaded; tried:"


def test_the_checkout_build_is_found_without_the_variable():
    builds = [REPO_ROOT / "target" / p / LINKER_NAME for p in ("release", "debug")]
    builds = [b for b in builds if b.is_file()]
    if not builds:
        pytest.skip("no build in target/")
    newest = max(builds, key=lambda b: b.stat().st_mtime)
    out = run_python("import deliveryopt; print(deliveryopt.library_path())", {},
                     pythonpath=str(REPO_ROOT / "python"))
    assert Path(out) == newest.resolve()


def test_import_does_not_load_the_library_and_failure_is_an_oserror(tmp_path):
    out = run_python("""
        import deliveryopt
        from deliveryopt import _com
        print(_com._lib is None)
        try:
            deliveryopt.Manager()
        except OSError as e:
            print(type(e).__name__, "DELIVERYOPT_LIBRARY" in str(e))
    """, {"DELIVERYOPT_LIBRARY": str(tmp_path / "missing.so")})
    assert out.splitlines() == ["True", "LibraryNotFoundError True"]


def test_the_loaded_library_is_reported():
    path = real_library()
    assert path.is_absolute() and path.is_file()
    explicit = os.environ.get("DELIVERYOPT_LIBRARY") or os.environ.get("DELIVERYOPT_LIB")
    if explicit:
        assert path == Path(explicit).resolve()
