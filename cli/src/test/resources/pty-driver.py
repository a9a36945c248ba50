#!/usr/bin/env python3
"""Runs a command on a new pseudo-terminal and plays a script against it, as a user at a terminal would.

usage: pty-driver.py SCRIPT ROWS COLS -- COMMAND...

SCRIPT holds one step a line: "send TEXT" (Python escapes: \\r, \\x03), "expect REGEX" (waits up to 60 s for the
output so far to match), "resize ROWS COLS" (sets the terminal's size: the command gets SIGWINCH), "repeat REGEX ;; TEXT" (sends TEXT, and
again every 3 s, until the output so far matches REGEX, for up to 60 s: for what arrives by a signal, whose delay
depends on the machine's load), "exit" (waits up
to 60 s for the command to end). Prints a JSON report: the exit code, the whole output, whether the terminal's
settings after the command are those before it, and the step that failed, if one did.
"""
import json
import os
import pty
import re
import select
import struct
import sys
import termios
import time
import fcntl

TIMEOUT = 60.0


def main():
    script, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    command = sys.argv[sys.argv.index("--") + 1:]
    steps = [line.rstrip("\n") for line in open(script, encoding="utf-8") if line.strip()]
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    # the settings the command found (pty.fork's defaults: cooked, echo): they must be back when it ends
    before = termios.tcgetattr(master)
    output = bytearray()
    status = None
    failed = None

    closed = False

    def pump(until):
        # reads what the command wrote, up to until; notes its end (the pty reads EIO once the command closed it)
        nonlocal status, closed
        while time.time() < until:
            if status is None:
                done, code = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = code
            if closed:
                if status is not None:
                    return False
                time.sleep(0.05)
                continue
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    data = b""
                if not data:
                    closed = True
                    continue
                output.extend(data)
                return True
            if status is not None:
                return False
        return False

    for step in steps:
        verb, _, arg = step.partition(" ")
        if verb == "send":
            os.write(master, arg.encode("utf-8").decode("unicode_escape").encode("latin-1"))
        elif verb == "resize":
            r, c = (int(x) for x in arg.split())
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", r, c, 0, 0))
        elif verb == "repeat":
            wanted, _, text = arg.partition(" ;; ")
            pattern = re.compile(wanted.encode("utf-8"))
            deadline = time.time() + TIMEOUT
            while not pattern.search(output) and time.time() < deadline and status is None:
                os.write(master, text.encode("utf-8").decode("unicode_escape").encode("latin-1"))
                attempt = min(deadline, time.time() + 3.0)
                while not pattern.search(output) and time.time() < attempt and status is None:
                    pump(attempt)
            if not pattern.search(output):
                failed = step
                break
        elif verb == "expect":
            pattern = re.compile(arg.encode("utf-8"))
            deadline = time.time() + TIMEOUT
            while not pattern.search(output) and time.time() < deadline and status is None:
                pump(deadline)
            if not pattern.search(output):
                failed = step
                break
        elif verb == "exit":
            deadline = time.time() + TIMEOUT
            while status is None and time.time() < deadline:
                pump(deadline)
            if status is None:
                failed = step
                break
    after = termios.tcgetattr(master)
    if status is None:
        os.kill(pid, 9)
        _, status = os.waitpid(pid, 0)
    # what the command wrote last, after its end
    try:
        while select.select([master], [], [], 0.1)[0]:
            data = os.read(master, 65536)
            if not data:
                break
            output.extend(data)
    except OSError:
        pass
    print(json.dumps({
        "exit": os.waitstatus_to_exitcode(status),
        "output": output.decode("utf-8", "replace"),
        "restored": before == after,
        "failed": failed,
    }))


if __name__ == "__main__":
    main()
