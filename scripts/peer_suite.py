"""Run a peer's op test-suite against this engine: tinygrad's test/test_ops.py, with `torch` ported.

    python scripts/peer_suite.py [--version 0.12.0] [--json PATH] [--failures N] [-k EXPR]

tinygrad's suite checks each op by running a torch function and a tinygrad function on the same
inputs and comparing outputs, dtypes and input gradients. Here the tinygrad side is the torch
function itself, ported the way a user ports a program: its global `torch` is rebound to
`tinygrad_lite` (and torch tensors it closes over become engine tensors), so each test asks
"does this piece of torch code give torch's answer when run on tinygrad_lite?".

A test is in scope when, once the tinygrad-only arguments of its helper calls are set aside, its
body uses nothing of tinygrad's own API (Tensor, dtypes, Device, Context, ...): those tests
exercise torch's names only. Out-of-scope tests are not run, and a test the suite skips itself
(its own "slow" marks) is left out of the count.

The suite comes from tinygrad's source distribution on the package index (`pip download`), into
a temporary folder; none of it is kept. tinygrad's names the helpers need (Tensor, dtypes,
Device, getenv, ...) are supplied by a small stand-in package that maps them to this engine.
Prints a summary and writes JSON: in-scope and passed counts, the pass rate, and the most
common first lines of the failures.
"""
import argparse
import ast
import collections
import json
import os
import pathlib
import re
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET

TINYGRAD_ONLY = {"Tensor", "dtypes", "Device", "Context", "getenv", "CI", "IMAGE", "DEBUG", "CPU_LLVM",
                 "AMD_LLVM", "EMULATE", "is_dtype_supported", "_to_np_dtype", "COMPILE_ONLY", "FORWARD_ONLY"}
HELPERS = {"helper_test_op": 2, "helper_test_exception": 2}  # name -> position of tinygrad_fxn

# The stand-in package: tinygrad's names, as the suite's helpers use them, over this engine.
STAND_IN = {
    "__init__.py": '''
import numpy as np
import tinygrad_lite


class _NamesAnything(type):
    """The suite writes tinygrad's own function next to torch's (helper_test_op(shape, torch.selu,
    Tensor.selu)); the runner ignores it, but Python still looks it up: any missing name is a stand-in."""
    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _ignored


def _ignored(*args, **kwargs):
    raise AssertionError("tinygrad's own function was called; the runner should have ported torch's")


class Tensor(tinygrad_lite.Tensor, metaclass=_NamesAnything):
    """tinygrad_lite.Tensor, as the suite's `Tensor`."""
    __slots__ = ()

def _realize(self, *others):
    return self

def _gradient(self, *targets):
    """d(self)/d(targets), as tinygrad's Tensor.gradient: one backward, then each target's grad."""
    for t in targets:
        t.grad = None
    self.backward()
    return [t.grad if t.grad is not None else tinygrad_lite.zeros_like(t) for t in targets]

tinygrad_lite.Tensor.realize = _realize
tinygrad_lite.Tensor.gradient = _gradient

class _DTypes:
    """tinygrad's dtypes namespace: each name is the numpy dtype of the same meaning."""
    _ALIASES = {"default_float": "float32", "default_int": "int32", "int": "int32", "float": "float32",
                "uchar": "uint8", "char": "int8", "half": "float16", "double": "float64", "long": "int64",
                "short": "int16", "bool": "bool"}
    def __getattr__(self, name):
        try:
            return np.dtype(self._ALIASES.get(name, name))
        except TypeError:
            raise AttributeError(name) from None
    @staticmethod
    def is_float(dtype):
        return np.dtype(dtype).kind == "f"
    @staticmethod
    def min(dtype):
        dtype = np.dtype(dtype)
        return False if dtype.kind == "b" else np.iinfo(dtype).min if dtype.kind in "iu" else -float("inf")
    @staticmethod
    def max(dtype):
        dtype = np.dtype(dtype)
        return True if dtype.kind == "b" else np.iinfo(dtype).max if dtype.kind in "iu" else float("inf")

dtypes = _DTypes()

class Device:
    DEFAULT = "CPU"
''',
    "helpers.py": '''
import contextlib, os
def getenv(key, default=0):
    return type(default)(os.environ.get(key, default))
IMAGE = DEBUG = 0
CI = True
CPU_LLVM = AMD_LLVM = EMULATE = False
@contextlib.contextmanager
def Context(**kwargs):
    yield
''',
    "tensor.py": '''
import numpy as np
def _to_np_dtype(dtype):
    return np.dtype(dtype)
''',
    "device.py": '''
def is_dtype_supported(dtype, device=None):
    return True
''',
}

