import { afterEach, describe, expect, it } from 'vitest';
import * as core from '@actions/core';
import { ConfigurationError, assertNever, classifyError, formatError, isUserError, redactSecrets } from '../../src/core/errors.js';
import { cancellationSignal, runAction, runPost, type RunnerLog } from '../../src/core/runner.js';
import { createPostState, memoryStateStore } from '../../src/core/state.js';
import { captureStdout } from '../azure/loopback.js';

interface Annotation {
  level: 'error' | 'warning';
  message: string;
  properties?: core.AnnotationProperties;
}

/** A RunnerLog that keeps what would have been printed. */
function recordingLog() {
  const annotations: Annotation[] = [];
  const debug: string[] = [];
  let failed = false;
  const log: RunnerLog = {
    error: (message, properties) => annotations.push({ level: 'error', message, properties }),
    warning: (message, properties) => annotations.push({ level: 'warning', message, properties }),
    debug: (m) => debug.push(m),
    markFailed: () => {
      failed = true;
    },
  };
  return { log, annotations, debug, failed: () => failed };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('runAction', () => {
  it('success: nothing reported, main state marked for the post step', async () => {
    const store = memoryStateStore();
    const rec = recordingLog();
    let ran = false;
    const outcome = await runAction(
      'submit-job',
      async () => {
        ran = true;
      },
      { log: rec.log, state: createPostState(store) },
    );
    expect(outcome).toBe('success');
    expect(ran).toBe(true);
    expect(rec.annotations).toEqual([]);
    expect(rec.failed()).toBe(false);
    expect(createPostState(store).isPost()).toBe(true);
  });

  it('a user error: one annotation with the action name, hint, file and line; no stack outside debug', async () => {
    const rec = recordingLog();
    const outcome = await runAction(
      'submit-job',
      async () => {
        throw new ConfigurationError("Unknown field 'comand' in the job.", {
          file: 'jobs/train.yml',
          line: 4,
          column: 3,
          hint: "Did you mean 'command'?",
        });
      },
      { log: rec.log, state: createPostState(memoryStateStore()) },
    );
    expect(outcome).toBe('user-error');
    expect(rec.failed()).toBe(true);
    expect(rec.annotations).toHaveLength(1);
    const [a] = rec.annotations;
    expect(a.level).toBe('error');
    expect(a.message).toBe("jobs/train.yml:4:3: Unknown field 'comand' in the job. Did you mean 'command'?");
    expect(a.properties).toEqual({
      title: 'submit-job: configuration error',
      file: 'jobs/train.yml',
      startLine: 4,
      startColumn: 3,
    });
    expect(a.message).not.toMatch(/\n\s+at /);
    expect(rec.debug.join('\n')).toMatch(/ConfigurationError: Unknown field[\s\S]*\n\s+at /);
  });

  it('an unknown error: failure, message in the annotation, stack and causes only in debug', async () => {
    const rec = recordingLog();
    const cause = new Error('socket closed');
    const outcome = await runAction(
      'deploy',
      async () => {
        throw new Error('Something broke', { cause });
      },
      { log: rec.log, state: createPostState(memoryStateStore()) },
    );
    expect(outcome).toBe('failure');
    expect(rec.annotations).toEqual([{ level: 'error', message: 'Something broke', properties: { title: 'deploy failed' } }]);
    const debug = rec.debug.join('\n');
    expect(debug).toMatch(/Error: Something broke\n\s+at /);
    expect(debug).toMatch(/Caused by: Error: socket closed/);
  });

  it('never prints a secret found in a message', async () => {
    const rec = recordingLog();
    await runAction(
      'register-model',
      async () => {
        throw new Error(
          'PUT https://acct.blob.core.windows.net/c/x?sv=2024&sig=AbC%2Bsecret%3D failed; Authorization: Bearer eyJhbGciOi.eyJzdWIi.sIgNaTuRe; AccountKey=abc123==;',
        );
      },
      { log: rec.log, state: createPostState(memoryStateStore()) },
    );
    const printed = rec.annotations[0].message + rec.debug.join('\n');
    expect(printed).not.toContain('AbC%2Bsecret');
    expect(printed).not.toContain('eyJhbGciOi');
    expect(printed).not.toContain('abc123==');
    expect(rec.annotations[0].message).toContain('sig=***');
  });

  it('with the real @actions/core: exactly one ::error line, exit code 1, no stack in the normal log', async () => {
    const { result, output } = await captureStdout(() =>
      runAction(
        'metric-gate',
        async () => {
          throw new ConfigurationError("Input 'rules' is required but was not given.", { input: 'rules' });
        },
        { state: createPostState(memoryStateStore()) },
      ),
    );
    expect(result).toBe('user-error');
    expect(process.exitCode).toBe(1);
    const errorLines = output.split('\n').filter((l) => l.startsWith('::error'));
    expect(errorLines).toEqual(["::error title=metric-gate%3A configuration error::Input 'rules' is required but was not given."]);
    const nonDebug = output.split('\n').filter((l) => !l.startsWith('::debug::'));
    expect(nonDebug.join('\n')).not.toMatch(/\s+at /);
  });
});

describe('runPost', () => {
  it('fails by default and names the post step', async () => {
    const rec = recordingLog();
    const outcome = await runPost(
      'deploy',
      async () => {
        throw new Error('could not restore traffic');
      },
      { log: rec.log },
    );
    expect(outcome).toBe('failure');
    expect(rec.failed()).toBe(true);
    expect(rec.annotations[0]).toMatchObject({ level: 'error', properties: { title: 'deploy (post) failed' } });
  });

  it('only warns when failOnError is false', async () => {
    const rec = recordingLog();
    await runPost(
      'submit-job',
      async () => {
        throw new Error('cancel failed');
      },
      { log: rec.log, failOnError: false },
    );
    expect(rec.failed()).toBe(false);
    expect(rec.annotations).toEqual([{ level: 'warning', message: 'cancel failed', properties: { title: 'submit-job (post) failed' } }]);
  });
});

describe('error helpers', () => {
  it('classifies by class, by name and by flag', () => {
    expect(isUserError(new ConfigurationError('x'))).toBe(true);
    const lookalike = Object.assign(new Error('x'), { name: 'ConfigurationError' });
    expect(classifyError(lookalike)).toBe('user-error');
    expect(classifyError({ isUserError: true })).toBe('user-error');
    expect(classifyError(new TypeError('x'))).toBe('failure');
    expect(classifyError('a string')).toBe('failure');
  });

  it('formatError appends the hint once', () => {
    expect(formatError(new ConfigurationError('Bad value.', { hint: 'Use 1 to 10.' }))).toBe('Bad value. Use 1 to 10.');
    expect(formatError(new ConfigurationError('Bad value. Use 1 to 10.', { hint: 'Use 1 to 10.' }))).toBe('Bad value. Use 1 to 10.');
  });

  it('redactSecrets covers SAS, connection strings, bearer tokens and OAuth fields', () => {
    expect(redactSecrets('https://a/b?sv=1&sig=xyz&se=2')).toBe('https://a/b?sv=1&sig=***&se=2');
    expect(redactSecrets('DefaultEndpointsProtocol=https;AccountKey=k3y==;EndpointSuffix=x')).toBe(
      'DefaultEndpointsProtocol=https;AccountKey=***;EndpointSuffix=x',
    );
    expect(redactSecrets('client_secret=abc&scope=x')).toBe('client_secret=***&scope=x');
    expect(redactSecrets('{"key":"k3y","other":"v"}')).toBe('{"key":"***","other":"v"}');
  });

  it('assertNever throws with the value', () => {
    expect(() => assertNever('oops' as never, 'strategy')).toThrow('Unexpected strategy: "oops"');
  });
});

describe('cancellationSignal', () => {
  it('aborts on SIGINT or SIGTERM with a reason naming the signal', async () => {
    const { EventEmitter } = await import('node:events');
    const fake = new EventEmitter() as unknown as NodeJS.Process;
    const signal = cancellationSignal(fake);
    expect(signal.aborted).toBe(false);
    (fake as unknown as InstanceType<typeof EventEmitter>).emit('SIGTERM');
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('received SIGTERM: the workflow was cancelled');
  });
});
