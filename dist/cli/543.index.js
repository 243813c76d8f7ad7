export const id = 543;
export const ids = [543];
export const modules = {

/***/ 2543:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  RunUsageError: () => (/* binding */ RunUsageError),
  runCli: () => (/* binding */ runCli)
});

// UNUSED EXPORTS: parseRunArgs

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(3136);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: ../main/node_modules/yaml/dist/index.js
var dist = __webpack_require__(3439);
;// CONCATENATED MODULE: ./src/cli/local-runner.ts
/**
 * Runs a built action the way the GitHub runner does: `node` on the bundle its action.yml names,
 * with `INPUT_*` variables (defaults taken from action.yml like the runner), the file commands
 * `GITHUB_OUTPUT`, `GITHUB_STATE`, `GITHUB_STEP_SUMMARY`, `GITHUB_ENV`, `GITHUB_PATH`,
 * `RUNNER_TEMP` and an event file; then, when asked, the post step with the saved state as
 * `STATE_*` variables. Used by `azureml-actions run` and by the test harness.
 */






function readActionMeta(root, action) {
    const file = (0,external_node_path_.join)(root, action === '.' ? '' : (0,external_node_path_.join)('actions', action), 'action.yml');
    const doc = (0,dist/* parse */.qg)((0,external_node_fs_.readFileSync)(file, 'utf8'));
    if (doc.runs.using !== 'node24')
        throw new Error(`${file}: runs.using is ${doc.runs.using}, expected node24`);
    const base = (0,external_node_path_.dirname)(file);
    return {
        inputs: doc.inputs ?? {},
        main: (0,external_node_path_.resolve)(base, doc.runs.main),
        post: doc.runs.post ? (0,external_node_path_.resolve)(base, doc.runs.post) : undefined,
    };
}
/** Parses a file written with the runner's file-command format (`k=v` or `k<<DELIM ... DELIM`). */
function parseFileCommands(text) {
    const out = {};
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (!line)
            continue;
        const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
        if (heredoc) {
            const [, key, delim] = heredoc;
            const value = [];
            i++;
            while (i < lines.length && lines[i] !== delim)
                value.push(lines[i++]);
            out[key] = value.join('\n');
            continue;
        }
        const eq = line.indexOf('=');
        if (eq > 0)
            out[line.slice(0, eq)] = line.slice(eq + 1);
    }
    return out;
}
/** Renders workflow commands the way the runner's log shows them (debug lines only when asked). */
function echoFormatter(debug) {
    let pending = '';
    return (chunk) => {
        const text = pending + chunk;
        const cut = text.lastIndexOf('\n') + 1;
        pending = text.slice(cut);
        return text
            .slice(0, cut)
            .split('\n')
            .map((line) => {
            const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
            if (!m)
                return line;
            const [, cmd, , data] = m;
            const msg = unescapeData(data);
            if (cmd === 'debug')
                return debug ? `##[debug]${msg}` : null;
            if (cmd === 'add-mask')
                return null;
            if (cmd === 'group')
                return `▶ ${msg}`;
            if (cmd === 'endgroup')
                return null;
            if (cmd === 'error' || cmd === 'warning' || cmd === 'notice')
                return `${cmd[0].toUpperCase()}${cmd.slice(1)}: ${msg}`;
            return line;
        })
            .filter((l) => l !== null)
            .join('\n') + (cut > 0 ? '\n' : '');
    };
}
function unescapeData(s) {
    return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
function unescapeProperty(s) {
    return unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');
}
/** Reads `::error file=a,line=3::message` workflow commands out of a log. */
function parseAnnotations(log) {
    const annotations = [];
    const masked = [];
    for (const line of log.split(/\r?\n/)) {
        const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
        if (!m)
            continue;
        const [, cmd, props, data] = m;
        if (cmd === 'add-mask') {
            masked.push(unescapeData(data));
            continue;
        }
        if (cmd !== 'error' && cmd !== 'warning' && cmd !== 'notice' && cmd !== 'debug')
            continue;
        const properties = {};
        for (const part of (props ?? '').split(',')) {
            const eq = part.indexOf('=');
            if (eq > 0)
                properties[part.slice(0, eq)] = unescapeProperty(part.slice(eq + 1));
        }
        annotations.push({ level: cmd, message: unescapeData(data), properties });
    }
    return { annotations, masked };
}
function baseEnv(node) {
    const keep = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR', 'SYSTEMROOT', 'NODE_EXTRA_CA_CERTS'];
    const env = {};
    for (const k of keep)
        if (process.env[k] !== undefined)
            env[k] = process.env[k];
    // The runner's node comes first on PATH, as on a hosted runner.
    env.PATH = `${(0,external_node_path_.dirname)(node)}:${env.PATH ?? '/usr/bin:/bin'}`;
    return env;
}
async function runStep(script, env, cwd, files, opts) {
    for (const f of [files.output, files.state, files.summary, files.envFile])
        (0,external_node_fs_.writeFileSync)(f, '');
    const started = Date.now();
    const child = (0,external_node_child_process_.spawn)(opts.node, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    if (opts.echo) {
        const show = echoFormatter(process.env.RUNNER_DEBUG === '1');
        child.stdout.on('data', (d) => process.stdout.write(show(d.toString('utf8'))));
        child.stderr.on('data', (d) => process.stderr.write(show(d.toString('utf8'))));
    }
    let log = '';
    let signalled = false;
    const onData = (chunk) => {
        log += chunk.toString('utf8');
        if (opts.signal && !signalled && opts.signal.pattern.test(log)) {
            signalled = true;
            child.kill(opts.signal.signal);
        }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const { code, signal } = await new Promise((res) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.on('close', (c, s) => {
            clearTimeout(timer);
            res({ code: c, signal: s });
        });
    });
    const { annotations, masked } = parseAnnotations(log);
    return {
        exitCode: code,
        signal,
        log,
        outputs: parseFileCommands((0,external_node_fs_.readFileSync)(files.output, 'utf8')),
        state: parseFileCommands((0,external_node_fs_.readFileSync)(files.state, 'utf8')),
        env: parseFileCommands((0,external_node_fs_.readFileSync)(files.envFile, 'utf8')),
        summary: (0,external_node_fs_.readFileSync)(files.summary, 'utf8'),
        annotations,
        secretsMasked: masked,
        durationMs: Date.now() - started,
    };
}
/** Runs the action's main step (and post step) the way the runner does. */
async function runAction(opts) {
    const meta = readActionMeta(opts.root, opts.action);
    if (!(0,external_node_fs_.existsSync)(meta.main))
        throw new Error(`${meta.main} is missing: run npm run build`);
    const workspace = opts.workspace ?? (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'aml-ws-'));
    const runnerTemp = opts.runnerTemp ?? (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'aml-runner-'));
    const stepDir = (0,external_node_path_.join)(runnerTemp, '_runner_file_commands', (0,external_node_crypto_.randomUUID)());
    (0,external_node_fs_.mkdirSync)(stepDir, { recursive: true });
    const files = {
        output: (0,external_node_path_.join)(stepDir, 'set_output'),
        state: (0,external_node_path_.join)(stepDir, 'save_state'),
        summary: (0,external_node_path_.join)(stepDir, 'step_summary'),
        envFile: (0,external_node_path_.join)(stepDir, 'set_env'),
    };
    const eventPath = (0,external_node_path_.join)(stepDir, 'event.json');
    (0,external_node_fs_.writeFileSync)(eventPath, JSON.stringify(opts.event ?? {}));
    const env = {
        ...baseEnv(opts.node),
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_REPOSITORY: opts.repository ?? 'octo-org/ml-repo',
        GITHUB_REPOSITORY_OWNER: (opts.repository ?? 'octo-org/ml-repo').split('/')[0],
        GITHUB_RUN_ID: opts.runId ?? String(1000000 + Math.floor(Math.random() * 1000000)),
        GITHUB_RUN_ATTEMPT: opts.runAttempt ?? '1',
        GITHUB_RUN_NUMBER: '7',
        GITHUB_SHA: opts.sha ?? '8f2a1c9d3e4b5a6f7081928374655647382910ab',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_REF_NAME: 'main',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_API_URL: 'https://api.github.com',
        GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
        GITHUB_WORKFLOW: 'mlops',
        GITHUB_JOB: 'train',
        GITHUB_ACTION: opts.action.replace(/[^a-zA-Z0-9]/g, '_'),
        GITHUB_ACTOR: 'octocat',
        GITHUB_EVENT_NAME: opts.eventName ?? 'push',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_WORKSPACE: workspace,
        RUNNER_TEMP: runnerTemp,
        RUNNER_OS: 'Linux',
        RUNNER_ARCH: 'X64',
        RUNNER_NAME: 'harness',
        GITHUB_OUTPUT: files.output,
        GITHUB_STATE: files.state,
        GITHUB_STEP_SUMMARY: files.summary,
        GITHUB_ENV: files.envFile,
        GITHUB_PATH: (0,external_node_path_.join)(stepDir, 'add_path'),
        ...opts.env,
    };
    (0,external_node_fs_.writeFileSync)(env.GITHUB_PATH, '');
    for (const [name, spec] of Object.entries(meta.inputs)) {
        const given = opts.inputs?.[name];
        const value = given !== undefined ? String(given) : spec.default !== undefined ? String(spec.default) : '';
        env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
    }
    for (const name of Object.keys(opts.inputs ?? {})) {
        if (!(name in meta.inputs))
            throw new Error(`action ${opts.action} has no input '${name}'`);
    }
    const main = await runStep(meta.main, env, workspace, files, opts);
    const result = { main, outputs: main.outputs, summary: main.summary, workspace, runnerTemp };
    const wantPost = opts.post ?? meta.post !== undefined;
    if (wantPost && meta.post) {
        const postEnv = { ...env };
        for (const [k, v] of Object.entries(main.state))
            postEnv[`STATE_${k}`] = v;
        result.post = await runStep(meta.post, postEnv, workspace, { ...files, output: files.output + '.post', state: files.state + '.post', summary: files.summary + '.post', envFile: files.envFile + '.post' }, { ...opts, signal: undefined });
        result.summary += result.post.summary;
    }
    return result;
}

