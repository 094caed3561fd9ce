// Commands the Python standard library does in-process (SP503), with the exact replacement and an
// example that reuses the operands of the user's command (`"cat " + path` → `open(path)`).
import type { L10n } from '../types.js';
import { lookupTable } from '../../util/lookup.js';
import { pipelinePrograms, type Command } from './command.js';
import { splitTopLevel } from '../../util/split.js';

export interface Replacement {
  program: string;
  /** The stdlib call that does the same work, for the message: `open().read()`, `os.listdir`. */
  stdlib: string;
  /** The same in Spanish when it is words, not code. */
  stdlibEs: string;
  use: L10n;
  example: string;
}

interface Entry {
  stdlib: string | ((c: Command) => string);
  es: string;
  en: string;
  example: (ops: string[], c: Command) => string;
  /** The command cannot be replaced in this form (privileges, sockets, remote side). */
  unless?: (c: Command) => boolean;
}

const has = (c: Command, ...flags: string[]) => c.words.some((w) => flags.includes(w) || (/^-[a-zA-Z]+$/.test(w) && flags.some((f) => /^-[a-zA-Z]$/.test(f) && w.includes(f[1]!))));
const op = (ops: string[], i: number, fallback: string) => ops[i] ?? fallback;
/** The last operand: the file of `tail -n N path`, the folder of `mkdir -p d`. */
const lastOp = (ops: string[], fallback: string) => ops[ops.length - 1] ?? fallback;

