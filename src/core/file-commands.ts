/**
 * The runner's file-command format (`GITHUB_OUTPUT`, `GITHUB_STATE`, `GITHUB_ENV`): one `k=v` per
 * line, or `k<<DELIMITER` … `DELIMITER` for multi-line values (what `@actions/core` writes).
 */

/** Parses a file written in the runner's file-command format. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, key, delim] = heredoc;
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delim) value.push(lines[i++]);
      out[key] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}
