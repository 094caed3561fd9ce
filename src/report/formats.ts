// Output formats by name. Each renderer turns the same ReportData into text; none analyses.
import type { ReportData } from './data.js';
import { renderConcise } from './concise.js';
import { renderGithub } from './github.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { lookupTable } from '../util/lookup.js';

/** What a renderer may add beyond the findings (the capacity verdict, runtime hot spots). */
export type ReportExtras = Record<string, unknown>;

export type Renderer = (data: ReportData, extras: ReportExtras) => string;

export const FORMATS: Record<string, Renderer> = {
  md: (data) => renderMarkdown(data),
  json: (data, extras) => renderJson(data, extras),
  sarif: (data) => renderSarif(data),
  github: (data) => renderGithub(data),
  html: (data, extras) => renderHtml(data, extras),
  concise: (data) => renderConcise(data),
};

/** The renderer of a format name (`md`, `json`, …); undefined for any other name. */
export const formatNamed = lookupTable(FORMATS);
