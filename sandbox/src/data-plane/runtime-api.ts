import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';

/**
 * A socket in Linux's abstract namespace, as HAProxy names it (`abns@…`): no file, so no limit
 * from the state dir's path length (a unix socket's path must fit in 107 bytes) and nothing left
 * behind when HAProxy is gone. Unique per load balancer.
 */
export function abstractSocket(role: string): string {
  return `abns@switchyard-lb-${process.pid}-${randomBytes(6).toString('hex')}-${role}`;
}

/*
 * HAProxy's runtime API, on the stats socket (an abstract one, see above). One command per
 * connection: in that (non-interactive) mode HAProxy answers and closes, so an answer is complete
 * when the socket closes. https://docs.haproxy.org/2.6/management.html#9.3
 */

/** Sends one command and resolves with HAProxy's answer, trimmed ("" for a command that succeeded silently). */
export function runtimeCommand(socketPath: string, command: string, timeoutMs = 10_000): Promise<string> {
  // The CLI splits commands on ";" and lines: an id that carried either would run a second command.
  if (/[;\n\r]/.test(command)) return Promise.reject(new Error(`runtime API: refusing a command with ";" or a newline: ${command}`));
  return new Promise((resolve, reject) => {
    // Node reaches an abstract socket by a path that starts with a NUL byte.
    const socket = createConnection(socketPath.startsWith('abns@') ? `\0${socketPath.slice('abns@'.length)}` : socketPath);
    let answer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`runtime API: no answer to "${command}" within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.once('error', reject);
    socket.once('close', (hadError) => {
      if (!hadError) resolve(answer.trim());
    });
  });
}

/** Splits one CSV line of `show stat`; HAProxy quotes a field that holds a comma or a quote. */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    if (quoted && char === '"' && line[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/** `show stat` as rows keyed by its own header (`pxname`, `svname`, `status`, `scur`, `check_status`, ...). */
export function parseStat(csv: string): Record<string, string>[] {
  const [header, ...lines] = csv.split('\n').filter((line) => line.trim() !== '');
  if (!header?.startsWith('# ')) throw new Error(`runtime API: not a show stat answer: ${csv.slice(0, 200)}`);
  const names = csvFields(header.slice(2));
  return lines.map((line) => {
    const values = csvFields(line);
    return Object.fromEntries(names.map((name, i) => [name, values[i] ?? '']));
  });
}
