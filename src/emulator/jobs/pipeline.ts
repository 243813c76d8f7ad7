/**
 * A pipeline job: its `jobs` map holds steps, either inline command bodies or references to
 * component versions (`componentId`, `component`). Each step type runs as the child job Azure
 * runs for it ({@link STEP_KINDS}): a command step as a Command job, a sweep step as a Sweep job
 * over its trial component (its outputs are the best trial's), a pipeline step as a Pipeline job
 * of the pipeline component's own steps (grandchildren `<pipeline>_<step>_<inner step>`; what
 * its inner steps bind to its outputs becomes the step's outputs), an automl step as an AutoML job
 * whose data fields (training_data, ...) bind like inputs and whose `best_model` feeds later steps. Steps run as child jobs `<pipeline>_<step>` in
 * the order their bindings imply (`${{parent.jobs.a.outputs.y}}` makes a step wait for `a`;
 * independent steps run in parallel); `${{parent.inputs.x}}` passes the pipeline's inputs, and a
 * step output bound to `${{parent.outputs.y}}` becomes the pipeline's output `y`. When a step
 * fails the pipeline stops the others, unless `settings.continue_on_step_failure` is true, in
 * which case only the steps that depend on the failed one are skipped. The pipeline fails when
 * any step failed.
 */
import { parseJobId, pick, pickString, stringMap, type JobResource, type WorkspaceRef } from '../data/resources.js';
import { references, wholeReference } from './bindings.js';
import { createChildJob, ParentLog, queueThenRun, runChild, type JobRunner } from './children.js';
import { fail, finishStopped, inputTypeOf, JobFailure, outputTypeOf, runCommandJob } from './command.js';
import type { ActiveJob, Outcome, ParentLink, Runtime } from './runtime.js';
import { runSweepJob } from './sweep.js';
import { runAutoMLJob } from './automl.js';
import { automlNodeInputs, automlNodeProperties } from './automl-node.js';
import { expandDefaultDatastore, parallelStepRun } from './parallel.js';
import { runSparkJob, sparkStepProperties } from './spark.js';
import { errorOf } from './status.js';
import { DataResolutionError, datastoreUri } from '../data/uris.js';
import { asObj } from '../obj.js';

const ARTIFACT_OUTPUTS = ['default', 'artifacts'];

/** A step as the pipeline runs it (what a {@link StepKind} builds its child job from). */
export interface Step {
  node: string;
  /** The step's `type` (command, sweep, pipeline, ...). */
  type: string;
  child: string;
  displayName?: string;
  /** The step's REST node and its component's spec (the trial's, for a sweep step). */
  body: Record<string, unknown>;
  component?: Record<string, unknown>;
  environmentVariables: Record<string, string>;
  computeId?: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  deps: Set<string>;
  /** Pipeline outputs this step's outputs feed: pipeline output → step output. */
  feeds: Array<{ pipelineOutput: string; stepOutput: string }>;
}

function asSpecValue(raw: unknown): { literal?: string; spec?: Record<string, unknown> } {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object') return { literal: String(raw) };
  const spec = asObj(raw)!;
  const type = inputTypeOf(spec);
  if (type === 'literal' || (type === undefined && spec.value !== undefined && spec.uri === undefined && spec.path === undefined)) {
    const v = spec.value;
    return { literal: typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v) };
  }
  return { spec };
}

async function componentOf(rt: Runtime, ws: WorkspaceRef, node: string, ref: unknown): Promise<Record<string, unknown> | undefined> {
  if (ref === undefined || ref === null) return undefined;
  if (asObj(ref)) return asObj(ref);
  if (typeof ref !== 'string') throw new JobFailure(`Pipeline step '${node}': componentId must be a string`, 'InvalidPipeline');
  try {
    const { resource } = await rt.resolver(ws).assetVersion('components', ref);
    const spec = asObj(asObj(resource.properties)?.componentSpec);
    if (!spec) throw new JobFailure(`Pipeline step '${node}': component '${ref}' has no componentSpec`, 'InvalidPipeline');
    return spec;
  } catch (err) {
    if (err instanceof DataResolutionError) throw new JobFailure(`Pipeline step '${node}': ${err.message}`, 'ComponentNotFound');
    throw err;
  }
}

function stringOrId(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  return undefined;
}

