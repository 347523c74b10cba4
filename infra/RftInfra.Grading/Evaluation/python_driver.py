# The sandboxed side of PythonGraderRunner (docs/security.md). Two processes:
#  - the supervisor (this process as started by rft) runs no user code. It owns rft's pipes: requests on fd 0,
#    replies on fd 1 ("<seq> <json>" per line). It is non-dumpable, so other processes of the same user without
#    capabilities cannot read its memory or reach its descriptors through /proc or ptrace.
#  - the worker, forked before any user code: limits set, rft's pipes closed, fd 0 = /dev/null, fd 1 = fd 2
#    (stderr, which rft reads with a cap). It loads the source and answers one message per request to the
#    supervisor over its own pipe. Whatever it writes there is only ever taken, shape-checked, as the answer to the
#    request in flight; it cannot write on rft's reply channel, so it cannot forge a reply or a row.
# The supervisor watches rft's request pipe all the time: when rft goes away (EOF), it kills every descendant.
import json, math, numbers, os, select, signal, sys, traceback

MAX_TEXT = 8000
MAX_CHILD_MESSAGE = 64 * 1024


def clip(text):
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT // 2] + "\n…\n" + text[-MAX_TEXT // 2:]


def user_traceback(limit):
    # The traceback from the grader's own frames on (the driver's frame is not the user's business).
    kind, value, tb = sys.exc_info()
    return "".join(traceback.format_exception(kind, value, tb.tb_next if tb is not None else None, limit=limit))


def prctl(option, value):
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except Exception:
        pass


def set_limits(limits, cpu=True):
    try:
        import resource
    except ImportError:
        return
    pairs = [("RLIMIT_AS", limits.get("memory")), ("RLIMIT_FSIZE", limits.get("file")), ("RLIMIT_CORE", 0)]
    if cpu:
        pairs.append(("RLIMIT_CPU", limits.get("cpu_total")))
    for name, value in pairs:
        if value is not None and hasattr(resource, name):
            try:
                resource.setrlimit(getattr(resource, name), (value, value))
            except (ValueError, OSError):
                pass


def cpu_call_limit(seconds):
    # Per call: SIGXCPU ends the worker once this call has used `seconds` of CPU time; the hard limit stays.
    try:
        import resource
        used = resource.getrusage(resource.RUSAGE_SELF)
        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        target = int(used.ru_utime + used.ru_stime) + 1 + seconds
        if hard != resource.RLIM_INFINITY:
            target = min(target, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (target, hard))
    except Exception:
        pass


class Lines:
    """Line buffering over a raw fd, with a cap on an unfinished line."""

    def __init__(self, fd, cap):
        self.fd, self.cap, self.buf, self.eof = fd, cap, b"", False

    def pop(self):
        i = self.buf.find(b"\n")
        if i < 0:
            return None
        line, self.buf = self.buf[:i], self.buf[i + 1:]
        return line

    def fill(self):
        data = os.read(self.fd, 65536)
        if not data:
            self.eof = True
        self.buf += data
        return len(self.buf) <= self.cap or b"\n" in self.buf[: self.cap + 1]


def descendants():
    me, found = os.getpid(), set()
    changed = True
    while changed:
        changed = False
        for name in os.listdir("/proc") if os.path.isdir("/proc") else []:
            if not name.isdigit() or int(name) in found:
                continue
            try:
                with open("/proc/%s/stat" % name, "rb") as f:
                    stat = f.read()
                ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == me or ppid in found:
                found.add(int(name))
                changed = True
    return found


def kill_all(worker):
    # The worker's group, then every descendant (orphans of setsid children come back here: child subreaper).
    for _ in range(3):
        try:
            os.killpg(worker, signal.SIGKILL)
        except OSError:
            pass
        pids = descendants()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass
        if not pids:
            break


def worker_main(inbox, outbox, setup):
    reader = os.fdopen(inbox, "r", encoding="utf-8")
    writer = os.fdopen(outbox, "w", encoding="utf-8")

    def send(obj):
        writer.write(json.dumps(obj, ensure_ascii=True) + "\n")
        writer.flush()

    grade_rows(setup, iter(reader.readline, ""), send)


def grade_rows(setup, lines, send):
    set_limits(setup.get("limits", {}))
    call_cpu = setup.get("limits", {}).get("cpu_call")

    namespace = {"__name__": "grader"}
    try:
        exec(compile(setup["source"], "grader.py", "exec", dont_inherit=True), namespace)
        grade = namespace.get("grade")
        if not callable(grade):
            raise NameError("the source does not define grade(sample, item)")
    except BaseException:
        send({"load_error": clip(user_traceback(3))})
        return
    send({"ready": True})
    for line in lines:
        request = json.loads(line)
        if call_cpu is not None:
            cpu_call_limit(call_cpu)
        try:
            value = grade(request["sample"], request["item"])
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                send({"error": clip("grade returned %s (%r), not a float" % (type(value).__name__, value))[:500]})
            elif not math.isfinite(float(value)):
                send({"error": clip("grade returned %r, not a finite float" % (value,))})
            else:
                send({"reward": float(value)})
        except BaseException:
            try:
                text = user_traceback(5)
            except BaseException:
                text = "grade raised an exception that cannot be printed"
            send({"error": clip(text)})


