# SPDX-License-Identifier: GPL-2.0
"""TEST ONLY: whether Python source runs on Python 3.6, without a 3.6.

problems(source) lists (line, what) for every construct newer than 3.6
that it knows, in two passes:

* ast.parse(source, feature_version=(3, 6)): the parser of this Python
  (3.8 or later) refuses the grammar 3.6 lacks that it knows about
  (walrus, positional-only parameters, parenthesised context managers,
  match, except*, f"{x=}" ...);
* a walk over the tree for what that pass lets through: := and / again
  (3.8's own parser ignores feature_version for them), f-strings at all
  (JoinedStr; the plugin keeps to %-formatting), capture_output= and
  text= (subprocess, 3.7), `from __future__ import annotations` (3.7),
  decorators that are not a dotted name with optional call (3.9), a
  bare starred tuple after return / yield (3.8), `continue` in a finally
  (3.8), starred subscripts (3.11), and the 3.7+ library names below.

The names are matched by their last dotted part (or the module in an
import), which is stricter than needed: a local `run` method is fine,
so only names that are 3.7+ wherever they occur are listed.
"""
import ast

# Modules added after 3.6.
NEW_MODULES = {
    "dataclasses": "3.7", "contextvars": "3.7", "importlib.resources": "3.7",
    "importlib.metadata": "3.8", "zoneinfo": "3.9", "graphlib": "3.9",
    "tomllib": "3.11",
}

# module.attribute added after 3.6 (looked up as written: subprocess.run is
# fine, asyncio.run is not).
NEW_ATTRIBUTES = {
    ("asyncio", "run"): "3.7", ("asyncio", "create_task"): "3.7",
    ("asyncio", "get_running_loop"): "3.7", ("asyncio", "current_task"): "3.7",
    ("asyncio", "all_tasks"): "3.7", ("asyncio", "to_thread"): "3.9",
    ("contextlib", "nullcontext"): "3.7",
    ("contextlib", "asynccontextmanager"): "3.7",
    ("contextlib", "AsyncExitStack"): "3.7", ("contextlib", "chdir"): "3.11",
    ("time", "time_ns"): "3.7", ("time", "monotonic_ns"): "3.7",
    ("time", "perf_counter_ns"): "3.7", ("time", "process_time_ns"): "3.7",
    ("time", "clock_gettime_ns"): "3.7", ("time", "thread_time"): "3.7",
    ("math", "remainder"): "3.7", ("math", "prod"): "3.8",
    ("math", "isqrt"): "3.8", ("math", "dist"): "3.8", ("math", "comb"): "3.8",
    ("math", "perm"): "3.8", ("math", "lcm"): "3.9",
    ("math", "nextafter"): "3.9", ("math", "ulp"): "3.9",
    ("shlex", "join"): "3.8", ("functools", "cached_property"): "3.8",
    ("functools", "singledispatchmethod"): "3.8", ("functools", "cache"): "3.9",
    ("os", "register_at_fork"): "3.7", ("os", "memfd_create"): "3.8",
    ("os", "pidfd_open"): "3.9", ("os", "waitstatus_to_exitcode"): "3.9",
    ("sys", "breakpointhook"): "3.7", ("sys", "unraisablehook"): "3.8",
    ("sys", "pycache_prefix"): "3.8", ("sys", "orig_argv"): "3.10",
    ("socket", "create_server"): "3.8",
    ("re", "Pattern"): "3.7", ("re", "Match"): "3.7",
    ("typing", "Literal"): "3.8", ("typing", "Final"): "3.8",
    ("typing", "Protocol"): "3.8", ("typing", "TypedDict"): "3.8",
    ("typing", "Annotated"): "3.9", ("typing", "ParamSpec"): "3.10",
    ("typing", "TypeAlias"): "3.10", ("typing", "Self"): "3.11",
}
# Builtins and methods that are 3.7+ under any receiver.
NEW_NAMES = {
    "breakpoint": "3.7 builtin", "aiter": "3.10 builtin", "anext": "3.10 builtin",
    "isascii": "3.7 str/bytes method", "removeprefix": "3.9 str method",
    "removesuffix": "3.9 str method", "bit_count": "3.10 int method",
    "fromisoformat": "3.7 datetime method", "is_relative_to": "3.9 Path method",
    "with_stem": "3.9 Path method",
}

# Keyword arguments that are 3.7+: capture_output/text anywhere (subprocess
# run, Popen, check_output... all took them in 3.7); others per function.
NEW_KEYWORDS = {"capture_output": "3.7 subprocess", "text": "3.7 subprocess"}
NEW_KEYWORDS_OF = {
    ("zip", "strict"): "3.10", ("toxml", "standalone"): "3.9",
    ("toprettyxml", "standalone"): "3.9", ("writexml", "standalone"): "3.9",
}


