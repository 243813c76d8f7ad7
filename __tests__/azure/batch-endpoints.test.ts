/** Datastore URIs of batch inputs and outputs, short and long form (the client reads outputs by them). */
import { describe, expect, it } from 'vitest';
import { parseDatastoreUri } from '../../src/azure/batch-endpoints.js';

describe('parseDatastoreUri', () => {
  it('short and long azureml:// forms; folders keep their slash; others are not datastore URIs', () => {
    expect(parseDatastoreUri('azureml://datastores/workspaceblobstore/paths/azureml/batchjob-1/score/predictions.csv')).toEqual({
      datastore: 'workspaceblobstore',
      path: 'azureml/batchjob-1/score/predictions.csv',
    });
    expect(
      parseDatastoreUri('azureml://subscriptions/s/resourcegroups/rg/workspaces/ws/datastores/data%20store/paths/LocalUpload/abc/mnist%20sample/'),
    ).toEqual({ datastore: 'data store', path: 'LocalUpload/abc/mnist sample/' });
    expect(parseDatastoreUri('https://pipelinedata.blob.core.windows.net/sampledata/mnist')).toBeUndefined();
    expect(parseDatastoreUri('azureml:mnist-data:1')).toBeUndefined();
  });
});
