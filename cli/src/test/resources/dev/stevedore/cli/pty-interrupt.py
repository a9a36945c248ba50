"""Runs a command on a new pseudo-terminal as a user's shell would, types Ctrl-C once a text has appeared, and
reports how the command ended: 'exit N' or 'signal N', then 'left PID...' for the processes of its process group that
outlived it (none: 'left none'), then 'output:' and what the terminal showed. Bounded: a command that has not ended
TIMEOUT seconds after the Ctrl-C is reported as 'hung', with its group's processes, and its group is killed.

usage: pty-interrupt.py TEXT TIMEOUT COMMAND [ARG...]   (environment passed through)"""
import os
import pty
import select
import signal
import sys
import time

text, timeout, command = sys.argv[1].encode(), float(sys.argv[2]), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)

output = b""


def read(seconds, until=None):
    global output
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # the terminal's last holder has gone
                return False
            if not data:
                return False
            output += data
            if until is not None and until in output:
                return True
        elif until is None and os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
    return False


def group():
    # the command is the session's (and its process group's) leader, so the group's id is its pid
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                if int(fields[2]) == pid and int(entry) != pid:
                    found.append(entry + ":" + fields[0])
            except (OSError, IndexError, ValueError):
                pass
    return found


def finish(status):
    print(status)
    left = group()
    print("left " + (" ".join(left) if left else "none"))
    print("output:")
    print(output.decode(errors="replace"))
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    sys.exit(0)


if not read(timeout * 4, text):
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    print("never-showed " + text.decode())
    print("output:")
    print(output.decode(errors="replace"))
    sys.exit(0)
os.write(fd, b"\x03")
end = time.monotonic() + timeout
while time.monotonic() < end:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done == pid:
        # what was already on its way to the terminal
        read(0.5)
        finish("exit %d" % os.WEXITSTATUS(status) if os.WIFEXITED(status) else "signal %d" % os.WTERMSIG(status))
    read(0.5)
finish("hung")
