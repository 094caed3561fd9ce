// The impact model: operations per cycle × unit cost × cycles per second × N agents, for every finding,
// as numbers (for the capacity budget) and as sentences with their assumptions (for the report and JSON).
import type { Finding, Lang } from '../rules/types.js';
import type { CostSpec, Impact, Operation, ResourceUse, UnitCost, UnitId } from './types.js';
import { DISK_UNITS, UNIT_LABELS } from './units.js';

export interface PricingContext {
  agents: number;
  /** The finding priced through the topology and the load model (load.ts): its rate, copies and budget. */
  load?: { kind: string; spec: CostSpec; budget: ResourceBudget; processes: number; heldFactor: number };
  costs: Record<UnitId, UnitCost>;
  lang: Lang;
  /** When the costs were measured (`clawperf calibrate`), for the assumptions line. */
  measuredAt?: string;
}

/** A resource figure at N agents, as a low–high range. */
export interface Range {
  low: number;
  high: number;
}

/** What one finding costs at N agents, per resource (summed into the capacity budget). */
export interface ResourceBudget {
  /** CPU/IO time spent per second, in cores (1 = one core fully busy). */
  cores: Range;
  /** Disk operations per second (reads, writes, listings, stats). */
  diskOps: number;
  fsyncs: number;
  /** Processes spawned per second. */
  processes: number;
  fds: number;
  memoryMB: number;
  tcpConnections: number;
  /** Sockets left in TIME_WAIT (connections/s × 60 s). */
  timeWait: number;
  threads: number;
  /** Operations per second of every kind, for "file operations per cycle" totals. */
  operations: number;
}

export const TIME_WAIT_SECONDS = 60;

function agentFactor(spec: CostSpec, agents: number): number {
  return spec.growth === 'quadratic' ? agents * agents : agents;
}

function timeRange(ops: Operation[], costs: Record<UnitId, UnitCost>): Range {
  return ops.reduce((sum, op) => ({ low: sum.low + op.count * costs[op.unit].lowMs, high: sum.high + op.count * costs[op.unit].highMs }), { low: 0, high: 0 });
}

export function budgetOf(spec: CostSpec, agents: number, costs: Record<UnitId, UnitCost>, which: 'current' | 'expected' = 'current'): ResourceBudget {
  const ops = which === 'current' ? spec.current : spec.expected;
  const rate = which === 'expected' && spec.expectedRate ? spec.expectedRate.perSecond : spec.rate.perSecond;
  const resources: ResourceUse = (which === 'current' ? spec.currentResources : spec.expectedResources ?? (which === 'expected' ? {} : undefined)) ?? {};
  const n = agentFactor(spec, agents);
  const perSecond = rate * n;
  const ms = timeRange(ops, costs);
  const count = (pred: (u: UnitId) => boolean) => ops.filter((o) => pred(o.unit)).reduce((s, o) => s + o.count, 0) * perSecond;
  const processes = (count((u) => u === 'subprocess' || u === 'fork') + (resources.processes ?? 0) * perSecond);
  const tcp = (count((u) => u === 'http_local' || u === 'http_external') + (resources.tcpConnections ?? 0) * perSecond);
  return {
    cores: { low: (ms.low * perSecond) / 1000, high: (ms.high * perSecond) / 1000 },
    diskOps: count((u) => DISK_UNITS.has(u)),
    fsyncs: count((u) => u === 'fsync' || u === 'file_write_fsync'),
    processes,
    fds: (resources.fds ?? 0) * agents,
    memoryMB: (resources.memoryMB ?? 0) * agents,
    tcpConnections: tcp,
    timeWait: tcp * TIME_WAIT_SECONDS,
    threads: (resources.threads ?? 0) * agents,
    operations: ops.reduce((s, o) => s + o.count, 0) * perSecond,
  };
}

// ---------- sentences

