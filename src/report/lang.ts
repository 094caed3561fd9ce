// Report language: explicit, or read from the user's request (`--ask`), or from the locale.
import type { Lang } from '../rules/types.js';

const SPANISH_HINTS = /[áéíóúñ¿¡]|\b(el|la|los|las|que|por|para|con|una?|del|qué|cómo|rendimiento|analiza|revisa|mira|código|agentes|lento|puedes|sistema)\b/i;
const ENGLISH_HINTS = /\b(the|and|is|are|what|how|why|please|check|review|analy[sz]e|slow|code|agents|can|does)\b/i;

export function detectLang(ask?: string, env: NodeJS.ProcessEnv = process.env): Lang {
  if (ask && ask.trim()) {
    const spanish = (ask.match(new RegExp(SPANISH_HINTS.source, 'gi')) ?? []).length;
    const english = (ask.match(new RegExp(ENGLISH_HINTS.source, 'gi')) ?? []).length;
    if (spanish !== english) return spanish > english ? 'es' : 'en';
  }
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^es([_.-]|$)/i.test(locale) ? 'es' : 'en';
}

/** `machine`: the output is for tools (see isMachineFormat), so `auto` means English, whatever the locale. */
export function resolveLang(option: string | undefined, ask?: string, machine = false): Lang {
  if (option === 'es' || option === 'en') return option;
  return machine ? 'en' : detectLang(ask);
}
