// The capacity verdict: holds or not at N, the first resource to saturate, and the breaking point.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { breakingPoint, capacityVerdict } from '../../src/impact/capacity.js';
import type { MachineCapacity } from '../../src/impact/machine.js';
import { unitCosts } from '../../src/impact/units.js';
import { analyzeSources } from '../../src/pipeline.js';

const machine: MachineCapacity = {
  cores: 2, memoryMB: 24_000, fdLimit: 1024, ephemeralPorts: 28_000, timeWaitSeconds: 60, fsyncsPerSecond: 200,
  pidMax: 32_768, threadsMax: 100_000, userProcessLimit: 100_000,
  sources: {} as MachineCapacity['sources'],
};

const POLLER = (interval: string) => [
  'import os, time',
  `INTERVAL = ${interval}`,
  'def run():',
  '    while True:',
  '        for name in os.listdir("/inbox"):',
  '            print(name)',
  '        time.sleep(INTERVAL)',
].join('\n');

async function findingsOf(text: string) {
  return (await analyzeSources([{ path: 'p/agent.py', text }])).findings;
}

test('a fast poll loop does not hold 100 agents on 2 cores, and the verdict names CPU', async () => {
  const findings = await findingsOf(POLLER('0.001'));
  const verdict = capacityVerdict({ findings, costs: unitCosts(), machine }, 100);
  assert.equal(verdict.holds, false);
  assert.equal(verdict.bottleneck.resource, 'cpu');
  assert.ok(verdict.breakingPoint !== null && verdict.breakingPoint < 100, `breaking point ${verdict.breakingPoint}`);
});

test('fixing the dominant finding moves the breaking point up', async () => {
  const before = breakingPoint({ findings: await findingsOf(POLLER('0.001')), costs: unitCosts(), machine })!;
  const after = breakingPoint({ findings: await findingsOf(POLLER('2.0')), costs: unitCosts(), machine });
  assert.ok(after === null || after > before * 100, `before ${before}, after ${after}`);
});

test('the breaking point is the largest N that holds', async () => {
  const input = { findings: await findingsOf(POLLER('0.01')), costs: unitCosts(), machine };
  const point = breakingPoint(input)!;
  assert.equal(capacityVerdict(input, point).holds, true);
  assert.equal(capacityVerdict(input, point + 1).holds, false);
});

test('memory alone bounds a project with no findings: every agent is a Python process', async () => {
  const input = { findings: [], costs: unitCosts(), machine };
  const point = breakingPoint(input)!;
  assert.ok(point > 500 && point < 2000, `24 GB / ~20 MB per process, got ${point}`);
  assert.equal(capacityVerdict(input, point + 1).bottleneck.resource, 'memory');
});
