// `--ask "…"`: which findings the user's question is about. A word of the question counts when it names
// something in the code (a path, a function, a variable, a program): "inbox" → `INBOX_DIR`, "do_POST",
// "dispatcher" → dispatcher.py. Words of plain language never match: only names are searched.
import type { Finding } from '../rules/types.js';

/** Words shorter than this are too common to name anything ("el", "api", "the"). */
const MIN_LENGTH = 4;

function fold(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** The names a finding touches: its path and the code its message quotes (`…`) or spells (a_b, a.b, CamelCase). */
function namesOf(f: Finding): Set<string> {
  const quoted = [...f.message.en.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  const spelled = f.message.en.match(/[A-Za-z_][\w.]*(?:_|\.|[a-z][A-Z])[\w.]*/g) ?? [];
  const facts = Object.values(f.facts ?? {}).filter((v): v is string => typeof v === 'string');
  const identifiers = [f.file, ...quoted, ...spelled, ...facts].flatMap((text) => fold(text).match(/[a-z0-9_]+/g) ?? []);
  // `INBOX_DIR` answers to "inbox_dir" and to "inbox"; `StatusHandler` (folded: statushandler) to itself.
  return new Set(identifiers.flatMap((id) => [id, ...id.split('_').filter(Boolean)]));
}

/** A word names a name when it is that name, or its plural ("inboxes", "agents"). */
function names(word: string, known: Set<string>): boolean {
  const singular = word.replace(/e?s$/, '');
  return known.has(word) || (singular.length >= MIN_LENGTH && known.has(singular));
}

/** Words every question about this kind of system uses: they name the whole, not a part of the code. */
const GENERIC = new Set(['agent', 'agents', 'agente', 'agentes', 'system', 'sistema', 'python', 'slow', 'lento', 'lenta']);

function words(question: string): string[] {
  return [...new Set(fold(question).match(/[a-z0-9_]+/g) ?? [])].filter((w) => w.length >= MIN_LENGTH && !GENERIC.has(w));
}

/** The words of the question that name something in these findings, in the question's order. */
export function questionTerms(question: string, findings: Finding[]): string[] {
  const known = new Set(findings.flatMap((f) => [...namesOf(f)]));
  return words(question).filter((w) => names(w, known));
}

/** True when the finding touches a name the question used. */
export function mentions(f: Finding, terms: string[]): boolean {
  if (!terms.length) return false;
  const known = namesOf(f);
  return terms.some((t) => names(t, known));
}
