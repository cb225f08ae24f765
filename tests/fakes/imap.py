"""A loopback IMAP4rev1 server speaking the subset imap-tools uses to poll a mailbox.

What imap-tools 1.x sends (read from its mailbox.py, and what imaplib adds):
  greeting -> `CAPABILITY` (imaplib asks when the greeting carries none), `LOGIN "u" "p"`,
  `SELECT "INBOX"`, `UID SEARCH CHARSET US-ASCII UNSEEN`, `UID FETCH 7 (BODY.PEEK[] UID FLAGS
  RFC822.SIZE)`, `UID STORE 7 +FLAGS (\\Seen)` (the poller's own STORE: imap-tools' `flag`
  would add an `EXPUNGE`, also served here), `UID MOVE 7 "Processed"` (when MOVE is
  advertised), `LOGOUT`.
Anything else is answered `BAD`, so an unexpected command fails the test instead of passing.

State lives in `FakeImap.folders` ({name: [Message]}), shared by every connection. Faults:
`drop_after_fetches=N` closes the socket in the middle of the (N+1)-th literal, once;
`password` mismatch answers `NO [AUTHENTICATIONFAILED]`.
"""

from __future__ import annotations

import shlex
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Message:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def send(self, line: str | bytes) -> None:
        data = line.encode() if isinstance(line, str) else line
        self.wfile.write(data + b"\r\n")

    def handle(self) -> None:
        fake = self.server.fake
        self.selected: str | None = None
        self.send("* OK [CAPABILITY IMAP4rev1] tourstack fake imap ready")
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            fake.commands.append(text)
            tag, _, rest = text.partition(" ")
            name, _, args = rest.partition(" ")
            try:
                if not self.dispatch(tag, name.upper(), args):
                    return
            except _Dropped:
                return
            except Exception as exc:  # a malformed command is the client's bug: say so
                self.send(f"{tag} BAD {type(exc).__name__}: {exc}")

    def dispatch(self, tag: str, name: str, args: str) -> bool:
        fake = self.server.fake
        if name == "CAPABILITY":
            self.send("* CAPABILITY " + " ".join(fake.capabilities))
        elif name == "NOOP":
            pass
        elif name == "LOGIN":
            user, password = shlex.split(args)
            if (user, password) != (fake.user, fake.password):
                self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)")
                return True
            fake.logins += 1
        elif name == "SELECT":
            folder = shlex.split(args)[0]
            with fake.lock:
                if folder not in fake.folders:
                    self.send(f"{tag} NO [NONEXISTENT] no folder {folder}")
                    return True
                box = fake.folders[folder]
                self.selected = folder
                self.send(r"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)")
                self.send(f"* {len(box)} EXISTS")
                self.send("* 0 RECENT")
                self.send(f"* OK [UIDVALIDITY {fake.uidvalidity}] UIDs valid")
                self.send(f"* OK [UIDNEXT {fake.next_uid}] next")
            self.send(f"{tag} OK [READ-WRITE] SELECT completed")
            return True
        elif name == "UID":
            sub, _, sub_args = args.partition(" ")
            return self.uid(tag, sub.upper(), sub_args)
        elif name == "EXPUNGE":
            with fake.lock:
                box = fake.folders[self.selected]
                for index in range(len(box) - 1, -1, -1):
                    if "\\Deleted" in box[index].flags:
                        del box[index]
                        self.send(f"* {index + 1} EXPUNGE")
        elif name == "LOGOUT":
            self.send("* BYE logging out")
            self.send(f"{tag} OK LOGOUT completed")
            return False
        else:
            self.send(f"{tag} BAD unknown command {name}")
            return True
        self.send(f"{tag} OK {name} completed")
        return True

    def _box(self) -> list[Message]:
        return self.server.fake.folders[self.selected]

    def _uids(self, spec: str) -> list[int]:
        return [int(u) for u in spec.split(",")]

    def uid(self, tag: str, sub: str, args: str) -> bool:
        fake = self.server.fake
        if self.selected is None:
            self.send(f"{tag} BAD no mailbox selected")
            return True
        if sub == "SEARCH":
            criteria = args.upper().split()
            if criteria[:1] == ["CHARSET"]:
                criteria = criteria[2:]
            with fake.lock:
                if criteria == ["UNSEEN"]:
                    found = [m.uid for m in self._box() if "\\Seen" not in m.flags]
                elif criteria == ["ALL"]:
                    found = [m.uid for m in self._box()]
                else:
                    self.send(f"{tag} BAD search criteria not supported: {args}")
                    return True
            self.send("* SEARCH" + "".join(f" {u}" for u in found))
        elif sub == "FETCH":
            spec, _, items = args.partition(" ")
            peek = "BODY.PEEK[]" in items.upper()
            if not peek and "BODY[]" not in items.upper() and "RFC822" not in items.upper():
                self.send(f"{tag} BAD fetch items not supported: {items}")
                return True
            for uid in self._uids(spec):
                with fake.lock:
                    seq, message = next(((i + 1, m) for i, m in enumerate(self._box()) if m.uid == uid), (None, None))
                    if message is None:
                        continue
                    if not peek:
                        message.flags.add("\\Seen")
                    flags = " ".join(sorted(message.flags))
                head = f"* {seq} FETCH (UID {uid} FLAGS ({flags}) RFC822.SIZE {len(message.raw)} BODY[] {{{len(message.raw)}}}"
                self.send(head)
                if fake.drop_after_fetches is not None and fake.fetches >= fake.drop_after_fetches:
                    fake.drop_after_fetches = None  # once
                    self.wfile.write(message.raw[: len(message.raw) // 2])
                    self.wfile.flush()
                    raise _Dropped
                fake.fetches += 1
                self.wfile.write(message.raw)
                self.send(")")
        elif sub == "STORE":
            spec, mode, flag_list = args.split(" ", 2)
            flags = set(flag_list.strip("()").split())
            for uid in self._uids(spec):
                with fake.lock:
                    seq, message = next(((i + 1, m) for i, m in enumerate(self._box()) if m.uid == uid), (None, None))
                    if message is None:
                        continue
                    if mode.upper() == "+FLAGS":
                        message.flags |= flags
                    elif mode.upper() == "-FLAGS":
                        message.flags -= flags
                    else:
                        message.flags = flags
                    current = " ".join(sorted(message.flags))
                self.send(f"* {seq} FETCH (UID {uid} FLAGS ({current}))")
        elif sub == "MOVE" and "MOVE" in fake.capabilities:
            spec, target = args.split(" ", 1)
            target = shlex.split(target)[0]
            with fake.lock:
                if target not in fake.folders:
                    self.send(f"{tag} NO [TRYCREATE] no folder {target}")
                    return True
                for uid in self._uids(spec):
                    box = self._box()
                    index = next((i for i, m in enumerate(box) if m.uid == uid), None)
                    if index is not None:
                        fake.folders[target].append(box.pop(index))
                        self.send(f"* {index + 1} EXPUNGE")
        else:
            self.send(f"{tag} BAD UID {sub} not supported")
            return True
        self.send(f"{tag} OK UID {sub} completed")
        return True


class _Dropped(Exception):
    pass


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    fake: FakeImap


class FakeImap:
    """`with FakeImap(user=..., password=...) as imap:` then `imap.deliver(raw)`; `imap.port`."""

    def __init__(self, user: str = "inbox@tourstack.test", password: str = "right-password",
                 *, move: bool = False) -> None:
        self.user, self.password = user, password
        self.capabilities = ["IMAP4rev1", "UIDPLUS"] + (["MOVE"] if move else [])
        self.folders: dict[str, list[Message]] = {"INBOX": [], "Processed": []}
        self.uidvalidity, self.next_uid = 1_700_000_000, 1
        self.lock = threading.Lock()
        self.commands: list[str] = []
        self.logins = 0
        self.fetches = 0
        self.drop_after_fetches: int | None = None
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def deliver(self, raw: bytes, folder: str = "INBOX", flags: set[str] | None = None) -> int:
        with self.lock:
            uid, self.next_uid = self.next_uid, self.next_uid + 1
            self.folders[folder].append(Message(uid, raw, set(flags or ())))
        return uid

    def unseen(self, folder: str = "INBOX") -> list[int]:
        with self.lock:
            return [m.uid for m in self.folders[folder] if "\\Seen" not in m.flags]

    def __enter__(self) -> FakeImap:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


