"""One ECS Exec session's command on a pseudo-terminal inside a task (the emulator's ssm-session-worker).

Started on the host by the emulator; enters the task's namespaces with setns(2) (what nsenter and
`docker exec` do), opens a pty on the task's own devpts, and forks the command as session leader
with the pty as controlling terminal (creack/pty: Setsid + Setctty), cwd /, exec'd directly.
This process stays outside the task's PID namespace, so inside the task the command's parent
pid is 0, as for a `docker exec`'d process.

The pty master is read ONLY when the emulator asks (a read request), so the emulator's output
pump decides chunk sizes and pacing, and a paused pump really stops reading the pty.

Frames on stdin/stdout: 1 type byte, 4-byte big-endian length, payload.
  in:  R <u32 max>  read once, at most max bytes       W <bytes>  write to the pty (input)
       Z <u16 cols><u16 rows>  resize                  K          SIGKILL the command, close the pty
  out: S <json {pid, nsPid}>  started                  F <json {errno, message, stage}>  exec failed
       D <bytes>  one read (empty = EOF: every holder of the slave closed it)
       X <json {code, signal}>  the command was reaped (after EOF, or after K)
EOF on the input acts as K.

Two ways to run it:
  pty-session.py <task init host pid> <json {argv, env, cols, rows}>
      one session; frames on stdin/stdout.
  pty-session.py --zygote <task init host pid> <socket path>
      one per task (the emulator's ssm-agent-worker): listens on a unix socket (mode 0600), enters
      the task's user, IPC, UTS and mount namespaces once, prints `ready`, then forks one worker
      per connection. The connection's first frame is O <json {argv, env, cols, rows}>; then
      the frames above run over the connection. A worker joins the task's PID namespace only for
      the command it forks, so it stays outside the task as the one-shot helper does. Starting a
      session then costs a fork instead of a python start-up. The zygote exits when its stdin
      closes.
"""
import ctypes
import errno
import fcntl
import json
import os
import select
import socket
import signal
import struct
import sys
import termios
import warnings  # noqa: F401 - os.get_exec_path imports it lazily; after setns it is unreachable

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000

libc = ctypes.CDLL(None, use_errno=True)

# The frame channel: stdin/stdout (one-shot) or the connection (zygote worker).
IN_FD = 0
OUT_FD = 1


def send(kind, payload=b""):
    data = kind + struct.pack(">I", len(payload)) + payload
    view = memoryview(data)
    while view:
        n = os.write(OUT_FD, view)
        view = view[n:]


def send_json(kind, obj):
    send(kind, json.dumps(obj).encode())


NAMESPACES = (("user", CLONE_NEWUSER), ("ipc", CLONE_NEWIPC), ("uts", CLONE_NEWUTS),
              ("pid", CLONE_NEWPID), ("mnt", CLONE_NEWNS))


def open_namespaces(pid):
    """fds of the task's namespaces (user only when it differs from ours), in setns order:
    user, ipc, uts, pid, then mnt (last: it changes our root to the task's root)."""
    fds = []
    for name, flag in NAMESPACES:
        path = f"/proc/{pid}/ns/{name}"
        if name == "user" and os.stat(path).st_ino == os.stat("/proc/self/ns/user").st_ino:
            continue
        fds.append((os.open(path, os.O_RDONLY | os.O_CLOEXEC), flag, name))
    return fds


def setns(fd, flag, name):
    if libc.setns(fd, flag) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns {name}: {os.strerror(err)}")


def enter_namespaces(pid):
    for fd, flag, name in open_namespaces(pid):
        setns(fd, flag, name)
        os.close(fd)


# The host's /proc, opened before entering the task's mount namespace (whose /proc belongs to
# the task's PID namespace and does not know host pids).
HOST_PROC = os.open("/proc", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)


def ns_pid(pid):
    """The command's pid inside the task (last NSpid field)."""
    try:
        fd = os.open(f"{pid}/status", os.O_RDONLY, dir_fd=HOST_PROC)
        with os.fdopen(fd) as f:
            for line in f:
                if line.startswith("NSpid:"):
                    return int(line.split()[-1])
    except OSError:
        pass
    return pid


def spawn(argv, env, cols, rows):
    master, slave = os.openpty()
    if cols and rows:
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    err_r, err_w = os.pipe2(os.O_CLOEXEC)
    pid = os.fork()
    if pid == 0:
        stage = "setup"
        try:
            os.close(master)
            os.close(err_r)
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            if slave > 2:
                os.close(slave)
            # Python ignores SIGPIPE and SIGXFSZ; an exec'd command must start with the defaults.
            for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
                signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            os.chdir("/")
            stage = "exec"
            os.execvpe(argv[0], argv, env)
        except OSError as e:
            os.write(err_w, json.dumps({"errno": e.errno or 0, "message": e.strerror or str(e),
                                        "stage": stage}).encode())
        except BaseException as e:  # noqa: BLE001 - the child must never return into the helper
            os.write(err_w, json.dumps({"errno": 0, "message": repr(e), "stage": stage}).encode())
        os._exit(127)
    os.close(slave)
    os.close(err_w)
    report = b""
    while True:
        chunk = os.read(err_r, 4096)
        if not chunk:
            break
        report += chunk
    os.close(err_r)
    return pid, master, report


