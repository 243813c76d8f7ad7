/**
 * Fields az ml takes in the wild (Microsoft's azureml-examples, azure-ai-ml's schemas): what each
 * becomes on the wire, checked against the 2024-10-01 schema, and the refusals naming field and line.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecDocument } from '../../src/specs/document.js';
import { planJob, type JobPlan } from '../../src/specs/job/index.js';
import { parseReference } from '../../src/specs/references.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { describeErrors, haveSharedFixtures, validatorFor } from '../helpers/swagger.js';

const WS = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const resolver = { resolveLabel: async (_k: string, _n: string, label: string) => (label === 'latest' ? '4' : label) };
const HEAD = 'command: python t.py\nenvironment: azureml:env:1\n';

async function plan(yaml: string, files: Record<string, string> = {}): Promise<JobPlan> {
  const dir = mkdtempSync(join(tmpdir(), 'aml-fields-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  writeFileSync(join(dir, 'job.yml'), yaml);
  const doc = SpecDocument.load(join(dir, 'job.yml'), 'jobs/job.yml', 'job-file');
  return planJob(doc, join(dir, 'job.yml'), doc.value, { workspaceId: WS, resolver });
}

async function refusal(p: Promise<unknown>): Promise<ConfigurationError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConfigurationError);
  return e as ConfigurationError;
}

/** The plan's body is valid against the strict 2024-10-01 schema (when the swagger is here). */
function valid(p: JobPlan): JobPlan {
  if (haveSharedFixtures) {
    const v = validatorFor('JobBaseResource', `${p.jobType}Job`);
    expect(v(p.body), describeErrors(v)).toBe(true);
  }
  return p;
}

const props = (p: JobPlan) => p.body.properties as Record<string, any>;

describe('registry references without a version, as az ml sends them', () => {
  it('parses azureml://registries/<r>/<type>/<name> with neither version nor label', () => {
    expect(parseReference('azureml://registries/azureml/components/automl_hts_training')).toEqual({
      kind: 'registry',
      registry: 'azureml',
      assetType: 'components',
      name: 'automl_hts_training',
      uri: 'azureml://registries/azureml/components/automl_hts_training',
    });
    expect(parseReference('azureml://registries/azureml/environments/sklearn-1.5/labels/latest')).toMatchObject({ label: 'latest', name: 'sklearn-1.5' });
    expect(() => parseReference('azureml://registries/azureml/components')).toThrow(/is not a registry reference/);
    expect(() => parseReference('azureml://registries/azureml/components/x/tags/y')).toThrow(/\.\.\.\/versions\/<version> or \.\.\.\/labels\/<label>/);
  });

  it('an environment named in a registry without a version goes as written', async () => {
    const p = valid(await plan('command: echo\nenvironment: azureml://registries/azureml/environments/sklearn-1.5\n'));
    expect(props(p).environmentId).toBe('azureml://registries/azureml/environments/sklearn-1.5');
  });
});

describe('environment references', () => {
  it('a curated environment (AzureML-…) goes as written, for the service to expand', async () => {
    const p = valid(await plan('command: echo\nenvironment: azureml:AzureML-sklearn-1.5@latest\n'));
    expect(props(p).environmentId).toBe('azureml:AzureML-sklearn-1.5@latest');
    expect(props(valid(await plan('command: echo\nenvironment: azureml:AzureML-sklearn-1.5:3\n'))).environmentId).toBe('azureml:AzureML-sklearn-1.5:3');
  });

  it('a workspace environment @latest is resolved to its version', async () => {
    const p = valid(await plan('command: echo\nenvironment: azureml:my-env@latest\n'));
    expect(props(p).environmentId).toBe(`${WS}/environments/my-env/versions/4`);
  });

  it('a label other than latest is refused as az ml refuses it, at its line', async () => {
    let e = await refusal(plan('command: echo\nenvironment: azureml:my-env@prod\n'));
    expect(e.message).toBe(
      "jobs/job.yml:2:1: 'environment' 'azureml:my-env@prod' names the label 'prod': az ml resolves only the label 'latest' of a workspace asset",
    );
    expect(e.hint).toBe('write azureml:my-env:<version> or azureml:my-env@latest');
    e = await refusal(plan(`${HEAD}inputs:\n  d:\n    type: uri_folder\n    path: azureml:my-data@champion\n`));
    expect(e.message).toContain("jobs/job.yml:6:5: 'inputs.d.path' 'azureml:my-data@champion' names the label 'champion'");
  });

  it('data @latest is resolved to its version', async () => {
    const p = valid(await plan(`${HEAD}inputs:\n  d:\n    type: uri_folder\n    path: azureml:my-data@latest\n`));
    expect(props(p).inputs.d).toEqual({ jobInputType: 'uri_folder', uri: `${WS}/data/my-data/versions/4` });
  });
});

