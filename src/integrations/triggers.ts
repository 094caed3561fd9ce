// The hook's fast textual pre-check: what the seed lists as reasons to call the performance engineer —
// subprocess management, polling loops with sleep, filesystem messaging, sequential file handling, HTTP
// handlers (and HTTP clients). A file with none of them is not parsed at all.

export type TriggerId = 'subprocess' | 'polling' | 'fs_messaging' | 'sequential_files' | 'http';

const SUBPROCESS = /\bsubprocess\b|\bPopen\b|\bos\s*\.\s*(?:system|popen|spawn\w*|fork|exec\w*|posix_spawn\w*)\b/;
const SLEEP = /\bsleep\s*\(|\.wait\s*\(/;
const LOOP = /^\s*(?:while|for)\b[^\n]*:/m;
const FS_MESSAGING = /\bos\s*\.\s*(?:listdir|scandir|replace|rename|remove|unlink|walk|fsync|stat)\b|\bglob\s*\.|\.glob\s*\(|\.iterdir\s*\(|\bjson\s*\.\s*(?:load|dump)s?\s*\(|\bshutil\s*\.|\btempfile\s*\.|\bfcntl\s*\./;
const FILE_IO = /\bopen\s*\(|\.(?:read|write)_(?:text|bytes)\s*\(/;
const HTTP = /\b(?:BaseHTTPRequestHandler|SimpleHTTPRequestHandler|ThreadingHTTPServer|HTTPServer|TCPServer|socketserver|urlopen|http\.client)\b|\bdo_(?:GET|POST|PUT|DELETE|PATCH|HEAD)\b|\brequests\s*\.\s*(?:get|post|put|delete|patch|head|request|Session)\b|\burllib\s*\.\s*request\b/;

/** The triggers present in a Python source (empty: the hook stays silent without parsing). */
export function triggersIn(text: string): TriggerId[] {
  const found: TriggerId[] = [];
  const loop = LOOP.test(text);
  if (SUBPROCESS.test(text)) found.push('subprocess');
  if (loop && SLEEP.test(text)) found.push('polling');
  if (FS_MESSAGING.test(text)) found.push('fs_messaging');
  if (loop && FILE_IO.test(text)) found.push('sequential_files');
  if (HTTP.test(text)) found.push('http');
  return found;
}
