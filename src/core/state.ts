/**
 * The one module that owns main → post state (checkout's `state-helper.ts`).
 *
 * Every key is named once here, with its value type. The main step saves values with
 * `core.saveState`; the post step reads them back with `core.getState`. Values are JSON with a
 * version number so a post step never misreads state written by a different release. Never put a
 * secret in state: it is written to a file on the runner.
 */
import * as core from '@actions/core';
import { isObj } from './obj.js';

/** Where state is kept. Default: `@actions/core` (`GITHUB_STATE` / `STATE_<name>`). */
export interface StateStore {
  save(name: string, value: string): void;
  /** '' when absent. */
  get(name: string): string;
}

export const actionsStateStore: StateStore = {
  save: (name, value) => core.saveState(name, value),
  get: (name) => core.getState(name),
};

/** A store in memory, e.g. for tests or for a main and post run in one process. */
export function memoryStateStore(initial: Record<string, string> = {}): StateStore & { values: Map<string, string> } {
  const values = new Map(Object.entries(initial));
  return { values, save: (n, v) => void values.set(n, v), get: (n) => values.get(n) ?? '' };
}

/** A typed state entry. */
export interface StateKey<T> {
  readonly name: string;
  encode(value: T): string;
  /** Undefined when the text is empty, unreadable or of another version. */
  decode(text: string): T | undefined;
}

const STATE_VERSION = 1;

/**
 * A key whose value is stored as `{"v":1,"value":...}`. `check` validates the decoded value's
 * shape; a value that fails it reads as undefined.
 */
export function jsonStateKey<T>(name: string, check: (value: unknown) => value is T): StateKey<T> {
  return {
    name,
    encode: (value) => JSON.stringify({ v: STATE_VERSION, value }),
    decode: (text) => {
      if (!text) return undefined;
      try {
        const parsed = JSON.parse(text) as { v?: unknown; value?: unknown };
        if (parsed?.v !== STATE_VERSION) return undefined;
        return check(parsed.value) ? parsed.value : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** The workspace a main step worked in (so the post step talks to the same one). */
export interface WorkspaceState {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
}

/** A job submitted by submit-job's main step; the post step cancels it when it did not finish. */
export interface SubmittedJobState {
  workspace: WorkspaceState;
  jobName: string;
  /** True once main saw the job reach a terminal status (or chose not to wait for it). */
  settled: boolean;
}

/** A rollout in progress; the post step restores `priorTraffic` when it did not settle. */
export interface RolloutState {
  workspace: WorkspaceState;
  endpointName: string;
  /** Traffic (deployment → percent) before the rollout changed anything. */
  priorTraffic: Record<string, number>;
  priorMirrorTraffic?: Record<string, number>;
  /** Name of the deployment being rolled out. */
  deploymentName?: string;
  /** True once main finished (promoted or rolled back). */
  settled: boolean;
  /** Opaque state of the rollout machine, for diagnostics or resuming. */
  machine?: unknown;
}

/**
 * The whole flow (root action): what it forwarded from one stage to the next (e.g. deploy's
 * `model` from register-model's `model-uri`), so its post step reads the stages' inputs as main did.
 */
export interface FlowState {
  /** Stage → input name → value. */
  forwarded: Record<string, Record<string, string>>;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isTraffic = (v: unknown): v is Record<string, number> => isObj(v) && Object.values(v).every((n) => typeof n === 'number' && Number.isFinite(n));

export function isWorkspaceState(v: unknown): v is WorkspaceState {
  return isObj(v) && isString(v.subscriptionId) && isString(v.resourceGroup) && isString(v.workspaceName);
}

function isSubmittedJobState(v: unknown): v is SubmittedJobState {
  return isObj(v) && isWorkspaceState(v.workspace) && isString(v.jobName) && typeof v.settled === 'boolean';
}

function isRolloutState(v: unknown): v is RolloutState {
  return (
    isObj(v) &&
    isWorkspaceState(v.workspace) &&
    isString(v.endpointName) &&
    isTraffic(v.priorTraffic) &&
    (v.priorMirrorTraffic === undefined || isTraffic(v.priorMirrorTraffic)) &&
    (v.deploymentName === undefined || isString(v.deploymentName)) &&
    typeof v.settled === 'boolean'
  );
}

function isFlowState(v: unknown): v is FlowState {
  return (
    isObj(v) && isObj(v.forwarded) && Object.values(v.forwarded).every((inputs) => isObj(inputs) && Object.values(inputs).every((x) => typeof x === 'string'))
  );
}

/** Every key, named once. */
export const StateKeys = {
  isPost: 'isPost',
  submittedJob: jsonStateKey<SubmittedJobState>('azureml-submitted-job', isSubmittedJobState),
  rollout: jsonStateKey<RolloutState>('azureml-rollout', isRolloutState),
  flow: jsonStateKey<FlowState>('azureml-flow', isFlowState),
} as const;

export interface PostState {
  /** Called by the main step (the runner does it): the post step then sees {@link isPost} true. */
  markMain(): void;
  /** True in the post step of an action whose main step ran. */
  isPost(): boolean;
  save<T>(key: StateKey<T>, value: T): void;
  load<T>(key: StateKey<T>): T | undefined;
  /** Forget a value (saves an empty string). */
  clear(key: StateKey<unknown>): void;

  saveSubmittedJob(job: SubmittedJobState): void;
  loadSubmittedJob(): SubmittedJobState | undefined;
  saveRollout(rollout: RolloutState): void;
  loadRollout(): RolloutState | undefined;
}

export function createPostState(store: StateStore = actionsStateStore): PostState {
  const save = <T>(key: StateKey<T>, value: T) => store.save(key.name, key.encode(value));
  const load = <T>(key: StateKey<T>) => key.decode(store.get(key.name));
  return {
    markMain: () => store.save(StateKeys.isPost, 'true'),
    isPost: () => store.get(StateKeys.isPost) === 'true',
    save,
    load,
    clear: (key) => store.save(key.name, ''),
    saveSubmittedJob: (job) => save(StateKeys.submittedJob, job),
    loadSubmittedJob: () => load(StateKeys.submittedJob),
    saveRollout: (rollout) => save(StateKeys.rollout, rollout),
    loadRollout: () => load(StateKeys.rollout),
  };
}
