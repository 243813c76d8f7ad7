/**
 * The bad-input corpus: what a workflow author can get wrong, per action. Each case is the
 * inputs (and files, event or ledger) of one step, the error it must end with, and what that
 * error must name (the input, or the file and field the input points at).
 *
 * `@/` in an input stands for the case's own folder in the workspace (where its `files` are).
 * `mode: 'offline'` runs the step without AZUREML_EMULATOR_HOST (cloud and credential inputs,
 * which emulator mode ignores); everything else runs against the shared emulator.
 * `outcome: 'fallback'` (event payloads, ledgers): no error is right, but the step must not crash
 * and must say what it did instead (a notice).
 */

export type ActionName = 'submit-job' | 'metric-gate' | 'register-model' | 'deploy' | 'pr-summary';

export interface BadCase {
  id: string;
  action: ActionName;
  inputs: Record<string, string>;
  /** Files written under the case folder (`@/`), path → content. */
  files?: Record<string, string>;
  event?: unknown;
  eventName?: string;
  /** Raw content of the run ledger (RUNNER_TEMP/azureml-actions/ledger.jsonl). */
  ledger?: string;
  mode?: 'emulator' | 'offline';
  /** The message must match. */
  error: RegExp;
  /** The message must contain this (default: `'<first input of the case>'`). */
  names?: string;
  outcome?: 'error' | 'fallback';
}

const cases: BadCase[] = [];
let seq = 0;
const add = (action: ActionName, inputs: Record<string, string>, error: RegExp, more: Partial<BadCase> = {}): void => {
  seq += 1;
  cases.push({ id: `${action}-${String(seq).padStart(3, '0')}`, action, inputs, error, ...more });
};
/** The bad inputs first (the first one is what the error must name), then the valid rest. */
const merge = (bad: Record<string, string>, base: Record<string, string>): Record<string, string> => {
  const out = { ...bad };
  for (const [k, v] of Object.entries(base)) if (!(k in out)) out[k] = v;
  return out;
};
/** Offline runs have no emulator to default the workspace from. */
const WORKSPACE = { 'subscription-id': '00000000-0000-0000-0000-000000000000', 'resource-group': 'rg-azureml-emulator', 'workspace-name': 'ws-emulator' };

// ---- valid inputs each action needs besides the bad one ----------------------------------------

const JOB = ['command: echo hi', 'environment: azureml:AzureML-sklearn-1.5@latest', 'compute: azureml:cpu-cluster', ''].join('\n');
const submitBase = (): Record<string, string> => ({ 'job-file': '@/job.yml' });
const submitFiles = { 'job.yml': JOB };
const gateBase = (): Record<string, string> => ({ 'metrics-file': '@/metrics.json', rules: 'accuracy >= 0.5' });
const gateFiles = { 'metrics.json': '{"accuracy": 0.9, "loss": 0.2}' };
const registerBase = (): Record<string, string> => ({ name: 'corpus-model', path: '@/model' });
const registerFiles = { 'model/model.pkl': 'weights' };
const deployBase = (): Record<string, string> => ({ endpoint: 'ep-corpus', model: 'azureml:corpus-model:1' });

const bases: Record<Exclude<ActionName, 'pr-summary'>, { inputs: () => Record<string, string>; files: Record<string, string> }> = {
  'submit-job': { inputs: submitBase, files: submitFiles },
  'metric-gate': { inputs: () => ({ 'job-name': 'some-job', rules: 'accuracy >= 0.5' }), files: {} },
  'register-model': { inputs: registerBase, files: registerFiles },
  deploy: { inputs: deployBase, files: {} },
};

// ---- the connection inputs, on every Azure action -----------------------------------------------

for (const action of ['submit-job', 'metric-gate', 'register-model', 'deploy'] as const) {
  const b = bases[action];
  const conn = (bad: Record<string, string>, error: RegExp, more: Partial<BadCase> = {}) =>
    add(action, merge(bad, { ...b.inputs(), ...(more.mode === 'offline' ? WORKSPACE : {}) }), error, { files: b.files, ...more });
  // offline: emulator mode ignores cloud, endpoints and credentials
  conn({ cloud: 'AzureMars' }, /Input 'cloud' must be one of AzureCloud, AzureChinaCloud, AzureUSGovernment; got 'AzureMars'/, { mode: 'offline' });
  conn({ cloud: 'azure cloud' }, /Input 'cloud' must be one of/, { mode: 'offline' });
  conn({ 'arm-endpoint': 'management.azure.com' }, /Input 'arm-endpoint' is not a URL/, { mode: 'offline' });
  conn({ 'arm-endpoint': 'http://management.example.com' }, /Input 'arm-endpoint' must be an https URL/, { mode: 'offline' });
  conn({ 'arm-endpoint': 'https://management.example.com/?api-version=1' }, /Input 'arm-endpoint' must not have a query/, { mode: 'offline' });
  conn({ 'arm-endpoint': 'https://user:pw@management.example.com' }, /Input 'arm-endpoint' must not have a query, fragment or user info/, { mode: 'offline' });
  conn({ 'authority-host': 'login' }, /Input 'authority-host' is not a URL/, { mode: 'offline' });
  conn({ 'authority-host': 'ftp://login.example.com' }, /Input 'authority-host' must be an https URL/, { mode: 'offline' });
  conn({ 'authority-host': 'https://login.example.com/#x' }, /Input 'authority-host' must not have a query, fragment/, { mode: 'offline' });
  conn({ 'client-id': '6f1c2b9e-1a2b-4c3d-8e9f-0a1b2c3d4e5f' }, /Input 'tenant-id' is required when 'client-id' is given/, {
    mode: 'offline',
    names: "'tenant-id'",
  });
  conn({ 'tenant-id': '00000000-0000-0000-0000-0000000000aa' }, /Input 'client-id' is required when 'tenant-id' is given/, {
    mode: 'offline',
    names: "'client-id'",
  });
  conn({ 'client-secret': 'not-a-real-secret-value' }, /Input 'client-secret' needs 'client-id' and 'tenant-id'/, { mode: 'offline' });
  conn(
    { 'client-id': '6f1c2b9e-1a2b-4c3d-8e9f-0a1b2c3d4e5f', 'tenant-id': '00000000-0000-0000-0000-0000000000aa' },
    /client-id and tenant-id are given, but neither OIDC nor a client secret is available/,
    { mode: 'offline', names: 'client-id' },
  );
  conn({}, /No Azure credential is available/, { mode: 'offline', names: 'client-id' });
  // emulator mode: the workspace inputs
  conn({ 'subscription-id': 'abc/def' }, /Input 'subscription-id' must be a plain name, got 'abc\/def'/);
  conn({ 'resource-group': 'rg?x=1' }, /Input 'resource-group' must be a plain name/);
  conn({ 'workspace-name': 'ws#frag' }, /Input 'workspace-name' must be a plain name/);
  conn({ 'workspace-name': 'no-such-workspace' }, /no-such-workspace|ResourceNotFound|WorkspaceNotFound|not found/i, { names: 'workspace' });
}

