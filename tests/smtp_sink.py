"""A real SMTP server on loopback (aiosmtpd) that records what it accepts, for tests and benchmarks."""

import asyncio
import email
import socket
import threading

from aiosmtpd.controller import Controller


class Recorder:
    """Keeps each accepted message; can answer with an error or not answer at all."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.reply = "250 OK"
        self.rcpt_reply = None  # e.g. "550 no such mailbox": every recipient refused
        self.stall_seconds = 0
        self.peers = set()  # the client ends of the connections messages came over

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.peers.add(session.peer)
        if self.stall_seconds:
            with self.lock:
                self.messages.append(email.message_from_bytes(envelope.content))
            await asyncio.sleep(self.stall_seconds)  # accepted, but the client hears nothing
        if self.reply.startswith("250") and not self.stall_seconds:
            with self.lock:
                self.messages.append(email.message_from_bytes(envelope.content))
        return self.reply

    def message_ids(self):
        with self.lock:
            return [m["Message-ID"] for m in self.messages]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sink(port=None):
    """Start a sink on loopback; returns (controller, recorder). ``controller.port`` is its port."""
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller, recorder
