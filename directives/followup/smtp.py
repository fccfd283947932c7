"""Sending one email so that a crash or a timeout can never make it go out twice.

Django's SMTP backend with two changes: just before the final "." that hands the message to the
server, it calls ``message.on_handover()``, which records (and commits) the hand-over in the
outbox; right after reading the server's 250 it calls ``message.on_accepted()``, which records the
row as sent. Before the hand-over nothing was delivered, so a retry is safe. Between the two the
fate of the message is unknown (it may be queued, the answer lost): such a row is uncertain, never
marked sent and never resent without a clerk (see delivery.send_envelope).
"""

import contextlib
import email.charset
import functools
import io
import re
import smtplib
import socket
from email import base64mime, quoprimime
from email.charset import Charset
from email.generator import BytesGenerator
from email.header import Header
from email.policy import Compat32
from email.utils import formatdate

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend
from django.core.mail.message import (
    ADDRESS_HEADERS,
    RFC5322_EMAIL_LINE_LENGTH_LIMIT,
    forbid_multi_line_headers,
    sanitize_address,
)

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


@functools.lru_cache(maxsize=4096)
def _quoted(address):
    """``smtplib.quoteaddr`` of an envelope address (as ``SMTP.mail`` and ``SMTP.rcpt`` write it),
    once per address: it parses the address again at every command, a twentieth of an email's
    Python (bench/README.md, "perf15")."""
    return smtplib.quoteaddr(address)


class _Utf8(Charset):
    """The email package's UTF-8 charset, its headers split into encoded words in one pass.

    ``Charset.header_encode_lines`` measures every prefix of the text again (join, encode, length:
    quadratic in the text's length), which for a Vietnamese subject was a tenth of an email's
    Python. The encoded length of a prefix only grows, by each character's own share (its UTF-8
    bytes for base64, their quoted-printable length for "Q"), so the same greedy split is found
    by adding each character's share once: the same lines, the same words (a test compares them
    with the email package's over many texts)."""

    def __init__(self):
        super().__init__("utf-8")
        self.shares = {}  # character -> (its UTF-8 bytes, their quoted-printable length)

    def _share(self, character):
        found = self.shares.get(character)
        if found is None:
            data = character.encode("utf-8")
            found = (len(data), sum(_QP_LENGTH[octet] for octet in data))
            if len(self.shares) < 4096:  # Vietnamese needs a few hundred; a stranger text is not kept
                self.shares[character] = found
        return found

    def header_encode_lines(self, string, maxlengths):
        if self.header_encoding != email.charset.SHORTEST or (self.output_codec or "").lower() != "utf-8":
            return super().header_encode_lines(string, maxlengths)
        shares = [self._share(character) for character in string]
        # Charset._get_encoder's choice for the whole text: base64 when strictly shorter, else "Q".
        size = sum(octets for octets, _qp in shares)
        base64 = (size + 2) // 3 * 4 < sum(qp for _octets, qp in shares)
        encoder_module = base64mime if base64 else quoprimime
        extra = len(self.get_output_charset()) + _RFC2047_CHROME_LEN
        lines, start, size = [], 0, 0
        maxlen = next(maxlengths) - extra
        for index, (octets, qp) in enumerate(shares):
            added = octets if base64 else qp
            length = (size + added + 2) // 3 * 4 if base64 else size + added
            if length > maxlen:
                # As Charset's: the character goes to the next line (None: nothing fits the first).
                current = string[start:index]
                lines.append(encoder_module.header_encode(current.encode("utf-8"), "utf-8") if current else None)
                start, size = index, added
                maxlen = next(maxlengths) - extra
            else:
                size += added
        lines.append(encoder_module.header_encode(string[start:].encode("utf-8"), "utf-8"))
        return lines


_RFC2047_CHROME_LEN = 7  # email.charset's: "=?" "?" "?" "?=" around the charset and the text
# quoprimime.header_length of each byte alone (the length of a text is the sum over its bytes).
_QP_LENGTH = [quoprimime.header_length(bytes([octet])) for octet in range(256)]
_UTF8 = _Utf8()


def _header_value(name, value, encoding):
    """``forbid_multi_line_headers(name, value, encoding)``: a text header that is not ASCII is
    encoded with ``_Utf8`` (the same encoded words, faster); every other header goes to Django."""
    value = str(value)
    if (
        encoding.lower() == "utf-8"
        and not value.isascii()
        and name.lower() not in ADDRESS_HEADERS
        and "\n" not in value
        and "\r" not in value
    ):
        return name, Header(value, _UTF8).encode()
    return forbid_multi_line_headers(name, value, encoding)


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
_CRLF_POLICY = _POLICY.clone(linesep="\r\n")  # as the generator clones it for linesep="\r\n"


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


