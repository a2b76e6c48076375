"""A local SMTP sink: accepts every message and writes it as an .eml file.

A minimal SMTP server (asyncio, standard library only) for Odoo's outgoing
mail server to point at: it speaks EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP
and QUIT, never relays anything, and writes each message it receives, as
received, into a folder (000001.eml, 000002.eml, ...). No TLS, no AUTH:
Odoo's mail server must use no encryption and no login.

In a script (make bench), in a background thread:

    with MailSink(folder) as sink:  # or MailSink(folder).start() ... .stop()
        ... point an ir.mail_server at 127.0.0.1:sink.port, send ...
        print(sink.count)

From a shell (make demo, or by hand), in the foreground until Ctrl-C/SIGTERM:

    python3 -m dev.mail_sink --port 2525 --dir .local/mail
"""

import argparse
import asyncio
import signal
import threading
from pathlib import Path

MAX_LINE = 1 << 20  # longest command or message line accepted (bytes)


class MailSink:
    """An SMTP server on ``host``:``port`` (0: any free port, see ``port``
    once started) writing every message into ``folder``."""

    def __init__(self, folder, host="127.0.0.1", port=0):
        self.folder = Path(folder)
        self.host, self.port = host, port
        self.count = 0  # messages received
        self._loop = self._server = self._thread = None

    # -- start and stop
    def start(self):
        """Listen in a background thread; return once the port is bound."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = len(list(self.folder.glob("*.eml")))
        ready = threading.Event()
        failure = []

        def serve():
            self._loop = asyncio.new_event_loop()
            try:
                self._server = self._loop.run_until_complete(self._listen())
            except OSError as error:
                failure.append(error)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()
            self._server.close()
            self._loop.run_until_complete(self._server.wait_closed())
            self._loop.close()

        self._thread = threading.Thread(target=serve, name="mail-sink", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    def stop(self):
        if self._loop and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *_exc):
        self.stop()

    async def _listen(self):
        server = await asyncio.start_server(
            self._session, self.host, self.port, limit=MAX_LINE
        )
        self.port = server.sockets[0].getsockname()[1]
        return server

    # -- the SMTP conversation
    async def _session(self, reader, writer):
        async def reply(*lines):
            *first, last = lines
            text = "".join(f"{line[:3]}-{line[4:]}\r\n" for line in first)
            writer.write(f"{text}{last}\r\n".encode())
            await writer.drain()

        sender, recipients = None, []
        try:
            await reply("220 adr-mail-sink ESMTP ready")
            while line := await reader.readline():
                command, _sep, argument = (
                    line.decode("utf-8", "replace").strip().partition(" ")
                )
                verb = command.upper()
                if verb == "EHLO":
                    await reply(
                        "250 adr-mail-sink", "250 8BITMIME", "250 SMTPUTF8", "250 HELP"
                    )
                elif verb == "HELO":
                    await reply("250 adr-mail-sink")
                elif verb == "MAIL":
                    sender, recipients = argument, []
                    await reply("250 OK")
                elif verb == "RCPT":
                    if sender is None:
                        await reply("503 MAIL first")
                        continue
                    recipients.append(argument)
                    await reply("250 OK")
                elif verb == "DATA":
                    if not recipients:
                        await reply("503 RCPT first")
                        continue
                    await reply("354 End data with <CR><LF>.<CR><LF>")
                    self._store(await self._read_data(reader))
                    sender, recipients = None, []
                    await reply(f"250 OK: queued as {self.count}")
                elif verb == "RSET":
                    sender, recipients = None, []
                    await reply("250 OK")
                elif verb == "NOOP":
                    await reply("250 OK")
                elif verb == "QUIT":
                    await reply("221 Bye")
                    break
                else:
                    await reply(f"502 {verb or 'empty command'} not implemented")
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    @staticmethod
    async def _read_data(reader):
        """The message up to the lone dot, dot-stuffing undone."""
        lines = []
        while True:
            line = await reader.readline()
            if not line or line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)

    def _store(self, message):
        self.count += 1
        (self.folder / f"{self.count:06d}.eml").write_bytes(message)


def main():
    parser = argparse.ArgumentParser(description="A local SMTP sink (.eml files).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--dir", required=True, help="folder for the .eml files")
    args = parser.parse_args()
    sink = MailSink(args.dir, args.host, args.port).start()
    print(f"SMTP sink on {sink.host}:{sink.port}, writing to {sink.folder}", flush=True)
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_args: stopped.set())
    stopped.wait()
    sink.stop()
    print(f"{sink.count} messages in {sink.folder}")


if __name__ == "__main__":
    main()
