"""Finding and loading ``libdeliveryopt.so``.

Search order (the first that loads wins):

1. ``$DELIVERYOPT_LIBRARY``: an explicit path to the library (or to a directory holding
   ``libdeliveryopt.so``). When it is set, nothing else is tried: a wrong path is an error, not
   a reason to pick up some other build. ``$DELIVERYOPT_LIB`` is the older spelling, used when
   ``DELIVERYOPT_LIBRARY`` is not set.
2. The source tree: when this package is imported from a checkout of the project
   (``<checkout>/python/deliveryopt``: ``sys.path``/``PYTHONPATH`` pointing at ``python/``, or
   ``pip install -e ./python``), ``<checkout>/target/release/libdeliveryopt.so`` and
   ``<checkout>/target/debug/libdeliveryopt.so``, the one built last first. A regular
   ``pip install ./python`` copies the package into site-packages and skips this step.
3. The system's dynamic loader: the SONAME ``libdeliveryopt.so.0.1`` (what ``make install``
   provides, found through ``LD_LIBRARY_PATH``, the ld.so cache or the default directories),
   then whatever ``ctypes.util.find_library("deliveryopt")`` names, then ``libdeliveryopt.so``.
4. ``make install``'s default places, for a library installed but not yet in the ld.so cache
   (no ``ldconfig`` run): ``<sys.prefix>/lib`` and ``/usr/local/lib``.

If nothing loads, :class:`LibraryNotFoundError` lists every attempt and why it failed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from pathlib import Path
from typing import Any, Iterator, List, Mapping, NamedTuple, Optional, Sequence, Tuple

__all__ = [
    "ENV_VAR", "LEGACY_ENV_VAR", "SONAME", "LINKER_NAME", "Candidate", "LibraryNotFoundError",
    "library_candidates", "load_library", "loaded_path",
]

ENV_VAR = "DELIVERYOPT_LIBRARY"
LEGACY_ENV_VAR = "DELIVERYOPT_LIB"
#: The library's SONAME (build.rs: ``0.<minor>`` for a 0.x version).
SONAME = "libdeliveryopt.so.0.1"
#: The development link name (``make install`` makes it a symlink to the SONAME).
LINKER_NAME = "libdeliveryopt.so"

_PACKAGE_DIR = Path(__file__).resolve().parent


class Candidate(NamedTuple):
    """One place the library is looked for: ``step`` says which step of the search order it
    belongs to, ``name`` is what is handed to ``dlopen`` (a path, or a bare name for the
    loader's own search)."""

    step: str
    name: str


class LibraryNotFoundError(OSError):
    """``libdeliveryopt.so`` could not be loaded. ``tried`` holds ``(candidate, reason)`` for
    every attempt, in order."""

    def __init__(self, tried: Sequence[Tuple[Candidate, str]], hint: str = ""):
        self.tried: List[Tuple[Candidate, str]] = list(tried)
        lines = ["libdeliveryopt.so could not be loaded; tried:"]
        for cand, reason in self.tried:
            lines.append("  - %s [%s]: %s" % (cand.name, cand.step, reason))
        if not self.tried:
            lines.append("  (nothing)")
        lines.append(hint or (
            "Build it (`cargo build` in the project) and set %s=/path/to/libdeliveryopt.so, "
            "or install it (`make install`, then `ldconfig`)." % ENV_VAR))
        super().__init__("\n".join(lines))

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.tried,))


def source_tree_root(package_dir: Optional[Path] = None) -> Optional[Path]:
    """The checkout this package sits in (``<root>/python/deliveryopt``), or None when it is
    installed elsewhere (site-packages)."""
    pkg = Path(package_dir) if package_dir is not None else _PACKAGE_DIR
    root = pkg.parent.parent
    if pkg.parent.name == "python" and (root / "Cargo.toml").is_file():
        return root
    return None


