// Dotted Python names (`pkg.mod.Class.run`), as the model and the rules resolve them.

/** The part of a dotted name after its last dot (the whole name when it has none). */
export function lastSegment(dotted: string): string {
  return dotted.slice(dotted.lastIndexOf('.') + 1);
}