const WORDS = {
  agents: { es: 'agentes', en: 'agents' },
  perSecond: { es: '/s', en: '/s' },
  core: { es: 'de un núcleo', en: 'of one core' },
  cores: { es: 'núcleos', en: 'cores' },
  msPerSecond: { es: 'ms de CPU/E-S por segundo', en: 'ms of CPU/IO per second' },
  nothing: { es: 'ninguna operación', en: 'no operations' },
  fds: { es: 'descriptores abiertos', en: 'open descriptors' },
  memory: { es: 'de memoria', en: 'of memory' },
  threads: { es: 'hilos', en: 'threads' },
  conns: { es: 'conexiones TCP nuevas/s', en: 'new TCP connections/s' },
  timeWait: { es: 'sockets en TIME_WAIT', en: 'sockets in TIME_WAIT' },
  procs: { es: 'procesos/s', en: 'processes/s' },
  blocked: { es: 'bloqueo posible', en: 'possible block' },
  unbounded: { es: 'sin límite', en: 'unbounded' },
  measured: { es: 'costes unitarios medidos en esta máquina', en: 'unit costs measured on this machine' },
  reference: { es: 'costes unitarios de la tabla de referencia del brief', en: 'unit costs from the brief’s reference table' },
  runtime: { es: 'tasa medida en ejecución (clawperf trace)', en: 'rate measured at runtime (clawperf trace)' },
} as const;

/** A number for a sentence: 2, 0.5, 1,240 in English; 0,5 and 1.240 in Spanish. */
export function formatNumber(value: number, lang: Lang = 'en'): string {
  const text = formatNumberEn(value);
  return lang === 'es' ? text.replace(/[.,]/g, (c) => (c === '.' ? ',' : '.')) : text;
}

function formatNumberEn(value: number): string {
  if (!Number.isFinite(value)) return '∞';
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(0);
  if (abs >= 1) return value.toFixed(1).replace(/\.0$/, '');
  return String(Number(value.toPrecision(2)));
}

function formatRange(range: Range, unit = '', lang: Lang = 'en'): string {
  const low = formatNumber(range.low, lang);
  const high = formatNumber(range.high, lang);
  return low === high ? `${low}${unit}` : `${low}–${high}${unit}`;
}

function formatCpu(cores: Range, lang: Lang): string {
  const ms = { low: cores.low * 1000, high: cores.high * 1000 };
  if (cores.high >= 1) return `${formatRange(cores, '', lang)} ${WORDS.cores[lang]}`;
  return `${formatRange(ms, '', lang)} ${WORDS.msPerSecond[lang]} (${formatRange({ low: cores.low * 100, high: cores.high * 100 }, ' %', lang)} ${WORDS.core[lang]})`;
}

function opsSentence(ops: Operation[], perSecond: number, lang: Lang): string {
  const parts = ops.filter((o) => o.count > 0).map((o) => `${formatNumber(o.count * perSecond, lang)} ${UNIT_LABELS[o.unit][lang]}/s`);
  return parts.length ? parts.join(' + ') : WORDS.nothing[lang];
}

function resourceSentence(budget: ResourceBudget, resources: ResourceUse | undefined, lang: Lang): string[] {
  const parts: string[] = [];
  if (!resources) return parts;
  if (budget.fds) parts.push(`${formatNumber(budget.fds, lang)} ${WORDS.fds[lang]}`);
  if (budget.memoryMB) parts.push(`${formatNumber(budget.memoryMB, lang)} MB ${WORDS.memory[lang]}`);
  if (budget.threads) parts.push(`${formatNumber(budget.threads, lang)} ${WORDS.threads[lang]}`);
  if (resources.tcpConnections) parts.push(`${formatNumber(budget.tcpConnections, lang)} ${WORDS.conns[lang]} (${formatNumber(budget.timeWait, lang)} ${WORDS.timeWait[lang]})`);
  if (resources.processes) parts.push(`${formatNumber(budget.processes, lang)} ${WORDS.procs[lang]}`);
  if (resources.blockedSeconds !== undefined) {
    parts.push(`${WORDS.blocked[lang]}: ${Number.isFinite(resources.blockedSeconds) ? `${formatNumber(resources.blockedSeconds, lang)} s` : WORDS.unbounded[lang]}`);
  }
  return parts;
}

