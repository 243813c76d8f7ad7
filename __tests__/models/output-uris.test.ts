/**
 * Job output URIs in every form Azure ML writes or accepts (issue 12, defect 2), read by
 * register-model's source parser; the recorded default-output URI comes from the real recordings.
 */
import { describe, expect, it } from 'vitest';
import { parseDatastoreUri, parseModelSource, parseOutputUri } from '../../src/models/source.js';
import { parseDatastoreUri as emulatorParse, runArtifactsUri } from '../../src/emulator/data/uris.js';
import { haveRecordings, loadRecording } from '../conformance/recordings.js';

describe('job output URIs', () => {
  it.skipIf(!haveRecordings)('reads the default output URI of the recorded jobs (no /paths/)', () => {
    for (const [file, index] of [
      ['jobs/command-job-serverless-create-get.json', 4],
      ['jobs/sweep-job-create-get.json', 2],
    ] as const) {
      const e = loadRecording(file).entries[index]!;
      const body = (typeof e.ResponseBody === 'string' ? JSON.parse(e.ResponseBody) : e.ResponseBody) as {
        name: string;
        properties: { outputs: { default: { uri: string } } };
      };
      const uri = body.properties.outputs.default.uri;
      expect(uri).not.toContain('/paths/');
      expect(parseOutputUri(uri)).toEqual({ kind: 'datastore', datastore: 'workspaceartifactstore', path: `ExperimentRun/dcid.${body.name}` });
    }
  });

  it('reads every datastore form', () => {
    expect(parseDatastoreUri('azureml://datastores/workspaceblobstore/paths/a/b/')).toEqual({ datastore: 'workspaceblobstore', path: 'a/b' });
    expect(parseDatastoreUri('azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.j1/outputs/model')).toEqual({
      datastore: 'workspaceartifactstore',
      path: 'ExperimentRun/dcid.j1/outputs/model',
    });
    expect(parseDatastoreUri('azureml://subscriptions/s/resourcegroups/g/workspaces/w/datastores/d/paths/x/y')).toEqual({ datastore: 'd', path: 'x/y' });
    expect(
      parseDatastoreUri('azureml://subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/datastores/d/paths/x'),
    ).toEqual({ datastore: 'd', path: 'x' });
    expect(parseDatastoreUri('azureml://subscriptions/s/resourceGroups/g/workspaces/w/datastores/workspaceartifactstore/ExperimentRun/dcid.j')).toEqual({
      datastore: 'workspaceartifactstore',
      path: 'ExperimentRun/dcid.j',
    });
    expect(parseDatastoreUri('azureml://datastores/d/other/x')).toBeUndefined();
  });

  it('reads job output and MLflow run references', () => {
    expect(parseOutputUri('azureml://jobs/j/outputs/model')).toEqual({ kind: 'job-output', job: 'j', output: 'model' });
    expect(parseOutputUri('azureml://jobs/j/outputs/default/paths/outputs/model/')).toEqual({
      kind: 'job-output',
      job: 'j',
      output: 'default',
      sub: 'outputs/model',
    });
    expect(parseOutputUri('runs:/j/model')).toEqual({ kind: 'run', runId: 'j', path: 'model' });
    expect(parseOutputUri('https://acct.blob.core.windows.net/c/x')).toBeUndefined();
  });

  it('takes the ExperimentRun form as the path input', () => {
    expect(parseModelSource({ path: 'azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.j1/outputs/model' }, '/w')).toMatchObject({
      kind: 'datastore',
      datastore: 'workspaceartifactstore',
      path: 'ExperimentRun/dcid.j1/outputs/model',
    });
  });

  it('the emulator writes and reads the same forms', () => {
    expect(runArtifactsUri('j1')).toBe('azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.j1');
    expect(emulatorParse(runArtifactsUri('j1'))).toEqual({ datastore: 'workspaceartifactstore', path: 'ExperimentRun/dcid.j1' });
    expect(emulatorParse('azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.j1/outputs/model')).toEqual({
      datastore: 'workspaceartifactstore',
      path: 'ExperimentRun/dcid.j1/outputs/model',
    });
    expect(emulatorParse('azureml://datastores/ds/paths/a/b/')).toEqual({ datastore: 'ds', path: 'a/b/' });
    expect(parseOutputUri(runArtifactsUri('j1'))).toEqual({ kind: 'datastore', datastore: 'workspaceartifactstore', path: 'ExperimentRun/dcid.j1' });
  });
});