def _source_builds(root: Path) -> List[Path]:
    builds = [root / "target" / profile / LINKER_NAME for profile in ("release", "debug")]
    found = [p for p in builds if p.is_file()]
    # The one built last first (a stable sort keeps release before debug on a tie).
    found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return found


def _candidates(environ: Optional[Mapping[str, str]],
                package_dir: Optional[Path]) -> Iterator[Candidate]:
    env = os.environ if environ is None else environ
    for var in (ENV_VAR, LEGACY_ENV_VAR):
        explicit = env.get(var)
        if explicit:
            path = Path(explicit).expanduser()
            if path.is_dir():
                path = path / LINKER_NAME
            yield Candidate("$" + var, str(path))
            return

    root = source_tree_root(package_dir)
    if root is not None:
        for build in _source_builds(root):
            yield Candidate("source tree", str(build))

    yield Candidate("system loader", SONAME)
    found = ctypes.util.find_library("deliveryopt")  # runs ldconfig -p: only when got this far
    if found and found not in (SONAME, LINKER_NAME):
        yield Candidate("system loader (find_library)", found)
    yield Candidate("system loader", LINKER_NAME)

    seen = set()
    for prefix in (Path(sys.prefix), Path("/usr/local")):
        libdir = prefix / "lib"
        if libdir in seen:
            continue
        seen.add(libdir)
        for name in (SONAME, LINKER_NAME):
            if (libdir / name).exists():
                yield Candidate("install prefix", str(libdir / name))


def library_candidates(environ: Optional[Mapping[str, str]] = None,
                       package_dir: Optional[Path] = None) -> List[Candidate]:
    """The search order as a list, without loading anything (see the module docstring).
    ``environ`` defaults to ``os.environ``, ``package_dir`` to this package's directory."""
    return list(_candidates(environ, package_dir))


def _try_load(cand: Candidate) -> Tuple[Optional[ctypes.CDLL], str]:
    if os.sep in cand.name and not os.path.exists(cand.name):
        return None, "no such file"
    try:
        lib = ctypes.CDLL(cand.name)
    except OSError as exc:
        return None, str(exc) or type(exc).__name__
    if not hasattr(lib, "CoCreateInstance"):
        return None, "loaded, but it does not export CoCreateInstance (not libdeliveryopt?)"
    return lib, ""


def load_library(environ: Optional[Mapping[str, str]] = None,
                 package_dir: Optional[Path] = None) -> Tuple[ctypes.CDLL, Candidate]:
    """Walks the search order and returns ``(library, candidate)`` for the first that loads;
    raises :class:`LibraryNotFoundError` naming every attempt otherwise. Not cached: see
    ``deliveryopt.library()`` for the process-wide instance."""
    tried: List[Tuple[Candidate, str]] = []
    for cand in _candidates(environ, package_dir):
        lib, reason = _try_load(cand)
        if lib is not None:
            return lib, cand
        tried.append((cand, reason))
    hint = ""
    if tried and tried[0][0].step.startswith("$"):
        hint = ("%s is set, so nothing else was tried: point it at a built libdeliveryopt.so "
                "or unset it." % tried[0][0].step)
    raise LibraryNotFoundError(tried, hint)


class _DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


def loaded_path(lib: ctypes.CDLL, symbol: str = "CoCreateInstance") -> str:
    """The file the dynamic loader actually mapped for ``lib`` (``dladdr`` of one of its
    symbols), as an absolute path when the loader reports one; ``lib._name`` otherwise."""
    try:
        dladdr = ctypes.CDLL(None).dladdr
        dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(_DlInfo)]
        dladdr.restype = ctypes.c_int
        info = _DlInfo()
        addr = ctypes.cast(getattr(lib, symbol), ctypes.c_void_p).value
        if dladdr(addr, ctypes.byref(info)) and info.dli_fname:
            name = os.fsdecode(info.dli_fname)
            return os.path.realpath(name) if os.path.exists(name) else name
    except (AttributeError, OSError, ValueError):
        pass
    return str(lib._name)
