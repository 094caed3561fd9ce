// Errors the user caused (bad arguments, missing paths): one line on stderr and exit code 2.
export class UsageError extends Error {}

export function warn(message: string): void {
  process.stderr.write(`clawperf: warning: ${message}\n`);
}

/** Runs a command body; a UsageError or any unexpected error ends in one line and exit 2. */
export async function guarded(body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`clawperf: ${message.split('\n')[0]}\n`);
    if (process.env.CLAWPERF_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 2;
  }
}

export function parseAgents(text: string): number[] {
  // Decimal digits only: `1,,2` (an empty item) and `0x10` (hex that Number() accepts) are mistakes.
  const parts = text.split(',').map((part) => part.trim());
  const counts = parts.map(Number);
  if (parts.some((part) => !/^\d+$/.test(part)) || counts.some((n) => n < 1 || n > 1_000_000)) {
    throw new UsageError(`--agents expects positive integers, e.g. 100 or 1,10,100 (got "${text}")`);
  }
  return counts;
}
