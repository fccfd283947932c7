"""Sending one email so that a crash or a timeout can never make it go out twice.

Django's SMTP backend with two changes: just before the final "." that hands the message to the
server, it calls ``message.on_handover()``, which records (and commits) the hand-over in the
outbox; right after reading the server's 250 it calls ``message.on_accepted()``, which records the
row as sent. Before the hand-over nothing was delivered, so a retry is safe. Between the two the
fate of the message is unknown (it may be queued, the answer lost): such a row is uncertain, never
marked sent and never resent without a clerk (see delivery.send_envelope).
"""

import contextlib
import functools
import io
import re
import smtplib
import socket
from email.generator import BytesGenerator
from email.policy import Compat32

from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend
from django.core.mail.message import sanitize_address

_LEADING_DOT = re.compile(rb"(?m)^\.")


class DeliveryUncertain(Exception):
    """The message was handed over but the server did not confirm it: it may or may not have arrived."""


class Refused(Exception):
    """The server answered with a refusal: nothing was delivered. 5xx is for good, 4xx for now."""

    def __init__(self, code, reply):
        super().__init__(f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}")
        self.code = code
        self.permanent = 500 <= code < 600


@functools.lru_cache(maxsize=4096)
def _envelope_address(address, encoding):
    """``sanitize_address`` (it is not cheap: the sender's Vietnamese name is encoded each time),
    once per address: a round sends from one sender to a few hundred agencies' addresses."""
    return sanitize_address(address, encoding)


_PLAIN_HEADER = re.compile(r"[\x21-\x7e]+( [\x21-\x7e]+)*")


class _Policy(Compat32):
    """The policy Django's messages are written with (compat32), without its cost where it changes
    nothing: a short one-line ASCII header with single spaces is written as it is, as Header's
    folding would write it; every other header is folded as before."""

    def fold_binary(self, name, value):
        if isinstance(value, str) and len(name) + len(value) + 2 <= 78 and _PLAIN_HEADER.fullmatch(value):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


_POLICY = _Policy()


class _Generator(BytesGenerator):
    @classmethod
    def _make_boundary(cls, text=None):
        """A random boundary as the email package makes it; its check that no line of ``text`` is
        the boundary compiles a regular expression per message: a boundary found nowhere in the
        text passes it, so only one that is found goes through that check."""
        boundary = super()._make_boundary()
        if text is None or f"--{boundary}".encode("ascii") not in text:  # bytes, from a BytesGenerator
            return boundary
        return super()._make_boundary(text)


def message_bytes(message) -> bytes:
    """``message.as_bytes(linesep="\r\n")``, byte for byte but for a multipart's random boundary
    (held equal by a test), faster."""
    out = io.BytesIO()
    _Generator(out, mangle_from_=False, policy=_POLICY).flatten(message, linesep="\r\n")
    return out.getvalue()


def _line_endings(data: bytes) -> bytes:
    return re.sub(rb"\r\n|\r|\n", b"\r\n", data)


class HandoverSMTPBackend(DjangoSMTPBackend):
    supports_handover = True

    def open(self):
        opened = super().open()
        sock = getattr(self.connection, "sock", None)
        if sock is not None:
            # The message body and its final "." go out as two writes (the hand-over is recorded
            # between them); without this, Nagle's algorithm holds the "." for the server's
            # delayed ACK, tens of milliseconds per message.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return opened

    def hand_over(self, email_message, message=None) -> bool:
        """MAIL, RCPT, DATA and the message, all but its final ".": nothing is delivered yet, so the
        caller may still record (and commit) the hand-over, then call ``confirm``. False: no recipient.
        ``message``: ``email_message.message()`` when the caller built it already (it is not cheap)."""
        if not email_message.recipients():
            return False
        encoding = email_message.encoding or "utf-8"
        from_email = _envelope_address(email_message.from_email, encoding)
        recipients = [_envelope_address(addr, encoding) for addr in email_message.recipients()]
        message = message if message is not None else email_message.message()
        payload = _LEADING_DOT.sub(b"..", _line_endings(message_bytes(message)))
        if not payload.endswith(b"\r\n"):
            payload += b"\r\n"
        conn = self.connection
        conn.ehlo_or_helo_if_needed()
        try:
            self._envelope(conn, from_email, recipients)
        except Refused:
            # The server may hold the sender it accepted: without RSET the next message's MAIL
            # would be refused as nested ("503"), and fail for good.
            with contextlib.suppress(smtplib.SMTPException, OSError):  # then the next dialogue fails, and reopens
                conn.rset()
            raise
        conn.send(payload)
        return True

    def _envelope(self, conn, from_email, recipients):
        code, reply = conn.mail(from_email)
        if code != 250:
            raise Refused(code, reply)
        refused = {}
        for recipient in recipients:
            code, reply = conn.rcpt(recipient)
            if code not in (250, 251):
                refused[recipient] = (code, reply)
        if len(refused) == len(recipients):
            raise Refused(min(c for c, _ in refused.values()), f"all recipients refused: {refused}")
        code, reply = conn.docmd("data")
        if code != 354:
            raise Refused(code, reply)

    def confirm(self):
        """The final "." and the server's answer. Returns on its 250 (delivered); raises Refused on a
        clear refusal, DeliveryUncertain when no answer came (it may have been delivered)."""
        self.final_dot()
        self.answer()

    def final_dot(self):
        """The final "." alone, which delivers the message: the caller may do other work (build the
        next email) while the server takes it in, then read its ``answer``."""
        try:
            self.connection.send(b".\r\n")
        except (TimeoutError, OSError, smtplib.SMTPServerDisconnected) as exc:
            raise DeliveryUncertain(f"no answer after the message was handed over: {exc}") from exc

    def answer(self):
        """The server's answer to the final ".": as ``confirm``."""
        try:
            code, reply = self.connection.getreply()
        except (TimeoutError, OSError, smtplib.SMTPServerDisconnected) as exc:
            raise DeliveryUncertain(f"no answer after the message was handed over: {exc}") from exc
        if code != 250:
            raise Refused(code, reply)  # a clear answer after the data: the server did not take it

    def _send(self, email_message):
        if not self.hand_over(email_message):
            return False
        # The last moment at which nothing has been delivered: record the hand-over, then commit it.
        handover = getattr(email_message, "on_handover", None)
        if handover is not None:
            handover()
        self.confirm()
        accepted = getattr(email_message, "on_accepted", None)
        if accepted is not None:
            accepted()  # at once: a crash from here on would leave a delivered message uncertain
        return True