// ---- submit-job ---------------------------------------------------------------------------------

const sj = (inputs: Record<string, string>, error: RegExp, more: Partial<BadCase> = {}) => add('submit-job', inputs, error, more);
const sjBad = (bad: Record<string, string>, error: RegExp, more: Partial<BadCase> = {}) => sj(merge(bad, submitBase()), error, { files: submitFiles, ...more });

sj({}, /Input 'job-file' is required but was not given/, { names: "'job-file'" });
sj({ 'job-file': '@/missing.yml' }, /input 'job-file': .*missing\.yml does not exist/, { names: 'job-file' });
sj({ 'job-file': '@/folder' }, /input 'job-file': .*folder is a folder, not a YAML file/, { files: { 'folder/a.txt': 'x' }, names: 'job-file' });
for (const name of ['-leading-dash', 'has space', 'semi;colon', 'x'.repeat(256), 'slash/name', 'ünïcode'])
  sjBad({ name }, /Input 'name': .* is not a valid job name/);
for (const [tags, re] of [
  ['novalue', /Input 'tags' line 1 is not a key=value pair: 'novalue'/],
  ['=v', /Input 'tags' line 1 is not a key=value pair/],
  ['a=1\na=2', /Input 'tags' sets 'a' twice \(line 2\)/],
  ['ok=1\n  just words', /Input 'tags' line 2 is not a key=value pair/],
] as const)
  sjBad({ tags }, re);
for (const [input, value] of [
  ['wait', 'yes'],
  ['wait', '1'],
  ['cancel-on-timeout', 'nope'],
  ['dry-run', 'on'],
  ['dry-run', 'tru'],
] as const)
  sjBad({ [input]: value }, new RegExp(`Input '${input}' must be a boolean, got '${value}'`));
for (const timeout of ['soon', '-5', '10x', '1h1h', 'm10', '5 minutes', '1e3']) sjBad({ timeout }, /Input 'timeout' is not a valid duration/);
for (const [set, re] of [
  ['epochs', /input 'set' line 1: 'epochs' is not path=value/],
  ['=5', /input 'set' line 1: '=5' is not path=value/],
  ['a..b=1', /input 'set' line 1: 'a\.\.b' is not a valid path/],
  ['inputs.x[abc]=1', /input 'set' line 1: 'inputs\.x\[abc\]' is not a valid path/],
  ['nosuch.deep.path=1', /'set'.*nosuch/],
] as const)
  sjBad({ set }, re, { names: 'set' });

/** A job file case: the YAML text and the error about it (file and line are checked by the runner). */
const spec = (yaml: string, error: RegExp, files: Record<string, string> = {}) =>
  sj({ 'job-file': '@/job.yml' }, error, { files: { 'job.yml': yaml, ...files }, names: 'job.yml' });

/** A schedule file case (submit-job takes `az ml schedule create -f` YAML too). */
const SCHEDULE_SCHEMA = '$schema: https://azuremlschemas.azureedge.net/latest/schedule.schema.json\n';
const sched = (yaml: string, error: RegExp) =>
  sj({ 'job-file': '@/schedule.yml' }, error, { files: { 'schedule.yml': yaml, 'job.yml': JOB }, names: 'schedule.yml' });
const cron = (expression: string) => `name: nightly\ntrigger:\n  type: cron\n  expression: "${expression}"\ncreate_job: ./job.yml\n`;
sched(cron('0 0 * *'), /'trigger\.expression' '0 0 \* \*' is not a cron expression: .*five fields/);
sched(cron('0 24 * * *'), /24 in the hours field is out of range 0-23/);
sched(cron('0 0 * * 7'), /7 in the days-of-week field is out of range 0-6/);
sched(cron('0 0 * * mon-xyz'), /'xyz' in the days-of-week field is not a number or a name/);
sched(`name: nightly\ntrigger:\n  type: daily\ncreate_job: ./job.yml\n`, /'daily' is not a trigger type/);
sched(`${SCHEDULE_SCHEMA}name: nightly\ntrigger:\n  type: cron\n  expression: "0 0 * * *"\n`, /a schedule needs 'create_job'/);
sched(
  `name: nightly\ntrigger:\n  type: cron\n  expression: "0 0 * * *"\n  time_zone: Central Europe\ncreate_job: ./job.yml\n`,
  /'Central Europe' is not a time zone Azure ML schedules take/,
);
sched(
  `name: nightly\ntrigger:\n  type: recurrence\n  frequency: fortnight\n  interval: 1\ncreate_job: ./job.yml\n`,
  /'fortnight' is not a recurrence frequency/,
);
sched(`name: nightly\ntrigger:\n  type: recurrence\n  frequency: day\ncreate_job: ./job.yml\n`, /a recurrence trigger needs 'interval'/);
sched(
  `name: nightly\ntrigger:\n  type: cron\n  expression: "0 0 * * *"\n  start_time: next monday\ncreate_job: ./job.yml\n`,
  /'next monday' is not a date and time/,
);
sched(`name: nightly\ntrigger:\n  type: cron\n  expression: "0 0 * * *"\ncreate_job: ./nope.yml\n`, /job file '\.\/nope\.yml' does not exist/);
sched(`trigger:\n  type: cron\n  expression: "0 0 * * *"\ncreate_job: ./job.yml\n`, /a schedule needs a name/);
sjBad({ 'schedule-enabled': 'maybe' }, /Input 'schedule-enabled' must be a boolean, got 'maybe'/);

