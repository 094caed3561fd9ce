// Numbers in Spanish prose: `2.000 procesos/s`, `0,5 s`. Rules build their Spanish sentences with the same
// number helper as their English ones; this turns what that helper writes (2,000 · 0.5) into Spanish
// (2.000 · 0,5), leaving code (`…` spans) alone and numbers already in Spanish untouched.

/** A number token as written in running text: digits with `,` `.` or no-break-space groups. */
const NUMBER = /(?<![\w.,\u00a0])\d[\d,.\u00a0]*\d(?![\w]|[.,\u00a0]\d)/g;

function spanishNumber(token: string): string {
  if (/^[1-9]\d{0,2}(\u00a0\d{3})+$/.test(token)) return token.replace(/\u00a0/g, '.'); // 2 000 → 2.000
  if (/^[1-9]\d{0,2}(,\d{3})+(\.\d+)?$/.test(token)) return token.replace(/[.,]/g, (c) => (c === ',' ? '.' : ',')); // 2,000.5 → 2.000,5
  if (/^[1-9]\d{0,2}(\.\d{3})+$/.test(token)) return token; // already Spanish thousands
  if (/^\d+\.\d+$/.test(token)) return token.replace('.', ','); // 0.5 → 0,5
  return token;
}

/** The nouns rules count, plural → singular, for "1 sondeo" where a template wrote "1 sondeos". */
const SINGULAR: Record<string, string> = {
  agentes: 'agente', conexiones: 'conexión', descriptores: 'descriptor', despertares: 'despertar', elementos: 'elemento',
  entradas: 'entrada', escrituras: 'escritura', ficheros: 'fichero', hilos: 'hilo', lecturas: 'lectura', listados: 'listado',
  llamadas: 'llamada', núcleos: 'núcleo', operaciones: 'operación', peticiones: 'petición', procesos: 'proceso',
  sondeos: 'sondeo', subprocesos: 'subproceso', tareas: 'tarea', veces: 'vez',
};

const ONE = new RegExp(`(?<![\\d.,\u2013-])\\b1 (${Object.keys(SINGULAR).join('|')})\\b`, 'g');

/** English that rules' shared helpers leave in Spanish sentences (operation counts, a work description). */
const ENGLISH_FRAGMENTS: [RegExp, string][] = [
  [/\b(\d+) reads?\b/g, '$1 lecturas'],
  [/\b(\d+) writes?\b/g, '$1 escrituras'],
  [/\b(\d+) subprocess(?:es)?\b(?!\.)/g, '$1 subprocesos'],
  [/\(pure-Python loop over ([^)]+)\)/g, '(bucle Python puro sobre $1)'],
];

function prose(part: string): string {
  const spanish = ENGLISH_FRAGMENTS.reduce((text, [english, es]) => text.replace(english, es), part);
  return spanish.replace(NUMBER, spanishNumber).replace(ONE, (_, noun: string) => `1 ${SINGULAR[noun]}`);
}

/** The Spanish form of every number in `text` outside code spans, its noun in the singular after a 1, and no English fragment. */
export function spanishNumbers(text: string): string {
  return text.split(/(`[^`]*`)/).map((part) => (part.startsWith('`') ? part : prose(part))).join('');
}
