// The process topology (who runs × N, once, or on demand) and the three budgets (idle, steady, incident).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capacityVerdict, type CapacityInput } from '../../src/impact/capacity.js';
import type { MachineCapacity } from '../../src/impact/machine.js';
import { unitCosts } from '../../src/impact/units.js';
import { classifyEntries, type TopologyHints } from '../../src/model/topology.js';
import { analyzeSources } from '../../src/pipeline.js';

const machine: MachineCapacity = {
  cores: 2, memoryMB: 24_000, fdLimit: 1024, ephemeralPorts: 28_000, timeWaitSeconds: 60, fsyncsPerSecond: 200,
  pidMax: 32_768, threadsMax: 100_000, userProcessLimit: 100_000, sources: {} as MachineCapacity['sources'],
};

const AGENT = [
  'import os, subprocess, sys, time',
  'def wait_unlocked(path):',
  '    while os.path.exists(path):',
  '        pass',
  'def handle(path):',
  '    wait_unlocked(path + ".lock")',
  '    subprocess.run(["true"])',
  'def main(inbox):',
  '    while True:',
  '        for name in os.listdir(inbox):',
  '            handle(os.path.join(inbox, name))',
  '        time.sleep(0.5)',
  'if __name__ == "__main__":',
  '    main(sys.argv[1])',
].join('\n');

const LOOPER = (name: string) => [
  'import os, time',
  'def main():',
  '    while True:',
  '        os.listdir("/srv")',
  '        time.sleep(1)',
  'if __name__ == "__main__":',
  '    main()',
].join('\n').replace('/srv', `/srv/${name}`);

const ONCE = ['import json, sys', 'if __name__ == "__main__":', '    print(json.dumps(sys.argv))'].join('\n');

async function topologyOf(sources: { path: string; text: string }[], hints: TopologyHints = { unitFiles: [] }) {
  const result = await analyzeSources(sources);
  return { result, entries: classifyEntries(result.digest.topology.entries, hints) };
}

const roleOf = (entries: { id: string; role: string }[], id: string) => entries.find((e) => e.id === id)?.role;

test('a template unit (name@.service, %i) runs per agent; a plain unit once', async () => {
  const { entries } = await topologyOf([{ path: 'p/loop_a.py', text: LOOPER('a') }, { path: 'p/loop_b.py', text: LOOPER('b') }], {
    unitFiles: [
      { path: 'systemd/thing@.service', text: '[Service]\nExecStart=/usr/bin/python3 %h/p/loop_a.py %i\n' },
      { path: 'systemd/other.service', text: '[Service]\nExecStart=/usr/bin/python3 /opt/p/loop_b.py\n' },
    ],
  });
  assert.equal(roleOf(entries, 'p/loop_a.py'), 'per-agent');
  assert.equal(roleOf(entries, 'p/loop_b.py'), 'singleton');
  assert.ok(entries.every((e) => !e.assumed));
});

test('__main__ programs: a long-running one is assumed per agent and says so; one that exits is on demand; names hint', async () => {
  const { entries } = await topologyOf([
    { path: 'p/loop_a.py', text: LOOPER('a') }, { path: 'p/report.py', text: ONCE }, { path: 'p/dispatcher.py', text: LOOPER('d') },
  ]);
  const loop = entries.find((e) => e.id === 'p/loop_a.py')!;
  assert.equal(loop.role, 'per-agent');
  assert.equal(loop.assumed, true);
  assert.match(loop.reason.en, /long-running/);
  assert.equal(roleOf(entries, 'p/report.py'), 'on-demand');
  assert.equal(roleOf(entries, 'p/dispatcher.py'), 'singleton');
});

test('[tool.clawperf] topology overrides the code, the names and the unit files; thread targets take their program’s role', async () => {
  const threaded = ['import threading, time', 'def work():', '    pass', 'def main():', '    while True:', '        threading.Thread(target=work).start()', '        time.sleep(1)', 'if __name__ == "__main__":', '    main()'].join('\n');
  const { entries } = await topologyOf([{ path: 'p/agent.py', text: threaded }], { unitFiles: [], override: { singleton: ['agent.py'] } });
  assert.equal(roleOf(entries, 'p/agent.py'), 'singleton');
  assert.equal(entries.find((e) => e.kind === 'thread')?.role, 'singleton');
});

async function verdictFor(text: string, agents: number, messageRate: number, extra: Partial<CapacityInput> = {}) {
  const { result, entries } = await topologyOf([{ path: 'p/agent.py', text }]);
  const input: CapacityInput = {
    findings: [...result.findings, ...result.hidden], costs: unitCosts(), machine,
    pricing: { roles: new Map(entries.map((e) => [e.id, e.role])), sites: result.digest.topology.sites, messageRate, programs: { perAgent: 1, singletons: 0 } },
    ...extra,
  };
  return capacityVerdict(input, agents);
}

const cpu = (loads: { resource: string; demand: number }[]) => loads.find((l) => l.resource === 'cpu')!.demand;
const procs = (loads: { resource: string; demand: number }[]) => loads.find((l) => l.resource === 'processes')!.demand;

test('three budgets: per-message spawns are priced at the message rate (not every pass), the busy-wait only in the incident budget', async () => {
  const v = await verdictFor(AGENT, 10, 0.5);
  assert.equal(procs(v.budgets.idle), 0, 'no message: no spawn');
  assert.ok(Math.abs(procs(v.budgets.steady) - 5) < 1e-9, `0.5 msg/s × 10 agents × 1 spawn = 5/s, got ${procs(v.budgets.steady)}`);
  assert.equal(cpu(v.budgets.incident), 10, 'each of the 10 waiting agents spins one core');
  assert.ok(cpu(v.loads) < 1, `the verdict (idle + steady) leaves the incident out: ${cpu(v.loads)} cores`);
  assert.ok(Math.abs(cpu(v.loads) - cpu(v.budgets.idle) - cpu(v.budgets.steady)) < 1e-9);
  const faster = await verdictFor(AGENT, 10, 1);
  assert.ok(Math.abs(procs(faster.budgets.steady) - 10) < 1e-9, 'the steady budget follows the stated rate');
});

test('a # noqa hides a finding from the report, not from the capacity model', async () => {
  const hidden = AGENT.replace('subprocess.run(["true"])', 'subprocess.run(["true"])  # noqa');
  const shown = await verdictFor(AGENT, 10, 0.5);
  const noqa = await verdictFor(hidden, 10, 0.5);
  assert.equal(procs(noqa.budgets.steady), procs(shown.budgets.steady));
  const { result } = await topologyOf([{ path: 'p/agent.py', text: hidden }]);
  assert.ok(result.hidden.length > 0 && result.findings.every((f) => f.line !== 7));
});