def serve(opts, enter=None):
    """Starts the command, then runs the frame protocol until it is reaped. `enter` joins the
    task's namespaces first (errors are reported as a failed start)."""
    try:
        if enter:
            enter()
        pid, master, report = spawn(opts["argv"], opts["env"], opts.get("cols", 0), opts.get("rows", 0))
    except OSError as e:
        send_json(b"F", {"errno": e.errno or 0, "message": e.strerror or str(e), "stage": "setup"})
        return 1
    if report:
        os.close(master)
        os.waitpid(pid, 0)
        failure = json.loads(report)
        send_json(b"F", failure)
        return 1
    send_json(b"S", {"pid": pid, "nsPid": ns_pid(pid)})
    os.set_blocking(master, False)
    pidfd = os.pidfd_open(pid)

    pending_read = 0
    eof = False
    inbuf = b""
    outq = bytearray()

    def reap_and_exit():
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            send_json(b"X", {"code": None, "signal": os.WTERMSIG(status)})
        else:
            send_json(b"X", {"code": os.WEXITSTATUS(status), "signal": None})
        sys.exit(0)

    def kill():
        nonlocal master
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if master is not None:
            os.close(master)
            master = None
        reap_and_exit()

    while True:
        rlist = [IN_FD]
        wlist = []
        if master is not None and pending_read and not eof:
            rlist.append(master)
        if master is not None and outq:
            wlist.append(master)
        if eof:
            rlist.append(pidfd)
        readable, writable, _ = select.select(rlist, wlist, [])
        if IN_FD in readable:
            data = os.read(IN_FD, 65536)
            if not data:
                kill()
            inbuf += data
            while len(inbuf) >= 5:
                kind = inbuf[0:1]
                (length,) = struct.unpack(">I", inbuf[1:5])
                if len(inbuf) < 5 + length:
                    break
                payload = inbuf[5:5 + length]
                inbuf = inbuf[5 + length:]
                if kind == b"R":
                    (pending_read,) = struct.unpack(">I", payload)
                elif kind == b"W":
                    outq += payload
                elif kind == b"Z" and master is not None:
                    cols, rows = struct.unpack(">HH", payload)
                    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                elif kind == b"K":
                    kill()
        if master is not None and master in writable and outq:
            try:
                n = os.write(master, outq)
                del outq[:n]
            except BlockingIOError:
                pass
            except OSError:
                outq.clear()
        if master is not None and master in readable:
            try:
                data = os.read(master, pending_read)
            except BlockingIOError:
                continue
            except OSError as e:
                if e.errno != errno.EIO:
                    raise
                data = b""
            pending_read = 0
            send(b"D", data)
            if not data:
                eof = True
        if pidfd in readable:
            reap_and_exit()


def read_frame(fd):
    """Reads one whole frame (blocking): (kind, payload), or None at EOF."""
    buf = b""
    while len(buf) < 5 or len(buf) < 5 + struct.unpack(">I", buf[1:5])[0]:
        chunk = os.read(fd, 65536)
        if not chunk:
            return None
        buf += chunk
    (length,) = struct.unpack(">I", buf[1:5])
    return buf[0:1], buf[5:5 + length]


def zygote(init_pid, socket_path):
    global IN_FD, OUT_FD
    fds = open_namespaces(init_pid)
    old_umask = os.umask(0o077)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    os.umask(old_umask)
    server.listen(128)
    pid_ns = None
    for fd, flag, name in fds:
        if name == "pid":
            pid_ns = (fd, flag, name)
            continue
        setns(fd, flag, name)
        os.close(fd)
    # Workers are reaped by the kernel; a worker resets this before it forks its command.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    os.write(1, b"ready\n")
    while True:
        readable, _, _ = select.select([server, 0], [], [])
        if 0 in readable and not os.read(0, 4096):
            return 0
        if server not in readable:
            continue
        conn, _ = server.accept()
        if os.fork() != 0:
            conn.close()
            continue
        # the worker
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        server.close()
        os.close(0)
        IN_FD = OUT_FD = conn.detach()
        frame = read_frame(IN_FD)
        if frame is None or frame[0] != b"O":
            os._exit(1)
        fd, flag, name = pid_ns
        try:
            code = serve(json.loads(frame[1]), lambda: setns(fd, flag, name))
        except SystemExit as done:
            code = done.code
        os._exit(code or 0)


def main():
    if sys.argv[1] == "--zygote":
        return zygote(int(sys.argv[2]), sys.argv[3])
    init_pid = int(sys.argv[1])
    return serve(json.loads(sys.argv[2]), lambda: enter_namespaces(init_pid))


sys.exit(main())