spec('command: [echo\n', /invalid YAML/);
spec('command: "echo\n', /invalid YAML/);
spec('command: echo\ncommand: again\n', /invalid YAML: Map keys must be unique/);
spec('\tcommand: echo\n', /invalid YAML/);
spec('- command: echo\n', /a job file must be a YAML map/);
spec('just a string\n', /a job file must be a YAML map/);
spec('', /a job file must be a YAML map/);
spec(`comand: echo hi\nenvironment: azureml:AzureML-sklearn-1.5@latest\n`, /'comand' is not a field of a command job.*did you mean 'command'/);
spec(`environment: azureml:AzureML-sklearn-1.5@latest\ncompute: azureml:cpu-cluster\n`, /a command job needs 'command'/);
spec(`command: echo hi\ncompute: azureml:cpu-cluster\n`, /'environment' is required/);
spec(`command: echo hi\nenvironment: docker.io/python:3.11\n`, /'environment' '.*' is not an environment reference/);
spec(
  `command: echo hi\nenvironment: azureml:no-such-env@latest\n`,
  /'environment' cannot resolve azureml:no-such-env@latest: no environment named 'no-such-env'/,
);
spec(`command: echo hi\nenvironment: azureml:my-env@prod\n`, /only the label 'latest'/);
spec(`command: echo hi\nenvironment:\n  os_type: linux\n`, /an inline environment needs an image or a build context/);
spec(`command: echo hi\nenvironment:\n  image: python:3.11\n  os_type: solaris\n`, /'environment.os_type' must be 'linux' or 'windows'/);
spec(`command: echo hi\nenvironment:\n  image: python:3.11\n  conda_file: ./nope.yml\n`, /'environment.conda_file' file '\.\/nope\.yml' does not exist/);
spec(
  `command: echo hi\nenvironment:\n  image: python:3.11\n  build:\n    path: ./ctx\n`,
  /an inline environment has either an image or a build context, not both/,
  { 'ctx/Dockerfile': 'FROM python:3.11\n' },
);
spec(`${JOB}compute: 42\n`, /invalid YAML: Map keys must be unique|compute/);
spec(
  `command: echo hi\nenvironment: azureml:AzureML-sklearn-1.5@latest\ncompute: azureml:cpu-cluster:3\n`,
  /'compute' 'azureml:cpu-cluster:3' is not a compute reference/,
);
spec(`${JOB}code: ./no-such-folder\n`, /'code' local path '\.\/no-such-folder' does not exist/);
spec(`${JOB}code: ./empty\n`, /'code' local folder '\.\/empty' is empty/, { 'empty/.amlignore': '*\n' });
spec(`${JOB}code: git+https://github.com/octo-org/ml-repo.git\n`, /'code' git code references .* are not supported/);
spec(`${JOB}inputs:\n  data:\n    type: uri_file\n    path: ./nothing.csv\n`, /'inputs\.data\.path' local path '\.\/nothing\.csv' does not exist/);
spec(`${JOB}inputs:\n  data:\n    type: uri_file\n    path: ./folder\n`, /'inputs\.data\.path' '\.\/folder' is a folder but the input type is uri_file/, {
  'folder/x.csv': '1\n',
});
spec(
  `${JOB}inputs:\n  data:\n    type: uri_folder\n    path: ftp://example.com/data\n`,
  /'inputs\.data\.path' 'ftp:\/\/example\.com\/data' uses the unsupported scheme ftp:\/\//,
);
spec(`${JOB}inputs:\n  data:\n    type: tabular\n    path: ./x\n`, /'inputs\.data\.type' 'tabular' is not an input type/);
spec(`${JOB}inputs:\n  data:\n    type: uri_folder\n`, /'inputs\.data' a uri_folder input needs a path/);
spec(
  `${JOB}inputs:\n  data:\n    type: uri_folder\n    path: azureml://datastores/workspaceblobstore/paths/x\n    mode: teleport\n`,
  /'inputs\.data\.mode' 'teleport' is not an input mode/,
);
spec(`${JOB}inputs:\n  lr:\n`, /'inputs\.lr' has no value/);
spec(`${JOB}inputs:\n  lr: [1, 2]\n`, /'inputs\.lr' must be a value or a map with type and path/);
spec(`${JOB}inputs: 5\n`, /'inputs' must be a map of input names to inputs/);
spec(`${JOB}outputs:\n  model:\n    type: mlflow_model\n    mode: yolo\n`, /'outputs\.model\.mode' 'yolo' is not an output mode/);
spec(`${JOB}outputs:\n  model:\n    type: spreadsheet\n`, /'outputs\.model\.type' 'spreadsheet' is not an output type/);
spec(`${JOB}outputs:\n  model:\n    type: uri_folder\n    path: ./local\n`, /'outputs\.model\.path' an output path must be a datastore path/);
spec(`${JOB}outputs: [a, b]\n`, /'outputs' must be a map of output names to outputs/);
spec(
  `command: python train.py --lr \${{inputs.learning_rate}}\nenvironment: azureml:AzureML-sklearn-1.5@latest\ninputs:\n  lr: 0.1\n`,
  /refers to \$\{\{inputs\.learning_rate\}\}, which is not defined/,
);
spec(
  `command: echo \${{parent.inputs.x}}\nenvironment: azureml:AzureML-sklearn-1.5@latest\n`,
  /'command' refers to \$\{\{parent\.inputs\.x\}\}, which is not defined/,
);
spec(`${JOB}distribution:\n  type: horovod\n`, /'distribution\.type' 'horovod' is not a distribution type/);
spec(`${JOB}distribution: 4\n`, /'distribution' must be a map with a type/);
spec(`${JOB}resources: big\n`, /'resources' must be a map/);
spec(`${JOB}resources:\n  instance_count: 0\n`, /'resources\.instance_count' must be a whole number ≥ 1/);
spec(`${JOB}identity:\n  type: superuser\n`, /'identity\.type' 'superuser' is not an identity type/);
spec(
  `${JOB}identity:\n  type: aml_token\n  client_id: 00000000-0000-0000-0000-000000000001\n`,
  /client_id, object_id and msi_resource_id apply to a managed identity only/,
);
spec(`${JOB}services:\n  web:\n    type: telnet\n`, /'services\.web\.type' 'telnet' is not a job service type/);
spec(`${JOB}queue_settings:\n  job_tier: platinum\n`, /'queue_settings\.job_tier' 'platinum' is not a job tier/);
spec(`${JOB}environment_variables:\n  NESTED:\n    a: 1\n`, /'environment_variables\.NESTED' must be a string, number or boolean/);
spec(`${JOB}tags: [a]\n`, /'tags' must be a map of names to values/);
spec(`${JOB}limits:\n  timeout: soon\n`, /'limits\.timeout' must be a whole number|limits/);
spec(`type: automl\ntask: classification\n`, /automl|not a job type|type/);
spec(
  `type: sweep\ntrial:\n  command: echo\n  environment: azureml:AzureML-sklearn-1.5@latest\nsampling_algorithm: random\nobjective:\n  goal: maximize\n  primary_metric: acc\n`,
  /a sweep (job )?needs 'search_space'/,
);
spec(
  `type: sweep\ntrial:\n  command: echo \${{search_space.lr}}\n  environment: azureml:AzureML-sklearn-1.5@latest\nsearch_space:\n  lr:\n    type: choice\n    values: [0.1]\nobjective:\n  goal: maximize\n  primary_metric: acc\n`,
  /a sweep (job )?needs 'sampling_algorithm'/,
);
spec(
  `type: sweep\ntrial:\n  command: echo\n  environment: azureml:AzureML-sklearn-1.5@latest\nsearch_space:\n  lr:\n    type: choice\n    values: [0.1]\nsampling_algorithm: genetic\nobjective:\n  goal: maximize\n  primary_metric: acc\n`,
  /'sampling_algorithm' 'genetic' is not a sampling algorithm/,
);
spec(
  `type: sweep\ntrial:\n  command: echo\n  environment: azureml:AzureML-sklearn-1.5@latest\nsearch_space:\n  lr:\n    type: gaussian\n    mu: 1\nsampling_algorithm: random\nobjective:\n  goal: maximize\n  primary_metric: acc\n`,
  /'search_space\.lr\.type' 'gaussian' is not a search space distribution/,
);
spec(
  `type: sweep\ntrial:\n  command: echo\n  environment: azureml:AzureML-sklearn-1.5@latest\nsearch_space:\n  lr:\n    type: uniform\n    min_value: 1\n    max_value: 0.1\nsampling_algorithm: random\nobjective:\n  goal: maximize\n  primary_metric: acc\n`,
  /'search_space\.lr\.max_value' must be greater than min_value/,
);
spec(
  `type: sweep\ntrial:\n  command: echo\n  environment: azureml:AzureML-sklearn-1.5@latest\nsearch_space:\n  lr:\n    type: uniform\n    min_value: 0\n    max_value: 1\nsampling_algorithm: grid\nobjective:\n  goal: maximize\n  primary_metric: acc\n`,
  /grid sampling needs choice distributions only/,
);
spec(
  `type: sweep\ntrial:\n  command: echo\n  environment: azureml:AzureML-sklearn-1.5@latest\nsearch_space:\n  lr:\n    type: choice\n    values: []\nsampling_algorithm: random\nobjective:\n  goal: maximize\n  primary_metric: acc\n`,
  /'search_space\.lr\.values' must be a non-empty list/,
);
spec(
  `type: sweep\ntrial:\n  command: echo\n  environment: azureml:AzureML-sklearn-1.5@latest\nsearch_space:\n  lr:\n    type: choice\n    values: [0.1]\nsampling_algorithm: random\nobjective:\n  goal: most\n  primary_metric: acc\n`,
  /'objective\.goal' must be 'minimize' or 'maximize'/,
);
spec(
  `type: sweep\nsearch_space:\n  lr:\n    type: choice\n    values: [0.1]\nsampling_algorithm: random\nobjective:\n  goal: maximize\n  primary_metric: acc\n`,
  /a sweep job needs a trial/,
);
spec(
  `type: sweep\ntrial:\n  command: echo\n  environment: azureml:AzureML-sklearn-1.5@latest\nsearch_space:\n  lr:\n    type: choice\n    values: [0.1]\nsampling_algorithm: random\nobjective:\n  goal: maximize\n  primary_metric: acc\nearly_termination:\n  type: coin_flip\n`,
  /'early_termination\.type' 'coin_flip' is not an early termination policy/,
);
spec(`type: pipeline\njobs: {}\n`, /a pipeline (job )?needs at least one step under jobs/);
spec(`type: pipeline\njobs:\n  1bad:\n    command: echo\n    environment: azureml:AzureML-sklearn-1.5@latest\n`, /a step name starts with a letter or _/);
spec(`type: pipeline\njobs:\n  train:\n    type: spark\n    command: echo\n`, /'jobs\.train\.command' is not a field of a spark step/);
spec(`type: pipeline\njobs:\n  train:\n    environment: azureml:AzureML-sklearn-1.5@latest\n`, /a step needs a command \(inline\) or a component/);
spec(`type: pipeline\njobs:\n  train:\n    command: echo\n`, /a step needs an environment/);
spec(
  `type: pipeline\njobs:\n  train:\n    command: echo \${{inputs.x}}\n    environment: azureml:AzureML-sklearn-1.5@latest\n    inputs:\n      x: \${{parent.inputs.missing}}\n`,
  /binds the pipeline input 'missing', which is not defined/,
);
spec(
  `type: pipeline\njobs:\n  train:\n    command: echo \${{inputs.x}}\n    environment: azureml:AzureML-sklearn-1.5@latest\n    inputs:\n      x: \${{parent.jobs.prep.outputs.data}}\n`,
  /binds the step 'prep', which is not in this pipeline/,
);
spec(
  `type: pipeline\njobs:\n  train:\n    component: ./missing-component.yml\n`,
  /'jobs\.train\.component' component file '\.\/missing-component\.yml' does not exist/,
);
spec(`type: pipeline\njobs:\n  train:\n    component:\n      command: echo\n`, /inline component definitions are not supported/);
sj({ 'job-file': '@/job.yml' }, /components of type 'parallel' are not supported/, {
  files: { 'job.yml': `type: pipeline\njobs:\n  train:\n    component: ./c.yml\n`, 'c.yml': 'type: parallel\ncommand: echo\n' },
  names: '@/c.yml',
});

