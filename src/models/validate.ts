/**
 * What a model folder must hold for its type, checked before anything is registered:
 *
 * - `mlflow_model`: an `MLmodel` file at the root of the folder, a YAML mapping with `flavors`
 *   (at least one flavor, each a mapping); `signature` is optional, but when present it must
 *   have `inputs` (MLflow writes them as a JSON string of column or tensor specs).
 * - `triton_model`: a Triton model repository: at least one `<model>/config.pbtxt`.
 * - `custom_model`: anything (at least one file).
 *
 * Errors are {@link ConfigurationError}s that name the file and what is missing.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigurationError } from '../core/errors.js';
import { isObj } from '../core/obj.js';

export type ModelType = 'custom_model' | 'mlflow_model' | 'triton_model';
export const MODEL_TYPES: readonly ModelType[] = ['custom_model', 'mlflow_model', 'triton_model'];

export interface MLmodelSignature {
  inputs: unknown;
  outputs?: unknown;
  params?: unknown;
}

export interface MLmodelInfo {
  flavors: Record<string, Record<string, unknown>>;
  signature?: MLmodelSignature;
  /** Other top-level fields (`artifact_path`, `run_id`, `model_uuid`, `mlflow_version`, …). */
  meta: Record<string, unknown>;
}

export const MLMODEL_FILE = 'MLmodel';

/** MLflow stores signature inputs/outputs as JSON strings; decode them, keep anything else. */
function decodeSpec(v: unknown, field: string, where: string): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch (e) {
    throw new ConfigurationError(`${where}: 'signature.${field}' is not valid JSON (${(e as Error).message}).`, {
      hint: 'MLflow writes signature inputs and outputs as JSON strings, e.g. inputs: \'[{"type": "double", "name": "x"}]\'.',
    });
  }
}

/** Parses and validates an MLmodel file. `where` names it in messages (e.g. `model/MLmodel`). */
export function parseMLmodel(text: string, where: string): MLmodelInfo {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const pos = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}` : '';
    throw new ConfigurationError(`${where} is not valid YAML${pos}: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  if (!isObj(doc)) {
    throw new ConfigurationError(`${where} must be a YAML mapping (artifact_path, flavors, signature, …), got ${doc === null ? 'an empty file' : typeof doc}.`);
  }
  const hint =
    'An MLflow model lists how it can be loaded under flavors, e.g. flavors: { python_function: { loader_module: mlflow.sklearn, … } }. Save the model with mlflow.<flavor>.save_model or log_model.';
  if (!('flavors' in doc) || doc.flavors === null || doc.flavors === undefined) {
    throw new ConfigurationError(`${where} has no 'flavors': an mlflow_model needs at least one flavor.`, { hint });
  }
  if (!isObj(doc.flavors)) throw new ConfigurationError(`${where}: 'flavors' must be a mapping of flavor name → settings.`, { hint });
  const names = Object.keys(doc.flavors);
  if (names.length === 0) throw new ConfigurationError(`${where}: 'flavors' is empty; an mlflow_model needs at least one flavor.`, { hint });
  const flavors: Record<string, Record<string, unknown>> = {};
  for (const name of names) {
    const f = doc.flavors[name];
    if (f !== null && !isObj(f)) throw new ConfigurationError(`${where}: flavor '${name}' must be a mapping of settings, got ${JSON.stringify(f)}.`, { hint });
    flavors[name] = f ?? {};
  }
  let signature: MLmodelSignature | undefined;
  if ('signature' in doc && doc.signature !== null && doc.signature !== undefined) {
    const s = doc.signature;
    if (!isObj(s)) throw new ConfigurationError(`${where}: 'signature' must be a mapping with inputs (and optionally outputs and params).`);
    if (s.inputs === undefined || s.inputs === null || s.inputs === '') {
      throw new ConfigurationError(`${where} has a 'signature' without 'inputs': a signature must describe the model's inputs.`, {
        hint: 'Infer it with mlflow.models.infer_signature(X, y) when saving the model, or remove the signature.',
      });
    }
    const inputs = decodeSpec(s.inputs, 'inputs', where);
    if (Array.isArray(inputs) && inputs.length === 0) {
      throw new ConfigurationError(`${where}: 'signature.inputs' is an empty list; a signature must describe at least one input.`);
    }
    signature = {
      inputs,
      ...(s.outputs !== undefined && s.outputs !== null ? { outputs: decodeSpec(s.outputs, 'outputs', where) } : {}),
      ...(s.params !== undefined && s.params !== null ? { params: decodeSpec(s.params, 'params', where) } : {}),
    };
  }
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (k !== 'flavors' && k !== 'signature') meta[k] = v;
  return { flavors, ...(signature ? { signature } : {}), meta };
}

