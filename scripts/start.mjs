#!/usr/bin/env node
// `npm start`: the whole flow on the local emulator, through the root action (action.yml) run the
// way the GitHub runner runs it (`azureml-actions run .`, a push to the default branch):
//   train examples/iris → gate against the champion (model:iris-classifier:@champion) → register
//   iris-classifier → canary rollout with probe traffic to iris-endpoint → @champion moved →
//   the PR comment it would post (printed, and written to .azureml-actions/pr-comment.md).
// State is kept in .emulator-state: each start trains a changed model (100 more epochs than the
// one before), so the second start gates against the first as baseline and its rollout replaces
// it. Delete .emulator-state to start over.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'azureml-actions.js');
const stateDir = process.env.AZUREML_EMULATOR_STATE ?? join(root, '.emulator-state');
const outDir = join(root, '.azureml-actions');
const started = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

function startEmulator() {
  const child = spawn(process.execPath, [cli, 'emulator', '--port', '0', '--state', stateDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      try {
        resolve({ child, info: JSON.parse(line) });
      } catch {
        reject(new Error(`emulator printed: ${line}`));
      }
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
}

/** Runs the root action like the runner; resolves to its exit code and outputs (as printed by `run`). */
function runFlow(inputs, env, eventFile) {
  const args = [cli, 'run', '.', '--event', eventFile, '--event-name', 'push', '--run-id', String(Date.now())];
  for (const [k, values] of Object.entries(inputs)) for (const v of [values].flat()) args.push('--input', `${k}=${v}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('close', (code) => {
      const outputs = {};
      const tail = out.slice(out.lastIndexOf('\noutputs of .:'));
      for (const m of tail.matchAll(/^ {2}([a-z-]+): (.*)$/gm)) outputs[m[1]] ??= m[2];
      resolve({ code, outputs });
    });
  });
}

async function emulatorToken(info, resource = 'https://management.azure.com') {
  const res = await fetch(`${info.baseUrl}/${info.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'azureml-actions', client_secret: 'emulator', scope: `${resource}/.default` }),
  });
  return (await res.json()).access_token;
}

/** Scores the endpoint (no deployment header: the traffic split decides) with the sample request. */
async function scoreEndpoint(info, endpoint, scoringUri) {
  const token = await emulatorToken(info);
  const ws = `/subscriptions/${info.subscriptionId}/resourceGroups/${info.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${info.workspaceName}`;
  const keys = await (
    await fetch(`${info.baseUrl}${ws}/onlineEndpoints/${endpoint}/listKeys?api-version=2024-10-01`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    })
  ).json();
  const res = await fetch(scoringUri, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.primaryKey}`, 'content-type': 'application/json' },
    body: readFileSync(join(root, 'examples', 'iris', 'sample-request.json')),
  });
  const text = await res.text();
  let body = text;
  try {
    body = JSON.parse(text);
    if (typeof body === 'string') body = JSON.parse(body);
  } catch {
    // not JSON: shown as it is
  }
  return { status: res.status, deployment: res.headers.get('azureml-model-deployment'), body };
}

const { child: emulator, info } = await startEmulator();
console.log(`emulator: ${info.baseUrl} (Azurite ${info.blobEndpoint}), state in ${stateDir}`);
let exitCode = 0;
const runnerTemp = mkdtempSync(join(tmpdir(), 'aml-start-'));
try {
  // Which start this is: each trains longer than the one before (a changed model).
  const counter = join(stateDir, 'npm-start-runs');
  const n = (existsSync(counter) ? Number(readFileSync(counter, 'utf8')) || 0 : 0) + 1;
  writeFileSync(counter, String(n));
  const epochs = 100 * (n + 1);

  const eventFile = join(runnerTemp, 'event.json');
  const repository = `local/${basename(root)}`;
  writeFileSync(
    eventFile,
    JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: repository, default_branch: 'main' }, head_commit: { message: `npm start #${n}` } }),
  );

  console.log(`\n== npm start #${n}: the whole flow (action.yml) on a push to main; examples/iris with ${epochs} epochs ==`);
  const flow = await runFlow(
    {
      'job-file': 'examples/iris/job.yml',
      set: `inputs.epochs=${epochs}`,
      rules: [
        'accuracy >= 0.9                            # quality bar',
        'f1_macro >= baseline.f1_macro - 0.05      # no real regression against the champion',
        'loss <= baseline.loss * 1.05',
      ],
      'model-name': 'iris-classifier',
      'model-type': 'mlflow_model',
      'model-description': `Softmax regression, ${epochs} epochs (npm start #${n})`,
      endpoint: 'examples/iris/endpoint.yml',
      'deployment-file': 'examples/iris/deployment.yml',
      'smoke-request': 'examples/iris/sample-request.json',
      strategy: 'canary',
      'canary-percent': '20',
      'bake-time': '15s',
      'check-interval': '5s',
      'probe-rps': '5',
      'comment-title': `Azure ML report — npm start, run ${n}`,
    },
    { AZUREML_EMULATOR_HOST: info.emulatorHost, RUNNER_TEMP: runnerTemp, GITHUB_REPOSITORY: repository },
    eventFile,
  );
  const o = flow.outputs;

  const bodyPath = o['comment-body-path'];
  if (bodyPath && existsSync(bodyPath)) {
    const body = readFileSync(bodyPath, 'utf8');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'pr-comment.md'), body);
    console.log('\n== The PR comment it would post (on a pull request; this run is a push, so the job summary only) ==\n');
    console.log(body);
    console.log(`(written to ${join('.azureml-actions', 'pr-comment.md')})`);
  }
  if (o['rollout-status'] === 'promoted' && o['scoring-uri']) {
    const answer = await scoreEndpoint(info, 'iris-endpoint', o['scoring-uri']);
    console.log(
      `\nendpoint iris-endpoint now answers from ${answer.deployment ?? 'an unnamed deployment'} (HTTP ${answer.status}): ${JSON.stringify(answer.body?.predictions ?? answer.body)}`,
    );
  }
  console.log(
    `\nnpm start #${n}: job ${o['job-name'] ?? '—'} ${o['job-status'] ?? ''}; gate ${o['gate-passed'] === 'true' ? 'passed' : o['gate-passed'] === 'false' ? 'failed' : '—'}; ` +
      `model ${o['model-uri'] ?? '—'}${o['model-aliases'] ? ` (@${o['model-aliases']})` : ''}; rollout ${o['rollout-status'] ?? '—'}${o['deployment-name'] ? ` of ${o['deployment-name']}` : ''}; ${secs(Date.now() - started)} in all.`,
  );
  if (n === 1) console.log('Run npm start again: it trains a changed model, gates it against this one and rolls it out in its place.');
  if (flow.code !== 0) {
    console.error('npm start: the flow failed (see the errors above).');
    exitCode = 1;
  }
} catch (err) {
  console.error(`npm start: ${err.message}`);
  exitCode = 1;
} finally {
  rmSync(runnerTemp, { recursive: true, force: true });
  emulator.kill('SIGINT');
  await new Promise((r) => emulator.once('exit', r));
}
process.exit(exitCode);
