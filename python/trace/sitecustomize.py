# clawperf trace: runtime evidence per source line.
#
# `clawperf trace` copies this file into a temporary folder as `sitecustomize.py` and puts that folder
# first on PYTHONPATH, so every Python process the traced command starts (children included: they
# inherit the environment) imports it at startup. It installs a PEP 578 audit hook plus light wrappers
# for calls that raise no audit event (time.sleep, os.fsync, os.stat family, Thread.start), attributes
# each event to the innermost frame whose file is inside the project root, and COUNTS it in a dict
# keyed (file, line, kind). Nothing is logged per event. At exit (atexit, SIGTERM/SIGHUP, os._exit,
# before os.exec*) the counts go to a JSON file in $CLAWPERF_TRACE_DIR; clawperf merges them.
#
# The hook runs for every audit event of the process, so it is kept tiny: one dict lookup rejects the
# events we do not count, and frame -> "is it the user's code?" decisions are cached per file name.
# Python >= 3.8 (sys.addaudithook); on older interpreters this file does nothing.


def _clawperf_install():
    import os
    import sys

    out_dir = os.environ.get("CLAWPERF_TRACE_DIR")
    root = os.environ.get("CLAWPERF_TRACE_ROOT")
    if not out_dir or not root or not hasattr(sys, "addaudithook"):
        return
    if getattr(sys, "_clawperf_trace_installed", False):
        return
    sys._clawperf_trace_installed = True

    _getframe = sys._getframe
    sep = os.sep
    root = os.path.realpath(root)
    root_prefix = root if root.endswith(sep) else root + sep
    self_file = os.path.realpath(__file__)
    here = os.path.dirname(self_file)
    stdlib = os.path.realpath(os.path.dirname(os.__file__)) + sep
    # A virtualenv inside the project is not the user's code.
    venv = os.path.realpath(sys.prefix) + sep if sys.prefix != sys.base_prefix else None

    # What we count. A key packs (line, kind) into one int: line * 64 + index in KINDS.
    KINDS = [
        "open", "listdir", "stat", "remove", "rename", "mkdir", "truncate", "fsync", "shutil",
        "subprocess", "exec", "fork", "connect", "dns", "http", "sleep", "thread",
    ]
    K = {name: i for i, name in enumerate(KINDS)}
    POSIX_SPAWN = -1  # subprocess, unless subprocess.Popen itself called it (already counted)
    EXEC = -2  # the process image is replaced: count, then save the counts
    # Audit event -> kind. Events not listed cost the hook one failed dict lookup.
    events = {
        "open": K["open"],  # builtins.open, io.open, os.open
        "os.listdir": K["listdir"],
        "os.scandir": K["listdir"],  # also os.walk, glob, pathlib.iterdir
        "os.remove": K["remove"],  # os.remove, os.unlink
        "os.rmdir": K["remove"],
        "os.rename": K["rename"],  # os.rename, os.replace
        "os.mkdir": K["mkdir"],
        "os.truncate": K["truncate"],
        "shutil.copyfile": K["shutil"],
        "shutil.copytree": K["shutil"],
        "shutil.move": K["shutil"],
        "shutil.rmtree": K["shutil"],
        "shutil.make_archive": K["shutil"],
        "shutil.unpack_archive": K["shutil"],
        "subprocess.Popen": K["subprocess"],  # run, call, check_output, os.popen
        "os.system": K["subprocess"],
        "os.posix_spawn": POSIX_SPAWN,
        "os.spawn": K["subprocess"],
        "pty.spawn": K["subprocess"],
        "os.exec": EXEC,
        "os.fork": K["fork"],
        "os.forkpty": K["fork"],
        "socket.connect": K["connect"],
        "socket.getaddrinfo": K["dns"],
        "socket.gethostbyname": K["dns"],
        "socket.gethostbyaddr": K["dns"],
        "socket.getnameinfo": K["dns"],
        "urllib.Request": K["http"],
    }
    events_get = events.get
    enabled = dict(events)  # emptying `events` switches the hook and the wrappers off (no flag to test)

    # Frames are told apart by their module's __file__ (f_globals), not by f_code.co_filename: reading
    # frame.f_code raises an audit event of its own in 3.11, which would cost a second hook call.
    # __file__ -> dict {line*64+kind: count} for the user's files, False for library code (look further
    # out), True for the import machinery (drop the event: it is Python importing a module).
    files = {}
    files_get = files.get
    resolved = {}
    subprocess_file = [None]
    importlib_dir = os.path.join(stdlib, "importlib") + sep
    import_machinery = {importlib_dir + "_bootstrap.py", importlib_dir + "_bootstrap_external.py", stdlib + "zipimport.py"}

    def off():
        events.clear()

    def on():
        events.update(enabled)

    def classify(fn):
        if not isinstance(fn, str):  # no __file__: `python -c`, exec() namespaces, the REPL
            d = False
        else:
            was_on = bool(events)
            off()  # realpath stats the path: do not count ourselves
            try:
                p = os.path.realpath(fn)
            except Exception:
                p = fn
            finally:
                if was_on:
                    on()
            if p.endswith((".pyc", ".pyo")):
                p = p[:-1]
            if p in import_machinery:
                d = True
            elif (
                (p == root or p.startswith(root_prefix))
                and not p.startswith(stdlib)
                and (venv is None or not p.startswith(venv))
                and sep + "site-packages" + sep not in p
                and sep + "dist-packages" + sep not in p
                and p != self_file
                and not p.startswith(here + sep)
            ):
                d = {}
                resolved[fn] = p
            else:
                d = False
        try:
            files[fn] = d
        except TypeError:  # an unhashable __file__ (never in practice)
            pass
        return d

    def record(k, f):
        # Attribute to the innermost frame in the user's code. Runs once per counted event: keep it lean.
        while f is not None:
            fn = f.f_globals.get("__file__")
            d = files_get(fn)
            if d is None:
                d = classify(fn)
            if d is False:
                f = f.f_back
                continue
            if d is not True:
                key = f.f_lineno * 64 + k
                d[key] = d.get(key, 0) + 1
            return

    def hook(event, args):
        k = events_get(event)
        if k is None:
            return
        try:  # an exception here would make the audited operation fail: never let one out
            f = _getframe(1)  # ValueError when no Python frame (start-up opening the main script)
            if k < 0:
                k = special(k, f)
                if k is None:
                    return
            # record(k, f), inlined: this is the hot path.
            while f is not None:
                fn = f.f_globals.get("__file__")
                d = files_get(fn)
                if d is None:
                    d = classify(fn)
                if d is False:
                    f = f.f_back
                    continue
                if d is not True:
                    key = f.f_lineno * 64 + k
                    d[key] = d.get(key, 0) + 1
                return
        except Exception:
            pass

    def special(k, f):
        if k == POSIX_SPAWN:
            sf = subprocess_file[0]
            if sf is None:
                sf = subprocess_file[0] = getattr(sys.modules.get("subprocess"), "__file__", "") or ""
            return None if f is not None and f.f_globals.get("__file__") == sf else K["subprocess"]
        if k == EXEC:
            record(K["exec"], f)
            flush()
        return None

    # ---- output -------------------------------------------------------------------------------
    seq = [0]

    def flush():
        # Always writes (even with no counts): the file also says "this process was traced".
        was_on = bool(events)
        off()
        try:
            import json
            import time

            rows = []
            for fn, d in list(files.items()):
                if d is True or d is False or not d:
                    continue
                items = list(d.items())
                d.clear()
                path = resolved.get(fn, fn)
                for key, n in items:
                    rows.append([path, key >> 6, KINDS[key & 63], n])
            pid = os.getpid()
            seq[0] += 1
            data = {
                "version": 1,
                "pid": pid,
                "ppid": os.getppid(),
                "argv": list(getattr(sys, "orig_argv", None) or sys.argv or []),
                "counts": rows,
            }
            name = "%d-%d-%d.json" % (pid, time.time_ns(), seq[0])
            tmp = os.path.join(out_dir, "." + name + ".tmp")
            with open(tmp, "w") as fh:
                json.dump(data, fh)
            os.rename(tmp, os.path.join(out_dir, name))
        except Exception:
            pass
        finally:
            if was_on:
                on()

    import atexit

    atexit.register(flush)

    def after_fork_child():
        for d in files.values():
            if d is not True and d is not False:
                d.clear()

    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=after_fork_child)

    # os._exit skips atexit (multiprocessing children, fork servers): flush first.
    real_exit = os._exit

    def _exit(status):
        flush()
        real_exit(status)

    os._exit = _exit

    # SIGTERM / SIGHUP: flush, then die the default way (same exit status as without clawperf).
    try:
        import signal

        def on_signal(signum, frame):
            flush()
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

        for name in ("SIGTERM", "SIGHUP"):
            sig = getattr(signal, name, None)
            if sig is not None and signal.getsignal(sig) == signal.SIG_DFL:
                signal.signal(sig, on_signal)
    except Exception:
        pass

    # ---- wrappers for calls that raise no audit event -----------------------------------------
    def wrap(module, name, kind):
        real = getattr(module, name, None)
        if real is None:
            return
        k = K[kind]

        def wrapper(*args, **kwargs):
            if events:  # not while clawperf itself is working
                try:
                    record(k, _getframe(1))
                except Exception:
                    pass
            return real(*args, **kwargs)

        wrapper.__name__ = getattr(real, "__name__", name)
        wrapper.__qualname__ = getattr(real, "__qualname__", name)
        wrapper.__doc__ = getattr(real, "__doc__", None)
        wrapper.__wrapped__ = real
        setattr(module, name, wrapper)
        # Keep `os.stat in os.supports_dir_fd`-style capability tests true (shutil.rmtree relies on them).
        for cap in ("supports_dir_fd", "supports_fd", "supports_follow_symlinks", "supports_effective_ids"):
            s = getattr(os, cap, None)
            if isinstance(s, set) and real in s:
                s.add(wrapper)

    import time as _time

    wrap(_time, "sleep", "sleep")
    wrap(os, "fsync", "fsync")
    wrap(os, "fdatasync", "fsync")
    wrap(os, "stat", "stat")  # also os.path.exists/isfile/isdir/getmtime/getsize, pathlib's
    wrap(os, "lstat", "stat")  # also os.path.islink/lexists

    try:
        import threading

        wrap(threading.Thread, "start", "thread")
    except Exception:
        pass

    sys.addaudithook(hook)


def _clawperf_chain():
    # Our folder shadows any other sitecustomize: run the one that would have been imported.
    import os
    import sys

    here = os.path.dirname(os.path.realpath(__file__))
    try:
        from importlib.machinery import PathFinder
        import importlib.util

        path = [p for p in sys.path if os.path.realpath(p or ".") != here]
        spec = PathFinder.find_spec("sitecustomize", path)
        if spec is None or spec.loader is None:
            return
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except Exception as error:  # as site.py does for a failing sitecustomize
        sys.stderr.write("Error in sitecustomize (chained by clawperf trace): %r\n" % (error,))


try:
    _clawperf_install()
except Exception:
    pass
_clawperf_chain()
