// Section 1's words about the load model: the process topology table, the three budgets, what an incident
// costs, what one pass of a singleton costs at N, and the `clawperf stress` command that would check it all.
import type { EntryPoint } from '../model/topology.js';
import type { Finding, Lang } from '../rules/types.js';
import { pricingModel, type CapacityInput, type CapacityVerdict, type Programs, type Resource } from './capacity.js';
import { center, itemsPerRun, priceAll } from './load.js';
import { formatNumber } from './price.js';

const s = (lang: Lang, es: string, en: string) => (lang === 'es' ? es : en);

export function programsOf(topology: EntryPoint[]): Programs {
  const count = (role: EntryPoint['role']) => topology.filter((e) => e.kind === 'main' && e.longRunning && e.role === role).length;
  return { perAgent: count('per-agent'), singletons: count('singleton') };
}

const ROLE_WORDS: Record<EntryPoint['role'], { es: string; en: string }> = {
  'per-agent': { es: '× N', en: '× N' },
  singleton: { es: 'una vez', en: 'once' },
  'on-demand': { es: 'bajo demanda, fuera de los presupuestos', en: 'on demand, in no budget' },
};

/** The topology in one line of section 1 (the report has a length budget): each program, its copies and why. */
export function topologyTable(topology: EntryPoint[], lang: Lang): string[] {
  const mains = topology.filter((e) => e.kind === 'main' && e.file);
  if (!mains.length) {
    return [s(lang, '- Topología de procesos: ningún punto de entrada (`__main__`, unidad systemd) encontrado; cada hallazgo se valora una vez por agente (supuesto).',
      '- Process topology: no entry point (`__main__`, systemd unit) found; every finding is priced once per agent (assumed).')];
  }
  const items = mains.map((e) => `\`${e.file.split('/').pop()}\` ${ROLE_WORDS[e.role][lang]} (${e.assumed ? s(lang, 'supuesto ', 'assumed ') : ''}${e.reason[lang]})`);
  return [s(lang,
    `- Topología de procesos: ${items.join('; ')}; los hilos toman el papel de su programa. Se corrige con \`[tool.clawperf] topology\`.`,
    `- Process topology: ${items.join('; ')}; threads take their program’s role. Override with \`[tool.clawperf] topology\`.`)];
}

function figure(v: CapacityVerdict, budget: 'idle' | 'steady' | 'incident', resource: Resource): number {
  return v.budgets[budget].find((l) => l.resource === resource)?.demand ?? 0;
}

export function budgetLines(v: CapacityVerdict, messageRate: number, lang: Lang): string[] {
  const f = (n: number) => formatNumber(n, lang);
  const line = (b: 'idle' | 'steady' | 'incident') => `${f(figure(v, b, 'cpu'))} ${s(lang, 'núcleos', 'cores')}, ${f(figure(v, b, 'memory'))} MB, ${f(figure(v, b, 'processes'))} ${s(lang, 'procesos/s', 'processes/s')}, ${f(figure(v, b, 'fsync'))} fsync/s, ${f(figure(v, b, 'threads'))} ${s(lang, 'hilos', 'threads')}`;
  return [
    s(lang,
      `- Presupuestos con ${f(v.agents)} agentes: **reposo** (sin mensajes) ${line('idle')}; **carga estable** (${f(messageRate)} mensajes/s por agente, \`--message-rate\`) añade ${line('steady')}; **incidente** (un lock retenido, un par colgado) ${line('incident')}. El veredicto se toma sobre reposo + carga estable.`,
      `- Budgets at ${f(v.agents)} agents: **idle** (no messages) ${line('idle')}; **steady** (${f(messageRate)} messages/s per agent, \`--message-rate\`) adds ${line('steady')}; **incident** (a lock held, a peer hung) ${line('incident')}. The verdict is taken on idle + steady.`),
  ];
}

