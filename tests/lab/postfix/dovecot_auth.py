#!/usr/bin/env python3
"""dovecot_auth.py - a stand-in for Dovecot's auth socket in the lab: on
each connection it sends the handshake Postfix's dovecot SASL client
waits for (VERSION, MECH, SPID, CUID, COOKIE, DONE), enough for an smtpd
with AUTH on to start; it logs in nobody (every AUTH gets FAIL).  The
sockets are made for OWNER (the mail owner), mode 0660.  Runs until
killed; a test starts it and kills it by its pid.

usage: dovecot_auth.py OWNER SOCKET...
"""
import os
import pwd
import socket
import sys
import threading

HANDSHAKE = (b"VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nSPID\t4242\n"
             b"CUID\t1\nCOOKIE\t" + b"0" * 32 + b"\nDONE\n")


def serve(conn):
    """one client: the handshake, then FAIL to every AUTH"""
    with conn:
        conn.sendall(HANDSHAKE)
        buf = b""
        while True:
            data = conn.recv(4096)
            if not data:
                return
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                fields = line.split(b"\t")
                if fields[0] == b"AUTH" and len(fields) > 1:
                    conn.sendall(b"FAIL\t" + fields[1] + b"\n")


def listen(path, uid, gid):
    """a socket at path, served in threads"""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    os.chown(path, uid, gid)
    os.chmod(path, 0o660)
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    pw = pwd.getpwnam(sys.argv[1])
    threads = [threading.Thread(target=listen,
                                args=(p, pw.pw_uid, pw.pw_gid), daemon=True)
               for p in sys.argv[2:]]
    for t in threads:
        t.start()
    print("ready", flush=True)
    for t in threads:
        t.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