function describe(spec: CostSpec, which: 'current' | 'expected', ctx: PricingContext): { text: string; budget: ResourceBudget } {
  const load = ctx.load;
  const copies = load ? 1 : agentFactor(spec, ctx.agents);
  const budget = load && which === 'current' ? load.budget : heldFor(budgetOf(spec, load ? 1 : ctx.agents, ctx.costs, which), load);
  const ops = which === 'current' ? spec.current : spec.expected;
  const rate = which === 'expected' && spec.expectedRate ? spec.expectedRate.perSecond : spec.rate.perSecond;
  const resources = which === 'current' ? spec.currentResources : spec.expectedResources;
  const perSecond = rate * copies;
  const parts: string[] = [];
  if (load?.kind === 'on-demand') parts.push(ctx.lang === 'es' ? 'solo cuando una persona lo ejecuta (bajo demanda)' : 'only when a person runs it (on demand)');
  else if (load?.kind === 'incident' && which === 'current') parts.push(`${formatCpu(budget.cores, ctx.lang)} ${ctx.lang === 'es' ? `mientras dure la condición (un núcleo por proceso que espera, ${formatNumber(load.processes, ctx.lang)} procesos)` : `while the condition holds (one core per waiting process, ${formatNumber(load.processes, ctx.lang)} processes)`}`);
  else if (ops.length && rate > 0) parts.push(`${opsSentence(ops, perSecond, ctx.lang)}; ${formatCpu(budget.cores, ctx.lang)}`);
  else if (ops.length && rate === 0) parts.push(ctx.lang === 'es' ? 'una vez al arrancar' : 'once at start-up');
  parts.push(...resourceSentence(budget, resources, ctx.lang));
  if (parts.length === 0) parts.push(WORDS.nothing[ctx.lang]);
  return { text: parts.join('; '), budget };
}

/** The expected budget holds resources in as many processes as the current one. */
function heldFor(budget: ResourceBudget, load: PricingContext['load']): ResourceBudget {
  if (!load) return budget;
  const factor = load.heldFactor;
  return { ...budget, fds: budget.fds * factor, memoryMB: budget.memoryMB * factor, threads: budget.threads * factor };
}

function percentChange(before: number, after: number): number | undefined {
  if (before <= 0) return undefined;
  return Math.round(((after - before) / before) * 100);
}

function improvementSentence(before: ResourceBudget, after: ResourceBudget, lang: Lang): string {
  const candidates: { label: string; before: number; after: number }[] = [
    { label: lang === 'es' ? 'tiempo de CPU/E-S' : 'CPU/IO time', before: before.cores.high, after: after.cores.high },
    { label: lang === 'es' ? 'operaciones de disco' : 'disk operations', before: before.diskOps, after: after.diskOps },
    { label: 'fsync', before: before.fsyncs, after: after.fsyncs },
    { label: lang === 'es' ? 'procesos lanzados' : 'processes spawned', before: before.processes, after: after.processes },
    { label: lang === 'es' ? 'conexiones TCP' : 'TCP connections', before: before.tcpConnections, after: after.tcpConnections },
    { label: lang === 'es' ? 'descriptores' : 'descriptors', before: before.fds, after: after.fds },
    { label: lang === 'es' ? 'memoria' : 'memory', before: before.memoryMB, after: after.memoryMB },
    { label: lang === 'es' ? 'hilos' : 'threads', before: before.threads, after: after.threads },
  ];
  const changes = candidates.flatMap((c) => {
    const pct = percentChange(c.before, c.after);
    return pct === undefined || pct === 0 ? [] : [`${pct > 0 ? '+' : '−'}${Math.abs(pct)} % ${c.label}`];
  });
  const saved = before.cores.high - after.cores.high;
  if (saved > 0.0005) {
    const savedText = formatCpu({ low: Math.max(0, before.cores.low - after.cores.low), high: saved }, lang);
    changes.push(lang === 'es' ? `ahorra ${savedText}` : `saves ${savedText}`);
  }
  return changes.length ? changes.slice(0, 3).join(', ') : lang === 'es' ? 'evita el bloqueo/fallo bajo carga' : 'removes the stall/failure under load';
}

