"""A DNS server for one name, standing in for Docker's or Kubernetes' DNS on a machine without them.

HAProxy's `server-template ... resolvers` (deploy/haproxy-compose.cfg) asks a DNS server which addresses
a service name has, as it does in compose. This answers A queries for `name` with the addresses it is
given (changeable while it runs, as replicas come and go) and every other query with no answer. Plain
RFC 1035 over UDP on loopback; enough for HAProxy's resolver, not a general server.
"""

import socket
import struct
import threading

TYPE_A = 1
CLASS_IN = 1
TTL_S = 1


def _question(packet):
    """(name, qtype, end offset) of the first question of a query."""
    labels, offset = [], 12
    while packet[offset]:
        length = packet[offset]
        labels.append(packet[offset + 1 : offset + 1 + length].decode("ascii").lower())
        offset += 1 + length
    qtype, _ = struct.unpack("!HH", packet[offset + 1 : offset + 5])
    return ".".join(labels), qtype, offset + 5


def answer(query, name, addresses):
    """The response to one query: A records of `addresses` if it asks for `name`'s A, else none."""
    asked, qtype, end = _question(query)
    records = list(addresses) if (asked == name.lower().rstrip(".") and qtype == TYPE_A) else []
    flags = 0x8180 if asked == name.lower().rstrip(".") else 0x8183  # response, RD, RA; NXDOMAIN else
    header = query[:2] + struct.pack("!HHHHH", flags, 1, len(records), 0, 0)
    body = query[12:end]
    for address in records:  # the name as a pointer to the question's (offset 12)
        body += struct.pack("!HHHIH", 0xC00C, TYPE_A, CLASS_IN, TTL_S, 4) + socket.inet_aton(address)
    return header + body


class DnsStub:
    """Answers for `name` on 127.0.0.1:<port> in a thread; `addresses` may be replaced at any time."""

    def __init__(self, name, addresses):
        self.name = name
        self.addresses = list(addresses)
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.socket.close()

    def _serve(self):
        while True:
            try:
                query, client = self.socket.recvfrom(4096)
            except OSError:
                return  # closed
            try:
                self.socket.sendto(answer(query, self.name, self.addresses), client)
            except (OSError, IndexError, struct.error, UnicodeDecodeError):
                continue  # a malformed query gets no answer