def _dotted(node):
    """"a.b.c" for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _callee_name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _decorator_ok(node):
    """3.6 grammar: a dotted name, optionally called."""
    if isinstance(node, ast.Call):
        node = node.func
    return _dotted(node) is not None


def _continue_in_finally(stmts, found):
    """`continue` directly in a finally clause (not in a loop inside it)."""
    for st in stmts:
        if isinstance(st, ast.Continue):
            found.append(st)
        elif isinstance(st, (ast.For, ast.While, ast.AsyncFor, ast.FunctionDef,
                             ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        else:
            for child in ast.iter_child_nodes(st):
                if isinstance(child, ast.ExceptHandler):
                    _continue_in_finally(child.body, found)
                elif isinstance(child, ast.stmt):
                    _continue_in_finally([child], found)


def problems(source, filename="<source>"):
    """[(line, what)] of what Python 3.6 cannot run; [] when none known."""
    try:
        ast.parse(source, filename, feature_version=(3, 6))
    except SyntaxError as e:
        return [(e.lineno or 0, "not Python 3.6 syntax: %s" % e.msg)]
    tree = ast.parse(source, filename)
    lines = source.splitlines()
    found = []

    def add(node, what):
        found.append((getattr(node, "lineno", 0), what))

    # Nodes whose grammar is newer than 3.6, for a parser that let them
    # through (3.8's ignores feature_version for := and /).
    newer = tuple(getattr(ast, name) for name in ("NamedExpr", "Match", "TryStar")
                  if hasattr(ast, name))
    for node in ast.walk(tree):
        if isinstance(node, newer):
            add(node, "%s (newer than 3.6)" % type(node).__name__)
        elif isinstance(node, ast.arguments) and getattr(node, "posonlyargs", None):
            add(node.posonlyargs[0], "positional-only parameters (3.8)")
        elif isinstance(node, ast.JoinedStr):
            add(node, "f-string (the plugin keeps to % formatting)")
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if mod == "__future__" and any(a.name == "annotations" for a in node.names):
                add(node, "from __future__ import annotations (3.7)")
            if mod in NEW_MODULES:
                add(node, "module %s (%s)" % (mod, NEW_MODULES[mod]))
            for a in node.names:
                full = "%s.%s" % (mod, a.name)
                if full in NEW_MODULES:
                    add(node, "module %s (%s)" % (full, NEW_MODULES[full]))
                if (mod, a.name) in NEW_ATTRIBUTES:
                    add(node, "%s (%s)" % (full, NEW_ATTRIBUTES[(mod, a.name)]))
                if a.name in NEW_NAMES:
                    add(node, "%s (%s)" % (a.name, NEW_NAMES[a.name]))
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name in NEW_MODULES:
                    add(node, "module %s (%s)" % (a.name, NEW_MODULES[a.name]))
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if dotted:
                head, _, _ = dotted.rpartition(".")
                key = (head.rpartition(".")[2] if head else "", node.attr)
                if key in NEW_ATTRIBUTES:
                    add(node, "%s (%s)" % (dotted, NEW_ATTRIBUTES[key]))
                    continue
                if dotted in NEW_MODULES or head in NEW_MODULES:
                    continue  # reported at the import
            if node.attr in NEW_NAMES:
                add(node, ".%s (%s)" % (node.attr, NEW_NAMES[node.attr]))
        elif isinstance(node, ast.Name):
            if node.id in NEW_NAMES:
                add(node, "%s (%s)" % (node.id, NEW_NAMES[node.id]))
        elif isinstance(node, ast.Call):
            callee = _callee_name(node.func)
            for kw in node.keywords:
                if kw.arg in NEW_KEYWORDS:
                    add(node, "keyword %s= (%s)" % (kw.arg, NEW_KEYWORDS[kw.arg]))
                elif (callee, kw.arg) in NEW_KEYWORDS_OF:
                    add(node, "%s(%s=) (%s)" % (callee, kw.arg,
                                                NEW_KEYWORDS_OF[(callee, kw.arg)]))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for d in node.decorator_list:
                if not _decorator_ok(d):
                    add(d, "decorator that is not a dotted name (3.9)")
        elif isinstance(node, (ast.Return, ast.Yield)):
            v = node.value
            if isinstance(v, ast.Tuple) and any(isinstance(e, ast.Starred) for e in v.elts):
                line = lines[v.lineno - 1] if 0 < v.lineno <= len(lines) else ""
                if line[v.col_offset:v.col_offset + 1] != "(":
                    add(node, "unparenthesised starred tuple after return/yield (3.8)")
        elif isinstance(node, ast.Try):
            bad = []
            _continue_in_finally(node.finalbody, bad)
            for b in bad:
                add(b, "continue in a finally clause (3.8)")
        elif isinstance(node, ast.Subscript):
            s = node.slice
            elts = s.elts if isinstance(s, ast.Tuple) else [s]
            if any(isinstance(e, ast.Starred) for e in elts):
                add(node, "starred subscript (3.11)")
    return sorted(set(found))