// ---- metric-gate --------------------------------------------------------------------------------

const mg = (inputs: Record<string, string>, error: RegExp, more: Partial<BadCase> = {}) => add('metric-gate', inputs, error, { files: gateFiles, ...more });
const mgBad = (bad: Record<string, string>, error: RegExp, more: Partial<BadCase> = {}) => mg(merge(bad, gateBase()), error, more);

mg({ rules: 'accuracy >= 0.5' }, /No metric source is given/, { names: 'job-name' });
mg({ 'job-name': 'j1', 'metrics-file': '@/metrics.json', rules: 'accuracy >= 0.5' }, /Give only one metric source; got job-name and metrics-file/, {
  names: 'metrics-file',
});
mg({ 'job-name': 'j1', 'run-id': 'r1', rules: 'accuracy >= 0.5' }, /Give only one metric source; got job-name and run-id/, { names: 'run-id' });
mg(
  { 'metrics-file': '@/metrics.json', child: 'train', rules: 'accuracy >= 0.5' },
  /Input 'child' selects a step or trial of the job named by job-name, which is not given/,
  { names: "'child'" },
);
mg({ 'run-id': 'abc', rules: 'accuracy >= 0.5' }, /Input 'run-id' needs the MLflow server/, { names: 'mlflow-tracking-uri' });
mg({ 'mlflow-tracking-uri': 'https://mlflow.example.com', rules: 'accuracy >= 0.5' }, /Input 'mlflow-tracking-uri' needs 'run-id'/, { names: 'run-id' });
mg({ 'metrics-file': '@/metrics.json' }, /Input 'rules' is required but was not given/, { names: "'rules'" });
mgBad({ rules: '# only a comment' }, /Input 'rules' holds no rule/);
for (const rules of [
  'accuracy >>= 0.9',
  'accuracy >=',
  '>= 0.9',
  'accuracy >= 0.9 and',
  'accuracy >= foo(',
  '(accuracy >= 0.9',
  'accuracy >= 0.9)',
  'accuracy => 0.9',
  'accuracy = 0.9',
  'accuracy >= 0.9 +',
  '`unterminated >= 1',
  'accuracy >= 0.9 0.8',
  'accuracy ! 0.9',
  'accuracy >= "high"',
  'accuracy >= 1..2',
  'accuracy',
  'process.exit(1)',
  "require('fs')",
  'accuracy >= 0.9; loss < 1',
  'accuracy >= 0.9 && loss < 1',
  'mystery(accuracy) >= 1',
  'max() >= 1',
  'accuracy >= 90%%',
  'accuracy >= -',
  '@accuracy >= 1',
])
  mgBad({ rules }, /Input 'rules'/);