# Loaded by pytest in the run folder: every helper call runs the torch function twice, once on
# torch and once ported to the engine.
CONFTEST = '''
import functools, types
import numpy as np
import torch
import tinygrad_lite
import test_ops

_NAMESPACES = [(torch, tinygrad_lite), (torch.nn.functional, tinygrad_lite.nn.functional),
               (torch.Tensor, tinygrad_lite.Tensor), (torch.linalg, getattr(tinygrad_lite, "linalg", None)),
               (torch.special, getattr(tinygrad_lite, "special", None))]

def _missing(name):
    def missing(*args, **kwargs):
        raise AttributeError(f"tinygrad_lite has no {name!r}")
    return missing

def _names(namespace):
    """id of each public object of a torch namespace -> the name torch users call it by."""
    found = {}
    for name in dir(namespace):
        if not name.startswith("_"):
            found.setdefault(id(getattr(namespace, name, None)), name)
    return found

_NAMES = [(_names(theirs), ours) for theirs, ours in _NAMESPACES]

def _to_engine(value):
    """A torch tensor as an engine tensor; a torch function as the engine's of the same name (found
    by identity: torch.nn.functional.logsigmoid is a builtin called log_sigmoid)."""
    if isinstance(value, torch.Tensor):
        return tinygrad_lite.tensor(value.detach().numpy(), requires_grad=value.requires_grad)
    for names, ours in _NAMES:
        name = names.get(id(value))
        if name is not None and callable(value):
            return getattr(ours, name) if hasattr(ours, name) else _missing(name)
    return value

def ported(fn):
    """fn with `torch` meaning tinygrad_lite, and the torch tensors it closes over as engine tensors."""
    if not isinstance(fn, types.FunctionType) or fn.__module__.split(".")[0] == "torch":
        return _to_engine(fn)  # torch's own functions are replaced by name, not run on the engine
    cells = tuple(types.CellType(_to_engine(c.cell_contents)) for c in fn.__closure__ or ())
    globals_ = dict(fn.__globals__, torch=tinygrad_lite)
    defaults = tuple(_to_engine(d) for d in fn.__defaults__) if fn.__defaults__ else None
    return types.FunctionType(fn.__code__, globals_, fn.__name__, defaults, cells or None)

_helper_test_op = test_ops.helper_test_op
def helper_test_op(shps, torch_fxn, tinygrad_fxn=None, *args, **kwargs):
    return _helper_test_op(shps, torch_fxn, ported(torch_fxn), *args, **kwargs)
test_ops.helper_test_op = helper_test_op

_helper_test_exception = test_ops.TestOps.helper_test_exception
def helper_test_exception(self, shps, torch_fxn, tinygrad_fxn=None, *args, **kwargs):
    return _helper_test_exception(self, shps, torch_fxn, ported(torch_fxn), *args, **kwargs)
test_ops.TestOps.helper_test_exception = helper_test_exception
'''


