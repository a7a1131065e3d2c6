# SPDX-License-Identifier: GPL-2.0
"""TEST ONLY: a stand-in for xapi's XenAPIPlugin module.

The real dispatch() reads an XML-RPC call from sys.argv, runs the named
function with (session, args) and prints the result or the failure. This
one keeps the table, so a test can call the functions the way xapi does,
and runs one call itself when sys.argv says: PLUGIN FN [JSON_ARGS].
"""
import json
import sys

functions = {}


class Failure(Exception):
    """What xapi reports to the caller: XENAPI_PLUGIN_FAILURE."""

    def __init__(self, code, params):
        super().__init__(code, params)
        self.code = code
        self.params = params


def dispatch(table):
    functions.clear()
    functions.update(table)
    if len(sys.argv) >= 2 and sys.argv[1] in table:
        args = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
        try:
            print(table[sys.argv[1]](None, args))
        except Exception as e:
            print(f"XENAPI_PLUGIN_FAILURE {type(e).__name__}: {e}", file=sys.stderr)
            sys.exit(1)
