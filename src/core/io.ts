/**
 * The one seam between a flow and the runner: log lines, groups, annotations, outputs, the job
 * summary, masking and main → post state. Every flow (src/runs/*) takes an {@link ActionIO}
 * and never calls `@actions/core` itself.
 *
 * Three implementations:
 * - {@link runnerIO}: the GitHub runner, through `@actions/core` (workflow commands on stdout,
 *   `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `GITHUB_STATE`).
 * - {@link stageIO}: a stage of the root action's flow: everything goes to the parent's IO but
 *   the outputs, which the stage keeps for the flow to read back and publish under its own names.
 * - {@link memoryIO}: everything kept in memory, for running a flow in process (tests, tools).
 */
import * as core from '@actions/core';
import { actionsStateStore, createPostState, memoryStateStore, type PostState, type StateStore } from './state.js';

export type AnnotationProperties = core.AnnotationProperties;

export interface ActionLog {
  info(message: string): void;
  /** Only shown when step debug logging is on. */
  debug(message: string): void;
  notice(message: string, properties?: AnnotationProperties): void;
  warning(message: string, properties?: AnnotationProperties): void;
  error(message: string, properties?: AnnotationProperties): void;
}

export interface ActionIO extends ActionLog {
  /** A collapsible group of log lines around `fn` (closed however `fn` ends). */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  setOutput(name: string, value: string): void;
  /** Appends Markdown/HTML to the job summary (nothing happens when the runner offers none). */
  appendSummary(markdown: string): Promise<void>;
  /** Masks a value in every later log line. */
  setSecret(value: string): void;
  /** Marks the step failed without printing anything (the error was already annotated). */
  markFailed(): void;
  /** Main → post state. */
  readonly state: PostState;
}

/** The runner, through `@actions/core`. */
export function runnerIO(store: StateStore = actionsStateStore): ActionIO {
  return {
    info: (m) => core.info(m),
    debug: (m) => core.debug(m),
    notice: (m, p) => core.notice(m, p),
    warning: (m, p) => core.warning(m, p),
    error: (m, p) => core.error(m, p),
    group: (name, fn) => core.group(name, fn),
    setOutput: (n, v) => core.setOutput(n, v),
    appendSummary: async (markdown) => {
      if (!process.env.GITHUB_STEP_SUMMARY) return;
      await core.summary.addRaw(markdown, true).write();
    },
    setSecret: (s) => core.setSecret(s),
    markFailed: () => {
      process.exitCode = core.ExitCode.Failure;
    },
    state: createPostState(store),
  };
}

/**
 * A stage of the root flow: logs, annotations, summary, masking and state go to `parent`; the
 * outputs the stage sets land in `outputs` (the flow publishes them under the root's names).
 */
export function stageIO(parent: ActionIO, outputs: Record<string, string>): ActionIO {
  return {
    info: (m) => parent.info(m),
    debug: (m) => parent.debug(m),
    notice: (m, p) => parent.notice(m, p),
    warning: (m, p) => parent.warning(m, p),
    error: (m, p) => parent.error(m, p),
    group: (name, fn) => parent.group(name, fn),
    setOutput: (n, v) => void (outputs[n] = v),
    appendSummary: (markdown) => parent.appendSummary(markdown),
    setSecret: (s) => parent.setSecret(s),
    markFailed: () => parent.markFailed(),
    state: parent.state,
  };
}

export interface LoggedLine {
  level: 'info' | 'debug' | 'notice' | 'warning' | 'error' | 'group';
  message: string;
  title?: string;
}

export interface MemoryIO extends ActionIO {
  readonly lines: LoggedLine[];
  readonly outputs: Record<string, string>;
  readonly secrets: string[];
  summary: string;
  failed: boolean;
  /** The messages logged at `level`. */
  messages(level: LoggedLine['level']): string[];
}

/** Everything kept in memory (state too, unless a store is given). */
export function memoryIO(store: StateStore = memoryStateStore()): MemoryIO {
  const io: MemoryIO = {
    lines: [],
    outputs: {},
    secrets: [],
    summary: '',
    failed: false,
    messages: (level) => io.lines.filter((l) => l.level === level).map((l) => l.message),
    info: (message) => void io.lines.push({ level: 'info', message }),
    debug: (message) => void io.lines.push({ level: 'debug', message }),
    notice: (message, p) => void io.lines.push({ level: 'notice', message, title: p?.title }),
    warning: (message, p) => void io.lines.push({ level: 'warning', message, title: p?.title }),
    error: (message, p) => void io.lines.push({ level: 'error', message, title: p?.title }),
    group: async (name, fn) => {
      io.lines.push({ level: 'group', message: name });
      return fn();
    },
    setOutput: (n, v) => void (io.outputs[n] = v),
    appendSummary: async (markdown) => void (io.summary += markdown),
    setSecret: (s) => void io.secrets.push(s),
    markFailed: () => void (io.failed = true),
    state: createPostState(store),
  };
  return io;
}
