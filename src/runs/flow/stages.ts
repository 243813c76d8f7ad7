/**
 * The stages of the whole flow (root action.yml) and how the root action's inputs and outputs
 * map onto each stage's own: the root action runs the same modules as the separate actions, each
 * over an {@link InputReader} whose source is built from these tables, and publishes each stage's
 * outputs under a namespaced name.
 */

export const STAGES = ['submit-job', 'metric-gate', 'register-model', 'deploy', 'pr-summary'] as const;
export type Stage = (typeof STAGES)[number];

/** The connection inputs, spelled the same in every action and in the root action. */
export const CONNECTION_INPUTS = [
  'subscription-id',
  'resource-group',
  'workspace-name',
  'client-id',
  'tenant-id',
  'client-secret',
  'cloud',
  'arm-endpoint',
  'authority-host',
] as const;

/**
 * Stage input → root input, besides the connection inputs (which every Azure stage reads). Stage
 * inputs not listed get their value from the flow itself (e.g. metric-gate's `job-name` is the
 * job submit-job ran) or keep their defaults.
 */
export const STAGE_INPUTS: Record<Stage, Record<string, string>> = {
  'submit-job': {
    'job-file': 'job-file',
    set: 'set',
    name: 'job-name',
    'experiment-name': 'experiment-name',
    'display-name': 'display-name',
    tags: 'job-tags',
    timeout: 'timeout',
    'cancel-on-timeout': 'cancel-on-timeout',
  },
  'metric-gate': {
    rules: 'rules',
    baseline: 'baseline',
    'baseline-tracking-uri': 'baseline-tracking-uri',
    'baseline-mlflow-token': 'baseline-mlflow-token',
    child: 'child',
    'require-baseline': 'require-baseline',
    'missing-metric': 'missing-metric',
    'fail-on-violation': 'fail-on-violation',
  },
  'register-model': {
    name: 'model-name',
    path: 'model-path',
    output: 'model-output',
    type: 'model-type',
    description: 'model-description',
    tags: 'model-tags',
  },
  deploy: {
    endpoint: 'endpoint',
    'deployment-file': 'deployment-file',
    'deployment-name': 'deployment-name',
    'instance-type': 'instance-type',
    'instance-count': 'instance-count',
    'smoke-request': 'smoke-request',
    'smoke-expect': 'smoke-expect',
    'smoke-max-latency': 'smoke-max-latency',
    'test-input': 'test-input',
    'test-rows': 'test-rows',
    'compare-rules': 'compare-rules',
    'monitor-file': 'monitor-file',
    strategy: 'strategy',
    'canary-percent': 'canary-percent',
    'step-percent': 'step-percent',
    stages: 'rollout-stages',
    'mirror-percent': 'mirror-percent',
    'bake-time': 'bake-time',
    'check-interval': 'check-interval',
    'max-duration': 'max-duration',
    'health-rules': 'health-rules',
    'min-requests': 'min-requests',
    'allow-no-traffic': 'allow-no-traffic',
    'probe-rps': 'probe-rps',
    'failure-threshold': 'failure-threshold',
    'consecutive-error-limit': 'consecutive-error-limit',
    'metrics-delay': 'metrics-delay',
    rollback: 'rollback',
    'keep-failed': 'keep-failed',
    'old-deployments': 'old-deployments',
  },
  'pr-summary': {
    'github-token': 'github-token',
    header: 'comment-header',
    mode: 'comment-mode',
    title: 'comment-title',
    'pr-number': 'pr-number',
    'notify-slack-webhook': 'notify-slack-webhook',
    'notify-teams-webhook': 'notify-teams-webhook',
  },
};

/** Which stages talk to Azure (and so read the connection inputs). */
export const AZURE_STAGES: ReadonlySet<Stage> = new Set(['submit-job', 'metric-gate', 'register-model', 'deploy']);

/**
 * Stage output → root output. An output a stage sets that is not listed here (a newer release of
 * a stage) is published as `<stage>-<output>`; `null` drops it (submit-job's `requests` exists in
 * dry runs only, which the flow does not do).
 */
export const STAGE_OUTPUTS: Record<Stage, Record<string, string | null>> = {
  // The flow refuses schedule files (it follows one job), so the schedule outputs are not published.
  'submit-job': {
    'job-name': 'job-name',
    status: 'job-status',
    'studio-url': 'job-studio-url',
    'run-id': 'run-id',
    requests: null,
    'schedule-name': null,
    'schedule-status': null,
    'schedule-next-runs': null,
  },
  'metric-gate': { passed: 'gate-passed', report: 'gate-report', metrics: 'metrics' },
  'register-model': {
    'model-name': 'model-name',
    'model-version': 'model-version',
    'model-id': 'model-id',
    'model-uri': 'model-uri',
    created: 'model-created',
    'content-hash': 'model-content-hash',
    manifest: null,
    'manifest-path': null,
    'registry-model-id': null,
    'registry-model-uri': null,
    'studio-url': 'model-studio-url',
  },
  deploy: {
    status: 'rollout-status',
    'deployment-name': 'deployment-name',
    'scoring-uri': 'scoring-uri',
    traffic: 'rollout-traffic',
    timeline: 'rollout-timeline',
    'default-deployment': 'default-deployment',
    'test-job': 'test-job',
    'test-output': 'test-output',
    comparison: 'batch-comparison',
    'monitor-name': 'monitor-name',
  },
  'pr-summary': {
    'comment-id': 'comment-id',
    'comment-url': 'comment-url',
    body: 'comment-body',
    'body-path': 'comment-body-path',
    'mode-used': 'comment-mode-used',
  },
};

/** The root output a stage's output is published as (undefined: not published). */
export function rootOutputName(stage: Stage, output: string): string | undefined {
  const mapped = STAGE_OUTPUTS[stage][output];
  if (mapped === null) return undefined;
  return mapped ?? `${stage}-${output}`;
}

/** The root input a stage input comes from (for error messages), or undefined when the flow sets it. */
export function rootInputName(stage: Stage, input: string): string | undefined {
  if ((CONNECTION_INPUTS as readonly string[]).includes(input)) return input;
  return STAGE_INPUTS[stage][input];
}

/**
 * The raw inputs of one stage: its mapped root inputs (and the connection inputs), then what the
 * flow forwards (which wins).
 */
export function stageInputs(stage: Stage, root: (name: string) => string, forwarded: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = {};
  if (AZURE_STAGES.has(stage)) for (const name of CONNECTION_INPUTS) values[name] = root(name);
  for (const [input, from] of Object.entries(STAGE_INPUTS[stage])) values[input] = root(from);
  return { ...values, ...forwarded };
}