const TABLE: Record<string, Entry> = {
  cat: { stdlib: 'open().read()', es: 'leer el fichero con open().read()', en: 'read the file with open().read()',
    example: (o) => `with open(${lastOp(o, 'path')}, encoding="utf-8") as fh:\n    text = fh.read()` },
  ls: { stdlib: 'os.listdir / os.scandir', es: 'listar con os.listdir u os.scandir (una llamada al sistema, sin proceso)', en: 'list with os.listdir or os.scandir (one syscall, no process)',
    example: (o) => `with os.scandir(${lastOp(o, 'folder')}) as entries:\n    names = sorted(entry.name for entry in entries)` },
  mkdir: { stdlib: 'os.makedirs(exist_ok=True)', es: 'crear el directorio con os.makedirs(…, exist_ok=True)', en: 'create the folder with os.makedirs(…, exist_ok=True)',
    example: (o) => `os.makedirs(${lastOp(o, 'folder')}, exist_ok=True)` },
  rm: { stdlib: (c) => (has(c, '-r', '-R', '--recursive') ? 'shutil.rmtree' : 'os.remove'), es: 'borrar con os.remove / shutil.rmtree', en: 'delete with os.remove / shutil.rmtree',
    example: (o, c) => has(c, '-r', '-R', '--recursive') ? `shutil.rmtree(${lastOp(o, 'path')}, ignore_errors=True)` : `with contextlib.suppress(FileNotFoundError):\n    os.remove(${lastOp(o, 'path')})` },
  cp: { stdlib: (c) => (has(c, '-r', '-R', '-a', '--recursive') ? 'shutil.copytree' : 'shutil.copy2'), es: 'copiar con shutil.copy2 / shutil.copytree', en: 'copy with shutil.copy2 / shutil.copytree',
    example: (o, c) => has(c, '-r', '-R', '-a', '--recursive') ? `shutil.copytree(${op(o, 0, 'src')}, ${op(o, 1, 'dst')}, dirs_exist_ok=True)` : `shutil.copy2(${op(o, 0, 'src')}, ${o.length > 1 ? lastOp(o, 'dst') : 'dst'})` },
  mv: { stdlib: 'os.replace / shutil.move', es: 'mover con os.replace (mismo sistema de ficheros, atómico) o shutil.move', en: 'move with os.replace (same filesystem, atomic) or shutil.move',
    example: (o) => `os.replace(${op(o, 0, 'src')}, ${op(o, 1, 'dst')})  # shutil.move() across filesystems` },
  touch: { stdlib: 'pathlib.Path.touch', es: 'crear/actualizar con pathlib.Path(…).touch()', en: 'create/update with pathlib.Path(…).touch()',
    example: (o) => `pathlib.Path(${lastOp(o, 'path')}).touch()` },
  date: { stdlib: 'datetime.now().strftime', es: 'formatear la hora con datetime.datetime.now().strftime()', en: 'format the time with datetime.datetime.now().strftime()',
    example: () => 'stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")', unless: (c) => has(c, '-s', '--set') },
  sleep: { stdlib: 'time.sleep', es: 'esperar con time.sleep() (o Event.wait())', en: 'wait with time.sleep() (or Event.wait())',
    example: (o, c) => `time.sleep(${op(o, 0, c.words[1] ?? '1')})` },
  grep: { stdlib: 're + line iteration', es: 'buscar con re en Python, línea a línea, con el patrón compilado una vez', en: 'search with re in Python, line by line, the pattern compiled once',
    example: (o) => `PATTERN = re.compile(r"…")  # module level, compiled once\nwith open(${lastOp(o, 'path')}, encoding="utf-8") as fh:\n    matches = [line for line in fh if PATTERN.search(line)]`,
    unless: (c) => has(c, '-r', '-R', '--recursive') && c.words.length > 4 },
  find: { stdlib: 'os.walk / pathlib.Path.rglob', es: 'recorrer con os.walk o pathlib.Path.rglob', en: 'walk with os.walk or pathlib.Path.rglob',
    example: (o) => `matches = [str(p) for p in pathlib.Path(${lastOp(o, 'root')}).rglob("*.json")]` },
  wc: { stdlib: 'sum(1 for _ in fh) / os.path.getsize', es: 'contar en Python (sum(1 for _ in fh)) o con os.path.getsize para bytes', en: 'count in Python (sum(1 for _ in fh)) or os.path.getsize for bytes',
    example: (o, c) => has(c, '-c') ? `size = os.path.getsize(${lastOp(o, 'path')})` : `with open(${lastOp(o, 'path')}, "rb") as fh:\n    lines = sum(1 for _ in fh)` },
  head: { stdlib: 'itertools.islice', es: 'leer las primeras líneas con itertools.islice', en: 'read the first lines with itertools.islice',
    example: (o) => `with open(${lastOp(o, 'path')}, encoding="utf-8") as fh:\n    first = list(itertools.islice(fh, 10))` },
  tail: { stdlib: 'collections.deque(fh, maxlen=n)', es: 'leer las últimas líneas con collections.deque(fh, maxlen=n) (o seek desde el final)', en: 'read the last lines with collections.deque(fh, maxlen=n) (or seek from the end)',
    example: (o) => `with open(${lastOp(o, 'path')}, encoding="utf-8") as fh:\n    last = list(collections.deque(fh, maxlen=10))`,
    unless: (c) => has(c, '-f', '-F', '--follow') },
  echo: { stdlib: 'print / fh.write', es: 'escribir con print() o fh.write()', en: 'write with print() or fh.write()',
    example: (o, c) => /[>]/.test(c.literal ?? c.words.join(' ')) ? `with open(${op(o, 1, 'path')}, "w", encoding="utf-8") as fh:\n    fh.write(${op(o, 0, 'text')} + "\\n")` : `print(${op(o, 0, 'text')})` },
  curl: { stdlib: 'requests.Session().get', es: 'hacer la petición con requests (una Session reutilizada y timeout)', en: 'make the request with requests (a reused Session and a timeout)',
    example: (o) => `SESSION = requests.Session()  # module level, keeps connections alive\nresp = SESSION.get(${op(o, 0, 'url')}, timeout=(3, 10))\nresp.raise_for_status()\nbody = resp.text`,
    unless: (c) => has(c, '--unix-socket') },
  wget: { stdlib: 'requests.Session().get', es: 'descargar con requests (stream=True a fichero) o urllib.request', en: 'download with requests (stream=True to a file) or urllib.request',
    example: (o) => `with SESSION.get(${op(o, 0, 'url')}, stream=True, timeout=(3, 30)) as resp, open(target, "wb") as fh:\n    resp.raise_for_status()\n    shutil.copyfileobj(resp.raw, fh)` },
  test: { stdlib: 'os.path.exists / isfile / isdir', es: 'comprobar con os.path.exists / isfile / isdir', en: 'check with os.path.exists / isfile / isdir',
    example: (o, c) => `ok = os.path.${has(c, '-d') ? 'isdir' : has(c, '-f') ? 'isfile' : 'exists'}(${lastOp(o, 'path')})` },
  stat: { stdlib: 'os.stat', es: 'leer metadatos con os.stat()', en: 'read metadata with os.stat()',
    example: (o) => `st = os.stat(${lastOp(o, 'path')})\nsize, mtime = st.st_size, st.st_mtime` },
  python: { stdlib: 'a plain function call', es: 'ejecutar ese código Python dentro del proceso (importar y llamar la función)', en: 'run that Python code in-process (import and call the function)',
    example: (o) => `# instead of spawning a new interpreter (30-50 ms of start-up each time),\n# import the module once at module level and call its function with (${o.join(', ')})` },
  which: { stdlib: 'shutil.which', es: 'buscar el ejecutable con shutil.which()', en: 'find the executable with shutil.which()', example: (o) => `exe = shutil.which(${op(o, 0, '"tool"')})` },
  chmod: { stdlib: 'os.chmod', es: 'cambiar permisos con os.chmod()', en: 'change permissions with os.chmod()', example: (o) => `os.chmod(${lastOp(o, 'path')}, 0o644)` },
  chown: { stdlib: 'shutil.chown', es: 'cambiar propietario con shutil.chown()', en: 'change owner with shutil.chown()', example: (o) => `shutil.chown(${lastOp(o, 'path')}, user="openclaw")` },
  ln: { stdlib: 'os.symlink / os.link', es: 'enlazar con os.symlink() u os.link()', en: 'link with os.symlink() or os.link()', example: (o) => `os.symlink(${op(o, 0, 'src')}, ${op(o, 1, 'dst')})` },
  readlink: { stdlib: 'os.readlink / os.path.realpath', es: 'resolver con os.path.realpath()', en: 'resolve with os.path.realpath()', example: (o) => `target = os.path.realpath(${lastOp(o, 'path')})` },
  realpath: { stdlib: 'os.path.realpath', es: 'resolver con os.path.realpath()', en: 'resolve with os.path.realpath()', example: (o) => `target = os.path.realpath(${lastOp(o, 'path')})` },
  basename: { stdlib: 'os.path.basename', es: 'usar os.path.basename()', en: 'use os.path.basename()', example: (o) => `name = os.path.basename(${lastOp(o, 'path')})` },
  dirname: { stdlib: 'os.path.dirname', es: 'usar os.path.dirname()', en: 'use os.path.dirname()', example: (o) => `folder = os.path.dirname(${lastOp(o, 'path')})` },
  hostname: { stdlib: 'socket.gethostname', es: 'usar socket.gethostname()', en: 'use socket.gethostname()', example: () => 'HOST = socket.gethostname()  # once, at module level' },
  whoami: { stdlib: 'getpass.getuser', es: 'usar getpass.getuser()', en: 'use getpass.getuser()', example: () => 'USER = getpass.getuser()  # once, at module level' },
  pwd: { stdlib: 'os.getcwd', es: 'usar os.getcwd()', en: 'use os.getcwd()', example: () => 'cwd = os.getcwd()' },
  kill: { stdlib: 'os.kill', es: 'enviar la señal con os.kill()', en: 'send the signal with os.kill()', example: (o) => `os.kill(int(${op(o, 0, 'pid')}), signal.SIGTERM)` },
  nproc: { stdlib: 'os.cpu_count', es: 'usar os.cpu_count()', en: 'use os.cpu_count()', example: () => 'CPUS = os.cpu_count()  # once, at module level' },
  uname: { stdlib: 'os.uname / platform', es: 'usar os.uname() o platform.uname()', en: 'use os.uname() or platform.uname()', example: () => 'UNAME = os.uname()  # once, at module level' },
  printenv: { stdlib: 'os.environ', es: 'leer os.environ', en: 'read os.environ', example: (o) => `value = os.environ.get(${op(o, 0, '"NAME"')})` },
  sha256sum: { stdlib: 'hashlib', es: 'calcular el hash con hashlib', en: 'hash with hashlib', example: (o) => `with open(${lastOp(o, 'path')}, "rb") as fh:\n    digest = hashlib.file_digest(fh, "sha256").hexdigest()  # 3.11+; else read in chunks` },
  md5sum: { stdlib: 'hashlib', es: 'calcular el hash con hashlib', en: 'hash with hashlib', example: (o) => `with open(${lastOp(o, 'path')}, "rb") as fh:\n    digest = hashlib.file_digest(fh, "md5").hexdigest()` },
  sha1sum: { stdlib: 'hashlib', es: 'calcular el hash con hashlib', en: 'hash with hashlib', example: (o) => `with open(${lastOp(o, 'path')}, "rb") as fh:\n    digest = hashlib.file_digest(fh, "sha1").hexdigest()` },
  tar: { stdlib: 'tarfile', es: 'empaquetar/extraer con tarfile', en: 'pack/unpack with tarfile', example: (o, c) => c.words.slice(1).some((w) => /^-?[a-zA-Z]*c[a-zA-Z]*$/.test(w))
    ? `with tarfile.open(${op(o, 0, '...')}, "w:gz") as tar:
    tar.add(${op(o, 1, '...')})`
    : `with tarfile.open(${op(o, 0, '...')}) as tar:
    tar.extractall(${op(o, 1, '"."')}, filter="data")` },
  gzip: { stdlib: 'gzip', es: 'comprimir con el módulo gzip', en: 'compress with the gzip module', example: (o) => `with open(${lastOp(o, 'path')}, "rb") as src, gzip.open(${lastOp(o, 'path')} + ".gz", "wb") as dst:\n    shutil.copyfileobj(src, dst)` },
  gunzip: { stdlib: 'gzip', es: 'descomprimir con el módulo gzip', en: 'decompress with the gzip module', example: (o) => `with gzip.open(${lastOp(o, 'path')}, "rb") as fh:\n    data = fh.read()` },
  unzip: { stdlib: 'zipfile', es: 'extraer con zipfile', en: 'extract with zipfile', example: (o) => `with zipfile.ZipFile(${op(o, 0, 'archive')}) as zf:\n    zf.extractall(target)` },
  zip: { stdlib: 'zipfile / shutil.make_archive', es: 'comprimir con zipfile o shutil.make_archive', en: 'compress with zipfile or shutil.make_archive', example: (o) => `shutil.make_archive(${op(o, 0, 'base_name')}, "zip", ${op(o, 1, 'folder')})` },
  df: { stdlib: 'shutil.disk_usage', es: 'usar shutil.disk_usage()', en: 'use shutil.disk_usage()', example: (o) => `total, used, free = shutil.disk_usage(${op(o, 0, '"/"')})` },
  true: { stdlib: '`pass`', es: 'no lanzar nada', en: 'spawn nothing', example: () => 'pass  # the command did nothing' },
};
TABLE['['] = TABLE.test!;
/** The stdlib entry of a program name; undefined for any other name (`constructor` included). */
const entryFor = lookupTable(TABLE);