mgBad({ rules: 'accuracy >= 0.5\nloss <<< 1' }, /Input 'rules', line 2, column \d+/);
mgBad({ rules: 'accuracy >= baseline.accuracy - 0.01' }, /reads baseline metrics, but no baseline is given/, { names: 'baseline' });
for (const baseline of [
  'champion',
  'model:',
  'model:iris',
  'model:iris:',
  'model:-bad:1',
  'model:iris:@',
  'model:iris:@ bad',
  'model:iris:1 2',
  'job:',
  'job:bad name',
  'file:',
  'registry:x',
  'http://x',
]) {
  mgBad({ baseline }, /Input 'baseline'/);
}
mgBad({ 'require-baseline': 'maybe' }, /Input 'require-baseline' must be a boolean/);
mgBad({ 'missing-metric': 'ignore' }, /Input 'missing-metric' must be one of fail, skip; got 'ignore'/);
mgBad({ 'fail-on-violation': 'sometimes' }, /Input 'fail-on-violation' must be a boolean/);
mg({ 'metrics-file': '@/nope.json', rules: 'accuracy >= 0.5' }, /Input 'metrics-file': The metrics file '.*nope\.json' does not exist/);
for (const [name, content, re] of [
  ['bad.json', '{"accuracy": 0.9', /bad\.json/],
  ['list.json', '["a", "b"]', /list\.json/],
  ['str.json', '"accuracy"', /str\.json/],
  ['nonnum.json', '{"accuracy": "high"}', /nonnum\.json/],
  ['empty.json', '', /empty\.json/],
  ['nested.json', '{"accuracy": {"deep": {"er": [1, {"x": null}]}}}', /nested\.json/],
  ['bad.csv', 'name,value\naccuracy\n"unclosed,1\n', /bad\.csv/],
  ['nohead.csv', '0.9,0.8\n', /nohead\.csv/],
  ['data.txt', 'accuracy 0.9\n', /the CSV file has a header but no rows of values/],
  ['header-only.csv', 'name,value\n', /the CSV file has a header but no rows of values/],
] as const)
  mg({ 'metrics-file': `@/${name}`, rules: 'accuracy >= 0.5' }, re, { files: { [name]: content }, names: `@/${name}` });
mg({ 'metrics-file': '@/emptydir', rules: 'accuracy >= 0.5' }, /the folder holds no metric files/, { files: { 'emptydir/.keep': '' }, names: '@/emptydir' });
for (const uri of ['not a uri', 'ftp://mlflow.example.com', 'https://user:secret@mlflow.example.com', 'file:///etc/passwd', 'mlflow.example.com']) {
  mg({ 'mlflow-tracking-uri': uri, 'run-id': 'r1', rules: 'accuracy >= 0.5' }, /tracking URI/);
}
mg(
  { 'job-name': 'no-such-job-in-workspace', rules: 'accuracy >= 0.5' },
  /The job 'no-such-job-in-workspace' was not found in workspace 'ws-emulator'.*the submit-job output job-name/,
  { names: 'job-name' },
);

// ---- register-model -----------------------------------------------------------------------------

const rm = (inputs: Record<string, string>, error: RegExp, more: Partial<BadCase> = {}) =>
  add('register-model', inputs, error, { files: registerFiles, ...more });
const rmBad = (bad: Record<string, string>, error: RegExp, more: Partial<BadCase> = {}) => rm(merge(bad, registerBase()), error, more);

rm({ path: '@/model' }, /Input 'name' is required but was not given/, { names: "'name'" });
for (const name of ['has space', '-dash', '.dot', 'x'.repeat(256), 'a/b', 'émoji😀', 'semi;colon'])
  rmBad({ name }, /Input 'name': .* is not a valid model name/);
rm({ name: 'corpus-model' }, /No model to register/, { names: 'path' });
rm({ name: 'corpus-model', path: '@/model', 'job-name': 'j1' }, /Give either 'path' or 'job-name'/, { names: 'job-name' });
rm({ name: 'corpus-model', output: 'model' }, /Input 'output' names an output of the job given by 'job-name', which is not set/, { names: "'output'" });
rm({ name: 'corpus-model', 'job-name': 'bad name' }, /Input 'job-name': 'bad name' is not a valid job name/, { names: "'job-name'" });
rm({ name: 'corpus-model', 'job-name': 'no-such-job' }, /Input 'job-name': job 'no-such-job' does not exist in workspace/, { names: "'job-name'" });
rmBad({ path: '@/missing-folder' }, /missing-folder/);
rmBad({ path: 'azureml:iris:1' }, /Input 'path': 'azureml:iris:1' names a registered asset, not the files of a model/);
rmBad({ path: 'azureml://registries/r/models/m/versions/1' }, /Input 'path': .* names a registered asset/);
rmBad({ path: 'azureml://jobs//outputs/x' }, /Input 'path'/);
rmBad({ path: 'azureml://datastores/no-such-store/paths/m' }, /no-such-store/);
rmBad({ type: 'onnx_model' }, /Input 'type' must be one of custom_model, mlflow_model, triton_model; got 'onnx_model'/);
rmBad({ type: 'mlflow_model' }, /has no MLmodel file at its root, so it is not an MLflow model/, { names: '@/model' });
for (const version of ['1 0', '-1', 'v/2', 'x'.repeat(31), '1.0!']) rmBad({ version }, /Input 'version': .* is not a valid model version/);
rmBad({ tags: 'a' }, /Input 'tags' line 1 is not a key=value pair/);
rmBad({ properties: 'azureml-actions.content-hash=forged' }, /Input 'properties': 'azureml-actions\.content-hash' is written by the action itself/);
rmBad({ properties: 'x=1\nx=2' }, /Input 'properties' sets 'x' twice/);
for (const [metrics, re] of [
  ['{accuracy: 0.9}', /Input 'metrics' is not valid JSON/],
  ['[0.9]', /Input 'metrics' must be a JSON object of metric name → number/],
  ['0.9', /Input 'metrics' must be a JSON object/],
  ['{"accuracy": "high"}', /Input 'metrics': the value of 'accuracy' is "high", not a number/],
  ['{"accuracy": {"v": 1}}', /Input 'metrics': the value of 'accuracy' is/],
  ['{"": 1}', /Input 'metrics': the value of '' is 1, not a number/],
] as const)
  rmBad({ metrics }, re);