def fetch_suite(version, folder):
    """tinygrad's test/test_ops.py from its source distribution on the package index."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                    f"tinygrad=={version}", "-d", str(folder)], check=True)
    archive = next(folder.glob("tinygrad-*.tar.gz"))
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/test/test_ops.py"))
        return tar.extractfile(member).read().decode()


def in_scope_tests(source):
    """Names of TestOps's tests that use torch's API only (see the module docstring)."""
    tree = ast.parse(source)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "TestOps")
    chosen = []
    for fn in cls.body:
        if not (isinstance(fn, ast.FunctionDef) and fn.name.startswith("test_")):
            continue
        calls = [c for c in ast.walk(fn) if isinstance(c, ast.Call) and _helper_name(c) in HELPERS]
        if not calls:
            continue
        for call in calls:  # set the tinygrad-only arguments aside
            position = HELPERS[_helper_name(call)]
            if len(call.args) > position:
                call.args[position] = ast.Constant(None)
            call.keywords = [k for k in call.keywords if k.arg != "tinygrad_fxn"]
        names = {n.id for stmt in fn.body for n in ast.walk(stmt) if isinstance(n, ast.Name)}
        if not names & TINYGRAD_ONLY:
            chosen.append(fn.name)
    return chosen


def _helper_name(call):
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def run(version, keyword, workers):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        source = fetch_suite(version, tmp)
        (tmp / "test_ops.py").write_text(source)
        (tmp / "conftest.py").write_text(CONFTEST)
        package = tmp / "tinygrad"
        package.mkdir()
        for name, text in STAND_IN.items():
            (package / name).write_text(text)
        tests = in_scope_tests(source)
        if keyword:
            tests = [t for t in tests if re.search(keyword, t)]
        ids = [f"test_ops.py::TestOps::{t}" for t in tests]
        report = tmp / "report.xml"
        root = pathlib.Path(__file__).resolve().parent.parent
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp), str(root)]), CI="1")
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
                   f"--junitxml={report}", "--rootdir", str(tmp), *ids]
        if workers > 1:
            command[4:4] = ["-n", str(workers)]
        done = subprocess.run(command, cwd=tmp, env=env, capture_output=True, text=True)
        if not report.exists():
            raise SystemExit(f"peer_suite: pytest wrote no report:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        return tests, _outcomes(report)


def _outcomes(report):
    """test name -> (passed, first line of the failure, the reason it was skipped or "")."""
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        problem = next((c for c in case if c.tag in ("failure", "error", "skipped")), None)
        message = "" if problem is None else (problem.get("message") or problem.text or "").strip()
        first = message.splitlines()[0][:160] if message else ""
        skipped = first or "skipped" if problem is not None and problem.tag == "skipped" else ""
        outcomes[case.get("name")] = (problem is None, first, skipped)
    return outcomes


def _reason(message):
    """A failure's first line with the numbers and shapes taken out, so alike failures group."""
    return re.sub(r"\d+(\.\d+)?(e-?\d+)?", "N", message)[:120]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default="0.12.0", help="tinygrad's version (its sdist holds the suite)")
    parser.add_argument("--json", type=pathlib.Path, help="write the results here")
    parser.add_argument("--failures", type=int, default=25, help="how many failure kinds to list")
    parser.add_argument("-k", dest="keyword", help="only tests whose name matches this regular expression")
    parser.add_argument("-n", dest="workers", type=int, default=2, help="pytest-xdist workers")
    args = parser.parse_args(argv)
    tests, outcomes = run(args.version, args.keyword, args.workers)
    skipped = {t: outcomes[t][2] for t in tests if t in outcomes and outcomes[t][2]}
    tests = [t for t in tests if t not in skipped]
    passed = sorted(t for t in tests if outcomes.get(t, (False,))[0])
    failed = {t: outcomes.get(t, (False, "did not run"))[1] for t in tests if t not in passed}
    kinds = collections.Counter(_reason(m) for m in failed.values())
    result = {"suite": f"tinygrad {args.version} test/test_ops.py (TestOps)", "in_scope": len(tests),
              "passed": len(passed), "pass_rate": round(len(passed) / max(len(tests), 1), 4),
              "skipped_by_the_suite": skipped, "failures": failed, "failure_kinds": kinds.most_common()}
    print(f"{result['suite']}: {len(passed)} of {len(tests)} in-scope tests pass "
          f"({100 * result['pass_rate']:.1f}%); {len(skipped)} more skipped by the suite itself")
    for reason, count in kinds.most_common(args.failures):
        print(f"  {count:4d}  {reason}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