_PART_HEADERS = {
    # A text part's headers as Django's SafeMIMEText writes them for UTF-8: 7bit when the text is
    # ASCII, else 8bit (no line longer than RFC 5322's limit: those go the slow way, as QP).
    (subtype, cte): (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\nMIME-Version: 1.0\r\n'
        f"Content-Transfer-Encoding: {cte}\r\n\r\n"
    ).encode("ascii")
    for subtype in ("plain", "html")
    for cte in ("7bit", "8bit")
}
_NEWLINES = re.compile(rb"\r\n|\r|\n")
_LISTED = (("To", "to"), ("Cc", "cc"), ("Reply-To", "reply_to"))


def _fast_shape(email_message) -> bool:
    """The emails the outbox builds (render._email): plain text and one HTML alternative in UTF-8,
    no attachment, no header Django would take from ``extra_headers`` in place of its own list."""
    return (
        type(email_message) is EmailMultiAlternatives
        and email_message.body  # Django leaves an empty text part out
        and (email_message.encoding or settings.DEFAULT_CHARSET).lower() == "utf-8"
        and email_message.content_subtype == "plain"
        and email_message.alternative_subtype == "alternative"
        and not email_message.attachments
        and len(email_message.alternatives) == 1
        and email_message.alternatives[0][1] == "text/html"
        and not {"to", "cc", "reply-to", "date", "subject", "content-type", "mime-version"}
        & {name.lower() for name in email_message.extra_headers}
        and "message-id" in {name.lower() for name in email_message.extra_headers}
    )


def _text_part(text, subtype):
    """One text part's bytes as Django's message and the email package's generator write them, or
    None when it would be quoted-printable (a line over 998 bytes)."""
    data = text.encode("utf-8")
    if any(len(line.encode(errors="surrogateescape")) > RFC5322_EMAIL_LINE_LENGTH_LIMIT for line in text.splitlines()):
        return None
    return _PART_HEADERS[subtype, "7bit" if text.isascii() else "8bit"] + _NEWLINES.sub(b"\r\n", data)


def email_bytes(email_message) -> bytes:
    """``message_bytes(email_message.message())`` for the outbox's emails without building the MIME
    objects: each header folded by the same policy from the value Django would store (its checks
    and encoding, ``forbid_multi_line_headers``), the parts' fixed headers written once. Byte for
    byte the same but for the multipart's random boundary and the Date (held equal by a test);
    any other email goes through Django's message."""
    if _fast_shape(email_message):
        parts = [_text_part(email_message.body, "plain"), _text_part(email_message.alternatives[0][0], "html")]
        if None not in parts:
            return _assemble(email_message, parts)
    return message_bytes(email_message.message())


def _assemble(email_message, parts):
    encoding = "utf-8"
    boundary = _Generator._make_boundary(b"\r\n".join(parts))
    headers = [
        ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
        ("MIME-Version", "1.0"),
        ("Subject", email_message.subject),
        ("From", email_message.extra_headers.get("From", email_message.from_email)),
    ]
    for name, attribute in _LISTED:
        values = getattr(email_message, attribute)
        if values:
            headers.append((name, ", ".join(str(v) for v in values)))
    headers.append(("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)))
    headers.extend(
        (name, value)
        for name, value in email_message.extra_headers.items()
        if name.lower() not in {"from", "to", "cc", "reply-to"}
    )
    out = [_CRLF_POLICY.fold_binary(*_header_value(name, value, encoding)) for name, value in headers]
    dash = f"--{boundary}".encode("ascii")
    out += [b"\r\n", dash, b"\r\n", parts[0], b"\r\n", dash, b"\r\n", parts[1], b"\r\n", dash, b"--\r\n"]
    return b"".join(out)


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
        ``message``: the message's bytes (``email_bytes``), or ``email_message.message()``, when the
        caller built it already (it is not cheap)."""
        if not email_message.recipients():
            return False
        encoding = email_message.encoding or "utf-8"
        from_email = _envelope_address(email_message.from_email, encoding)
        recipients = [_envelope_address(addr, encoding) for addr in email_message.recipients()]
        if message is None:
            message = email_bytes(email_message)
        elif not isinstance(message, bytes):
            message = message_bytes(message)
        payload = _LEADING_DOT.sub(b"..", _line_endings(message))
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
        # SMTP.mail and SMTP.rcpt without options, their addresses quoted once (``_quoted``).
        conn.putcmd("mail", f"FROM:{_quoted(from_email)}")
        code, reply = conn.getreply()
        if code != 250:
            raise Refused(code, reply)
        refused = {}
        for recipient in recipients:
            conn.putcmd("rcpt", f"TO:{_quoted(recipient)}")
            code, reply = conn.getreply()
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
