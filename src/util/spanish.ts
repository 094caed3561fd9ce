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

/** The Spanish form of every number in `text` outside code spans. */
export function spanishNumbers(text: string): string {
  return text.split(/(`[^`]*`)/).map((part) => (part.startsWith('`') ? part : part.replace(NUMBER, spanishNumber))).join('');
}