/**
 * How a step of one type runs: the properties of its child job (besides the display name,
 * experiment, compute, inputs and outputs every step's child has) and the runner of that job.
 * Steps of other types are wired in here, one line each.
 */
export interface StepKind {
  /** Refuses a step whose body or component this type cannot run. */
  check?(node: string, body: Record<string, unknown>, component: Record<string, unknown> | undefined): void;
  /** The step's inputs, where they are not the node's `inputs` map (an AutoML node's data fields). */
  inputsOf?(body: Record<string, unknown>): Record<string, unknown>;
  child(step: Step, settings: Record<string, unknown>): Record<string, unknown>;
  run: JobRunner;
}

const STEP_KINDS: Record<string, StepKind> = {
  command: { check: checkCommandStep, child: commandChild, run: runCommandJob },
  sweep: { check: checkSweepStep, child: sweepChild, run: runSweepJob },
  pipeline: { check: checkPipelineStep, child: pipelineChild, run: runPipelineJob },
  spark: { child: sparkChild, run: runSparkJob },
  parallel: { check: checkParallelStep, child: parallelChild, run: runCommandJob },
  automl: { check: checkAutoMLStep, inputsOf: automlNodeInputs, child: automlChild, run: runAutoMLJob },
};

function stepKind(node: string, type: string): StepKind {
  const kind = Object.hasOwn(STEP_KINDS, type) ? STEP_KINDS[type] : undefined;
  if (kind) return kind;
  throw new JobFailure(
    `Pipeline step '${node}' is a '${type}' step, which is not supported by the emulator yet (it runs ${Object.keys(STEP_KINDS).join(', ')} steps)`,
    'UnsupportedStep',
  );
}

function commandOf(step: { body: Record<string, unknown>; component?: Record<string, unknown> }): string | undefined {
  return pickString(step.body, 'command') ?? pickString(step.component, 'command');
}

function checkCommandStep(node: string, body: Record<string, unknown>, component: Record<string, unknown> | undefined): void {
  if (!commandOf({ body, component })) throw new JobFailure(`Pipeline step '${node}' has no command (neither inline nor in its component)`, 'InvalidPipeline');
}

/** A spark step → a Spark job of its entry, files and conf (spark.ts: spark-submit when on PATH). */
function sparkChild(step: Step): Record<string, unknown> {
  const { inputs: _inputs, outputs: _outputs, ...props } = sparkStepProperties(step.body, step.component, step.inputs, step.outputs);
  return props;
}

/** A parallel step needs a run_function task with an entry script and its input_data among its inputs. */
function checkParallelStep(node: string, body: Record<string, unknown>, component: Record<string, unknown> | undefined): void {
  parallelStepRun({ name: node, ...body }, component, { ...asObj(component?.inputs), ...asObj(body.inputs) });
}

/** A parallel step → a Command job running the emulator's parallel driver over its entry script (parallel.ts). */
function parallelChild(step: Step): Record<string, unknown> {
  const run = parallelStepRun({ name: step.node, ...step.body }, step.component, step.inputs);
  return {
    jobType: 'Command',
    command: run.command,
    ...(run.codeId ? { codeId: run.codeId } : {}),
    ...(run.environmentId ? { environmentId: run.environmentId } : {}),
    environmentVariables: run.environmentVariables,
    inputs: run.inputs,
  };
}

/** An automl step names a task; its settings are checked by the AutoML job it runs as (automl.ts planAutoML). */
function checkAutoMLStep(node: string, body: Record<string, unknown>): void {
  if (!automlNodeInputs(body).training_data) throw new JobFailure(`AutoML step '${node}' has no training_data`, 'InvalidAutoML');
  automlNodeProperties(body, {});
}

/**
 * An automl step → an AutoML job of the node's task and settings (automl-node.ts), its bound data
 * inputs in taskDetails (an AutoMLJob has no `inputs`), its iterations the pipeline's grandchildren
 * `<pipeline>_<step>_<i>`, its `best_model` output the next steps' input.
 */
function automlChild(step: Step): Record<string, unknown> {
  return { ...automlNodeProperties(step.body, step.inputs), inputs: undefined, environmentVariables: step.environmentVariables };
}

