/**
 * The whole flow's decisions and name mapping, without Azure: which stages run for which event,
 * the champion baseline, the root inputs each stage reads, the outputs it publishes, and a
 * stage's error in the root action's terms. (The flow itself runs in __tests__/actions/flow.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inFlowTerms } from '../../src/runs/flow.js';
import { readFlowInputs } from '../../src/runs/inputs/flow.js';
import { CONNECTION_INPUTS, rootOutputName, STAGE_INPUTS, STAGE_OUTPUTS, STAGES, stageInputs } from '../../src/runs/flow/stages.js';
import { ConfigurationError, isUserError } from '../../src/core/errors.js';
import type { WorkflowRun } from '../../src/core/workflow-run.js';
import { createInputReader, recordInputSource } from '../../src/core/inputs.js';
import { repoRoot } from '../harness/index.js';

const quiet = { debug: () => undefined, setSecret: () => undefined };
const reader = (values: Record<string, string>) => createInputReader(recordInputSource(values), quiet);

function run(eventName: string, ref: string, event: Record<string, unknown> = { repository: { default_branch: 'main' } }): WorkflowRun {
  return { repository: 'o/r', runId: '1', runAttempt: '1', serverUrl: 'https://github.com', workspace: '/ws', eventName, ref, event };
}

const ALL = { 'job-file': 'job.yml', rules: 'accuracy >= 0.9', 'model-name': 'iris', endpoint: 'ep.yml', 'model-alias': 'champion' };
const push = run('push', 'refs/heads/main');

describe('which stages run', () => {
  it('a push to the default branch runs every stage', () => {
    const s = readFlowInputs(reader(ALL), push);
    expect([s.submit.run, s.gate.run, s.register.run, s.deploy.run, s.summary.run]).toEqual([true, true, true, true, true]);
    expect(s.onDefaultBranch).toBe(true);
  });

  it('a pull request deploys only with deploy: true', () => {
    const pr = run('pull_request', 'refs/heads/main', { pull_request: { number: 3 }, repository: { default_branch: 'main' } });
    const s = readFlowInputs(reader(ALL), pr);
    expect(s.deploy).toEqual({ run: false, reason: 'a pull request: deploy runs on the default branch (or with deploy: true)' });
    expect(s.pullRequest).toBe(true);
    expect(readFlowInputs(reader({ ...ALL, deploy: 'true' }), pr).deploy.run).toBe(true);
  });

  it('another branch, or an event that does not name the default branch, does not deploy', () => {
    expect(readFlowInputs(reader(ALL), run('push', 'refs/heads/feature')).deploy.reason).toBe(
      'refs/heads/feature is not the default branch main (set deploy: true to deploy anyway)',
    );
    expect(readFlowInputs(reader(ALL), run('push', 'refs/heads/main', {})).deploy.reason).toMatch(/does not name the default branch/);
  });

  it('auto stages run when their main input is given; false switches them off', () => {
    const s = readFlowInputs(reader({ 'job-file': 'job.yml' }), push);
    expect(s.gate).toEqual({ run: false, reason: 'no rules given' });
    expect(s.register).toEqual({ run: false, reason: 'no model-name given' });
    expect(s.deploy).toEqual({ run: false, reason: 'no endpoint given' });
    const off = readFlowInputs(reader({ ...ALL, 'metric-gate': 'false', 'pr-summary': 'false' }), push);
    expect(off.gate).toEqual({ run: false, reason: 'switched off' });
    expect(off.summary.run).toBe(false);
  });

  it('without submit-job the gate needs an existing job', () => {
    expect(() => readFlowInputs(reader({ rules: 'a > 1' }), push)).toThrow(ConfigurationError);
    const e = (() => {
      try {
        readFlowInputs(reader({ rules: 'a > 1', 'submit-job': 'false' }), push);
      } catch (error) {
        return error as ConfigurationError;
      }
      throw new Error('no error');
    })();
    expect(e.input).toBe('job-file');
    expect(e.message).toBe('The metric gate needs a job: give job-file (the job to submit) or job-name (an existing job).');
    expect(e.hint).toBe('submit-job is false: name the job to read with job-name.');
    expect(readFlowInputs(reader({ rules: 'a > 1', 'job-name': 'j1' }), push).submit.run).toBe(false);
  });

  it('a bad switch value names the input', () => {
    expect(() => readFlowInputs(reader({ ...ALL, deploy: 'yes' }), push)).toThrow("Input 'deploy' must be one of auto, true, false; got 'yes'.");
  });
});

describe('the champion baseline', () => {
  it('defaults to the first alias of the model, and an explicit baseline wins', () => {
    expect(readFlowInputs(reader(ALL), push).baseline).toBe('model:iris:@champion');
    expect(readFlowInputs(reader({ ...ALL, 'model-alias': 'prod, champion' }), push).baseline).toBe('model:iris:@prod');
    expect(readFlowInputs(reader({ ...ALL, baseline: 'job:old' }), push).baseline).toBe('job:old');
    expect(readFlowInputs(reader({ ...ALL, 'model-alias': '' }), push).baseline).toBeUndefined();
  });
});

describe('inputs and outputs of the stages', () => {
  const root = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    runs: Record<string, string>;
  };

  it('every root input a stage reads exists in action.yml, and every stage input exists in its action', () => {
    for (const stage of STAGES) {
      const own = parse(readFileSync(join(repoRoot, 'actions', stage, 'action.yml'), 'utf8')) as {
        inputs: Record<string, unknown>;
        outputs: Record<string, unknown>;
      };
      for (const [input, from] of Object.entries(STAGE_INPUTS[stage])) {
        expect(Object.keys(root.inputs), `${stage}.${input} ← ${from}`).toContain(from);
        expect(Object.keys(own.inputs), `${stage} has ${input}`).toContain(input);
      }
      for (const output of Object.keys(own.outputs)) {
        const published = rootOutputName(stage, output);
        if (published !== undefined) expect(Object.keys(root.outputs), `${stage}.${output} → ${published}`).toContain(published);
      }
      expect(Object.keys(STAGE_OUTPUTS[stage]).sort()).toEqual(Object.keys(own.outputs).sort());
    }
    for (const c of CONNECTION_INPUTS) expect(Object.keys(root.inputs)).toContain(c);
    expect(root.runs).toMatchObject({ using: 'node24', main: 'dist/flow/index.js', post: 'dist/flow/index.js', 'post-if': 'cancelled() || failure()' });
  });

  it('a stage reads its mapped root inputs and the connection; what the flow forwards wins', () => {
    const values: Record<string, string> = { 'model-name': 'iris', 'model-type': 'mlflow_model', 'workspace-name': 'ws', 'job-name': 'given', rules: 'x' };
    const inputs = stageInputs('register-model', (n) => values[n] ?? '', { 'job-name': 'trained' });
    expect(inputs).toMatchObject({ name: 'iris', type: 'mlflow_model', 'workspace-name': 'ws', 'job-name': 'trained' });
    expect(inputs.rules).toBeUndefined();
    expect(stageInputs('pr-summary', (n) => values[n] ?? '')['workspace-name']).toBeUndefined();
  });

  it('a stage output unknown to the table is published with the stage as prefix', () => {
    expect(rootOutputName('deploy', 'status')).toBe('rollout-status');
    expect(rootOutputName('submit-job', 'requests')).toBeUndefined();
    expect(rootOutputName('deploy', 'something-new')).toBe('deploy-something-new');
  });
});

describe('a stage error in the root action terms', () => {
  it('names the stage and the root input, and stays a user error', () => {
    const e = inFlowTerms('register-model', new ConfigurationError("Input 'name': 'bad name' is not a valid model name.", { input: 'name', hint: 'letters' }));
    expect(e.message).toBe("register-model: Input 'model-name': 'bad name' is not a valid model name.");
    expect(isUserError(e)).toBe(true);
    expect((e as ConfigurationError).input).toBe('model-name');
    expect((e as ConfigurationError).hint).toBe('letters');
  });

  it('keeps a failure a failure', () => {
    const e = inFlowTerms('deploy', new Error('rollout of x was rolled back'));
    expect(e.message).toBe('deploy: rollout of x was rolled back');
    expect(isUserError(e)).toBe(false);
  });
});
