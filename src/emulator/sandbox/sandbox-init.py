"""The init of an emulated ECS task: builds the container's root, then becomes the task's command.

Run by util-linux `unshare --mount --pid --uts --ipc --fork [--user --map-root-user]`, so this
process is PID 1 of the task's new PID namespace and alone in its new mount namespace. It:

  1. bind-mounts the task directory onto itself (pivot_root needs a mount point);
  2. bind-mounts the image's directories read-only (host /usr, /etc ... or the busybox image);
  3. mounts /proc (of the new PID namespace), a minimal /dev (null, zero, full, random,
     urandom, tty bound from the host; a private devpts instance for ptys; /dev/ptmx);
  4. pivot_root into the task directory and detaches the old root, so no host path is reachable;
  5. sets the hostname (UTS namespace) and execs the task's command, which stays PID 1.

Protocol with the emulator (fd 3, a pipe): `pid <host pid>\\n` before the exec; `error <text>\\n`
if anything fails (exit 127). fd 3 is close-on-exec, so EOF on it means the command runs.

Usage: sandbox-init.py <json spec>   (spec: root, hostname, binds [[src, dst]], links [[target, dst]],
devices [names], command [argv], env {k: v})
"""
import ctypes
import json
import os
import sys
import warnings  # noqa: F401 - os.get_exec_path imports it lazily, after pivot_root it is unreachable

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_NOATIME = 1024
MS_NODIRATIME = 2048
MS_RELATIME = 1 << 21
ST_RELATIME = 4096
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
# pivot_root(2) has no glibc wrapper. @see linux/arch/*/entry/syscalls
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}

libc = ctypes.CDLL(None, use_errno=True)
libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]


def check(rc, what):
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def mount(src, dst, fstype, flags, data=None):
    check(
        libc.mount(
            src.encode() if src else None,
            dst.encode(),
            fstype.encode() if fstype else None,
            flags,
            data.encode() if data else None,
        ),
        f"mount {src} on {dst}",
    )


def submounts(path):
    """Mount points at or under `path` in this mount namespace (deepest last)."""
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            point = line.split(" ")[4].replace("\\040", " ")
            if point == path or point.startswith(path + "/"):
                found.append(point)
    return found


def locked_flags(st_flag):
    """The mount flags a remount must keep (in a user namespace the kernel locks them)."""
    flags = st_flag & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME)
    if st_flag & ST_RELATIME:
        flags |= MS_RELATIME
    return flags


def bind_readonly(src, dst):
    mount(src, dst, None, MS_BIND | MS_REC)
    for point in submounts(dst):
        # Keep the flags the kernel locks (nosuid/nodev/noexec) when remounting read-only.
        keep = locked_flags(os.statvfs(point).f_flag)
        try:
            mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | keep)
        except OSError:
            if point == dst:
                raise


def ensure_dir(path, mode=0o755):
    os.makedirs(path, mode=mode, exist_ok=True)


def ensure_file(path):
    if not os.path.exists(path):
        with open(path, "w"):
            pass


def build_root(spec):
    root = spec["root"]
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount(root, root, None, MS_BIND | MS_REC)
    for target, dst in spec["links"]:
        link = root + dst
        if not os.path.islink(link):
            os.symlink(target, link)
    for src, dst in spec["binds"]:
        path = root + dst
        if os.path.isdir(src):
            ensure_dir(path)
        else:
            ensure_file(path)
        bind_readonly(src, path)
    ensure_dir(root + "/proc")
    mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    dev = root + "/dev"
    ensure_dir(dev)
    mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k")
    for name in spec["devices"]:
        ensure_file(f"{dev}/{name}")
        mount(f"/dev/{name}", f"{dev}/{name}", None, MS_BIND)
    ensure_dir(dev + "/pts")
    mount("devpts", dev + "/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620")
    os.symlink("pts/ptmx", dev + "/ptmx")
    ensure_dir(dev + "/shm", 0o1777)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{dev}/{name}")
    # pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves only
    # the task's root. @see pivot_root(2) NOTES
    os.chdir(root)
    check(libc.syscall(SYS_PIVOT_ROOT[os.uname().machine], b".", b"."), "pivot_root")
    check(libc.umount2(b".", MNT_DETACH), "umount old root")
    os.chdir("/")


def main():
    report = os.fdopen(3, "w", buffering=1)
    try:
        spec = json.loads(sys.argv[1])
        # Before /proc is replaced, /proc/self still names this process in the host's PID namespace.
        host_pid = int(os.readlink("/proc/self"))
        build_root(spec)
        hostname = spec["hostname"].encode()
        check(libc.sethostname(hostname, len(hostname)), "sethostname")
        os.set_inheritable(3, False)
        report.write(f"pid {host_pid}\n")
        report.flush()
        command = spec["command"]
        os.execvpe(command[0], command, spec["env"])
    except Exception as err:  # noqa: BLE001 - every failure is reported to the emulator
        report.write(f"error {err}\n")
        report.flush()
        sys.exit(127)


main()
