/**
 * The test batch of a pipeline-component batch deployment: what `test-input` names, checked against
 * the component's inputs and outputs before anything changes in Azure.
 *
 * - One data location (a local folder or file, `azureml://…`, `azureml:<data>:<version>`, https):
 *   bound to the component's only data input (`az ml batch-endpoint invoke --input`; a component with
 *   several data inputs or none is refused, naming them).
 * - The path of an inputs YAML (`inputs:` data and literal inputs, optional `outputs:`), the file
 *   `az ml batch-endpoint invoke --file` takes (azureml-examples
 *   cli/endpoints/batch/deploy-pipelines/batch-scoring-with-preprocessing/inputs.yml; how-to-use-batch-pipeline-deployments).
 *
 * Inputs the component does not declare, and required inputs left out, are configuration errors
 * with file and line.
 */
import { ConfigurationError } from '../core/errors.js';
import { isObj, type Obj } from '../core/obj.js';
import type { SpecDocument } from './document.js';

/** Literal input types (azure-ai-ml constants InputTypes: NUMBER, BOOLEAN, INTEGER, STRING). */
const LITERAL_TYPES = ['string', 'integer', 'number', 'boolean'];
/** Data types a batch invocation sends (jobInputType `UriFolder` / `UriFile`: _batch_endpoint_operations.py invoke). */
const DATA_TYPES: Record<string, 'UriFolder' | 'UriFile'> = { uri_folder: 'UriFolder', uri_file: 'UriFile' };
/** Output modes of a job output (azure-ai-ml OutputSchema: mount / upload / rw_mount / direct). */
const OUTPUT_MODES = ['upload', 'rw_mount', 'mount', 'direct'];

export interface ComponentPorts {
  name: string;
  inputs: Record<string, { type: string; literal: boolean; required: boolean }>;
  outputs: string[];
}

/** A pipeline component's inputs and outputs, from its componentSpec (az ml pipelineComponent YAML). */
export function componentPorts(spec: unknown, fallbackName: string): ComponentPorts {
  const s: Obj = isObj(spec) ? spec : {};
  const inputs: ComponentPorts['inputs'] = {};
  for (const [name, raw] of Object.entries(isObj(s.inputs) ? s.inputs : {})) {
    const d: Obj = isObj(raw) ? raw : {};
    const type = String(d.type ?? '').toLowerCase();
    const optional = d.optional === true || d.optional === 'true';
    const hasDefault = d.default !== undefined && d.default !== null;
    inputs[name] = { type, literal: LITERAL_TYPES.includes(type), required: !optional && !hasDefault };
  }
  return { name: typeof s.name === 'string' ? s.name : fallbackName, inputs, outputs: Object.keys(isObj(s.outputs) ? s.outputs : {}) };
}

/** A data location as written (resolved and uploaded by the batch flow), with the type the file gave it. */
export interface DataLocation {
  text: string;
  /** Folder relative paths resolve against. */
  base?: string;
  type?: 'UriFolder' | 'UriFile';
  /** Where it was written, for errors: the file's field. */
  fail?: (message: string, hint?: string) => ConfigurationError;
}

export interface PipelineTestInput {
  display: string;
  data: Record<string, DataLocation>;
  literals: Record<string, string>;
  outputs: Record<string, { uri: string; type: 'UriFolder' | 'UriFile' }>;
}

const list = (names: string[]): string => (names.length > 0 ? names.join(', ') : 'none');
const dataInputs = (ports: ComponentPorts): string[] => Object.keys(ports.inputs).filter((n) => !ports.inputs[n].literal);

/** `test-input` as one data location: bound to the component's single data input. */
export function singleDataInput(text: string, ports: ComponentPorts): PipelineTestInput {
  const data = dataInputs(ports);
  if (data.length !== 1)
    throw new ConfigurationError(
      `Input 'test-input': pipeline component '${ports.name}' has ${data.length === 0 ? 'no data input' : `${data.length} data inputs (${data.join(', ')})`}; one data location binds to a single data input`,
      {
        input: 'test-input',
        hint: `give the path of an inputs YAML (inputs: <name>: {type, path} …, as az ml batch-endpoint invoke --file takes); the component's inputs: ${list(Object.keys(ports.inputs))}`,
      },
    );
  const out: PipelineTestInput = { display: `${text} → ${data[0]}`, data: { [data[0]]: { text } }, literals: {}, outputs: {} };
  checkRequired(
    out,
    ports,
    (names) =>
      new ConfigurationError(`Input 'test-input': pipeline component '${ports.name}' also requires ${names}`, {
        input: 'test-input',
        hint: 'give them in an inputs YAML (inputs: <name>: <value>)',
      }),
  );
  return out;
}

function checkRequired(t: PipelineTestInput, ports: ComponentPorts, fail: (names: string) => ConfigurationError): void {
  const missing = Object.entries(ports.inputs)
    .filter(([n, d]) => d.required && !(n in t.data) && !(n in t.literals))
    .map(([n]) => n);
  if (missing.length > 0) throw fail(missing.join(', '));
}

/** A literal's text as the service takes it (a {str} value: Python's str() for booleans, as az ml sends settings). */
function literalText(v: unknown): string {
  return typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
}

