#!/usr/bin/env node
// `npm start`: the flow on the local emulator. Starts the emulator (state kept in .emulator-state,
// so a second start sees the first one's jobs and uploads), submits the sample training job
// through the submit-job action exactly as a workflow step would, and prints its metrics.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'azureml-actions.js');
const stateDir = process.env.AZUREML_EMULATOR_STATE ?? join(root, '.emulator-state');

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

function runStep(action, inputs, env) {
  const args = [cli, 'run', action, '--run-id', String(Date.now())];
  for (const [k, v] of Object.entries(inputs)) args.push('--input', `${k}=${v}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('close', (code) => {
      const outputs = {};
      const tail = out.slice(out.lastIndexOf(`outputs of ${action}:`));
      for (const m of tail.matchAll(/^ {2}([a-z-]+): (.*)$/gm)) outputs[m[1]] = m[2];
      resolve({ code, outputs });
    });
  });
}

const { child: emulator, info } = await startEmulator();
console.log(`emulator: ${info.baseUrl} (Azurite ${info.blobEndpoint}), state in ${stateDir}`);
let exitCode = 0;
try {
  const env = { AZUREML_EMULATOR_HOST: info.emulatorHost };
  console.log('\n== submit-job: examples/iris/job.yml ==');
  const train = await runStep('submit-job', { 'job-file': 'examples/iris/job.yml' }, env);
  if (train.code !== 0) throw new Error('the training job did not complete');
  const job = train.outputs['job-name'];
  const tokenRes = await fetch(`${info.baseUrl}/${info.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'azureml-actions', client_secret: 'emulator', scope: 'https://management.azure.com/.default' }),
  });
  const { access_token: token } = await tokenRes.json();
  const ws = `/subscriptions/${info.subscriptionId}/resourceGroups/${info.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${info.workspaceName}`;
  const run = await (await fetch(`${info.baseUrl}/mlflow/v1.0${ws}/api/2.0/mlflow/runs/get?run_id=${job}`, { headers: { authorization: `Bearer ${token}` } })).json();
  console.log(`\njob ${job}: ${train.outputs.status}`);
  console.log('metrics (last value):');
  for (const m of run.run?.data?.metrics ?? []) console.log(`  ${m.key.padEnd(12)} ${m.value.toFixed(4)}  (step ${m.step})`);
} catch (err) {
  console.error(`npm start: ${err.message}`);
  exitCode = 1;
} finally {
  emulator.kill('SIGINT');
  await new Promise((r) => emulator.once('exit', r));
}
process.exit(exitCode);
