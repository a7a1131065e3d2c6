# SPDX-License-Identifier: GPL-2.0
"""TEST ONLY: a stand-in for xapi's XenAPI module, as much as the plugin
and the stand-in XenAPIPlugin use: xapi_local() gives a session whose
"handle" is its reference and whose xenapi.CLASS.METHOD(...) calls fail as
they do when xapi cannot be reached, except, with $FAKE_XAPI_CERT set,
session.get_this_host and host.get_server_certificate (which returns it).
"""
import os


class Failure(Exception):
    """What XenAPI raises for an API error."""


class _Call(object):
    def __init__(self, name):
        self.name = name

    def __getattr__(self, name):
        return _Call(self.name + "." + name)

    def __call__(self, *args):
        cert = os.environ.get("FAKE_XAPI_CERT")
        if cert is not None and self.name == "session.get_this_host":
            return "OpaqueRef:fake-host"
        if cert is not None and self.name == "host.get_server_certificate" \
                and args == ("OpaqueRef:fake-host",):
            return cert
        raise OSError(2, "No such file or directory (no xapi: %s)" % self.name)


class _Root(object):
    def __getattr__(self, name):
        return _Call(name)


class Session(object):
    def __init__(self):
        self._session = None
        self.xenapi = _Root()

    @property
    def handle(self):
        return self._session


def xapi_local():
    return Session()
