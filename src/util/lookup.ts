// Tables keyed by names that come from the user or from analysed code (a Python function may be called
// `constructor`, a command `toString`): only a table's own entries answer, never what every object inherits.
// Answered through a Map: an object lookup converts every new key string first, and call names are new strings.

export function lookupTable<T>(table: Readonly<Record<string, T>>): (key: string) => T | undefined {
  const own = new Map(Object.entries(table));
  return (key) => own.get(key);
}
