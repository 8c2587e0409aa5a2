# SPDX-License-Identifier: BSD-2-Clause
"""The uplink's frame layer for the tests' scripted appliances and centrals
(docs/protocol.md): "GW", version 1, the type, a be32 length, the payload."""
import os
import socket
import ssl
import struct


def frame(t, p):
    return b"GW\x01" + bytes([t]) + struct.pack(">I", len(p)) + p


class Conn:
    """Frames read from a socket; the bytes of a frame not yet whole are kept
    across calls (a socket timeout in recv propagates and loses nothing)."""

    def __init__(self, s):
        self.s, self.buf = s, b""

    def read(self):
        """The next frame as (type, payload); EOFError when the peer closed."""
        while len(self.buf) < 8 or len(self.buf) < 8 + struct.unpack(">I", self.buf[4:8])[0]:
            d = self.s.recv(65536)
            if not d:
                raise EOFError("the peer closed the session")
            self.buf += d
        n = struct.unpack(">I", self.buf[4:8])[0]
        t, p, self.buf = self.buf[3], self.buf[8:8 + n], self.buf[8 + n:]
        return t, p


def central_listener(pki, port_file, backlog, timeout):
    """A scripted central's TLS server context (central's certificate, client
    certificates of the office CA required) and its listening socket on a
    loopback port, written to port_file once it listens (atomically)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(pki + "/server.crt", pki + "/server.key")
    ctx.load_verify_locations(pki + "/ca.crt")
    ctx.verify_mode = ssl.CERT_REQUIRED
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(backlog)
    ls.settimeout(timeout)
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(port_file + ".tmp", port_file)
    return ctx, ls