describe('inputs and outputs', () => {
  it('the legacy type path is a uri_folder, or a uri_file for a local file', async () => {
    const p = valid(
      await plan(
        `${HEAD}inputs:\n  folder:\n    type: path\n    path: ./data\n  file:\n    type: path\n    path: ./data/a.csv\n  remote:\n    type: path\n    path: azureml://datastores/ds/paths/x/\n`,
        {
          'data/a.csv': 'a\n1\n',
        },
      ),
    );
    expect(props(p).inputs.folder.jobInputType).toBe('uri_folder');
    expect(props(p).inputs.file.jobInputType).toBe('uri_file');
    expect(props(p).inputs.remote).toEqual({ jobInputType: 'uri_folder', uri: 'azureml://datastores/ds/paths/x/' });
  });

  it('input modes go to their wire names; eval modes for mltable inputs', async () => {
    const p = valid(
      await plan(
        `${HEAD}inputs:\n  a:\n    type: uri_folder\n    path: azureml://datastores/ds/paths/a/\n    mode: mount\n  b:\n    type: uri_file\n    path: https://x.blob.core.windows.net/c/b.csv\n    mode: download\n  c:\n    type: mltable\n    path: azureml:t:1\n    mode: eval_download\n  d:\n    type: mltable\n    path: azureml:t:1\n    mode: eval_mount\n  e:\n    type: uri_folder\n    path: azureml:t:1\n    mode: direct\n`,
      ),
    );
    const modes = Object.fromEntries(Object.entries(props(p).inputs as Record<string, { mode: string }>).map(([k, v]) => [k, v.mode]));
    expect(modes).toEqual({ a: 'ReadOnlyMount', b: 'Download', c: 'EvalDownload', d: 'EvalMount', e: 'Direct' });
  });

  it('output modes: mount and rw_mount are read-write mounts, upload, direct', async () => {
    const p = valid(
      await plan(
        `${HEAD}outputs:\n  a:\n    mode: mount\n  b:\n    mode: rw_mount\n  c:\n    type: uri_file\n    mode: upload\n  d:\n    mode: direct\n  e:\n`,
      ),
    );
    const o = props(p).outputs;
    expect([o.a.mode, o.b.mode, o.c.mode, o.d.mode]).toEqual(['ReadWriteMount', 'ReadWriteMount', 'Upload', 'Direct']);
    expect(o.e).toEqual({ jobOutputType: 'uri_folder' });
  });

  it('refuses an output mode on an input, an eval mode on a non-mltable input and an input mode on an output, by field and line', async () => {
    let e = await refusal(plan(`${HEAD}inputs:\n  a:\n    type: uri_folder\n    path: azureml:d:1\n    mode: rw_mount\n`));
    expect(e.message).toBe("jobs/job.yml:7:5: 'inputs.a.mode' 'rw_mount' is an output mode");
    expect(e.hint).toBe('an input is read: mount, ro_mount, download, direct');
    e = await refusal(plan(`${HEAD}inputs:\n  a:\n    type: uri_file\n    path: azureml:d:1\n    mode: eval_mount\n`));
    expect(e.message).toBe("jobs/job.yml:7:5: 'inputs.a.mode' 'eval_mount' applies to mltable inputs only, not to a uri_file input");
    e = await refusal(plan(`${HEAD}outputs:\n  a:\n    mode: download\n`));
    expect(e.message).toBe("jobs/job.yml:5:5: 'outputs.a.mode' 'download' is not an output mode");
    expect(e.hint).toBe('valid: mount, rw_mount, upload, direct');
  });
});

