"""A real SMTP server for the tests: aiosmtpd's Maildir handler, plus two kinds of refusal so
that the application meets real SMTP answers. Run as
    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c sink.Sink DIR
with this folder on PYTHONPATH. Recipients whose local part starts with `refus` get a
permanent refusal (550), `tempo` a temporary one (451). The server stops by itself when the
process that started it (the test binary) is gone."""

import os
import threading
import time

from aiosmtpd.handlers import Mailbox

_PARENT = os.getppid()


def _watch_parent():
    while True:
        if os.getppid() != _PARENT:
            os._exit(0)
        time.sleep(0.5)


threading.Thread(target=_watch_parent, daemon=True).start()


class Sink(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local.startswith("refus"):
            return "550 5.1.1 Destinataire inconnu"
        if local.startswith("tempo"):
            return "451 4.3.0 Essayez plus tard"
        envelope.rcpt_tos.append(address)
        return "250 OK"