/** A command step → a Command job of the component's (or the inline) command, code and environment. */
function commandChild(step: Step): Record<string, unknown> {
  const { body, component } = step;
  const codeId = stringOrId(pick(body, 'codeId', 'code')) ?? stringOrId(pick(component, 'code', 'codeId'));
  const environmentId = stringOrId(pick(body, 'environmentId', 'environment')) ?? stringOrId(pick(component, 'environment', 'environmentId'));
  return {
    jobType: 'Command',
    command: commandOf(step),
    ...(codeId ? { codeId } : {}),
    ...(environmentId ? { environmentId } : {}),
    environmentVariables: step.environmentVariables,
    ...runSettingsOf(body),
  };
}

/** resources, distribution and limits of a node (snake_case attribute dicts) as a job body has them. */
function runSettingsOf(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['resources', 'distribution', 'limits']) {
    const v = asObj(body[k]);
    if (v) out[k] = camel(v);
  }
  return out;
}

function camel(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

function checkSweepStep(node: string, body: Record<string, unknown>, component: Record<string, unknown> | undefined): void {
  if (!component) throw new JobFailure(`Sweep step '${node}' has no trial component (trial.componentId)`, 'InvalidPipeline');
  if (!pickString(component, 'command')) throw new JobFailure(`Sweep step '${node}': its trial component has no command`, 'InvalidPipeline');
  if (!asObj(pick(body, 'search_space', 'searchSpace'))) throw new JobFailure(`Sweep step '${node}' has no search_space`, 'InvalidSweep');
}

/**
 * A sweep step → a Sweep job: the trial is the component's command with `${{inputs.<p>}}` of
 * each search space parameter read as `${{search_space.<p>}}` (azure-ai-ml _builders/sweep.py
 * Sweep._to_job), the step's other inputs are the trials' inputs.
 */
function sweepChild(step: Step): Record<string, unknown> {
  const { body, component } = step;
  const space = asObj(pick(body, 'search_space', 'searchSpace')) ?? {};
  let command = pickString(component, 'command') ?? '';
  for (const p of Object.keys(space)) command = command.replace(new RegExp(`\\$\\{\\{\\s*inputs\\.${p}\\s*\\}\\}`, 'g'), `\${{search_space.${p}}}`);
  const inputs = Object.fromEntries(Object.entries(step.inputs).filter(([k]) => !(k in space)));
  const codeId = stringOrId(pick(component, 'code', 'codeId'));
  const environmentId = stringOrId(pick(component, 'environment', 'environmentId'));
  const limits = asObj(body.limits);
  const early = asObj(pick(body, 'early_termination', 'earlyTermination'));
  return {
    jobType: 'Sweep',
    trial: {
      command,
      ...(codeId ? { codeId } : {}),
      ...(environmentId ? { environmentId } : {}),
      environmentVariables: step.environmentVariables,
      ...runSettingsOf({ resources: body.resources, distribution: pick(component, 'distribution') }),
    },
    searchSpace: space,
    samplingAlgorithm: pick(body, 'sampling_algorithm', 'samplingAlgorithm') ?? 'random',
    objective: camel(asObj(body.objective) ?? {}),
    ...(limits ? { limits: { jobLimitsType: 'Sweep', ...camel(limits) } } : {}),
    ...(early ? { earlyTermination: camel(early) } : {}),
    inputs,
  };
}

function checkPipelineStep(node: string, _body: Record<string, unknown>, component: Record<string, unknown> | undefined): void {
  if (!component) throw new JobFailure(`Pipeline step '${node}' has no component (componentId)`, 'InvalidPipeline');
  const jobs = asObj(component.jobs);
  if ((pickString(component, 'type') ?? '').toLowerCase() !== 'pipeline' || !jobs)
    throw new JobFailure(`Pipeline step '${node}': its component is not a pipeline component (type: pipeline, with jobs)`, 'InvalidPipeline');
}

/**
 * A pipeline step → a Pipeline job of the component's steps, with the step's inputs and outputs
 * as its own and the parent's settings (compute, datastore, continue on failure) passed down.
 */
function pipelineChild(step: Step, settings: Record<string, unknown>): Record<string, unknown> {
  const inherited = Object.fromEntries(
    Object.entries(settings).filter(([k]) =>
      ['default_compute', 'defaultCompute', 'default_datastore', 'defaultDatastore', 'continue_on_step_failure', 'continueOnStepFailure'].includes(k),
    ),
  );
  return { jobType: 'Pipeline', jobs: structuredClone(asObj(step.component?.jobs) ?? {}), settings: { ...inherited, _source: 'YAML.COMPONENT' } };
}

async function buildSteps(rt: Runtime, ws: WorkspaceRef, name: string, props: Record<string, unknown>): Promise<{ steps: Map<string, Step>; order: string[] }> {
  const nodes = asObj(props.jobs);
  if (!nodes || Object.keys(nodes).length === 0) throw new JobFailure(`The pipeline job has no steps (properties.jobs is empty)`, 'InvalidPipeline');
  const pipelineInputs = asObj(props.inputs) ?? {};
  const pipelineOutputs = asObj(props.outputs) ?? {};
  const settings = asObj(props.settings) ?? {};
  const defaultCompute = pickString(settings, 'default_compute', 'defaultCompute');
  const defaultDatastore = pickString(settings, 'default_datastore', 'defaultDatastore')
    ?.replace(/^azureml:/, '')
    .split('/')
    .pop();
  const steps = new Map<string, Step>();
  const declaredOutputs = new Map<string, Set<string>>();

  for (const [node, raw] of Object.entries(nodes)) {
    const body = asObj(raw);
    if (!body) throw new JobFailure(`Pipeline step '${node}' is not an object`, 'InvalidPipeline');
    const type = (pickString(body, 'type', 'jobType') ?? 'command').toLowerCase();
    const kind = stepKind(node, type);
    // A sweep node names its trial component as trial.componentId (azure-ai-ml _builders/sweep.py).
    const ref = type === 'sweep' ? pick(asObj(body.trial), 'componentId', 'component_id') : pick(body, 'componentId', 'component_id', 'component');
    const component = await componentOf(rt, ws, node, ref);
    kind.check?.(node, body, component);
    const compInputs = asObj(component?.inputs) ?? {};
    const compOutputs = asObj(component?.outputs) ?? {};
    const nodeInputs = kind.inputsOf ? kind.inputsOf(body) : (asObj(body.inputs) ?? {});
    const nodeOutputs = asObj(body.outputs) ?? {};
    const step: Step = {
      node,
      type,
      child: `${name}_${node}`,
      displayName: pickString(body, 'display_name', 'displayName') ?? node,
      body,
      component,
      environmentVariables: {
        ...stringMap(pick(component, 'environment_variables', 'environmentVariables')),
        ...stringMap(pick(body, 'environment_variables', 'environmentVariables')),
      },
      computeId: pickString(body, 'computeId', 'compute') ?? defaultCompute ?? pickString(props, 'computeId'),
      inputs: {},
      outputs: {},
      deps: new Set(),
      feeds: [],
    };
    // `compute: ${{parent.inputs.c}}`: the compute a pipeline input names.
    const computeRef = step.computeId !== undefined ? wholeReference(step.computeId) : undefined;
    if (computeRef !== undefined) {
      const m = /^parent\.inputs\.(.+)$/.exec(computeRef);
      const v = m ? asSpecValue(pipelineInputs[m[1]]).literal : undefined;
      if (v === undefined)
        throw new JobFailure(`Pipeline step '${node}': compute \${{${computeRef}}} does not name a literal pipeline input`, 'InvalidBinding');
      step.computeId = v;
    }

    // Inputs: component defaults, then the step's own values and bindings.
    for (const [k, def] of Object.entries(compInputs)) {
      const d = asObj(def);
      const dv = d?.default;
      if (dv !== undefined && dv !== null) step.inputs[k] = { jobInputType: 'literal', value: typeof dv === 'string' ? dv : JSON.stringify(dv) };
    }
    for (const [k, raw] of Object.entries(nodeInputs)) {
      const { literal, spec } = asSpecValue(raw);
      const declaredType = pickString(asObj(compInputs[k]), 'type')?.toLowerCase();
      const binding = literal ?? pickString(spec, 'uri', 'path');
      const whole = binding !== undefined ? wholeReference(binding) : undefined;
      if (whole !== undefined) {
        const jobRef = /^parent\.jobs\.([^.]+)\.outputs\.(.+)$/.exec(whole);
        const inRef = /^parent\.inputs\.(.+)$/.exec(whole);
        if (jobRef) {
          const producer = jobRef[1];
          if (!(producer in nodes)) {
            throw new JobFailure(
              `Pipeline step '${node}' input '${k}' binds \${{${whole}}}, but the pipeline has no step '${producer}' (steps: ${Object.keys(nodes).join(', ')})`,
              'InvalidBinding',
            );
          }
          step.deps.add(producer);
          step.inputs[k] = {
            jobInputType: spec ? (inputTypeOf(spec) ?? declaredType ?? 'uri_folder') : declaredType && declaredType !== 'string' ? declaredType : 'uri_folder',
            uri: `azureml://jobs/${name}_${producer}/outputs/${jobRef[2]}`,
            ...(pickString(spec, 'mode') ? { mode: pickString(spec, 'mode') } : {}),
            _producer: producer,
            _producerOutput: jobRef[2],
          };
          continue;
        }
        if (inRef) {
          const src = pipelineInputs[inRef[1]];
          if (src === undefined || src === null) {
            if (step.inputs[k] !== undefined) continue; // the component default applies
            throw new JobFailure(
              `Pipeline step '${node}' input '${k}' binds \${{${whole}}}, but the pipeline has no input '${inRef[1]}'${Object.keys(pipelineInputs).length ? ` (inputs: ${Object.keys(pipelineInputs).join(', ')})` : ''}`,
              'InvalidBinding',
            );
          }
          step.inputs[k] = typeof src === 'object' ? structuredClone(src) : { jobInputType: 'literal', value: String(src) };
          continue;
        }
        throw new JobFailure(
          `Pipeline step '${node}' input '${k}': \${{${whole}}} is not a binding the emulator understands (use parent.inputs.<x> or parent.jobs.<step>.outputs.<y>)`,
          'InvalidBinding',
        );
      }
      if (literal !== undefined) {
        // A literal that embeds pipeline inputs: "prefix-${{parent.inputs.x}}".
        let value = literal;
        for (const expr of references(literal)) {
          const inRef = /^parent\.inputs\.(.+)$/.exec(expr);
          const src = inRef ? asSpecValue(pipelineInputs[inRef[1]]) : undefined;
          if (!src || src.literal === undefined) {
            throw new JobFailure(
              `Pipeline step '${node}' input '${k}': \${{${expr}}} cannot be embedded in a string (only literal pipeline inputs can)`,
              'InvalidBinding',
            );
          }
          value = value.split(`\${{${expr}}}`).join(src.literal);
        }
        step.inputs[k] = { jobInputType: 'literal', value };
        continue;
      }
      step.inputs[k] = structuredClone(spec);
    }

    // Outputs: what the component declares, then the step's bindings.
    const outputNames = new Set<string>([...Object.keys(compOutputs), ...Object.keys(nodeOutputs)]);
    declaredOutputs.set(node, outputNames);
    for (const k of outputNames) {
      const declaredType = pickString(asObj(compOutputs[k]), 'type')?.toLowerCase();
      if (ARTIFACT_OUTPUTS.includes(k)) continue;
      const raw = nodeOutputs[k];
      const { literal, spec } = asSpecValue(raw);
      const binding = literal ?? (spec && typeof spec.value === 'string' ? spec.value : undefined);
      const whole = binding !== undefined ? wholeReference(binding) : undefined;
      if (whole !== undefined) {
        const outRef = /^parent\.outputs\.(.+)$/.exec(whole);
        if (!outRef)
          throw new JobFailure(
            `Pipeline step '${node}' output '${k}': \${{${whole}}} is not an output binding (use \${{parent.outputs.<name>}})`,
            'InvalidBinding',
          );
        const target = asObj(pipelineOutputs[outRef[1]]);
        if (!target && !(outRef[1] in pipelineOutputs)) {
          throw new JobFailure(`Pipeline step '${node}' output '${k}' binds \${{${whole}}}, but the pipeline has no output '${outRef[1]}'`, 'InvalidBinding');
        }
        const out: Record<string, unknown> = { jobOutputType: target ? outputTypeOf(target) : (declaredType ?? 'uri_folder') };
        const mode = pickString(target, 'mode');
        if (mode) out.mode = mode;
        const uri = pickString(target, 'uri', 'path');
        if (uri) out.uri = uri;
        else if (defaultDatastore) out.uri = datastoreUri(defaultDatastore, `azureml/${step.child}/${k}/`);
        step.outputs[k] = out;
        step.feeds.push({ pipelineOutput: outRef[1], stepOutput: k });
        continue;
      }
      const out: Record<string, unknown> = spec
        ? { ...structuredClone(spec), jobOutputType: outputTypeOf(spec) }
        : { jobOutputType: declaredType && declaredType !== 'string' ? declaredType : 'uri_folder' };
      if (!out.uri && defaultDatastore) out.uri = datastoreUri(defaultDatastore, `azureml/${step.child}/${k}/`);
      step.outputs[k] = out;
    }
    steps.set(node, step);
  }

  // Every consumed output must exist on its producer.
  for (const step of steps.values()) {
    for (const spec of Object.values(step.inputs)) {
      const s = asObj(spec);
      const producer = s?._producer as string | undefined;
      const out = s?._producerOutput as string | undefined;
      if (!producer || !out) continue;
      const declared = declaredOutputs.get(producer) ?? new Set<string>();
      if (!declared.has(out) && !ARTIFACT_OUTPUTS.includes(out)) {
        throw new JobFailure(
          `Pipeline step '${step.node}' reads output '${out}' of step '${producer}', which has no such output${declared.size ? ` (outputs: ${[...declared].join(', ')})` : ''}`,
          'InvalidBinding',
        );
      }
      delete s!._producer;
      delete s!._producerOutput;
    }
  }

  // Topological order (Kahn); a cycle is an error naming its steps.
  const indegree = new Map([...steps.keys()].map((k) => [k, steps.get(k)!.deps.size]));
  const order: string[] = [];
  const ready = [...indegree].filter(([, d]) => d === 0).map(([k]) => k);
  while (ready.length > 0) {
    const k = ready.shift()!;
    order.push(k);
    for (const s of steps.values()) {
      if (s.deps.has(k)) {
        indegree.set(s.node, indegree.get(s.node)! - 1);
        if (indegree.get(s.node) === 0) ready.push(s.node);
      }
    }
  }
  if (order.length !== steps.size) {
    const stuck = [...steps.keys()].filter((k) => !order.includes(k));
    throw new JobFailure(`The pipeline's steps depend on each other in a cycle: ${stuck.join(', ')}`, 'InvalidPipeline');
  }
  return { steps, order };
}

type StepState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

/** Runs a pipeline job; `link` when it is the child of a pipeline step (a nested pipeline). */
export async function runPipelineJob(rt: Runtime, jobId: string, active: ActiveJob, link?: ParentLink): Promise<Outcome> {
  const { ws, name } = parseJobId(jobId);
  const signal = active.signal;
  const job = await rt.loadJob(jobId);
  if (!job) return { status: 'Failed' };
  await rt.ensureRun(jobId, job, link);
  const props = job.properties;
  const experimentName = pickString(props, 'experimentName') ?? 'Default';
  const settings = asObj(props.settings) ?? {};
  const continueOnFailure = [pick(settings, 'continue_on_step_failure', 'continueOnStepFailure', 'continue_run_on_step_failure')].some(
    (v) => v === true || v === 'true' || v === 'True',
  );

  await rt.recorder.transition(jobId, 'Starting');
  await rt.step(signal);
  if (signal.aborted) return finishStopped(rt, jobId, active);
  await rt.recorder.transition(jobId, 'Preparing');
  let graph: Awaited<ReturnType<typeof buildSteps>>;
  try {
    graph = await buildSteps(rt, ws, name, props);
  } catch (err) {
    return fail(rt, jobId, err);
  }
  const log = new ParentLog(rt, jobId);
  await log.open();
  await log.write(`pipeline ${name}: ${graph.steps.size} step(s) in order ${graph.order.join(' → ')}${continueOnFailure ? ' (continue_on_step_failure)' : ''}`);
  if (!(await queueThenRun(rt, jobId, signal, log))) return finishStopped(rt, jobId, active);

  const state = new Map<string, StepState>([...graph.steps.keys()].map((k) => [k, 'pending']));
  const outcomes = new Map<string, Outcome>();
  const running = new Map<string, Promise<void>>();
  let stopLaunching = false;

  const skipDependents = (failed: string): void => {
    for (const s of graph.steps.values()) {
      if (state.get(s.node) === 'pending' && s.deps.has(failed)) {
        state.set(s.node, 'skipped');
        void log.write(`step ${s.node} skipped: it depends on ${failed}, which did not complete`);
        skipDependents(s.node);
      }
    }
  };

  const launch = (step: Step): void => {
    state.set(step.node, 'running');
    const p = (async () => {
      const kind = stepKind(step.node, step.type);
      const childId = await createChildJob(rt, job, jobId, step.child, {
        displayName: step.displayName,
        experimentName,
        ...(step.computeId ? { computeId: step.computeId } : {}),
        inputs: step.inputs,
        // Output paths may name ${{default_datastore}} (azureml-examples cli/jobs/parallel/2a_iris_batch_prediction/pipeline.yml).
        outputs: await expandDefaultDatastore(rt, job, jobId, step.outputs),
        ...kind.child(step, settings),
        tags: { 'azureml.nodeid': step.node },
        properties: { 'azureml.pipelinerunid': name, 'azureml.nodeid': step.node, 'azureml.parentrunid': name },
      });
      await log.write(`step ${step.node} started as ${step.type === 'command' ? 'job' : `${step.type} job`} ${step.child}`);
      const outcome = await runChild(rt, active, childId, { name, kind: 'pipeline', experimentName }, kind.run);
      outcomes.set(step.node, outcome);
      await log.write(`step ${step.node} ${outcome.status}${outcome.error ? `: ${outcome.error.error.message.split('\n')[0]}` : ''}`);
      if (outcome.status === 'Completed') {
        state.set(step.node, 'done');
      } else {
        state.set(step.node, 'failed');
        if (continueOnFailure) skipDependents(step.node);
        else if (!signal.aborted) {
          stopLaunching = true;
          for (const other of running.keys()) if (other !== step.node) rt.requestStop(graph.steps.get(other)!.child, 'cancel');
        }
      }
    })().finally(() => running.delete(step.node));
    running.set(step.node, p);
  };

  for (;;) {
    if (!stopLaunching && !signal.aborted) {
      for (const node of graph.order) {
        const step = graph.steps.get(node)!;
        if (state.get(node) === 'pending' && [...step.deps].every((d) => state.get(d) === 'done')) launch(step);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  if (signal.aborted) {
    await log.write(`pipeline stopped (${active.reason ?? 'cancel'})`);
    await log.close();
    return finishStopped(rt, jobId, active);
  }

  await rt.recorder.transition(jobId, 'Finalizing');
  // The pipeline's outputs are where the steps bound to them wrote.
  const recorded = new Map<string, string>();
  for (const step of graph.steps.values()) {
    if (state.get(step.node) !== 'done' || step.feeds.length === 0) continue;
    const child = await rt.loadJob(`${ws.id}/jobs/${step.child}`);
    const childOutputs = asObj(child?.properties.outputs) ?? {};
    for (const f of step.feeds) {
      const uri = pickString(asObj(childOutputs[f.stepOutput]), 'uri');
      if (uri) recorded.set(f.pipelineOutput, uri);
    }
  }
  if (recorded.size > 0) {
    await rt.recorder.patch(jobId, (j: JobResource) => {
      const outputs = asObj(j.properties.outputs) ?? {};
      for (const [k, uri] of recorded) outputs[k] = { ...(asObj(outputs[k]) ?? { jobOutputType: 'uri_folder' }), uri };
      j.properties.outputs = outputs;
    });
  }

  const failed = [...state].filter(([, s]) => s === 'failed').map(([k]) => k);
  const skipped = [...state].filter(([, s]) => s === 'skipped' || s === 'pending').map(([k]) => k);
  await log.close();
  if (failed.length > 0) {
    const first = outcomes.get(failed[0])?.error?.error.message;
    const error = errorOf(
      'UserError',
      `Pipeline step(s) failed: ${failed.join(', ')}.` +
        (skipped.length ? ` Not run: ${skipped.join(', ')}.` : '') +
        (first ? ` First failure (${failed[0]}): ${first}` : ''),
      'PipelineStepFailed',
      rt.host.now(),
    );
    await rt.recorder.transition(jobId, 'Failed', { error });
    return { status: 'Failed', error };
  }
  await rt.step(signal);
  await rt.recorder.transition(jobId, 'Completed');
  return { status: 'Completed' };
}