def main():
    requests_fd, replies_fd = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    requests = Lines(requests_fd, 1 << 30)
    seq = [0]

    def reply(obj):
        data = ("%d %s\n" % (seq[0], json.dumps(obj, ensure_ascii=True))).encode("ascii")
        while data:
            data = data[os.write(replies_fd, data):]
        seq[0] += 1

    def next_request():
        while True:
            line = requests.pop()
            if line is not None:
                return line
            if requests.eof or not requests.fill():
                return None

    first = next_request()
    if first is None:
        return
    setup = json.loads(first)
    limits = setup.get("limits", {})
    prctl(4, 0)  # PR_SET_DUMPABLE 0

    if setup.get("mode") == "compile":
        # Syntax check only: compile() parses and builds bytecode; it imports nothing and runs nothing.
        set_limits(limits)
        reply({"ready": True})
        while (line := next_request()) is not None:
            source = json.loads(line)["source"]
            try:
                compile(source, "grader.py", "exec", dont_inherit=True)
                reply({"ok": True})
            except SyntaxError as e:
                reply({"syntax_error": clip(str(e.msg)), "line": e.lineno, "column": e.offset})
            except (ValueError, TypeError, MemoryError, RecursionError) as e:
                reply({"syntax_error": clip("%s: %s" % (type(e).__name__, e)), "line": None, "column": None})
        return

    if not hasattr(os, "fork"):
        # Windows: no fork, so no separate worker; the grader runs in this process (docs/security.md).
        grade_rows(setup, iter(next_request, None), reply)
        return

    prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
    set_limits(limits, cpu=False)
    to_worker_r, to_worker_w = os.pipe()
    from_worker_r, from_worker_w = os.pipe()
    worker = os.fork()
    if worker == 0:
        try:
            os.setsid()
            for fd in (requests_fd, replies_fd, to_worker_w, from_worker_r):
                os.close(fd)
            worker_main(to_worker_r, from_worker_w, setup)
        finally:
            os._exit(0)
    for fd in (to_worker_r, from_worker_w):
        os.close(fd)
    os.set_blocking(to_worker_w, False)
    setup = None
    answers = Lines(from_worker_r, MAX_CHILD_MESSAGE)

    def stop(obj=None):
        if obj is not None:
            reply(obj)
        kill_all(worker)
        sys.exit(0)

    def exit_text():
        try:
            for _ in range(20):
                pid, status = os.waitpid(worker, os.WNOHANG)
                if pid:
                    break
                select.select([], [], [], 0.1)
            else:
                kill_all(worker)
                return "the grader's process closed its channel to the driver"
        except ChildProcessError:
            return "python exited"
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            why = {signal.SIGXCPU: " (the CPU time limit)", signal.SIGKILL: " (killed)", signal.SIGXFSZ: " (the file size limit)"}.get(sig, "")
            return "python was stopped by signal %s%s" % (signal.Signals(sig).name, why)
        return "python exited (code %d)" % os.WEXITSTATUS(status)

    def answer():
        # The worker's next message; meanwhile rft's pipe is watched: EOF there means rft is gone.
        while True:
            line = answers.pop()
            if line is not None:
                try:
                    message = json.loads(line)
                except ValueError:
                    message = None
                return message if isinstance(message, dict) else {"crashed": "the grader's process sent an unreadable message to the driver"}
            if answers.eof:
                return {"crashed": exit_text()}
            ready, _, _ = select.select([from_worker_r, requests_fd], [], [])
            if requests_fd in ready:
                requests.fill()
                if requests.eof:
                    stop()
            if from_worker_r in ready and not answers.fill():
                return {"crashed": "the grader's process sent a message over %d KB to the driver" % (MAX_CHILD_MESSAGE // 1024)}

    def checked(message, allowed):
        key = next(iter(message), None) if len(message) == 1 else None
        value = message.get(key)
        if key not in allowed:
            return {"crashed": "the grader's process sent an unexpected message to the driver"}
        if key == "reward" and (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)):
            return {"crashed": "the grader's process sent an unexpected message to the driver"}
        if key in ("error", "load_error") and not isinstance(value, str):
            return {"crashed": "the grader's process sent an unexpected message to the driver"}
        return message

    loaded = checked(answer(), ("ready", "load_error", "crashed"))
    if "ready" not in loaded:
        stop(loaded if "load_error" in loaded else {"load_error": loaded["crashed"]})
    reply(loaded)
    while True:
        line = next_request()
        if line is None:
            stop()
        data = line + b"\n"
        try:
            while data:
                ready, writable, _ = select.select([requests_fd], [to_worker_w], [])
                if requests_fd in ready:
                    requests.fill()
                    if requests.eof:
                        stop()
                if writable:
                    data = data[os.write(to_worker_w, data[:4096]):]  # at most PIPE_BUF: select promised that much
        except OSError:
            stop({"crashed": exit_text()})
        message = checked(answer(), ("reward", "error", "crashed"))
        if "crashed" in message:
            stop(message)
        reply(message)


main()
