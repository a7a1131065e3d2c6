# SPDX-License-Identifier: GPL-2.0
"""TEST ONLY: a stand-in for xapi's XenAPIPlugin module, behaving as the
real one does (xen-api scripts/examples/python/XenAPIPlugin.py).

xapi runs a plugin with one argument, an XML-RPC methodCall: the method is
the function's name, the parameters the session reference and the args
dict. dispatch() runs that function with (session, args) and prints one
XML-RPC methodResponse on standard output, exit status 0 whatever happened:
  success              {"Status": "Success", "Value": RESULT}
  Failure(code, ps)    {"Status": "Failure", "ErrorDescription": [code] + ps}
  any other exception  ... ["XENAPI_PLUGIN_FAILURE", FN, CLASS NAME, str(e)]
  no such function     ... ["UNKNOWN_XENAPI_PLUGIN_FUNCTION", FN]
SystemExit passes through; a wrong argument count is an exception.
xapi turns ErrorDescription into the API error (code, then params) that
xe host-call-plugin and XenAPI clients report.
"""
import sys
import xmlrpc.client

import XenAPI


class Failure(Exception):
    """An error whose description the plugin chooses: code, then params."""

    def __init__(self, code, params):
        Exception.__init__(self)
        self.params = [code] + params

    def __str__(self):
        return str(self.params)


def _response(value):
    return xmlrpc.client.dumps((value,), "", True)


def success_message(result):
    return _response({"Status": "Success", "Value": result})


def failure_message(description):
    return _response({"Status": "Failure", "ErrorDescription": description})


def dispatch(fn_table):
    if len(sys.argv) != 2:
        raise Exception("Incorrect number of commandline arguments")
    params, methodname = xmlrpc.client.loads(sys.argv[1])
    session_ref, args = params[0], params[1]
    if methodname not in fn_table:
        print(failure_message(["UNKNOWN_XENAPI_PLUGIN_FUNCTION", methodname]))
        return
    session = XenAPI.xapi_local()
    session._session = session_ref
    try:
        print(success_message(fn_table[methodname](session, args)))
    except SystemExit:
        raise
    except Failure as e:
        print(failure_message(e.params))
    except Exception as e:
        print(failure_message(["XENAPI_PLUGIN_FAILURE", methodname,
                               type(e).__name__, str(e)]))
