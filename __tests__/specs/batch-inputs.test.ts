/**
 * The test batch of a pipeline-component batch deployment: `test-input` as one data location or an
 * inputs YAML (azureml-examples batch-scoring-with-preprocessing/inputs.yml), checked against the
 * component's inputs with file and line; and the invocation body the client sends (recording
 * batch-endpoint-deployment-invoke.json entries 21 and 24 for data inputs).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invokeBody } from '../../src/azure/batch-endpoints.js';
import { componentPorts, readInputsFile, singleDataInput } from '../../src/specs/batch-inputs.js';
import { SpecDocument } from '../../src/specs/document.js';
import { repoRoot } from '../harness/index.js';

const SAMPLE = join(repoRoot, '__tests__', 'fixtures', 'azureml-examples', 'endpoints', 'batch', 'deploy-pipelines', 'batch-scoring-with-preprocessing');
const RECORDING = join(repoRoot, '..', 'shared', 'fixtures', 'azure-recordings', 'batch-endpoints', 'batch-endpoint-deployment-invoke.json');

const heart = () => componentPorts(SpecDocument.load(join(SAMPLE, 'pipeline.yml'), 'pipeline.yml').value, 'x');

function doc(text: string): SpecDocument {
  const dir = mkdtempSync(join(tmpdir(), 'bpi-'));
  writeFileSync(join(dir, 'inputs.yml'), text);
  return SpecDocument.load(join(dir, 'inputs.yml'), 'inputs.yml', 'test-input');
}

describe('pipeline test batch inputs', () => {
  it("the sample's pipeline: a data input, a literal with a default, an output", () => {
    expect(heart()).toEqual({
      name: 'batch_scoring_uci_heart',
      inputs: { input_data: { type: 'uri_folder', literal: false, required: true }, score_mode: { type: 'string', literal: true, required: false } },
      outputs: ['scores'],
    });
  });

  it("the sample's inputs.yml: input_data by path (relative to the file), score_mode's default as its value, scores without path not sent", () => {
    const d = SpecDocument.load(join(SAMPLE, 'inputs.yml'), 'inputs.yml', 'test-input');
    const t = readInputsFile(d, heart(), '/base');
    expect(t.data).toEqual({ input_data: expect.objectContaining({ text: 'data/unlabeled', base: '/base', type: 'UriFolder' }) });
    expect(t.literals).toEqual({ score_mode: 'append' });
    expect(t.outputs).toEqual({});
  });

  it('scalars, booleans as Python writes them, an output with a datastore path', () => {
    const ports = componentPorts(
      {
        name: 'c',
        inputs: { d: { type: 'uri_file' }, flag: { type: 'boolean' }, n: { type: 'integer', optional: true } },
        outputs: { o: { type: 'uri_folder' } },
      },
      'c',
    );
    const t = readInputsFile(
      doc('inputs:\n  d: azureml:heart:1\n  flag: true\n  n: 3\noutputs:\n  o:\n    type: uri_folder\n    path: azureml://datastores/ws/paths/out/\n'),
      ports,
      '/b',
    );
    expect(t.data.d).toMatchObject({ text: 'azureml:heart:1' });
    expect(t.literals).toEqual({ flag: 'True', n: '3' });
    expect(t.outputs).toEqual({ o: { uri: 'azureml://datastores/ws/paths/out/', type: 'UriFolder' } });
  });

  it('refused with file and line: an unknown input or output, a required input left out, a bad type, a local output path', () => {
    const ports = heart();
    const cases: Array<[string, number, RegExp]> = [
      [
        'inputs:\n  input_data: data\n  threshold: 3\n',
        3,
        /'inputs.threshold' is not an input of pipeline component 'batch_scoring_uci_heart'.*input_data, score_mode/s,
      ],
      ['inputs:\n  score_mode: x\n', 1, /leaves out input_data, required by pipeline component/],
      ['inputs:\n  input_data:\n    type: mltable\n    path: d\n', 3, /'mltable' is not a batch input type/],
      ['inputs:\n  input_data: d\noutputs:\n  scores:\n    path: ./out\n', 5, /must be an azureml:\/\/datastores/],
      ['inputs:\n  input_data: d\noutputs:\n  result: {}\n', 4, /'outputs.result' is not an output .*its outputs: scores/s],
    ];
    for (const [text, line, msg] of cases) {
      let err: unknown;
      try {
        readInputsFile(doc(text), ports, '/b');
      } catch (e) {
        err = e;
      }
      expect(err, text).toMatchObject({ line });
      expect(String((err as Error).message), text).toMatch(msg);
    }
  });

  it('one data location binds to the only data input; several or none are refused, naming the inputs', () => {
    expect(singleDataInput('data/x', heart()).data).toEqual({ input_data: { text: 'data/x' } });
    const two = componentPorts({ name: 'two', inputs: { a: { type: 'uri_folder' }, b: { type: 'uri_file' } } }, 'two');
    expect(() => singleDataInput('data/x', two)).toThrow(/pipeline component 'two' has 2 data inputs \(a, b\)/);
    const none = componentPorts({ name: 'none', inputs: { s: { type: 'string' } } }, 'none');
    expect(() => singleDataInput('data/x', none)).toThrow(/has no data input/);
    const needs = componentPorts({ name: 'n', inputs: { a: { type: 'uri_folder' }, k: { type: 'integer' } } }, 'n');
    expect(() => singleDataInput('data/x', needs)).toThrow(/also requires k/);
  });
});

describe('invokeBody', () => {
  const recorded = (i: number): unknown => {
    const r = JSON.parse(readFileSync(RECORDING, 'utf8')) as { Entries: Array<{ RequestBody: unknown }> };
    return r.Entries[i].RequestBody;
  };
  it('a model input keyed by its type (entry 24); named inputs as sent for inputs={name: Input} (entry 21)', () => {
    const uri = 'https://pipelinedata.blob.core.windows.net/sampledata/mnist';
    expect(JSON.parse(invokeBody({ uri, type: 'UriFolder' }))).toEqual(recorded(24));
    expect(JSON.parse(invokeBody({ inputs: { input1: { uri, type: 'UriFolder' } } }))).toEqual(recorded(21));
  });
  it('literal inputs and outputs', () => {
    expect(
      JSON.parse(
        invokeBody({ inputs: { score_mode: { literal: 'append' } }, outputs: { scores: { uri: 'azureml://datastores/w/paths/o/', type: 'UriFolder' } } }),
      ),
    ).toEqual({
      properties: {
        inputData: { score_mode: { jobInputType: 'Literal', value: 'append' } },
        outputData: { scores: { uri: 'azureml://datastores/w/paths/o/', jobOutputType: 'UriFolder' } },
      },
    });
  });
});