for (const alias of ['has space', '@@double', '-x', 'x'.repeat(65)]) rmBad({ alias }, /Input 'alias': .* is not a valid alias/);
rmBad({ alias: 'champion\n@champion' }, /Input 'alias' lists an alias twice/);
for (const input of ['environment', 'code', 'scoring-script'] as const)
  rmBad({ [input]: 'something' }, new RegExp(`Input '${input}' is part of the deployment package, but 'package' is false`));
rmBad({ artifact: 'true' }, /Input 'artifact' is part of the deployment package, but 'package' is false/);
rmBad({ artifact: 'yes' }, /Input 'artifact' must be a boolean/);
rmBad({ package: 'y' }, /Input 'package' must be a boolean/);
for (const [input, value, re] of [
  ['upload-concurrency', '0', /must be at least 1/],
  ['upload-concurrency', '65', /must be at most 64/],
  ['upload-concurrency', 'eight', /must be an integer/],
  ['upload-concurrency', '2.5', /must be an integer/],
  ['upload-block-size-mib', '0', /must be at least 1/],
  ['upload-block-size-mib', '257', /must be at most 256/],
  ['upload-block-size-mib', '99999999999999999999', /is out of range/],
] as const)
  rmBad({ [input]: value }, new RegExp(`Input '${input}' ${re.source}`));
for (const reg of ['ab', 'has space', 'x'.repeat(34), '_under'])
  rmBad({ 'promote-to-registry': reg }, /Input 'promote-to-registry': .* is not a valid registry name/);
rmBad({ code: '@/no-code', package: 'true', 'scoring-script': 'score.py' }, /no-code/);
rmBad({ datastore: 'no-such-datastore' }, /Input 'datastore': the workspace has no datastore 'no-such-datastore'/);

// ---- deploy -------------------------------------------------------------------------------------

const dp = (inputs: Record<string, string>, error: RegExp, more: Partial<BadCase> = {}) => add('deploy', inputs, error, more);
const dpBad = (bad: Record<string, string>, error: RegExp, more: Partial<BadCase> = {}) => dp(merge(bad, deployBase()), error, more);

dp({ model: 'azureml:corpus-model:1' }, /Input 'endpoint' is required but was not given/, { names: "'endpoint'" });
for (const endpoint of ['1starts-with-digit', 'ab', 'ends-with-dash-', 'has_underscore', 'double--dash', 'x'.repeat(33), 'has space'])
  dpBad({ endpoint }, /Input 'endpoint': .* is not a valid endpoint name/);
dpBad({ endpoint: '@/missing-endpoint.yml' }, /Input 'endpoint': .*missing-endpoint\.yml does not exist/);
const epFile = (yaml: string, error: RegExp) =>
  dp({ endpoint: '@/endpoint.yml', model: 'azureml:corpus-model:1' }, error, { files: { 'endpoint.yml': yaml }, names: 'endpoint.yml' });
epFile('name: ep-file\nauth_mode: password\n', /'auth_mode' 'password' is not an auth mode/);
epFile('auth_mode: key\n', /an endpoint needs 'name'/);
epFile('name: 9lives\n', /'name' '9lives' is not a valid endpoint name/);
epFile('name: ep-file\nauthmode: key\n', /'authmode' is not a field of a online endpoint.*did you mean 'auth_mode'/);
epFile('name: ep-file\npublic_network_access: sometimes\n', /'public_network_access' must be 'enabled' or 'disabled'/);
epFile('name: ep-file\ntraffic:\n  blue: 60\n  green: 30\n', /'traffic'/);
epFile('name: ep-file\ntraffic:\n  blue: 50.5\n  green: 49.5\n', /'traffic\.blue' must be a whole percent/);
epFile('name: ep-file\ntraffic:\n  blue: -10\n  green: 110\n', /'traffic'/);
epFile('name: ep-file\ntraffic: "blue=90 green=10"\n', /'traffic'/);
epFile('name: ep-file\nmirror_traffic:\n  green: 60\n', /'mirror_traffic'/);
epFile('name: ep-file\ntraffic:\n  blue: 100\nmirror_traffic:\n  blue: 10\n', /'mirror_traffic'/);
epFile('- name: ep-file\n', /an endpoint file must be a YAML map/);
epFile('name: [ep\n', /invalid YAML/);
dpBad({ model: '' }, /Give the new deployment: 'deployment-file', 'model', or both/, { names: 'deployment-file' });
for (const model of ['corpus-model:1', 'https://example.com/model.pkl', 'models/corpus-model/versions/1'])
  dpBad({ model }, /Input 'model': .* is not a model reference/);
dpBad({ model: 'azureml:no-such-model:1' }, /Input 'model': model no-such-model has no version 1/);
dpBad({ model: 'azureml:no-such-model@champion' }, /Input 'model': no version of model no-such-model holds the alias @champion/);
dpBad({ model: 'azureml://registries/r/models/m/versions/1' }, /Input 'model': .* is not a workspace model reference/);
dpBad({ 'deployment-file': '@/missing.yml' }, /Input 'deployment-file': .*missing\.yml does not exist/);
for (const [input, value, re] of [
  ['instance-count', '0', /must be at least 1/],
  ['instance-count', '101', /must be at most 100/],
  ['instance-count', 'two', /must be an integer/],
  ['instance-count', '1.5', /must be an integer/],
] as const)
  dpBad({ [input]: value }, new RegExp(`Input '${input}' ${re.source}`));
for (const name of ['1blue', 'b', 'blue_green', 'x'.repeat(33), 'ends-'])
  dpBad({ 'deployment-name': name }, /Input 'deployment-name': .* is not a valid deployment name/);
