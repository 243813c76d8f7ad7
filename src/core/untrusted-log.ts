/**
 * Printing text that is not ours (a job's log, a container's output) into the step log. The
 * runner reads workflow commands (`::add-mask::`, `::error::`, `::stop-commands::` …) from every
 * line of the step's output, so a job could otherwise set outputs, annotate or unmask by printing
 * them: commands are switched off with a one-time token while the text prints.
 */
import { randomUUID } from 'node:crypto';
import type { ActionIO } from './io.js';

/** Prints `text` in a log group with workflow commands switched off while it prints. */
export async function printUntrusted(io: Pick<ActionIO, 'info' | 'group'>, title: string, text: string): Promise<void> {
  await io.group(title, async () => {
    const token = randomUUID();
    io.info(`::stop-commands::${token}`);
    io.info(text.replace(/\s+$/, ''));
    io.info(`::${token}::`);
  });
}
