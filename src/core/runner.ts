/**
 * The entry wrapper of every action (codeql-action's `runWrapper` shape).
 *
 * `runAction(name, main)` runs the main step, `runPost(name, post)` the post step. Anything that
 * escapes is reported once: ONE `::error` annotation titled with the action name (with file and
 * line when the error carries them) and the step is marked failed. A user error
 * ({@link ConfigurationError}) shows no stack trace; any error's stack and causes go to the debug
 * log only. Messages pass through {@link redactSecrets} before printing (on top of the runner's
 * own masking of values registered with `core.setSecret`).
 *
 * The step is marked failed with `process.exitCode = 1`, which is what `core.setFailed` does
 * besides writing its own annotation: calling `setFailed` after `core.error` would print the
 * error twice.
 */
import { classifyError, errorLocation, formatError, redactSecrets, type ErrorKind } from './errors.js';
import { actionsInputSource, createInputReader, type InputReader, type InputSource } from './inputs.js';
import { runnerIO, type ActionIO, type AnnotationProperties } from './io.js';
import { createPostState, type PostState } from './state.js';

export type ActionOutcome = 'success' | ErrorKind;

/** What the runner needs of an {@link ActionIO} to report an error. */
export type RunnerLog = Pick<ActionIO, 'error' | 'warning' | 'debug' | 'markFailed'>;

/** What every flow's main and post step get from the entry. */
export interface StepContext {
  /** The step's inputs (`INPUT_<NAME>` on the runner). */
  source: InputSource;
  reader: InputReader;
  io: ActionIO;
  env: NodeJS.ProcessEnv;
  /** Aborts when the runner cancels the step. */
  abortSignal: AbortSignal;
}

export interface Entry {
  /** The action's name, as annotations title it. */
  name: string;
  main: (ctx: StepContext) => Promise<unknown>;
  /** The post step, for actions whose action.yml has `runs.post` (the same bundle). */
  post?: (ctx: StepContext) => Promise<unknown>;
}

/**
 * The whole of an entry (src/actions/<name>.ts): builds the step's context on the runner, runs
 * main — or post, when main already ran in this job (the runner calls the same bundle for both)
 * — and reports what escapes.
 */
export async function runEntry(entry: Entry, io: ActionIO = runnerIO()): Promise<ActionOutcome> {
  const ctx: StepContext = {
    source: actionsInputSource,
    reader: createInputReader(actionsInputSource, { debug: (m) => io.debug(m), setSecret: (s) => io.setSecret(s) }),
    io,
    env: process.env,
    abortSignal: cancellationSignal(),
  };
  const { post } = entry;
  if (post && io.state.isPost()) {
    return runPost(entry.name, async () => void (await post(ctx)), { log: io });
  }
  return runAction(entry.name, async () => void (await entry.main(ctx)), { log: io, state: io.state });
}

export interface RunOptions {
  log?: RunnerLog;
  /** Where main records that it ran, so the post step knows it is the post step. */
  state?: PostState;
}

export interface RunPostOptions extends RunOptions {
  /**
   * When false, a failing post step only warns (like checkout's cleanup). Default true: a post
   * step that could not undo something (cancel a job, restore traffic) must fail loudly.
   */
  failOnError?: boolean;
}

/** Runs an action's main step. Never throws; resolves to how it ended. */
export async function runAction(name: string, main: () => Promise<void>, options: RunOptions = {}): Promise<ActionOutcome> {
  const log = options.log ?? runnerIO();
  try {
    (options.state ?? createPostState()).markMain();
    await main();
    return 'success';
  } catch (error) {
    return report(name, error, log, true);
  }
}

/** Runs an action's post step. Never throws; resolves to how it ended. */
export async function runPost(name: string, post: () => Promise<void>, options: RunPostOptions = {}): Promise<ActionOutcome> {
  const log = options.log ?? runnerIO();
  try {
    await post();
    return 'success';
  } catch (error) {
    return report(`${name} (post)`, error, log, options.failOnError ?? true);
  }
}

/** Prints one annotation for `error` and marks the step failed; returns the error's kind. */
function report(name: string, error: unknown, log: RunnerLog, fail: boolean): ErrorKind {
  const kind = classifyError(error);
  const where = errorLocation(error);
  let message = formatError(error);
  if (where.input && !where.file && !mentionsInput(message, where.input)) message = `Input '${where.input}': ${message}`;
  if (where.file && !message.includes(where.file)) {
    const position = [where.file, where.line, where.line ? where.column : undefined].filter((p) => p !== undefined);
    message = `${position.join(':')}: ${message}`;
  }
  message = redactSecrets(message);

  const properties: AnnotationProperties = {
    title: kind === 'user-error' ? `${name}: configuration error` : `${name} failed`,
  };
  if (where.file) {
    properties.file = where.file;
    if (where.line) properties.startLine = where.line;
    if (where.line && where.column) properties.startColumn = where.column;
  }

  if (fail) {
    log.error(message, properties);
    log.markFailed();
  } else {
    log.warning(message, properties);
  }
  for (const line of describeForDebug(error)) log.debug(redactSecrets(line));
  return kind;
}

/**
 * Whether a message names the input it is about: quoted (`'rules'`), or, for names with a dash
 * (`mlflow-tracking-uri`), as they are. An error that knows its input but does not say it gets
 * `Input '<name>': ` in front, so the user always learns which input to fix.
 */
function mentionsInput(message: string, input: string): boolean {
  if (message.includes(`'${input}'`)) return true;
  if (!input.includes('-')) return false;
  const escaped = input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9-])${escaped}($|[^A-Za-z0-9-])`).test(message);
}

/** The stack of an error and of each cause, for the debug log. */
function describeForDebug(error: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const prefix = depth === 0 ? '' : 'Caused by: ';
    if (current instanceof Error) {
      lines.push(prefix + (current.stack ?? `${current.name}: ${current.message}`));
      current = (current as { cause?: unknown }).cause;
    } else {
      lines.push(prefix + String(current));
      break;
    }
  }
  return lines;
}

/**
 * An AbortSignal that aborts when the runner cancels the step (it sends SIGINT, then SIGTERM).
 * Pass it to long waits so a cancelled workflow stops polling promptly; the post step then undoes
 * what main left behind.
 */
export function cancellationSignal(target: Pick<NodeJS.Process, 'once'> = process): AbortSignal {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    target.once(signal, () => controller.abort(new Error(`received ${signal}: the workflow was cancelled`)));
  }
  return controller.signal;
}