/** Findings priced in the incident budget, and singleton passes that grow with N, one sentence each. */
export function incidentLines(findings: Finding[], hidden: Finding[], input: CapacityInput, agents: number, lang: Lang): string[] {
  const all = [...findings, ...hidden];
  const model = pricingModel(input);
  const prices = priceAll(all, model, agents);
  const incidents = new Map<string, string>();
  const passes = new Map<string, { seconds: number; spawns: number; items: number; loop: string }>();
  all.forEach((f, i) => {
    const key = `${f.file}:${f.line}`;
    const price = prices[i]!;
    const site = model.sites?.[key];
    if (price.kind === 'incident' && !incidents.has(key)) {
      incidents.set(key, s(lang,
        `- Incidente: mientras \`${key}\` espera (\`${site?.reason ?? 'while …'}\`, sin pausa), cada proceso que espera quema un núcleo: hasta ${formatNumber(price.processes, lang)} núcleos con ${formatNumber(agents, lang)} agentes.`,
        `- Incident: while \`${key}\` waits (\`${site?.reason ?? 'while …'}\`, no pause), each waiting process burns one core: up to ${formatNumber(price.processes, lang)} cores at ${formatNumber(agents, lang)} agents.`));
    } else if (price.kind === 'idle' && site?.loops.includes('agents') && price.spec.rate.perSecond > 0) {
      // Several rules on one call: the smallest view prices it once (as the budgets do).
      const { items } = itemsPerRun(site, f.cost, agents);
      const seconds = (center(price.budget.cores.low, price.budget.cores.high) / price.spec.rate.perSecond) * items;
      const spawns = (price.budget.processes / price.spec.rate.perSecond) * items;
      const seen = passes.get(key);
      if (!seen || seconds < seen.seconds) passes.set(key, { seconds, spawns, items, loop: site.pollLoop ?? key });
    }
  });
  const passLines = [...passes].map(([key, p]) => s(lang,
    `- Una vuelta de \`${p.loop}\` recorre ${formatNumber(p.items, lang)} agentes/unidades en \`${key}\`: ~${formatNumber(p.seconds, lang)} s y ${formatNumber(p.spawns, lang)} procesos por vuelta con ${formatNumber(agents, lang)} agentes; crece con N (latencia por vuelta), no se multiplica por N.`,
    `- One pass of \`${p.loop}\` walks ${formatNumber(p.items, lang)} agents/units at \`${key}\`: ~${formatNumber(p.seconds, lang)} s and ${formatNumber(p.spawns, lang)} processes per pass at ${formatNumber(agents, lang)} agents; it grows with N (latency per pass), it is not multiplied by N.`));
  return [...passLines, ...incidents.values()];
}

/** The `clawperf stress` command that would check this verdict on this machine. */
export function stressSuggestion(topology: EntryPoint[], agents: number, messageRate: number, lang: Lang): string {
  const perAgent = topology.find((e) => e.kind === 'main' && e.longRunning && e.role === 'per-agent');
  const counts = [...new Set([1, Math.min(10, agents), agents])].join(',');
  const command = perAgent
    ? `clawperf stress --agents ${counts} --duration 20 --warmup 2 -- python3 ${perAgent.file} {agent}`
    : `clawperf stress --agents ${counts} --duration 20 --warmup 2 -- python3 <program> {agent}`;
  return s(lang,
    `- Para comprobar este veredicto aquí: \`${command}\` (añada \`--feed\` con un alimentador a ${formatNumber(messageRate, lang)} mensajes/s por agente para la carga estable) y luego \`clawperf analyze --measured .clawperf/stress/<ejecución>/stress.json\`.`,
    `- To check this verdict here: \`${command}\` (add \`--feed\` with a feeder at ${formatNumber(messageRate, lang)} messages/s per agent for the steady load), then \`clawperf analyze --measured .clawperf/stress/<run>/stress.json\`.`);
}

export function topologyToJson(topology: EntryPoint[]) {
  return topology.map((e) => ({ entry: e.id, file: e.file, line: e.line, kind: e.kind, role: e.role, reason: e.reason.en, assumed: e.assumed, long_running: e.longRunning }));
}
