"""rewardsmith's Python harness. Runs inside the sandbox: reads one JSON job on stdin, runs each test
("unit") of one program in its own forked child, writes one JSON line per unit on stdout.

The harness never runs model code itself: children do, after dropping to the unit's rlimits and
pointing fds 0/1/2 at files in the private tmpfs. Expected outputs never enter the sandbox; the host
compares. As PID 1 of the sandbox's PID namespace the harness cannot be killed by its children, and
after each unit it kills every other process in the namespace, so nothing a unit leaves behind
(fork bombs, daemons) reaches the next one.
"""
import json
import math
import os
import resource
import select
import signal
import sys
import types

IN_SANDBOX = os.getpid() == 1
WORK = "/tmp" if IN_SANDBOX else os.environ["RS_WORK"]
WRITABLE = [WORK, "/dev/shm"] if IN_SANDBOX else [WORK]
STDERR_TAIL = 2000


def main():
    job = json.loads(sys.stdin.buffer.read())
    os.chdir(WORK)
    modes = {place: os.stat(place).st_mode & 0o7777 for place in WRITABLE}
    for i, unit in enumerate(job["units"]):
        report = run_unit(i, unit, job, modes)
        sys.stdout.write(json.dumps(report) + "\n")
        sys.stdout.flush()


def run_unit(i, unit, job, modes):
    paths = {name: os.path.join(WORK, f".{name}{i}") for name in ("in", "out", "err", "res")}
    with open(os.path.join(WORK, "solution.py"), "w", encoding="utf-8") as f:  # a unit may have changed it
        f.write(job["code"])
    if "stdin" in unit:
        with open(paths["in"], "w", encoding="utf-8") as f:
            f.write(unit["stdin"])
    else:
        paths["in"] = os.devnull
    if job["mode"] != "stdio":
        paths["out"] = os.devnull
    pid = os.fork()
    if pid == 0:
        child(unit, job, paths)
    timed_out = wait_for(pid, job["timeout_s"])
    status = reap(pid)
    for place in WRITABLE:
        os.chmod(place, modes[place])  # the unit may have made it unreadable
    report = {"i": i}
    if timed_out:
        report["end"] = "timeout"
    elif os.WIFSIGNALED(status):
        report["end"] = "signal"
        report["signal"] = signal.Signals(os.WTERMSIG(status)).name
    else:
        report["end"] = "exit"
        report["code"] = os.WEXITSTATUS(status)
    if job["mode"] == "stdio":
        report["stdout"] = read_text(paths["out"], job["output_bytes"])
    report["stderr"] = read_tail(paths["err"], STDERR_TAIL)
    result = read_text(paths["res"], job["output_bytes"])
    if result:
        try:  # the child wrote it, maybe not as json.dumps would: NaN is no JSON, deep nesting overflows
            report["result"] = json.loads(result, parse_constant=reject_constant)
        except (ValueError, RecursionError):
            report["result"] = None
    clean_work()
    return report


def reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def clean_work():
    """Remove what the unit left in the writable places, so it cannot fill them for the next one."""
    import shutil

    for place in WRITABLE:
        for name in os.listdir(place):
            path = os.path.join(place, name)
            try:
                if os.path.isdir(path) and not os.path.islink(path):
                    os.chmod(path, 0o700)
                    for root, dirs, _ in os.walk(path):  # the unit may have made its directories read-only
                        for d in dirs:
                            os.chmod(os.path.join(root, d), 0o700)
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.unlink(path)
            except OSError:
                pass


def wait_for(pid, timeout_s):
    """True when the child is still running after timeout_s (it is then killed)."""
    fd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([fd], [], [], timeout_s)
    finally:
        os.close(fd)
    if ready:
        return False
    kill_unit(pid)
    return True


def kill_unit(pid):
    if IN_SANDBOX:
        try:
            os.kill(-1, signal.SIGKILL)  # every process of the namespace but this one
        except ProcessLookupError:
            pass
    else:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def reap(pid):
    """Wait status of the unit's child; as PID 1 also kill and reap whatever it left behind."""
    _, status = os.waitpid(pid, 0)
    if IN_SANDBOX:
        kill_unit(pid)
        while True:
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break
    else:
        kill_unit(pid)
    return status


def read_text(path, limit):
    try:
        with open(path, "rb") as f:
            return f.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""