for (const [input, value, re] of [
  ['manifest', '{"files": [', /Input 'manifest': the inline manifest is not valid JSON/],
  ['manifest', '@/no-manifest.json', /Input 'manifest': .*no-manifest\.json does not exist/],
  ['smoke-request', '{"data": [1, 2', /Input 'smoke-request': the inline request is not valid JSON/],
  ['smoke-request', '@/no-request.json', /Input 'smoke-request': .*no-request\.json does not exist/],
  ['smoke-request', '{"ok": 1}\n[1, 2', /Input 'smoke-request': the inline request is not valid JSON/],
  ['smoke-expect', '{"status": ', /Input 'smoke-expect': the inline expected response is not valid JSON/],
  ['smoke-expect', '@/no-expect.json', /Input 'smoke-expect': .*no-expect\.json does not exist/],
  ['smoke-max-latency', 'fast', /Input 'smoke-max-latency' is not a valid duration/],
  ['smoke-max-latency', '-1s', /Input 'smoke-max-latency' is not a valid duration/],
] as const)
  dpBad({ [input]: value }, re);
dpBad({ 'smoke-request': '@/bad-request.json' }, /Input 'smoke-request': .*bad-request\.json is not valid JSON/, {
  files: { 'bad-request.json': '{"data": [1,' },
});
dpBad({ manifest: '@/bad-manifest.json' }, /Input 'manifest': .*bad-manifest\.json is not valid JSON/, { files: { 'bad-manifest.json': 'files:\n  - a\n' } });
for (const [input, value, re] of [
  ['strategy', 'big-bang', /Input 'strategy' must be one of canary, linear, blue-green, stages; got 'big-bang'/],
  ['strategy', 'canary,linear', /Input 'strategy' must be one of/],
  ['canary-percent', '0', /Input 'canary-percent' must be at least 1/],
  ['canary-percent', '100', /Input 'canary-percent' must be at most 99/],
  ['canary-percent', 'ten', /Input 'canary-percent' must be an integer/],
  ['canary-percent', '12.5', /Input 'canary-percent' must be an integer/],
  ['step-percent', '0', /Input 'step-percent' must be at least 1/],
  ['step-percent', '100', /Input 'step-percent' must be at most 99/],
  ['mirror-percent', '51', /Input 'mirror-percent' must be at most 50/],
  ['mirror-percent', '-1', /Input 'mirror-percent' must be at least 0/],
  ['bake-time', 'a while', /Input 'bake-time' is not a valid duration/],
  ['bake-time', '5m5m', /Input 'bake-time' is not a valid duration/],
  ['check-interval', '500ms', /Input 'check-interval' must be at least 1s/],
  ['max-duration', 'forever', /Input 'max-duration' is not a valid duration/],
  ['min-requests', '-1', /Input 'min-requests' must be at least 0/],
  ['min-requests', 'many', /Input 'min-requests' must be an integer/],
  ['allow-no-traffic', 'sometimes', /Input 'allow-no-traffic' must be a boolean/],
  ['probe-rps', '101', /Input 'probe-rps' must be at most 100/],
  ['probe-rps', '-2', /Input 'probe-rps' must be at least 0/],
  ['probe-rps', 'fast', /Input 'probe-rps' must be a number/],
  ['probe-rps', '5', /Input 'probe-rps': probe traffic is made from the smoke requests, and 'smoke-request' is empty/],
  ['failure-threshold', '0', /Input 'failure-threshold' must be at least 1/],
  ['consecutive-error-limit', '0', /Input 'consecutive-error-limit' must be at least 1/],
  ['rollback', 'maybe', /Input 'rollback' must be one of auto, none; got 'maybe'/],
  ['keep-failed', 'nah', /Input 'keep-failed' must be a boolean/],
  ['old-deployments', 'archive', /Input 'old-deployments' must be delete, keep or scale-to: N, got 'archive'/],
  ['old-deployments', 'scale-to: many', /Input 'old-deployments' must be delete, keep or scale-to: N/],
  ['old-deployments', 'scale-to: -1', /Input 'old-deployments' must be delete, keep or scale-to: N/],
] as const)
  dpBad({ [input]: value }, re);
for (const [stages, re] of [
  ['10,5,100', /is not strictly increasing: 10 then 5/],
  ['10,50', /must end at 100/],
  ['0,100', /has 0 at position 1/],
  ['10,abc,100', /has 'abc', which is not a whole percent/],
  ['10,50,150', /has 150 at position 3/],
  ['10.5,100', /has '10\.5', which is not a whole percent/],
  ['blue=90 green=10', /has 'blue=90', which is not a whole percent/],
  ['50,50,100', /is not strictly increasing: 50 then 50/],
  [',,,', /is empty/],
] as const)
  dpBad({ stages }, new RegExp(`Input 'stages' ${re.source}`));
dpBad({ strategy: 'canary', stages: '10,50,100' }, /Input 'stages' is given together with strategy 'canary'/);
dpBad({ strategy: 'stages' }, /Input 'stages' is required with 'strategy: stages'/, { names: "'stages'" });
dpBad({ 'check-interval': '2m', 'bake-time': '1m' }, /Input 'check-interval' \(2m\) is longer than bake-time \(1m\)/);
dpBad({ 'max-duration': '15m', 'bake-time': '10m' }, /Input 'max-duration' \(15m\) does not leave room for the planned bakes/);
for (const [rules, re] of [
  ['error_rate <', /Input 'health-rules' line 1, column/],
  ['gpu < 80%', /Input 'health-rules' line 1: 'gpu' is not a health signal/],
  ['error_rate < 5', /compares error_rate, a fraction from 0 to 1, with 5/],
  ['# nothing', /Input 'health-rules' has no rule/],
  ['latency_p99 <<< 500', /Input 'health-rules' line 1, column/],
  ['error_rate < 1% and', /Input 'health-rules' line 1, column/],
] as const)
  dpBad({ 'health-rules': rules }, re);
const depFile = (yaml: string, error: RegExp, files: Record<string, string> = {}) =>
  dp({ endpoint: 'ep-corpus', 'deployment-file': '@/deployment.yml' }, error, { files: { 'deployment.yml': yaml, ...files }, names: 'deployment.yml' });