/**
 * The ARM `flavors` of a model version (`FlavorData`: flavor → `{ data: { key: string } }`), as
 * Azure ML fills them from the MLmodel file. Nested values are written as JSON.
 */
export function armFlavors(info: MLmodelInfo): Record<string, { data: Record<string, string> }> {
  const out: Record<string, { data: Record<string, string> }> = {};
  for (const [name, settings] of Object.entries(info.flavors)) {
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(settings)) {
      if (v === null || v === undefined) continue;
      data[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    out[name] = { data };
  }
  return out;
}

/** What the type-specific checks need from a model's files. */
export interface ModelFilesView {
  /** Shown in messages, e.g. `examples/model` or `azureml://jobs/x/outputs/model`. */
  display: string;
  isFile: boolean;
  /** Relative `/` paths of every file. */
  paths: readonly string[];
  /** Reads a file (relative path). */
  read(path: string): Promise<Buffer>;
}

export interface ModelCheck {
  /** Set for mlflow_model. */
  mlmodel?: MLmodelInfo;
  /** Set for triton_model: the models of the repository. */
  tritonModels?: string[];
}

/** Checks the files against the model type; throws a ConfigurationError naming what is missing. */
export async function validateModelFiles(type: ModelType, view: ModelFilesView): Promise<ModelCheck> {
  if (view.paths.length === 0) throw new ConfigurationError(`${view.display} holds no files: there is no model to register.`);
  switch (type) {
    case 'custom_model':
      return {};
    case 'mlflow_model': {
      if (view.isFile) {
        throw new ConfigurationError(`${view.display} is a single file, but an mlflow_model is a folder with an MLmodel file at its root.`, {
          input: 'type',
          hint: 'Give the folder MLflow saved (the one holding MLmodel), or use type custom_model.',
        });
      }
      if (!view.paths.includes(MLMODEL_FILE)) {
        const nested = view.paths.filter((p) => p.endsWith(`/${MLMODEL_FILE}`));
        throw new ConfigurationError(
          `${view.display} has no MLmodel file at its root, so it is not an MLflow model${nested.length ? ` (found ${nested.slice(0, 3).join(', ')}: point path at ${nested[0].slice(0, -MLMODEL_FILE.length - 1)} instead)` : ''}.`,
          { input: 'path', hint: 'Give the folder MLflow saved (mlflow.<flavor>.save_model), or use type custom_model.' },
        );
      }
      const text = (await view.read(MLMODEL_FILE)).toString('utf8');
      return { mlmodel: parseMLmodel(text, `${view.display.replace(/\/+$/, '')}/${MLMODEL_FILE}`) };
    }
    case 'triton_model': {
      const models = view.paths.filter((p) => /^[^/]+\/config\.pbtxt$/.test(p)).map((p) => p.split('/')[0]);
      if (view.isFile || models.length === 0) {
        throw new ConfigurationError(`${view.display} is not a Triton model repository: no <model>/config.pbtxt was found.`, {
          input: 'path',
          hint: 'A Triton repository holds one folder per model with its config.pbtxt and numbered version folders, e.g. densenet/config.pbtxt and densenet/1/model.onnx.',
        });
      }
      return { tritonModels: models.sort() };
    }
  }
}