def read_tail(path, limit):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - limit))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def child(unit, job, paths):
    try:
        os.setsid()
        redirect(paths["in"], 0, os.O_RDONLY)
        redirect(paths["out"], 1, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        redirect(paths["err"], 2, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        res = os.open(paths["res"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        set_limits(job)
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
        sys.stdin = open(0, "r", encoding="utf-8", errors="replace", closefd=False)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False, buffering=1)
        sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
        sys.argv = ["solution.py"]
    except BaseException:
        os._exit(120)
    code = 0
    try:
        code = run_program(unit, job, res)
    except SystemExit as e:
        if e.code is None or isinstance(e.code, int):
            code = e.code or 0
        else:
            code = 1
            try:  # sys.exit("message"): the interpreter prints the message
                os.write(2, f"{e.code}\n".encode("utf-8", "replace"))
            except BaseException:
                pass
    except BaseException as e:
        write_result(res, {"exception": type(e).__name__, "message": str(e)[:500]})
        try:
            print_user_traceback(e)
        except BaseException:
            pass
        code = 1
    if job["mode"] == "stdio":
        exit_like_interpreter()
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):  # the program may have replaced sys.stdout
        try:
            stream.flush()
        except BaseException:
            pass
    os._exit(code & 0xFF)


def exit_like_interpreter():
    """What `python3 solution.py` does before exiting: wait for the program's threads (the
    `threading.Thread(target=main).start()` idiom for deep recursion), then run its atexit functions."""
    threading = sys.modules.get("threading")
    if threading is not None:
        try:
            threading._shutdown()
        except BaseException:
            pass
    try:
        import atexit

        atexit._run_exitfuncs()
    except BaseException:
        pass


def print_user_traceback(e):
    """The traceback without the harness's own frames, as `python3 solution.py` would print it."""
    import traceback  # only needed on failures; keeps the harness's start-up short

    tb = e.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    traceback.print_exception(type(e), e, tb)


def redirect(path, fd, flags):
    opened = os.open(path, flags, 0o600)
    os.dup2(opened, fd)
    os.close(opened)


def set_limits(job):
    mb = 1024 * 1024
    cpu = math.ceil(job["timeout_s"]) + 1
    limits = [
        (resource.RLIMIT_CPU, cpu),
        (resource.RLIMIT_AS, job["memory_mb"] * mb),
        (resource.RLIMIT_FSIZE, job["output_bytes"] + 1),
        (resource.RLIMIT_NOFILE, job["nofile"]),
        (resource.RLIMIT_CORE, 0),
    ]
    if IN_SANDBOX:  # outside a user namespace the count would include every process of the host user
        limits.append((resource.RLIMIT_NPROC, job["nproc"]))
    for which, value in limits:
        resource.setrlimit(which, (value, value))


def run_program(unit, job, res):
    with open("solution.py", encoding="utf-8") as f:
        source = f.read()
    scope = {"__name__": "__main__", "__file__": "solution.py", "__builtins__": __builtins__}
    code = compile(source, "solution.py", "exec")
    if job["mode"] == "stdio":
        exec(code, scope)
        return 0
    scope["__name__"] = "solution"
    exec(code, scope)
    if job["mode"] == "test_code":
        exec(compile(unit["test_code"], "test.py", "exec"), scope)
        entry = job.get("entry_point")
        if entry and callable(scope.get("check")):
            settle(scope["check"](scope[entry]))
        write_result(res, {"completed": True})
        return 0
    entry = job["entry_point"]
    if not callable(scope.get(entry)):
        write_result(res, {"exception": "NameError", "message": f"the program defines no function {entry!r}"})
        return 1
    value = settle(scope[entry](*unit["args"], **unit.get("kwargs", {})))
    try:
        text = json.dumps({"value": value}, allow_nan=False)
    except (TypeError, ValueError) as e:
        write_result(res, {"exception": "TypeError", "message": f"the return value cannot be written as JSON: {e}"})
        return 1
    write_result(res, None, text)
    return 0


def settle(value):
    """The value of an `async def` function: its coroutine run to the end, as its caller would await it."""
    if isinstance(value, types.CoroutineType):
        import asyncio

        return asyncio.run(value)
    return value


def write_result(fd, value, text=None):
    data = (text if text is not None else json.dumps(value)).encode("utf-8")
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        while data:
            data = data[os.write(fd, data):]
    except OSError:
        pass


if __name__ == "__main__":
    main()
