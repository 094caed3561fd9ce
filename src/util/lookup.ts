// Tables keyed by names that come from the user or from analysed code (a Python function may be called
// `constructor`): an own-property lookup, so inherited members of Object never pass for entries.

export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