/**
 * An inputs YAML (`inputs:`, optional `outputs:`) checked against the component: every input and
 * output named by the component, data inputs `{type: uri_folder | uri_file, path}` (or a bare path),
 * literal inputs a value or `{type, default}` (the form of azureml-examples' inputs.yml), outputs
 * `{type, path, mode}` (an output without path goes where the deployment puts it).
 */
export function readInputsFile(doc: SpecDocument, ports: ComponentPorts, base: string): PipelineTestInput {
  const spec = doc.value;
  if (!isObj(spec)) throw doc.error([], 'an inputs file must be a YAML map with inputs (and outputs)');
  for (const k of Object.keys(spec))
    if (k !== 'inputs' && k !== 'outputs' && k !== '$schema')
      throw doc.error([k], `is not a field of an inputs file`, 'an inputs file has inputs and outputs (az ml batch-endpoint invoke --file)');
  const out: PipelineTestInput = { display: doc.file, data: {}, literals: {}, outputs: {} };
  const inputs = spec.inputs === undefined || spec.inputs === null ? {} : spec.inputs;
  if (!isObj(inputs)) throw doc.error(['inputs'], 'must be a map of input names');
  const names = list(Object.keys(ports.inputs));
  for (const [name, raw] of Object.entries(inputs)) {
    const at = ['inputs', name];
    const port = ports.inputs[name];
    if (!port) throw doc.error(at, `is not an input of pipeline component '${ports.name}' (its inputs: ${names})`, 'name the inputs as the component does');
    if (port.literal) {
      let v: unknown = raw;
      if (isObj(raw)) {
        for (const k of Object.keys(raw))
          if (!['type', 'default', 'description', 'optional'].includes(k)) throw doc.error([...at, k], 'is not a field of a literal input');
        if (raw.type !== undefined && String(raw.type).toLowerCase() !== port.type)
          throw doc.error([...at, 'type'], `is '${String(raw.type)}', but the component's input '${name}' is a ${port.type}`);
        // azure-ai-ml Input(type="string", default="append"): a literal's value is its default.
        v = raw.default;
      }
      if (v === undefined || v === null || isObj(v) || Array.isArray(v))
        throw doc.error(at, `needs a ${port.type} value`, `${name}: <value>, or {type: ${port.type}, default: <value>}`);
      out.literals[name] = literalText(v);
      continue;
    }
    const fail = (message: string, hint?: string) => doc.error(at, message, hint);
    if (typeof raw === 'string') {
      out.data[name] = { text: raw, base, fail };
      continue;
    }
    if (!isObj(raw)) throw doc.error(at, `is a ${port.type || 'data'} input: give {type, path}`);
    for (const k of Object.keys(raw))
      if (!['type', 'path', 'description'].includes(k))
        throw doc.error(
          [...at, k],
          'is not a field of a batch invocation data input',
          'a data input has type and path (the invocation sends its uri and type)',
        );
    const type = raw.type === undefined ? undefined : DATA_TYPES[String(raw.type).toLowerCase()];
    if (raw.type !== undefined && !type) throw doc.error([...at, 'type'], `'${String(raw.type)}' is not a batch input type`, 'valid: uri_folder, uri_file');
    if (typeof raw.path !== 'string' || raw.path === '') throw doc.error([...at, 'path'], 'is required: the data location');
    out.data[name] = { text: raw.path, base, ...(type ? { type } : {}), fail };
  }
  const outputs = spec.outputs === undefined || spec.outputs === null ? {} : spec.outputs;
  if (!isObj(outputs)) throw doc.error(['outputs'], 'must be a map of output names');
  for (const [name, raw] of Object.entries(outputs)) {
    const at = ['outputs', name];
    if (!ports.outputs.includes(name))
      throw doc.error(
        at,
        `is not an output of pipeline component '${ports.name}' (its outputs: ${list(ports.outputs)})`,
        'name the outputs as the component does',
      );
    if (raw === null || raw === undefined) continue;
    if (!isObj(raw)) throw doc.error(at, 'must be a map with type, path, mode');
    for (const k of Object.keys(raw)) if (!['type', 'path', 'mode', 'description'].includes(k)) throw doc.error([...at, k], 'is not a field of an output');
    const type = raw.type === undefined ? 'UriFolder' : DATA_TYPES[String(raw.type).toLowerCase()];
    if (!type) throw doc.error([...at, 'type'], `'${String(raw.type)}' is not a batch output type`, 'valid: uri_folder, uri_file');
    // The mode is the component's (its output's mode); checked, not sent: the invocation carries uri and type.
    if (raw.mode !== undefined && !OUTPUT_MODES.includes(String(raw.mode)))
      throw doc.error([...at, 'mode'], `'${String(raw.mode)}' is not an output mode`, `valid: ${OUTPUT_MODES.join(', ')}`);
    if (raw.path === undefined || raw.path === null) continue;
    if (typeof raw.path !== 'string' || !raw.path.startsWith('azureml://'))
      throw doc.error([...at, 'path'], 'must be an azureml://datastores/<name>/paths/<path> URI', 'leave path out to write where the deployment writes');
    out.outputs[name] = { uri: raw.path, type };
  }
  checkRequired(out, ports, (missing) => doc.error(['inputs'], `leaves out ${missing}, required by pipeline component '${ports.name}' (its inputs: ${names})`));
  return out;
}