/** The operands of the command as Python expressions, in order: `"cp %s %s" % (src, dst)` → src, dst. */
export function operands(command: Command): string[] {
  const fromFString = (text: string) => [...text.matchAll(/\{([^{}:!]+)(?:[:!][^{}]*)?\}/g)].map((m) => m[1]!.trim());
  if (command.form === 'list' && command.parts) {
    return command.parts.slice(1).flatMap((p) => {
      if (p.literal !== undefined && !p.named) return [];
      if (/^[rR]?[fF]/.test(p.text)) return fromFString(p.text);
      return [p.text.replace(/^\*/, '')];
    });
  }
  const text = command.dynamic[0];
  if (!text) return [];
  const t = text.trim();
  if (/^[rR]?[fF][rR]?['"]/.test(t)) return fromFString(t);
  const format = /\.format\(([\s\S]*)\)\s*$/.exec(t);
  if (format) return splitTopLevel(format[1]!);
  const percent = /^(?:[rRbBuU]{0,2})(['"])(?:\\.|(?!\1).)*\1\s*%\s*([\s\S]+)$/.exec(t);
  if (percent) {
    const rest = percent[2]!.trim();
    return rest.startsWith('(') && rest.endsWith(')') ? splitTopLevel(rest.slice(1, -1)) : [rest];
  }
  // Concatenation: every non-literal term.
  return splitTopLevel(t, '+').filter((term) => !/^[rRbBuU]{0,2}['"]/.test(term) || /^[rR]?[fF]/.test(term)).flatMap((term) => (/^[rR]?[fF]/.test(term) ? fromFString(term) : [term]));
}


/** The stdlib replacement of a command, when the whole command line is one the stdlib does. */
export function stdlibReplacement(command: Command): Replacement | undefined {
  const program = command.program;
  if (!program) return undefined;
  const entry = entryFor(program);
  if (!entry) return undefined;
  if (program === 'python' && !command.words.includes('-c')) return undefined;
  if (entry.unless?.(command)) return undefined;
  // A pipeline is replaceable only when every stage is (`cat f | grep x | wc -l`).
  const stages = pipelinePrograms(command);
  if (stages && stages.some((stage) => !entryFor(stage))) return undefined;
  const ops = operands(command).filter((o) => o && !/^(shell|check|text|capture_output)$/.test(o));
  const stdlib = typeof entry.stdlib === 'function' ? entry.stdlib(command) : entry.stdlib;
  const stdlibEs = program === 'python' ? 'una simple llamada a función' : stdlib;
  return { program, stdlib, stdlibEs, use: { es: entry.es, en: entry.en }, example: entry.example(ops, command) };
}
