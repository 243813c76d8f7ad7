/**
 * Printing text that is not ours (a job's log, a container's output) into the step log. The
 * runner reads workflow commands (`::add-mask::`, `::error::`, `::stop-commands::` …) from every
 * line of the step's output, so a job could otherwise set outputs, annotate or unmask by printing
 * them: commands are switched off with a one-time token while the text prints.
 */
import { randomUUID } from 'node:crypto';
import * as core from '@actions/core';

export function printUntrusted(title: string, text: string): void {
  core.startGroup(title);
  const token = randomUUID();
  core.info(`::stop-commands::${token}`);
  core.info(text.replace(/\s+$/, ''));
  core.info(`::${token}::`);
  core.endGroup();
}