;// CONCATENATED MODULE: ./src/cli/run.ts
/**
 * `azureml-actions run <action> --input name=value … [--event file.json] [--event-name NAME]`:
 * runs an action locally the way the runner does (against Azure, or the emulator when
 * AZUREML_EMULATOR_HOST is set), so a step can be tried before the workflow is pushed.
 */





class RunUsageError extends Error {
    name = 'RunUsageError';
}
function parseRunArgs(argv) {
    const [action, ...rest] = argv;
    if (!action || action.startsWith('-'))
        throw new RunUsageError('name the action to run: azureml-actions run <action> --input name=value ...');
    const cmd = { action, inputs: {}, post: true };
    for (let i = 0; i < rest.length; i++) {
        const flag = rest[i];
        const value = rest[i + 1];
        const need = () => {
            if (value === undefined)
                throw new RunUsageError(`${flag} needs a value`);
            i++;
            return value;
        };
        switch (flag) {
            case '--input':
            case '-i': {
                const v = need();
                const eq = v.indexOf('=');
                if (eq <= 0)
                    throw new RunUsageError(`--input takes name=value, got '${v}'`);
                const name = v.slice(0, eq);
                cmd.inputs[name] = name in cmd.inputs ? `${cmd.inputs[name]}\n${v.slice(eq + 1)}` : v.slice(eq + 1);
                break;
            }
            case '--event': {
                const file = need();
                if (!(0,external_node_fs_.existsSync)(file))
                    throw new RunUsageError(`--event: ${file} does not exist`);
                cmd.event = JSON.parse((0,external_node_fs_.readFileSync)(file, 'utf8'));
                break;
            }
            case '--event-name':
                cmd.eventName = need();
                break;
            case '--run-id':
                cmd.runId = need();
                break;
            case '--no-post':
                cmd.post = false;
                break;
            default:
                throw new RunUsageError(`unknown option '${flag}'`);
        }
    }
    return cmd;
}
/** The repository root: dist/cli/index.js → ../.. (or src/cli → ../..). */
function packageRoot() {
    let dir = (0,external_node_path_.dirname)((0,external_node_url_.fileURLToPath)(import.meta.url));
    for (let i = 0; i < 5; i++) {
        if ((0,external_node_fs_.existsSync)((0,external_node_path_.join)(dir, 'actions')) && (0,external_node_fs_.existsSync)((0,external_node_path_.join)(dir, 'package.json')))
            return dir;
        dir = (0,external_node_path_.resolve)(dir, '..');
    }
    throw new Error('cannot find the azureml-actions package root (actions/ beside package.json)');
}
function gitHead() {
    try {
        return (0,external_node_child_process_.execFileSync)('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
    }
    catch {
        return undefined;
    }
}
async function runCli(argv) {
    const cmd = parseRunArgs(argv);
    const root = packageRoot();
    const actionDir = cmd.action === '.' || cmd.action === 'root' ? '.' : cmd.action;
    if (actionDir !== '.' && !(0,external_node_fs_.existsSync)((0,external_node_path_.join)(root, 'actions', actionDir, 'action.yml')))
        throw new RunUsageError(`unknown action '${cmd.action}'`);
    // The user's environment goes through (credentials, AZUREML_EMULATOR_HOST, OIDC variables);
    // what the runner itself sets is set afresh.
    const env = {};
    for (const [k, v] of Object.entries(process.env)) {
        if (v !== undefined && !/^(INPUT_|STATE_|GITHUB_(OUTPUT|STATE|STEP_SUMMARY|ENV|PATH|EVENT_PATH)$)/.test(k))
            env[k] = v;
    }
    const result = await runAction({
        root,
        env,
        node: process.execPath,
        action: actionDir,
        inputs: cmd.inputs,
        event: cmd.event,
        eventName: cmd.eventName,
        workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
        runnerTemp: process.env.RUNNER_TEMP,
        runId: cmd.runId ?? process.env.GITHUB_RUN_ID,
        repository: process.env.GITHUB_REPOSITORY ?? `local/${(0,external_node_path_.basename)(process.env.GITHUB_WORKSPACE ?? process.cwd())}`,
        sha: process.env.GITHUB_SHA ?? gitHead(),
        post: cmd.post ? undefined : false,
        timeoutMs: 24 * 3600_000,
        echo: true,
    });
    process.stdout.write(`\noutputs of ${cmd.action}:\n`);
    for (const [k, v] of Object.entries(result.outputs))
        process.stdout.write(`  ${k}: ${v.length > 200 ? `${v.slice(0, 200)}…` : v}\n`);
    return result.main.exitCode === 0 && (result.post?.exitCode ?? 0) === 0 ? 0 : 1;
}


/***/ })

};
