// Preferences the user asked memory to keep, read from the remembered texts (English or Spanish):
// "ignore tests/", "ignore path legacy/**", "ignore rule SP502", "prefer systemd path units", "lang es".
import type { Finding } from '../rules/types.js';

export interface Preferences {
  /** Globs, gitignore-style: `tests/` matches that folder anywhere, `legacy/**` from the root. */
  ignorePaths: string[];
  /** Rule ids, upper case. */
  ignoreRules: string[];
  preferSystemdPathUnits: boolean;
  lang?: 'es' | 'en';
  /** Every remembered text, verbatim, in the order it was remembered. */
  notes: string[];
}

const RULE_ID = /^[A-Za-z]{2}\d{3}$/;
const IGNORE_VERB = /\b(?:ignore|ignoring|skip|exclude|ignora|ignorar|ignorad|omite|omitir|excluye|excluir)\b/gi;
const NEGATION = /\b(?:don'?t|do not|never|stop|no|nunca|deja de|dejar de)\s*$/i;
const FILLER = new Set([
  'the', 'path', 'paths', 'rule', 'rules', 'folder', 'folders', 'directory', 'directories', 'dir', 'files', 'file',
  'in', 'under', 'la', 'las', 'el', 'los', 'regla', 'reglas', 'ruta', 'rutas', 'carpeta', 'carpetas', 'directorio',
  'directorios', 'fichero', 'ficheros', 'archivo', 'archivos', 'de', 'en', 'and', 'y', 'or', 'o', 'all', 'todo', 'todos',
]);
const PATH_KEYWORDS = new Set(['path', 'paths', 'folder', 'folders', 'directory', 'directories', 'dir', 'ruta', 'rutas', 'carpeta', 'carpetas', 'directorio', 'directorios']);

function looksLikePath(token: string): boolean {
  return /[/*.?]/.test(token) && !/^[.]+$/.test(token) && !/^https?:/.test(token);
}

function cleanToken(token: string): string {
  let t = token.replace(/^[`'"(\[]+|[`'")\],;:!]+$/g, '');
  // A sentence-final full stop, not part of a glob like `*.` or a dotfile.
  if (t.length > 1 && t.endsWith('.') && !t.endsWith('*.') && !t.endsWith('/.')) t = t.slice(0, -1);
  return t.replace(/^`|`$/g, '');
}

function parseIgnores(text: string, paths: string[], rules: string[]): void {
  for (const match of text.matchAll(IGNORE_VERB)) {
    const before = text.slice(0, match.index);
    if (NEGATION.test(before)) continue;
    const rest = text.slice(match.index! + match[0].length).split(/[\n;]|\.\s|\s(?:because|since|as|porque|ya que)\s/i)[0] ?? '';
    let explicitPath = false;
    for (const raw of rest.split(/[\s,]+/)) {
      const token = cleanToken(raw);
      if (token === '') continue;
      const lower = token.toLowerCase();
      if (FILLER.has(lower)) {
        if (PATH_KEYWORDS.has(lower)) explicitPath = true;
        continue;
      }
      if (RULE_ID.test(token)) {
        rules.push(token.toUpperCase());
      } else if (looksLikePath(token)) {
        paths.push(token);
      } else if (explicitPath) {
        paths.push(token); // "ignore path legacy"
        explicitPath = false;
      } else {
        break; // prose, not a list of things to ignore
      }
    }
  }
}

function parseSystemd(text: string): boolean | undefined {
  if (!/systemd/i.test(text)) return undefined;
  if (/\b(?:don'?t|do not|never|avoid|no|not|nunca|evita|evitar)\b[^.;\n]{0,30}systemd/i.test(text)) return false;
  if (/\b(?:prefer|prefers|preferred|use|always use|prefiere|preferir|prefiero|usa|usar|utiliza)\b[^.;\n]{0,30}systemd/i.test(text)) return true;
  return undefined;
}

function parseLang(text: string): 'es' | 'en' | undefined {
  const explicit = /\b(?:lang|language|idioma|lengua)\s*[:=]?\s*(es|en|spanish|english|español|espanol|inglés|ingles|castellano)\b/i.exec(text);
  const phrase = /\b(?:in|en|use|usa|usar)\s+(spanish|english|español|espanol|inglés|ingles|castellano)\b/i.exec(text);
  const word = (explicit?.[1] ?? phrase?.[1])?.toLowerCase();
  if (!word) return undefined;
  return word === 'en' || word === 'english' || word.startsWith('ingl') ? 'en' : 'es';
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** Preferences from remembered texts; later texts win for `lang` and systemd. */
export function parsePreferences(texts: readonly string[]): Preferences {
  const ignorePaths: string[] = [];
  const ignoreRules: string[] = [];
  let preferSystemdPathUnits = false;
  let lang: 'es' | 'en' | undefined;
  for (const text of texts) {
    parseIgnores(text, ignorePaths, ignoreRules);
    const systemd = parseSystemd(text);
    if (systemd !== undefined) preferSystemdPathUnits = systemd;
    lang = parseLang(text) ?? lang;
  }
  const prefs: Preferences = {
    ignorePaths: unique(ignorePaths),
    ignoreRules: unique(ignoreRules),
    preferSystemdPathUnits,
    notes: [...texts],
  };
  if (lang) prefs.lang = lang;
  return prefs;
}

/** Whether a remembered text states a preference (it then lives in preferences.md). */
export function isPreference(text: string): boolean {
  const p = parsePreferences([text]);
  return p.ignorePaths.length > 0 || p.ignoreRules.length > 0 || parseSystemd(text) !== undefined || p.lang !== undefined;
}

/** A gitignore-style glob as a regular expression over a relative path with forward slashes. */
export function globToRegExp(pattern: string): RegExp {
  let p = pattern.trim().replace(/\\/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  const anchored = p.startsWith('/');
  if (anchored) p = p.slice(1);
  if (p.endsWith('/')) p = p.slice(0, -1);
  const hasSlash = p.includes('/');
  let body = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      if (p[i + 2] === '/') {
        body += '(?:.*/)?';
        i += 2;
      } else {
        body += '.*';
        i += 1;
      }
    } else if (c === '*') body += '[^/]*';
    else if (c === '?') body += '[^/]';
    else body += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const prefix = anchored || hasSlash ? '^' : '^(?:.*/)?';
  return new RegExp(`${prefix}${body}(?:/.*)?$`);
}

export function pathIgnored(file: string, prefs: Pick<Preferences, 'ignorePaths'>): boolean {
  const path = file.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
  return prefs.ignorePaths.some((glob) => globToRegExp(glob).test(path));
}

/** Whether the user's preferences drop this finding (ignored rule or path). */
export function findingIgnored(finding: Pick<Finding, 'rule' | 'file'>, prefs: Pick<Preferences, 'ignorePaths' | 'ignoreRules'>): boolean {
  return prefs.ignoreRules.includes(finding.rule.toUpperCase()) || pathIgnored(finding.file, prefs);
}
