#!/usr/bin/env python3
"""The helper's call graph between files, read off its objects with nm.

    check_calls.py OBJDIR

Issue 14's layering, checked on what the linker sees rather than on the
includes: (1) no cycle of calls between files (a file never reaches, through
other files' functions, a file that calls it); (2) the front ends (cmd_*.c,
xentpm.c) call no ESAPI/SAPI/marshaling function and no function of a
family's flows or transport: they go through the family-neutral layer
(attest.c). One "ok"/"not ok" line per rule; exit 1 on any "not ok".
"""
import collections
import glob
import os
import re
import subprocess
import sys

# Where each family's flows and TPM access live; front ends call attest.c.
FAMILY_FILES = {"tpm2_esys.o", "tpm2_flows.o", "tpm12.o", "tpm12_flows.o",
                "tpm12_attest.o", "tpm12_challenge.o"}
LIBRARY_CALLS = re.compile(r"^(Esys_|Tss2_|Fapi_)")


def symbols(obj):
    out = subprocess.run(["nm", obj], capture_output=True, text=True,
                         check=True).stdout
    funcs, used = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] == "T":
            funcs.add(f[2])
        elif len(f) == 2 and f[0] == "U":
            used.add(f[1])
    return funcs, used


def cycles(edges, nodes):
    """Tarjan's strongly connected components of more than one node."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return found


def main(objdir):
    objs = sorted(glob.glob(os.path.join(objdir, "**", "*.o"), recursive=True))
    name = {o: os.path.basename(o) for o in objs}
    defined_in, uses = {}, {}
    for o in objs:
        funcs, used = symbols(o)
        uses[o] = used
        for fn in funcs:
            defined_in[fn] = o
    edges = collections.defaultdict(set)
    for o in objs:
        for sym in uses[o]:
            if defined_in.get(sym, o) != o:
                edges[o].add(defined_in[sym])
    n_edges = sum(len(v) for v in edges.values())
    ok = True

    found = cycles(edges, objs)
    # A graph this size with few edges means nm read nothing useful.
    if len(objs) < 20 or n_edges < 50:
        print(f"not ok - calls: only {len(objs)} objects, {n_edges} "
              f"file-to-file calls under {objdir}")
        ok = False
    elif found:
        for comp in found:
            print("not ok - calls: files that reach each other: " +
                  " ".join(name[o] for o in comp))
        ok = False
    else:
        print(f"ok - calls: {len(objs)} objects, {n_edges} file-to-file "
              f"calls, no cycle")

    fronts = [o for o in objs
              if re.match(r"^(cmd_.*|xentpm)\.o$", name[o])]
    bad = []
    for o in fronts:
        for sym in sorted(uses[o]):
            target = defined_in.get(sym)
            if LIBRARY_CALLS.match(sym) or (
                    target and name[target] in FAMILY_FILES):
                bad.append(f"{name[o]} -> {sym}")
    if len(fronts) < 10:
        print(f"not ok - calls: only {len(fronts)} front ends found")
        ok = False
    elif bad:
        print("not ok - calls: front ends past the attest layer: " +
              ", ".join(bad))
        ok = False
    else:
        print(f"ok - calls: {len(fronts)} front ends (cmd_*.c, xentpm.c) "
              "call no ESAPI and no family's flow directly")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