depFile('name: blue\ninstance_type: Standard_DS3_v2\n', /a deployment needs 'model'/);
depFile(
  'name: blue\nmodel: azureml:corpus-model:1\ninstance_cout: 1\n',
  /'instance_cout' is not a field of a managed online deployment.*did you mean 'instance_count'/,
);
depFile('name: 1blue\nmodel: azureml:corpus-model:1\n', /'name' '1blue' is not a valid deployment name/);
depFile('name: blue\ntype: serverless\nmodel: azureml:corpus-model:1\n', /'type' 'serverless' is not an online deployment type/);
depFile(
  'name: blue\ntype: kubernetes\nmodel: azureml:corpus-model:1\nresources:\n  requests:\n    cpu: lots\n',
  /'resources\.requests\.cpu' 'lots' is not a Kubernetes quantity/,
);
depFile('name: blue\nmodel: azureml:corpus-model:1\nresources:\n  requests:\n    cpu: "1"\n', /'resources' is a field of Kubernetes online deployments/);
depFile(
  'name: blue\nendpoint_name: other-ep\nmodel: azureml:corpus-model:1\n',
  /'endpoint_name' names endpoint 'other-ep', but this step deploys to endpoint 'ep-corpus'/,
);
depFile('name: blue\nmodel: ftp://x/model.pkl\n', /'model'/);
depFile('name: blue\nmodel:\n  type: custom_model\n', /'model' an inline model needs a path/);
depFile('name: blue\nmodel:\n  path: ./m\n  type: onnx\n', /'model\.type' 'onnx' is not a model type/, { 'm/model.onnx': 'x' });
depFile('name: blue\nmodel:\n  path: ./no-model\n', /'model\.path' local path '\.\/no-model' does not exist/);
depFile('name: blue\nmodel: 42\n', /'model'/);
depFile('name: blue\nmodel: azureml:corpus-model:1\ncode_configuration:\n  code: ./src\n', /'code_configuration' needs 'scoring_script'/);
depFile(
  'name: blue\nmodel: azureml:corpus-model:1\ncode_configuration:\n  code: ./src\n  scoring_script: score.py\n',
  /a deployment with scoring code needs an environment/,
  { 'src/score.py': 'def init(): pass\n' },
);
depFile('name: blue\nmodel: azureml:corpus-model:1\ncode_configuration: score.py\n', /'code_configuration' must be a map with code and scoring_script/);
depFile('name: blue\nmodel: azureml:corpus-model:1\ninstance_count: many\n', /'instance_count'/);
depFile('name: blue\nmodel: azureml:corpus-model:1\nenvironment_variables: [A]\n', /'environment_variables' must be a map/);
depFile('name: blue\nmodel: azureml:corpus-model:1\nrequest_settings: fast\n', /'request_settings'/);
depFile('name: blue\nmodel: azureml:corpus-model:1\nliveness_probe:\n  every: 10\n', /'liveness_probe\.every' is not a field of a probe/);
depFile('name: blue\nmodel: azureml:corpus-model:1\nscale_settings:\n  type: elastic\n', /'scale_settings/);
depFile('[name: blue\n', /invalid YAML/);
depFile('name: blue\nmodel: azureml:no-such-model@latest\n', /'model' cannot resolve azureml:no-such-model@latest: no model named 'no-such-model'/);

// ---- pr-summary ---------------------------------------------------------------------------------

const pr = (inputs: Record<string, string>, error: RegExp, more: Partial<BadCase> = {}) => add('pr-summary', inputs, error, more);

for (const header of ['has space', 'a--b', 'x'.repeat(101), '<script>', 'line\nbreak', 'emoji😀', '-->'])
  pr({ header }, /Input 'header' must be 1–100 letters, digits or/);
pr({ mode: 'rewrite' }, /Input 'mode' must be one of/);
for (const n of ['0', '-3', 'abc', '1.5', '1e3', '99999999999999999999']) pr({ 'pr-number': n }, /Input 'pr-number'/);
for (const input of ['jobs', 'gate-reports', 'models', 'rollouts'] as const) {
  pr({ [input]: '{not json' }, new RegExp(`Input '${input}' is not valid JSON`));
  pr({ [input]: '42' }, new RegExp(`Input '${input}' is not a`));
  pr({ [input]: '[{}, "x"]' }, new RegExp(`Input '${input}' item 1 is not a`));
  pr({ [input]: '"{\\"broken"' }, new RegExp(`Input '${input}'`));
}
pr({ 'gate-reports': '{"passed": "yes"}' }, /Input 'gate-reports' is not a gate report/);
pr({ rollouts: '{"timeline": "none"}' }, /Input 'rollouts' is not a rollout/);

// Event payloads and ledgers: no error is right; the step must not crash and must say what it did.
const fallback = (event: unknown, notice: RegExp, more: Partial<BadCase> = {}) =>
  add('pr-summary', { 'github-token': 'ghs_actions' }, notice, { event, eventName: 'pull_request', outcome: 'fallback', names: 'pull request', ...more });
fallback({ pull_request: { number: '7' } }, /No pull request to comment on/);
fallback({ pull_request: null }, /No pull request to comment on/);
fallback({ pull_request: 'seven' }, /No pull request to comment on/);
fallback({ pull_request: { number: -7 } }, /No pull request to comment on/);
fallback({ pull_request: { number: 1.5 } }, /No pull request to comment on/);
fallback({ pull_request: { number: 1e300 } }, /No pull request to comment on/);
fallback([1, 2, 3], /No pull request to comment on/);
fallback('just a string', /No pull request to comment on/);
fallback(null, /No pull request to comment on/);
fallback({ issue: { number: 9 } }, /No pull request to comment on/, { eventName: 'issue_comment' });
fallback({ workflow_run: { pull_requests: 'nope' } }, /No pull request to comment on/, { eventName: 'workflow_run' });
fallback({ workflow_run: { pull_requests: [{ number: 'x' }], head_repository: null } }, /No pull request to comment on/, { eventName: 'workflow_run' });
fallback({ workflow_run: { head_branch: ['x'], head_repository: { owner: { login: 5 } } } }, /No pull request to comment on/, { eventName: 'workflow_run' });
fallback({ pull_request: { number: 0 }, constructor: { prototype: { polluted: true } } }, /No pull request to comment on/);
const ledgerCase = (ledger: string) =>
  add('pr-summary', { 'github-token': '' }, /No GitHub token|report is in the job summary/, { ledger, outcome: 'fallback', names: 'job summary' });
ledgerCase('not json at all\n{"kind": "job"\n');
ledgerCase('null\n42\n"text"\n[1,2]\n');
ledgerCase('{"kind":"job","jobName":{"x":1},"status":7}\n');
ledgerCase('{"kind":"gate","passed":"maybe","report":"none"}\n');
ledgerCase('{"kind":"model","name":null,"version":[1]}\n');
ledgerCase('{"kind":"rollout","timeline":{"stages":"x"}}\n');
ledgerCase('{"kind":"rollout","timeline":{"stages":[null,{"weight":"x"}]}}\n');
ledgerCase('{"kind":"gate","report":{"rules":[null,{"rule":7}],"metrics":"x"},"histories":{"acc":"x"}}\n');
ledgerCase('{"kind":"unknown-kind","x":1}\n{"kind":"job","jobName":"ok-job","status":"Completed"}\n');

export const corpus: readonly BadCase[] = cases;