describe('resources, identity and services', () => {
  it('resources.shm_size goes as shmSize; a size without a unit is refused at its line', async () => {
    const p = valid(await plan(`${HEAD}resources:\n  instance_count: 2\n  shm_size: 16g\n  docker_args: --ipc=host\n`));
    expect(props(p).resources).toEqual({ instanceCount: 2, shmSize: '16g', dockerArgs: '--ipc=host' });
    const e = await refusal(plan(`${HEAD}resources:\n  shm_size: 16 GB\n`));
    expect(e.message).toBe("jobs/job.yml:4:3: 'resources.shm_size' '16 GB' is not a size");
    expect(e.line).toBe(4);
  });

  it('identity: user_identity, aml_token, managed (system- or user-assigned)', async () => {
    expect(props(valid(await plan(`${HEAD}identity:\n  type: user_identity\n`))).identity).toEqual({ identityType: 'UserIdentity' });
    expect(props(valid(await plan(`${HEAD}identity:\n  type: aml_token\n`))).identity).toEqual({ identityType: 'AMLToken' });
    expect(props(valid(await plan(`${HEAD}identity:\n  type: managed\n`))).identity).toEqual({ identityType: 'Managed' });
    const uai = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/me';
    const p = valid(await plan(`${HEAD}identity:\n  type: managed_identity\n  client_id: 00000000-1111-2222-3333-444444444444\n  msi_resource_id: ${uai}\n`));
    expect(props(p).identity).toEqual({ identityType: 'Managed', clientId: '00000000-1111-2222-3333-444444444444', resourceId: uai });
  });

  it('identity refusals name the field and line: a non-GUID client id, a placeholder, ids on a user identity', async () => {
    let e = await refusal(plan(`${HEAD}identity:\n  type: managed\n  client_id: my-identity\n`));
    expect(e.message).toBe("jobs/job.yml:5:3: 'identity.client_id' 'my-identity' is not a GUID");
    e = await refusal(plan(`${HEAD}identity:\n  type: managed\n  object_id: <OBJECT_ID>\n`));
    expect(e.message).toContain("jobs/job.yml:5:3: 'identity.object_id' '<OBJECT_ID>' holds the placeholder '<OBJECT_ID>'");
    e = await refusal(plan(`${HEAD}identity:\n  type: managed\n  msi_resource_id: /subscriptions/s/resourceGroups/rg\n`));
    expect(e.message).toContain("'identity.msi_resource_id'");
    expect(e.message).toContain('is not the ARM id of a user-assigned identity');
    e = await refusal(plan(`${HEAD}identity:\n  type: user_identity\n  client_id: 00000000-1111-2222-3333-444444444444\n`));
    expect(e.message).toContain('apply to a managed identity only');
    e = await refusal(plan(`${HEAD}identity:\n  type: system_assigned\n`));
    expect(e.message).toBe("jobs/job.yml:4:3: 'identity.type' 'system_assigned' is not an identity type");
  });

  it('services go with their wire names; log_dir and ssh_public_keys into properties; nodes: all', async () => {
    const p = valid(
      await plan(
        `${HEAD}services:\n  code:\n    type: vs_code\n  lab:\n    type: jupyter_lab\n  tb:\n    type: tensor_board\n    log_dir: outputs/tblogs\n  ssh:\n    type: ssh\n    ssh_public_keys: ssh-ed25519 AAAA me\n    nodes: all\n  mine:\n    type: custom\n    port: 8080\n    properties:\n      a: b\n`,
      ),
    );
    expect(props(p).services).toEqual({
      code: { jobServiceType: 'VSCode' },
      lab: { jobServiceType: 'JupyterLab' },
      tb: { jobServiceType: 'TensorBoard', properties: { logDir: 'outputs/tblogs' } },
      ssh: { jobServiceType: 'SSH', properties: { sshPublicKeys: 'ssh-ed25519 AAAA me' }, nodes: { nodesValueType: 'All' } },
      mine: { jobServiceType: 'Custom', port: 8080, properties: { a: 'b' } },
    });
  });

  it('service refusals: an unknown type, a field of another type, a placeholder key, nodes other than all', async () => {
    let e = await refusal(plan(`${HEAD}services:\n  x:\n    type: vscode\n`));
    expect(e.message).toBe("jobs/job.yml:5:5: 'services.x.type' 'vscode' is not a job service type");
    expect(e.hint).toBe('valid: vs_code, jupyter_lab, tensor_board, ssh, custom');
    e = await refusal(plan(`${HEAD}services:\n  x:\n    type: vs_code\n    log_dir: logs\n`));
    expect(e.message).toContain("jobs/job.yml:6:5: 'services.x.log_dir' is not a field of a vs_code job service");
    e = await refusal(plan(`${HEAD}services:\n  x:\n    type: ssh\n    ssh_public_keys: <paste the entire pub key content>\n`));
    expect(e.message).toContain("jobs/job.yml:6:5: 'services.x.ssh_public_keys'");
    expect(e.message).toContain('placeholder');
    e = await refusal(plan(`${HEAD}services:\n  x:\n    type: ssh\n    nodes: 2\n`));
    expect(e.message).toContain("jobs/job.yml:6:5: 'services.x.nodes' must be 'all'");
  });
});

describe('unfilled placeholders are refused as placeholders', () => {
  for (const [what, yaml, field] of [
    ['compute', `${HEAD}compute: azureml:<your-compute>\n`, 'compute'],
    ['compute without azureml:', `${HEAD}compute: <ATTACHED_SPARK_POOL_NAME>\n`, 'compute'],
    ['environment', 'command: echo\nenvironment: azureml:<ENV_NAME>@latest\n', 'environment'],
    ['input path', `${HEAD}inputs:\n  d:\n    type: uri_folder\n    path: azureml://datastores/<datastore_name>/paths/x\n`, 'inputs.d.path'],
    ['instance type', `${HEAD}resources:\n  instance_type: <your-vm-size>\n`, 'resources.instance_type'],
    ['bare environment', 'command: echo\nenvironment: < your environment name >\n', 'environment'],
    ['inline image', 'command: echo\nenvironment:\n  image: <your-image>\n', 'environment.image'],
  ] as const) {
    it(what, async () => {
      const e = await refusal(plan(yaml));
      expect(e.message).toContain(`'${field}'`);
      expect(e.message).toContain('placeholder');
      expect(e.line).toBeGreaterThan(0);
    });
  }
});

it('a placeholder in an environment file is refused at its line in that file', async () => {
  const e = await refusal(
    plan('command: echo\nenvironment: file:env.yml\n', {
      'env.yml': 'name: env-train\nversion: 1-<VERSION>\nimage: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04\n',
    }),
  );
  expect(e.message).toMatch(/env\.yml:2:1: 'version' '1-<VERSION>' holds the placeholder '<VERSION>'/);
  expect(e.line).toBe(2);
});
