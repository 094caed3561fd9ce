import type { CallSite, FileModel } from '../../model/types.js';
import { num, report } from '../support.js';
import type { Rule, RuleFinding, RuleMeta } from '../types.js';
import { fileAccesses } from './files.js';
import { cadence, isTestFile, placeText, rateOf, severityAt } from './hot-path.js';
import { where } from '../../model/frequency.js';

export const meta: RuleMeta = {
  id: 'DK401',
  name: 'fsync-per-message',
  dimension: 'disk',
  title: { es: 'fsync por mensaje o por iteración', en: 'fsync per message or iteration' },
  phase: 1,
  severity: { handler: 'critical', poll_loop: 'critical', loop: 'important', per_task: 'important', startup: null },
  docs: {
    what: {
      es: 'os.fsync()/os.fdatasync() en cada mensaje, resultado o vuelta de bucle.',
      en: 'os.fsync()/os.fdatasync() on every message, result or loop pass.',
    },
    why: {
      es: 'Cada fsync espera a que el disco confirme: 1–5 ms en SSD, decenas en disco o red. Con 100 agentes escribiendo un mensaje por segundo son 100 fsync/s que serializan la cola del dispositivo y frenan a todos los demás escritores.',
      en: 'Every fsync waits for the device to confirm: 1–5 ms on SSD, tens on spinning or network disks. With 100 agents writing one message a second that is 100 fsyncs/s serialising the device queue and slowing every other writer.',
    },
    example: 'for record in records:\n    fh.write(json.dumps(record) + "\\n")\n    fh.flush()\n    os.fsync(fh.fileno())',
    useInstead: 'for record in records:\n    fh.write(json.dumps(record) + "\\n")\nfh.flush()\nos.fsync(fh.fileno())  # once per batch',
    tradeoff: {
      es: 'Sin fsync por mensaje, un corte de luz puede perder el último lote (hasta el siguiente fsync); los ficheros de IPC en tmpfs ($XDG_RUNTIME_DIR) no sobreviven a un reinicio, que para mensajes en tránsito suele ser aceptable.',
      en: 'Without a per-message fsync, a power cut can lose the last batch (up to the next fsync); IPC files on tmpfs ($XDG_RUNTIME_DIR) do not survive a reboot, which is usually fine for in-flight messages.',
    },
  },
};

/** The handle being synced (`fh` of `os.fsync(fh.fileno())`) and how it was opened. */
function syncedHandle(file: FileModel, call: CallSite): { handle: string; mode?: 'append' | 'write'; path?: string } {
  const text = call.args[0]?.expr.text ?? 'fh';
  const handle = /^([\w.]+)\.fileno\(\)$/.exec(text)?.[1] ?? text;
  const access = fileAccesses(file).filter((a) => a.call.functionId === call.functionId && a.handle === handle && a.call.span.start < call.span.start).pop();
  return { handle, mode: access?.kind === 'read' ? undefined : access?.kind, path: access?.pathText };
}

export const DK401: Rule = {
  meta,
  check({ file, project, agents }) {
    if (isTestFile(file.path)) return [];
    const findings: RuleFinding[] = [];
    for (const call of file.calls) {
      if (call.callee !== 'os.fsync' && call.callee !== 'os.fdatasync') continue;
      const at = where(project, file, call);
      if (!at.repeated) continue;
      const severity = severityAt(meta.severity, at);
      if (!severity) continue;
      const rate = rateOf(call, file, at);
      const { handle, mode, path } = syncedHandle(file, call);
      const target = path ?? handle;
      const perSecond = rate.perSecond * agents;
      const appendLog = mode === 'append' || at.ownLoops.length > 0;
      const example = appendLog
        ? `_last_sync = 0.0\n\ndef maybe_sync(${handle}, every=1.0):\n    """fsync at most once per second instead of once per record"""\n    global _last_sync\n    now = time.monotonic()\n    if now - _last_sync >= every:\n        ${handle}.flush()\n        os.fsync(${handle}.fileno())\n        _last_sync = now\n\n# in the loop: ${handle}.write(line); maybe_sync(${handle})\n# and once more when the batch ends: ${handle}.flush(); os.fsync(${handle}.fileno())`
        : `# an IPC message is read from the page cache at once; it does not need to reach the platter first.\n# Write it atomically on tmpfs and skip the per-message fsync:\nRUNTIME = os.environ.get("XDG_RUNTIME_DIR", "/run/user/%d" % os.getuid())\ntmp = ${target} + ".tmp"\nwith open(tmp, "w", encoding="utf-8") as ${handle}:\n    ${handle}.write(...)  # the same data as before\nos.replace(tmp, ${target})  # readers never see half a file\n# durable data instead: fsync once per batch, or from a timer every second`;
      findings.push(...report(meta, call.span, at.context, {
        severity,
        message: {
          es: `${call.calleeText}(${call.args[0]?.expr.text ?? ''}) ${placeText(file, at).es}: una espera al disco de 1–5 ms ${cadence(at).es}${path ? ` al escribir ${path}` : ''}`,
          en: `${call.calleeText}(${call.args[0]?.expr.text ?? ''}) ${placeText(file, at).en}: a 1–5 ms wait for the device ${cadence(at).en}${path ? ` when writing ${path}` : ''}`,
        },
        whyAtScale: {
          es: `con ${agents} agentes son ${num(perSecond)} fsync/s (${rate.basis.es}): ${num(perSecond * 1 / 1000)}–${num(perSecond * 5 / 1000)} s de espera de disco por segundo, serializados en la cola del dispositivo`,
          en: `at ${agents} agents that is ${num(perSecond)} fsyncs/s (${rate.basis.en}): ${num(perSecond * 1 / 1000)}–${num(perSecond * 5 / 1000)} s of device wait per second, serialised in the device queue`,
        },
        proposal: {
          change: appendLog
            ? { es: `Agrupar: fsync una vez por lote o como mucho una vez por segundo, no por registro.`, en: 'Batch: fsync once per batch or at most once per second, not per record.' }
            : { es: 'Para mensajes de IPC, escribir de forma atómica (temporal + os.replace) en tmpfs ($XDG_RUNTIME_DIR) sin fsync por mensaje; si los datos deben ser duraderos, fsync por lote.', en: 'For IPC messages, write atomically (temp file + os.replace) on tmpfs ($XDG_RUNTIME_DIR) without a per-message fsync; if the data must be durable, fsync per batch.' },
          justification: {
            es: 'Los lectores ven el fichero en cuanto se cierra (caché de páginas); fsync solo añade durabilidad ante cortes de luz, y por lote la mantiene con una fracción de las esperas.',
            en: 'Readers see the file as soon as it is closed (page cache); fsync only adds durability against power loss, and per batch it keeps that at a fraction of the waits.',
          },
          tradeoff: meta.docs.tradeoff,
          example,
        },
        cost: { current: [{ unit: 'fsync', count: 1 }], expected: [{ unit: 'fsync', count: appendLog ? 0.05 : 0 }], rate },
        facts: { handle, path: path ?? 'unknown' },
      }));
    }
    return findings;
  },
};