export function priceFinding(finding: Finding, ctx: PricingContext): Impact {
  const spec = ctx.load?.spec ?? effectiveCost(finding);
  const current = describe(spec, 'current', ctx);
  const expected = describe(spec, 'expected', ctx);
  const n = ctx.agents;
  const assumptions = [
    `${formatNumber(n, ctx.lang)} ${WORDS.agents[ctx.lang]}${spec.growth === 'quadratic' ? (ctx.lang === 'es' ? ' (coste cuadrático: cada agente recorre lo de todos)' : ' (quadratic cost: every agent walks every other’s files)') : ''}`,
    finding.runtime ? WORDS.runtime[ctx.lang] : spec.rate.basis[ctx.lang],
    ...(spec.expectedRate ? [`${ctx.lang === 'es' ? 'tras el cambio' : 'after the change'}: ${spec.expectedRate.basis[ctx.lang]}`] : []),
    costSourceNote(spec, ctx),
    ...(spec.assumptions ?? []).map((a) => a[ctx.lang]),
  ];
  return {
    current: current.text,
    expected: expected.text,
    improvement: improvementSentence(current.budget, expected.budget, ctx.lang),
    assumptions,
  };
}

function costSourceNote(spec: CostSpec, ctx: PricingContext): string {
  const units = [...new Set([...spec.current, ...spec.expected].map((o) => o.unit))];
  const measured = units.filter((u) => ctx.costs[u].source === 'measured');
  const detail = units.map((u) => `${UNIT_LABELS[u][ctx.lang]} ${formatRange({ low: ctx.costs[u].lowMs, high: ctx.costs[u].highMs }, '', ctx.lang)} ms`).join(', ');
  if (units.length === 0) return ctx.lang === 'es' ? 'sin coste de tiempo: recursos retenidos' : 'no time cost: resources held';
  const source = measured.length === units.length ? WORDS.measured[ctx.lang] + (ctx.measuredAt ? ` (${ctx.measuredAt.slice(0, 10)})` : '')
    : measured.length ? `${WORDS.measured[ctx.lang]} (${measured.join(', ')}) + ${WORDS.reference[ctx.lang]}` : WORDS.reference[ctx.lang];
  return `${source}: ${detail}`;
}

/** The cost to price: runtime evidence, when present, replaces the estimated rate. */
export function effectiveCost(finding: Finding): CostSpec {
  return finding.runtime ? withMeasuredRate(finding) : finding.cost;
}

/** One cycle = one measured event divided among the cycle's operations. */
function withMeasuredRate(finding: Finding): CostSpec {
  const spec = finding.cost;
  const runtime = finding.runtime!;
  const opsPerCycle = spec.current.reduce((s, o) => s + o.count, 0) || 1;
  const measuredRate = runtime.eventsPerSecond / opsPerCycle;
  const ratio = spec.rate.perSecond > 0 ? measuredRate / spec.rate.perSecond : 1;
  return {
    ...spec,
    rate: { perSecond: measuredRate, basis: { es: `${formatNumber(runtime.eventsPerSecond)} ${runtime.kind}/s medidos`, en: `${formatNumber(runtime.eventsPerSecond)} ${runtime.kind}/s measured` } },
    // The fix's own rate (inotify: events only) stands; otherwise the fixed code runs as often as measured.
    expectedRate: spec.expectedRate ?? { perSecond: measuredRate, basis: { es: 'misma tasa medida', en: 'same measured rate' } },
    assumptions: [...(spec.assumptions ?? []), { es: `×${formatNumber(ratio)} respecto a la estimación estática`, en: `×${formatNumber(ratio)} the static estimate` }],
  };
}
