const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const os = require("os");
const crypto = require("crypto");
const fs = require("fs");
const os2 = require("os");
const os4 = require("os");
const http = require("http");
const https = require("https");
const { EOL: EOL3 } = require("os");
const { constants, promises } = require("fs");
const os3 = require("os");
const fs2 = require("fs");
const { existsSync: existsSync2, readFileSync } = require("node:fs");
const { appendFileSync: appendFileSync2, existsSync: existsSync3, mkdirSync, readFileSync: readFileSync2 } = require("node:fs");
const { join } = require("node:path");
import {
  ProxyAgent,
  init_undici,
  require_tunnel
} from "./tunnel.js";
import {
  __toESM
} from "./esbuild-runtime.js";

// src/core/errors.ts
var ConfigurationError = class extends Error {
  name = "ConfigurationError";
  /** Lets code without access to this class recognise the kind. */
  isUserError = true;
  input;
  file;
  line;
  column;
  hint;
  constructor(message, options = {}) {
    super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.input = options.input;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.hint = options.hint;
  }
};
function isUserError(error2) {
  if (error2 instanceof ConfigurationError) return true;
  if (typeof error2 !== "object" || error2 === null) return false;
  const e = error2;
  return e.name === "ConfigurationError" || e.isUserError === true;
}
function classifyError(error2) {
  return isUserError(error2) ? "user-error" : "failure";
}
function errorLocation(error2) {
  if (typeof error2 !== "object" || error2 === null) return {};
  const e = error2;
  const str = (v) => typeof v === "string" && v !== "" ? v : void 0;
  const num = (v) => typeof v === "number" && Number.isFinite(v) && v > 0 ? v : void 0;
  return { file: str(e.file), line: num(e.line), column: num(e.column), input: str(e.input), hint: str(e.hint) };
}
function errorMessage(error2) {
  if (error2 instanceof Error) return error2.message || error2.name;
  if (typeof error2 === "string") return error2;
  try {
    return JSON.stringify(error2) ?? String(error2);
  } catch {
    return String(error2);
  }
}
function formatError(error2) {
  const message = errorMessage(error2);
  const { hint } = errorLocation(error2);
  if (!hint || message.includes(hint)) return message;
  return `${message.replace(/[.\s]+$/, "")}. ${hint}`;
}
var SECRET_PATTERNS = [
  // SAS signatures in URLs or query strings
  [/([?&]sig=)[^&\s"']+/gi, "$1***"],
  // Connection strings
  [/(AccountKey=)[^;\s"']+/gi, "$1***"],
  [/(SharedAccessSignature=)[^;\s"']+/gi, "$1***"],
  // Authorization headers and bearer tokens
  [/(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/g, "$1***"],
  // OAuth form fields
  [/((?:client_secret|client_assertion|access_token|refresh_token)=)[^&\s"']+/gi, "$1***"],
  [/("(?:client_secret|client_assertion|access_token|refresh_token|key|sasToken|clientSecret|accountKey)"\s*:\s*")[^"]*(")/gi, "$1***$2"]
];
function redactSecrets(text) {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
function assertNever(value, what = "value") {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}

// node_modules/@actions/core/lib/command.js

// node_modules/@actions/core/lib/utils.js
function toCommandValue(input) {
  if (input === null || input === void 0) {
    return "";
  } else if (typeof input === "string" || input instanceof String) {
    return input;
  }
  return JSON.stringify(input);
}
function toCommandProperties(annotationProperties) {
  if (!Object.keys(annotationProperties).length) {
    return {};
  }
  return {
    title: annotationProperties.title,
    file: annotationProperties.file,
    line: annotationProperties.startLine,
    endLine: annotationProperties.endLine,
    col: annotationProperties.startColumn,
    endColumn: annotationProperties.endColumn
  };
}

// node_modules/@actions/core/lib/command.js
function issueCommand(command, properties, message) {
  const cmd = new Command(command, properties, message);
  process.stdout.write(cmd.toString() + os.EOL);
}
function issue(name, message = "") {
  issueCommand(name, {}, message);
}
var CMD_STRING = "::";
var Command = class {
  constructor(command, properties, message) {
    if (!command) {
      command = "missing.command";
    }
    this.command = command;
    this.properties = properties;
    this.message = message;
  }
  toString() {
    let cmdStr = CMD_STRING + this.command;
    if (this.properties && Object.keys(this.properties).length > 0) {
      cmdStr += " ";
      let first = true;
      for (const key in this.properties) {
        if (this.properties.hasOwnProperty(key)) {
          const val = this.properties[key];
          if (val) {
            if (first) {
              first = false;
            } else {
              cmdStr += ",";
            }
            cmdStr += `${key}=${escapeProperty(val)}`;
          }
        }
      }
    }
    cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
    return cmdStr;
  }
};
function escapeData(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/:/g, "%3A").replace(/,/g, "%2C");
}

// node_modules/@actions/core/lib/file-command.js
function issueFileCommand(command, message) {
  const filePath = process.env[`GITHUB_${command}`];
  if (!filePath) {
    throw new Error(`Unable to find environment variable for file command ${command}`);
  }
  if (!fs.existsSync(filePath)) {
    throw new Error(`Missing file at path: ${filePath}`);
  }
  fs.appendFileSync(filePath, `${toCommandValue(message)}${os2.EOL}`, {
    encoding: "utf8"
  });
}
function prepareKeyValueMessage(key, value) {
  const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
  const convertedValue = toCommandValue(value);
  if (key.includes(delimiter)) {
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
  }
  if (convertedValue.includes(delimiter)) {
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
  }
  return `${key}<<${delimiter}${os2.EOL}${convertedValue}${os2.EOL}${delimiter}`;
}

// node_modules/@actions/core/lib/core.js

// node_modules/@actions/http-client/lib/index.js

// node_modules/@actions/http-client/lib/proxy.js
function getProxyUrl(reqUrl) {
  const usingSsl = reqUrl.protocol === "https:";
  if (checkBypass(reqUrl)) {
    return void 0;
  }
  const proxyVar = (() => {
    if (usingSsl) {
      return process.env["https_proxy"] || process.env["HTTPS_PROXY"];
    } else {
      return process.env["http_proxy"] || process.env["HTTP_PROXY"];
    }
  })();
  if (proxyVar) {
    try {
      return new DecodedURL(proxyVar);
    } catch (_a) {
      if (!proxyVar.startsWith("http://") && !proxyVar.startsWith("https://"))
        return new DecodedURL(`http://${proxyVar}`);
    }
  } else {
    return void 0;
  }
}
function checkBypass(reqUrl) {
  if (!reqUrl.hostname) {
    return false;
  }
  const reqHost = reqUrl.hostname;
  if (isLoopbackAddress(reqHost)) {
    return true;
  }
  const noProxy = process.env["no_proxy"] || process.env["NO_PROXY"] || "";
  if (!noProxy) {
    return false;
  }
  let reqPort;
  if (reqUrl.port) {
    reqPort = Number(reqUrl.port);
  } else if (reqUrl.protocol === "http:") {
    reqPort = 80;
  } else if (reqUrl.protocol === "https:") {
    reqPort = 443;
  }
  const upperReqHosts = [reqUrl.hostname.toUpperCase()];
  if (typeof reqPort === "number") {
    upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
  }
  for (const upperNoProxyItem of noProxy.split(",").map((x) => x.trim().toUpperCase()).filter((x) => x)) {
    if (upperNoProxyItem === "*" || upperReqHosts.some((x) => x === upperNoProxyItem || x.endsWith(`.${upperNoProxyItem}`) || upperNoProxyItem.startsWith(".") && x.endsWith(`${upperNoProxyItem}`))) {
      return true;
    }
  }
  return false;
}
function isLoopbackAddress(host) {
  const hostLower = host.toLowerCase();
  return hostLower === "localhost" || hostLower.startsWith("127.") || hostLower.startsWith("[::1]") || hostLower.startsWith("[0:0:0:0:0:0:0:1]");
}
var DecodedURL = class extends URL {
  constructor(url, base) {
    super(url, base);
    this._decodedUsername = decodeURIComponent(super.username);
    this._decodedPassword = decodeURIComponent(super.password);
  }
  get username() {
    return this._decodedUsername;
  }
  get password() {
    return this._decodedPassword;
  }
};

// node_modules/@actions/http-client/lib/index.js
var tunnel = __toESM(require_tunnel(), 1);
init_undici();
var __awaiter = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var HttpCodes;
(function(HttpCodes2) {
  HttpCodes2[HttpCodes2["OK"] = 200] = "OK";
  HttpCodes2[HttpCodes2["MultipleChoices"] = 300] = "MultipleChoices";
  HttpCodes2[HttpCodes2["MovedPermanently"] = 301] = "MovedPermanently";
  HttpCodes2[HttpCodes2["ResourceMoved"] = 302] = "ResourceMoved";
  HttpCodes2[HttpCodes2["SeeOther"] = 303] = "SeeOther";
  HttpCodes2[HttpCodes2["NotModified"] = 304] = "NotModified";
  HttpCodes2[HttpCodes2["UseProxy"] = 305] = "UseProxy";
  HttpCodes2[HttpCodes2["SwitchProxy"] = 306] = "SwitchProxy";
  HttpCodes2[HttpCodes2["TemporaryRedirect"] = 307] = "TemporaryRedirect";
  HttpCodes2[HttpCodes2["PermanentRedirect"] = 308] = "PermanentRedirect";
  HttpCodes2[HttpCodes2["BadRequest"] = 400] = "BadRequest";
  HttpCodes2[HttpCodes2["Unauthorized"] = 401] = "Unauthorized";
  HttpCodes2[HttpCodes2["PaymentRequired"] = 402] = "PaymentRequired";
  HttpCodes2[HttpCodes2["Forbidden"] = 403] = "Forbidden";
  HttpCodes2[HttpCodes2["NotFound"] = 404] = "NotFound";
  HttpCodes2[HttpCodes2["MethodNotAllowed"] = 405] = "MethodNotAllowed";
  HttpCodes2[HttpCodes2["NotAcceptable"] = 406] = "NotAcceptable";
  HttpCodes2[HttpCodes2["ProxyAuthenticationRequired"] = 407] = "ProxyAuthenticationRequired";
  HttpCodes2[HttpCodes2["RequestTimeout"] = 408] = "RequestTimeout";
  HttpCodes2[HttpCodes2["Conflict"] = 409] = "Conflict";
  HttpCodes2[HttpCodes2["Gone"] = 410] = "Gone";
  HttpCodes2[HttpCodes2["TooManyRequests"] = 429] = "TooManyRequests";
  HttpCodes2[HttpCodes2["InternalServerError"] = 500] = "InternalServerError";
  HttpCodes2[HttpCodes2["NotImplemented"] = 501] = "NotImplemented";
  HttpCodes2[HttpCodes2["BadGateway"] = 502] = "BadGateway";
  HttpCodes2[HttpCodes2["ServiceUnavailable"] = 503] = "ServiceUnavailable";
  HttpCodes2[HttpCodes2["GatewayTimeout"] = 504] = "GatewayTimeout";
})(HttpCodes || (HttpCodes = {}));
var Headers;
(function(Headers2) {
  Headers2["Accept"] = "accept";
  Headers2["ContentType"] = "content-type";
})(Headers || (Headers = {}));
var MediaTypes;
(function(MediaTypes2) {
  MediaTypes2["ApplicationJson"] = "application/json";
})(MediaTypes || (MediaTypes = {}));
var HttpRedirectCodes = [
  HttpCodes.MovedPermanently,
  HttpCodes.ResourceMoved,
  HttpCodes.SeeOther,
  HttpCodes.TemporaryRedirect,
  HttpCodes.PermanentRedirect
];
var HttpResponseRetryCodes = [
  HttpCodes.BadGateway,
  HttpCodes.ServiceUnavailable,
  HttpCodes.GatewayTimeout
];
var RetryableHttpVerbs = ["OPTIONS", "GET", "DELETE", "HEAD"];
var ExponentialBackoffCeiling = 10;
var ExponentialBackoffTimeSlice = 5;
var HttpClientError = class _HttpClientError extends Error {
  constructor(message, statusCode) {
    super(message);
    this.name = "HttpClientError";
    this.statusCode = statusCode;
    Object.setPrototypeOf(this, _HttpClientError.prototype);
  }
};
var HttpClientResponse = class {
  constructor(message) {
    this.message = message;
  }
  readBody() {
    return __awaiter(this, void 0, void 0, function* () {
      return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
        let output = Buffer.alloc(0);
        this.message.on("data", (chunk) => {
          output = Buffer.concat([output, chunk]);
        });
        this.message.on("end", () => {
          resolve(output.toString());
        });
      }));
    });
  }
  readBodyBuffer() {
    return __awaiter(this, void 0, void 0, function* () {
      return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
        const chunks = [];
        this.message.on("data", (chunk) => {
          chunks.push(chunk);
        });
        this.message.on("end", () => {
          resolve(Buffer.concat(chunks));
        });
      }));
    });
  }
};
var HttpClient = class {
  constructor(userAgent, handlers, requestOptions) {
    this._ignoreSslError = false;
    this._allowRedirects = true;
    this._allowRedirectDowngrade = false;
    this._maxRedirects = 50;
    this._allowRetries = false;
    this._maxRetries = 1;
    this._keepAlive = false;
    this._disposed = false;
    this.userAgent = this._getUserAgentWithOrchestrationId(userAgent);
    this.handlers = handlers || [];
    this.requestOptions = requestOptions;
    if (requestOptions) {
      if (requestOptions.ignoreSslError != null) {
        this._ignoreSslError = requestOptions.ignoreSslError;
      }
      this._socketTimeout = requestOptions.socketTimeout;
      if (requestOptions.allowRedirects != null) {
        this._allowRedirects = requestOptions.allowRedirects;
      }
      if (requestOptions.allowRedirectDowngrade != null) {
        this._allowRedirectDowngrade = requestOptions.allowRedirectDowngrade;
      }
      if (requestOptions.maxRedirects != null) {
        this._maxRedirects = Math.max(requestOptions.maxRedirects, 0);
      }
      if (requestOptions.keepAlive != null) {
        this._keepAlive = requestOptions.keepAlive;
      }
      if (requestOptions.allowRetries != null) {
        this._allowRetries = requestOptions.allowRetries;
      }
      if (requestOptions.maxRetries != null) {
        this._maxRetries = requestOptions.maxRetries;
      }
    }
  }
  options(requestUrl, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request("OPTIONS", requestUrl, null, additionalHeaders || {});
    });
  }
  get(requestUrl, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request("GET", requestUrl, null, additionalHeaders || {});
    });
  }
  del(requestUrl, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request("DELETE", requestUrl, null, additionalHeaders || {});
    });
  }
  post(requestUrl, data, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request("POST", requestUrl, data, additionalHeaders || {});
    });
  }
  patch(requestUrl, data, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request("PATCH", requestUrl, data, additionalHeaders || {});
    });
  }
  put(requestUrl, data, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request("PUT", requestUrl, data, additionalHeaders || {});
    });
  }
  head(requestUrl, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request("HEAD", requestUrl, null, additionalHeaders || {});
    });
  }
  sendStream(verb, requestUrl, stream, additionalHeaders) {
    return __awaiter(this, void 0, void 0, function* () {
      return this.request(verb, requestUrl, stream, additionalHeaders);
    });
  }
  /**
   * Gets a typed object from an endpoint
   * Be aware that not found returns a null.  Other errors (4xx, 5xx) reject the promise
   */
  getJson(requestUrl_1) {
    return __awaiter(this, arguments, void 0, function* (requestUrl, additionalHeaders = {}) {
      additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
      const res = yield this.get(requestUrl, additionalHeaders);
      return this._processResponse(res, this.requestOptions);
    });
  }
  postJson(requestUrl_1, obj_1) {
    return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
      const data = JSON.stringify(obj, null, 2);
      additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
      additionalHeaders[Headers.ContentType] = this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
      const res = yield this.post(requestUrl, data, additionalHeaders);
      return this._processResponse(res, this.requestOptions);
    });
  }
  putJson(requestUrl_1, obj_1) {
    return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
      const data = JSON.stringify(obj, null, 2);
      additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
      additionalHeaders[Headers.ContentType] = this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
      const res = yield this.put(requestUrl, data, additionalHeaders);
      return this._processResponse(res, this.requestOptions);
    });
  }
  patchJson(requestUrl_1, obj_1) {
    return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
      const data = JSON.stringify(obj, null, 2);
      additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
      additionalHeaders[Headers.ContentType] = this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
      const res = yield this.patch(requestUrl, data, additionalHeaders);
      return this._processResponse(res, this.requestOptions);
    });
  }
  /**
   * Makes a raw http request.
   * All other methods such as get, post, patch, and request ultimately call this.
   * Prefer get, del, post and patch
   */
  request(verb, requestUrl, data, headers) {
    return __awaiter(this, void 0, void 0, function* () {
      if (this._disposed) {
        throw new Error("Client has already been disposed.");
      }
      const parsedUrl = new URL(requestUrl);
      let info2 = this._prepareRequest(verb, parsedUrl, headers);
      const maxTries = this._allowRetries && RetryableHttpVerbs.includes(verb) ? this._maxRetries + 1 : 1;
      let numTries = 0;
      let response;
      do {
        response = yield this.requestRaw(info2, data);
        if (response && response.message && response.message.statusCode === HttpCodes.Unauthorized) {
          let authenticationHandler;
          for (const handler of this.handlers) {
            if (handler.canHandleAuthentication(response)) {
              authenticationHandler = handler;
              break;
            }
          }
          if (authenticationHandler) {
            return authenticationHandler.handleAuthentication(this, info2, data);
          } else {
            return response;
          }
        }
        let redirectsRemaining = this._maxRedirects;
        while (response.message.statusCode && HttpRedirectCodes.includes(response.message.statusCode) && this._allowRedirects && redirectsRemaining > 0) {
          const redirectUrl = response.message.headers["location"];
          if (!redirectUrl) {
            break;
          }
          const parsedRedirectUrl = new URL(redirectUrl);
          if (parsedUrl.protocol === "https:" && parsedUrl.protocol !== parsedRedirectUrl.protocol && !this._allowRedirectDowngrade) {
            throw new Error("Redirect from HTTPS to HTTP protocol. This downgrade is not allowed for security reasons. If you want to allow this behavior, set the allowRedirectDowngrade option to true.");
          }
          yield response.readBody();
          if (parsedRedirectUrl.hostname !== parsedUrl.hostname) {
            for (const header in headers) {
              if (header.toLowerCase() === "authorization") {
                delete headers[header];
              }
            }
          }
          info2 = this._prepareRequest(verb, parsedRedirectUrl, headers);
          response = yield this.requestRaw(info2, data);
          redirectsRemaining--;
        }
        if (!response.message.statusCode || !HttpResponseRetryCodes.includes(response.message.statusCode)) {
          return response;
        }
        numTries += 1;
        if (numTries < maxTries) {
          yield response.readBody();
          yield this._performExponentialBackoff(numTries);
        }
      } while (numTries < maxTries);
      return response;
    });
  }
  /**
   * Needs to be called if keepAlive is set to true in request options.
   */
  dispose() {
    if (this._agent) {
      this._agent.destroy();
    }
    this._disposed = true;
  }
  /**
   * Raw request.
   * @param info
   * @param data
   */
  requestRaw(info2, data) {
    return __awaiter(this, void 0, void 0, function* () {
      return new Promise((resolve, reject) => {
        function callbackForResult(err, res) {
          if (err) {
            reject(err);
          } else if (!res) {
            reject(new Error("Unknown error"));
          } else {
            resolve(res);
          }
        }
        this.requestRawWithCallback(info2, data, callbackForResult);
      });
    });
  }
  /**
   * Raw request with callback.
   * @param info
   * @param data
   * @param onResult
   */
  requestRawWithCallback(info2, data, onResult) {
    if (typeof data === "string") {
      if (!info2.options.headers) {
        info2.options.headers = {};
      }
      info2.options.headers["Content-Length"] = Buffer.byteLength(data, "utf8");
    }
    let callbackCalled = false;
    function handleResult(err, res) {
      if (!callbackCalled) {
        callbackCalled = true;
        onResult(err, res);
      }
    }
    const req = info2.httpModule.request(info2.options, (msg) => {
      const res = new HttpClientResponse(msg);
      handleResult(void 0, res);
    });
    let socket;
    req.on("socket", (sock) => {
      socket = sock;
    });
    req.setTimeout(this._socketTimeout || 3 * 6e4, () => {
      if (socket) {
        socket.end();
      }
      handleResult(new Error(`Request timeout: ${info2.options.path}`));
    });
    req.on("error", function(err) {
      handleResult(err);
    });
    if (data && typeof data === "string") {
      req.write(data, "utf8");
    }
    if (data && typeof data !== "string") {
      data.on("close", function() {
        req.end();
      });
      data.pipe(req);
    } else {
      req.end();
    }
  }
  /**
   * Gets an http agent. This function is useful when you need an http agent that handles
   * routing through a proxy server - depending upon the url and proxy environment variables.
   * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
   */
  getAgent(serverUrl) {
    const parsedUrl = new URL(serverUrl);
    return this._getAgent(parsedUrl);
  }
  getAgentDispatcher(serverUrl) {
    const parsedUrl = new URL(serverUrl);
    const proxyUrl = getProxyUrl(parsedUrl);
    const useProxy = proxyUrl && proxyUrl.hostname;
    if (!useProxy) {
      return;
    }
    return this._getProxyAgentDispatcher(parsedUrl, proxyUrl);
  }
  _prepareRequest(method, requestUrl, headers) {
    const info2 = {};
    info2.parsedUrl = requestUrl;
    const usingSsl = info2.parsedUrl.protocol === "https:";
    info2.httpModule = usingSsl ? https : http;
    const defaultPort = usingSsl ? 443 : 80;
    info2.options = {};
    info2.options.host = info2.parsedUrl.hostname;
    info2.options.port = info2.parsedUrl.port ? parseInt(info2.parsedUrl.port) : defaultPort;
    info2.options.path = (info2.parsedUrl.pathname || "") + (info2.parsedUrl.search || "");
    info2.options.method = method;
    info2.options.headers = this._mergeHeaders(headers);
    if (this.userAgent != null) {
      info2.options.headers["user-agent"] = this.userAgent;
    }
    info2.options.agent = this._getAgent(info2.parsedUrl);
    if (this.handlers) {
      for (const handler of this.handlers) {
        handler.prepareRequest(info2.options);
      }
    }
    return info2;
  }
  _mergeHeaders(headers) {
    if (this.requestOptions && this.requestOptions.headers) {
      return Object.assign({}, lowercaseKeys(this.requestOptions.headers), lowercaseKeys(headers || {}));
    }
    return lowercaseKeys(headers || {});
  }
  /**
   * Gets an existing header value or returns a default.
   * Handles converting number header values to strings since HTTP headers must be strings.
   * Note: This returns string | string[] since some headers can have multiple values.
   * For headers that must always be a single string (like Content-Type), use the
   * specialized _getExistingOrDefaultContentTypeHeader method instead.
   */
  _getExistingOrDefaultHeader(additionalHeaders, header, _default) {
    let clientHeader;
    if (this.requestOptions && this.requestOptions.headers) {
      const headerValue = lowercaseKeys(this.requestOptions.headers)[header];
      if (headerValue) {
        clientHeader = typeof headerValue === "number" ? headerValue.toString() : headerValue;
      }
    }
    const additionalValue = additionalHeaders[header];
    if (additionalValue !== void 0) {
      return typeof additionalValue === "number" ? additionalValue.toString() : additionalValue;
    }
    if (clientHeader !== void 0) {
      return clientHeader;
    }
    return _default;
  }
  /**
   * Specialized version of _getExistingOrDefaultHeader for Content-Type header.
   * Always returns a single string (not an array) since Content-Type should be a single value.
   * Converts arrays to comma-separated strings and numbers to strings to ensure type safety.
   * This was split from _getExistingOrDefaultHeader to provide stricter typing for callers
   * that assign the result to places expecting a string (e.g., additionalHeaders[Headers.ContentType]).
   */
  _getExistingOrDefaultContentTypeHeader(additionalHeaders, _default) {
    let clientHeader;
    if (this.requestOptions && this.requestOptions.headers) {
      const headerValue = lowercaseKeys(this.requestOptions.headers)[Headers.ContentType];
      if (headerValue) {
        if (typeof headerValue === "number") {
          clientHeader = String(headerValue);
        } else if (Array.isArray(headerValue)) {
          clientHeader = headerValue.join(", ");
        } else {
          clientHeader = headerValue;
        }
      }
    }
    const additionalValue = additionalHeaders[Headers.ContentType];
    if (additionalValue !== void 0) {
      if (typeof additionalValue === "number") {
        return String(additionalValue);
      } else if (Array.isArray(additionalValue)) {
        return additionalValue.join(", ");
      } else {
        return additionalValue;
      }
    }
    if (clientHeader !== void 0) {
      return clientHeader;
    }
    return _default;
  }
  _getAgent(parsedUrl) {
    let agent;
    const proxyUrl = getProxyUrl(parsedUrl);
    const useProxy = proxyUrl && proxyUrl.hostname;
    if (this._keepAlive && useProxy) {
      agent = this._proxyAgent;
    }
    if (!useProxy) {
      agent = this._agent;
    }
    if (agent) {
      return agent;
    }
    const usingSsl = parsedUrl.protocol === "https:";
    let maxSockets = 100;
    if (this.requestOptions) {
      maxSockets = this.requestOptions.maxSockets || http.globalAgent.maxSockets;
    }
    if (proxyUrl && proxyUrl.hostname) {
      const agentOptions = {
        maxSockets,
        keepAlive: this._keepAlive,
        proxy: Object.assign(Object.assign({}, (proxyUrl.username || proxyUrl.password) && {
          proxyAuth: `${proxyUrl.username}:${proxyUrl.password}`
        }), { host: proxyUrl.hostname, port: proxyUrl.port })
      };
      let tunnelAgent;
      const overHttps = proxyUrl.protocol === "https:";
      if (usingSsl) {
        tunnelAgent = overHttps ? tunnel.httpsOverHttps : tunnel.httpsOverHttp;
      } else {
        tunnelAgent = overHttps ? tunnel.httpOverHttps : tunnel.httpOverHttp;
      }
      agent = tunnelAgent(agentOptions);
      this._proxyAgent = agent;
    }
    if (!agent) {
      const options = { keepAlive: this._keepAlive, maxSockets };
      agent = usingSsl ? new https.Agent(options) : new http.Agent(options);
      this._agent = agent;
    }
    if (usingSsl && this._ignoreSslError) {
      agent.options = Object.assign(agent.options || {}, {
        rejectUnauthorized: false
      });
    }
    return agent;
  }
  _getProxyAgentDispatcher(parsedUrl, proxyUrl) {
    let proxyAgent;
    if (this._keepAlive) {
      proxyAgent = this._proxyAgentDispatcher;
    }
    if (proxyAgent) {
      return proxyAgent;
    }
    const usingSsl = parsedUrl.protocol === "https:";
    proxyAgent = new ProxyAgent(Object.assign({ uri: proxyUrl.href, pipelining: !this._keepAlive ? 0 : 1 }, (proxyUrl.username || proxyUrl.password) && {
      token: `Basic ${Buffer.from(`${proxyUrl.username}:${proxyUrl.password}`).toString("base64")}`
    }));
    this._proxyAgentDispatcher = proxyAgent;
    if (usingSsl && this._ignoreSslError) {
      proxyAgent.options = Object.assign(proxyAgent.options.requestTls || {}, {
        rejectUnauthorized: false
      });
    }
    return proxyAgent;
  }
  _getUserAgentWithOrchestrationId(userAgent) {
    const baseUserAgent = userAgent || "actions/http-client";
    const orchId = process.env["ACTIONS_ORCHESTRATION_ID"];
    if (orchId) {
      const sanitizedId = orchId.replace(/[^a-z0-9_.-]/gi, "_");
      return `${baseUserAgent} actions_orchestration_id/${sanitizedId}`;
    }
    return baseUserAgent;
  }
  _performExponentialBackoff(retryNumber) {
    return __awaiter(this, void 0, void 0, function* () {
      retryNumber = Math.min(ExponentialBackoffCeiling, retryNumber);
      const ms = ExponentialBackoffTimeSlice * Math.pow(2, retryNumber);
      return new Promise((resolve) => setTimeout(() => resolve(), ms));
    });
  }
  _processResponse(res, options) {
    return __awaiter(this, void 0, void 0, function* () {
      return new Promise((resolve, reject) => __awaiter(this, void 0, void 0, function* () {
        const statusCode = res.message.statusCode || 0;
        const response = {
          statusCode,
          result: null,
          headers: {}
        };
        if (statusCode === HttpCodes.NotFound) {
          resolve(response);
        }
        function dateTimeDeserializer(key, value) {
          if (typeof value === "string") {
            const a = new Date(value);
            if (!isNaN(a.valueOf())) {
              return a;
            }
          }
          return value;
        }
        let obj;
        let contents;
        try {
          contents = yield res.readBody();
          if (contents && contents.length > 0) {
            if (options && options.deserializeDates) {
              obj = JSON.parse(contents, dateTimeDeserializer);
            } else {
              obj = JSON.parse(contents);
            }
            response.result = obj;
          }
          response.headers = res.message.headers;
        } catch (err) {
        }
        if (statusCode > 299) {
          let msg;
          if (obj && obj.message) {
            msg = obj.message;
          } else if (contents && contents.length > 0) {
            msg = contents;
          } else {
            msg = `Failed request: (${statusCode})`;
          }
          const err = new HttpClientError(msg, statusCode);
          err.result = response.result;
          reject(err);
        } else {
          resolve(response);
        }
      }));
    });
  }
};
var lowercaseKeys = (obj) => Object.keys(obj).reduce((c, k) => (c[k.toLowerCase()] = obj[k], c), {});

// node_modules/@actions/http-client/lib/auth.js
var __awaiter2 = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var BearerCredentialHandler = class {
  constructor(token) {
    this.token = token;
  }
  // currently implements pre-authorization
  // TODO: support preAuth = false where it hooks on 401
  prepareRequest(options) {
    if (!options.headers) {
      throw Error("The request has no headers");
    }
    options.headers["Authorization"] = `Bearer ${this.token}`;
  }
  // This handler cannot handle 401
  canHandleAuthentication() {
    return false;
  }
  handleAuthentication() {
    return __awaiter2(this, void 0, void 0, function* () {
      throw new Error("not implemented");
    });
  }
};

// node_modules/@actions/core/lib/oidc-utils.js
var __awaiter3 = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var OidcClient = class _OidcClient {
  static createHttpClient(allowRetry = true, maxRetry = 10) {
    const requestOptions = {
      allowRetries: allowRetry,
      maxRetries: maxRetry
    };
    return new HttpClient("actions/oidc-client", [new BearerCredentialHandler(_OidcClient.getRequestToken())], requestOptions);
  }
  static getRequestToken() {
    const token = process.env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"];
    if (!token) {
      throw new Error("Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable");
    }
    return token;
  }
  static getIDTokenUrl() {
    const runtimeUrl = process.env["ACTIONS_ID_TOKEN_REQUEST_URL"];
    if (!runtimeUrl) {
      throw new Error("Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable");
    }
    return runtimeUrl;
  }
  static getCall(id_token_url) {
    return __awaiter3(this, void 0, void 0, function* () {
      var _a;
      const httpclient = _OidcClient.createHttpClient();
      const res = yield httpclient.getJson(id_token_url).catch((error2) => {
        throw new Error(`Failed to get ID Token. 
 
        Error Code : ${error2.statusCode}
 
        Error Message: ${error2.message}`);
      });
      const id_token = (_a = res.result) === null || _a === void 0 ? void 0 : _a.value;
      if (!id_token) {
        throw new Error("Response json body do not have ID Token field");
      }
      return id_token;
    });
  }
  static getIDToken(audience) {
    return __awaiter3(this, void 0, void 0, function* () {
      try {
        let id_token_url = _OidcClient.getIDTokenUrl();
        if (audience) {
          const encodedAudience = encodeURIComponent(audience);
          id_token_url = `${id_token_url}&audience=${encodedAudience}`;
        }
        debug(`ID token url is ${id_token_url}`);
        const id_token = yield _OidcClient.getCall(id_token_url);
        setSecret(id_token);
        return id_token;
      } catch (error2) {
        throw new Error(`Error message: ${error2.message}`);
      }
    });
  }
};

// node_modules/@actions/core/lib/summary.js
var __awaiter4 = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var { access, appendFile, writeFile } = promises;
var SUMMARY_ENV_VAR = "GITHUB_STEP_SUMMARY";
var Summary = class {
  constructor() {
    this._buffer = "";
  }
  /**
   * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
   * Also checks r/w permissions.
   *
   * @returns step summary file path
   */
  filePath() {
    return __awaiter4(this, void 0, void 0, function* () {
      if (this._filePath) {
        return this._filePath;
      }
      const pathFromEnv = process.env[SUMMARY_ENV_VAR];
      if (!pathFromEnv) {
        throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
      }
      try {
        yield access(pathFromEnv, constants.R_OK | constants.W_OK);
      } catch (_a) {
        throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
      }
      this._filePath = pathFromEnv;
      return this._filePath;
    });
  }
  /**
   * Wraps content in an HTML tag, adding any HTML attributes
   *
   * @param {string} tag HTML tag to wrap
   * @param {string | null} content content within the tag
   * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
   *
   * @returns {string} content wrapped in HTML element
   */
  wrap(tag, content, attrs = {}) {
    const htmlAttrs = Object.entries(attrs).map(([key, value]) => ` ${key}="${value}"`).join("");
    if (!content) {
      return `<${tag}${htmlAttrs}>`;
    }
    return `<${tag}${htmlAttrs}>${content}</${tag}>`;
  }
  /**
   * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
   *
   * @param {SummaryWriteOptions} [options] (optional) options for write operation
   *
   * @returns {Promise<Summary>} summary instance
   */
  write(options) {
    return __awaiter4(this, void 0, void 0, function* () {
      const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
      const filePath = yield this.filePath();
      const writeFunc = overwrite ? writeFile : appendFile;
      yield writeFunc(filePath, this._buffer, { encoding: "utf8" });
      return this.emptyBuffer();
    });
  }
  /**
   * Clears the summary buffer and wipes the summary file
   *
   * @returns {Summary} summary instance
   */
  clear() {
    return __awaiter4(this, void 0, void 0, function* () {
      return this.emptyBuffer().write({ overwrite: true });
    });
  }
  /**
   * Returns the current summary buffer as a string
   *
   * @returns {string} string of summary buffer
   */
  stringify() {
    return this._buffer;
  }
  /**
   * If the summary buffer is empty
   *
   * @returns {boolen} true if the buffer is empty
   */
  isEmptyBuffer() {
    return this._buffer.length === 0;
  }
  /**
   * Resets the summary buffer without writing to summary file
   *
   * @returns {Summary} summary instance
   */
  emptyBuffer() {
    this._buffer = "";
    return this;
  }
  /**
   * Adds raw text to the summary buffer
   *
   * @param {string} text content to add
   * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
   *
   * @returns {Summary} summary instance
   */
  addRaw(text, addEOL = false) {
    this._buffer += text;
    return addEOL ? this.addEOL() : this;
  }
  /**
   * Adds the operating system-specific end-of-line marker to the buffer
   *
   * @returns {Summary} summary instance
   */
  addEOL() {
    return this.addRaw(EOL3);
  }
  /**
   * Adds an HTML codeblock to the summary buffer
   *
   * @param {string} code content to render within fenced code block
   * @param {string} lang (optional) language to syntax highlight code
   *
   * @returns {Summary} summary instance
   */
  addCodeBlock(code2, lang) {
    const attrs = Object.assign({}, lang && { lang });
    const element = this.wrap("pre", this.wrap("code", code2), attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML list to the summary buffer
   *
   * @param {string[]} items list of items to render
   * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
   *
   * @returns {Summary} summary instance
   */
  addList(items, ordered = false) {
    const tag = ordered ? "ol" : "ul";
    const listItems = items.map((item) => this.wrap("li", item)).join("");
    const element = this.wrap(tag, listItems);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML table to the summary buffer
   *
   * @param {SummaryTableCell[]} rows table rows
   *
   * @returns {Summary} summary instance
   */
  addTable(rows) {
    const tableBody = rows.map((row) => {
      const cells = row.map((cell) => {
        if (typeof cell === "string") {
          return this.wrap("td", cell);
        }
        const { header, data, colspan, rowspan } = cell;
        const tag = header ? "th" : "td";
        const attrs = Object.assign(Object.assign({}, colspan && { colspan }), rowspan && { rowspan });
        return this.wrap(tag, data, attrs);
      }).join("");
      return this.wrap("tr", cells);
    }).join("");
    const element = this.wrap("table", tableBody);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds a collapsable HTML details element to the summary buffer
   *
   * @param {string} label text for the closed state
   * @param {string} content collapsable content
   *
   * @returns {Summary} summary instance
   */
  addDetails(label, content) {
    const element = this.wrap("details", this.wrap("summary", label) + content);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML image tag to the summary buffer
   *
   * @param {string} src path to the image you to embed
   * @param {string} alt text description of the image
   * @param {SummaryImageOptions} options (optional) addition image attributes
   *
   * @returns {Summary} summary instance
   */
  addImage(src, alt, options) {
    const { width, height } = options || {};
    const attrs = Object.assign(Object.assign({}, width && { width }), height && { height });
    const element = this.wrap("img", null, Object.assign({ src, alt }, attrs));
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML section heading element
   *
   * @param {string} text heading text
   * @param {number | string} [level=1] (optional) the heading level, default: 1
   *
   * @returns {Summary} summary instance
   */
  addHeading(text, level) {
    const tag = `h${level}`;
    const allowedTag = ["h1", "h2", "h3", "h4", "h5", "h6"].includes(tag) ? tag : "h1";
    const element = this.wrap(allowedTag, text);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML thematic break (<hr>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addSeparator() {
    const element = this.wrap("hr", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML line break (<br>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addBreak() {
    const element = this.wrap("br", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML blockquote to the summary buffer
   *
   * @param {string} text quote text
   * @param {string} cite (optional) citation url
   *
   * @returns {Summary} summary instance
   */
  addQuote(text, cite) {
    const attrs = Object.assign({}, cite && { cite });
    const element = this.wrap("blockquote", text, attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML anchor tag to the summary buffer
   *
   * @param {string} text link text/content
   * @param {string} href hyperlink
   *
   * @returns {Summary} summary instance
   */
  addLink(text, href) {
    const element = this.wrap("a", text, { href });
    return this.addRaw(element).addEOL();
  }
};
var _summary = new Summary();
var summary = _summary;

// node_modules/@actions/core/lib/platform.js

// node_modules/@actions/io/lib/io-util.js
var { chmod, copyFile, lstat, mkdir, open, readdir, rename, rm, rmdir, stat, symlink, unlink } = fs2.promises;
var IS_WINDOWS = process.platform === "win32";
var READONLY = fs2.constants.O_RDONLY;

// node_modules/@actions/exec/lib/toolrunner.js
var IS_WINDOWS2 = process.platform === "win32";

// node_modules/@actions/core/lib/platform.js
var platform = os3.platform();
var arch = os3.arch();

// node_modules/@actions/core/lib/core.js
var __awaiter5 = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var ExitCode;
(function(ExitCode2) {
  ExitCode2[ExitCode2["Success"] = 0] = "Success";
  ExitCode2[ExitCode2["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
function setSecret(secret) {
  issueCommand("add-mask", {}, secret);
}
function getInput(name, options) {
  const val = process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] || "";
  if (options && options.required && !val) {
    throw new Error(`Input required and not supplied: ${name}`);
  }
  if (options && options.trimWhitespace === false) {
    return val;
  }
  return val.trim();
}
function setOutput(name, value) {
  const filePath = process.env["GITHUB_OUTPUT"] || "";
  if (filePath) {
    return issueFileCommand("OUTPUT", prepareKeyValueMessage(name, value));
  }
  process.stdout.write(os4.EOL);
  issueCommand("set-output", { name }, toCommandValue(value));
}
function debug(message) {
  issueCommand("debug", {}, message);
}
function error(message, properties = {}) {
  issueCommand("error", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function warning(message, properties = {}) {
  issueCommand("warning", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function notice(message, properties = {}) {
  issueCommand("notice", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function info(message) {
  process.stdout.write(message + os4.EOL);
}
function startGroup(name) {
  issue("group", name);
}
function endGroup() {
  issue("endgroup");
}
function group(name, fn) {
  return __awaiter5(this, void 0, void 0, function* () {
    startGroup(name);
    let result;
    try {
      result = yield fn();
    } finally {
      endGroup();
    }
    return result;
  });
}
function saveState(name, value) {
  const filePath = process.env["GITHUB_STATE"] || "";
  if (filePath) {
    return issueFileCommand("STATE", prepareKeyValueMessage(name, value));
  }
  issueCommand("save-state", { name }, toCommandValue(value));
}
function getState(name) {
  return process.env[`STATE_${name}`] || "";
}
function getIDToken(aud) {
  return __awaiter5(this, void 0, void 0, function* () {
    return yield OidcClient.getIDToken(aud);
  });
}

// src/core/inputs.ts
var actionsInputSource = (name) => getInput(name);
function recordInputSource(values) {
  return (name) => values[name] ?? "";
}
function createInputReader(source = actionsInputSource, options = {}) {
  const debug2 = options.debug ?? ((m) => debug(m));
  const setSecret2 = options.setSecret ?? ((s) => setSecret(s));
  const raw = (name) => (source(name) ?? "").trim();
  const log = (name, value) => debug2(`input ${name} = ${JSON.stringify(value)}`);
  const fail = (name, message, hint) => {
    throw new ConfigurationError(message, { input: name, hint });
  };
  function optional(name) {
    const value = raw(name);
    log(name, value === "" ? void 0 : value);
    return value === "" ? void 0 : value;
  }
  function required(name) {
    const value = raw(name);
    if (value === "") fail(name, `Input '${name}' is required but was not given.`);
    log(name, value);
    return value;
  }
  function secret(name) {
    const value = raw(name);
    if (value === "") return void 0;
    setSecret2(value);
    debug2(`input ${name} = *** (secret)`);
    return value;
  }
  function boolean(name, defaultValue) {
    const value = raw(name);
    let result;
    if (value === "") result = defaultValue;
    else {
      const parsed = parseBoolean(value);
      if (parsed === void 0) {
        return fail(name, `Input '${name}' must be a boolean, got '${value}'.`, `Valid values: ${BOOLEAN_SPELLINGS.join(", ")}.`);
      }
      result = parsed;
    }
    log(name, result);
    return result;
  }
  function numeric(name, options2, integer) {
    const value = raw(name);
    const kind = integer ? "an integer" : "a number";
    let result;
    if (value === "") result = options2.default;
    else {
      const pattern = integer ? /^[+-]?\d+$/ : /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
      if (!pattern.test(value)) fail(name, `Input '${name}' must be ${kind}, got '${value}'.`, rangeHint(options2));
      result = Number(value);
      if (!Number.isFinite(result) || integer && !Number.isSafeInteger(result)) {
        fail(name, `Input '${name}' is out of range: '${value}'.`, rangeHint(options2));
      }
      if (options2.min !== void 0 && result < options2.min) {
        fail(name, `Input '${name}' must be at least ${options2.min}, got ${value}.`, rangeHint(options2));
      }
      if (options2.max !== void 0 && result > options2.max) {
        fail(name, `Input '${name}' must be at most ${options2.max}, got ${value}.`, rangeHint(options2));
      }
    }
    log(name, result);
    return result;
  }
  function int(name, options2 = {}) {
    return numeric(name, options2, true);
  }
  function number(name, options2 = {}) {
    return numeric(name, options2, false);
  }
  function list(name) {
    const result = splitList(raw(name));
    log(name, result);
    return result;
  }
  function duration(name, options2 = {}) {
    const value = raw(name);
    let result;
    if (value === "") {
      result = typeof options2.default === "string" ? parseDuration(options2.default) : options2.default;
    } else {
      result = parseDuration(value);
      if (result === void 0) {
        fail(
          name,
          `Input '${name}' is not a valid duration: '${value}'.`,
          "Use a number of seconds (e.g. 90) or amounts with units ms, s, m, h, d (e.g. 500ms, 90s, 10m, 1h30m)."
        );
      }
      const n = result;
      if (options2.minInMs !== void 0 && n < options2.minInMs) {
        fail(name, `Input '${name}' must be at least ${formatDuration(options2.minInMs)}, got '${value}'.`);
      }
      if (options2.maxInMs !== void 0 && n > options2.maxInMs) {
        fail(name, `Input '${name}' must be at most ${formatDuration(options2.maxInMs)}, got '${value}'.`);
      }
    }
    log(name, result);
    return result;
  }
  function choice(name, values, defaultValue) {
    const value = raw(name);
    let result;
    if (value === "") result = defaultValue;
    else {
      result = values.find((v) => v === value) ?? values.find((v) => v.toLowerCase() === value.toLowerCase());
      if (result === void 0) {
        fail(name, `Input '${name}' must be one of ${values.join(", ")}; got '${value}'.`, `Valid values: ${values.join(", ")}.`);
      }
    }
    log(name, result);
    return result;
  }
  function json(name) {
    const value = raw(name);
    if (value === "") {
      log(name, void 0);
      return void 0;
    }
    try {
      const parsed = JSON.parse(value);
      debug2(`input ${name} = ${value.length > 500 ? `${value.slice(0, 500)}\u2026` : value}`);
      return parsed;
    } catch (e) {
      return fail(name, `Input '${name}' is not valid JSON: ${e.message}.`, void 0);
    }
  }
  function keyValues(name) {
    const result = {};
    const lines = raw(name).split(/\r?\n/);
    lines.forEach((line, index) => {
      const text = line.trim();
      if (text === "" || text.startsWith("#")) return;
      const eq = text.indexOf("=");
      const key = eq < 0 ? "" : text.slice(0, eq).trim();
      if (eq < 0 || key === "") {
        fail(name, `Input '${name}' line ${index + 1} is not a key=value pair: '${text}'.`, "Write one key=value per line, e.g. learning_rate=0.01.");
      }
      if (Object.prototype.hasOwnProperty.call(result, key)) {
        fail(name, `Input '${name}' sets '${key}' twice (line ${index + 1}).`);
      }
      result[key] = text.slice(eq + 1).trim();
    });
    log(name, result);
    return result;
  }
  return { required, optional, secret, boolean, int, number, list, duration, choice, json, keyValues };
}
var BOOLEAN_SPELLINGS = ["true", "True", "TRUE", "false", "False", "FALSE"];
function parseBoolean(text) {
  switch (text.trim()) {
    case "true":
    case "True":
    case "TRUE":
      return true;
    case "false":
    case "False":
    case "FALSE":
      return false;
    default:
      return void 0;
  }
}
function splitList(text) {
  return text.split(/[\r\n,]+/).map((s) => s.trim()).filter((s) => s !== "");
}
var UNIT_MS = { d: 864e5, h: 36e5, m: 6e4, s: 1e3, ms: 1 };
var UNIT_ORDER = ["d", "h", "m", "s", "ms"];
function parseDuration(text) {
  const value = text.trim().toLowerCase();
  if (value === "") return void 0;
  if (/^(\d+(\.\d*)?|\.\d+)$/.test(value)) return Math.round(Number(value) * 1e3);
  const part = /(\d+(?:\.\d*)?|\.\d+)\s*(ms|d|h|m|s)\s*/y;
  let total = 0;
  let lastUnit = -1;
  let index = 0;
  while (index < value.length) {
    part.lastIndex = index;
    const match = part.exec(value);
    if (!match) return void 0;
    const unitIndex = UNIT_ORDER.indexOf(match[2]);
    if (unitIndex <= lastUnit) return void 0;
    lastUnit = unitIndex;
    total += Number(match[1]) * UNIT_MS[match[2]];
    index = part.lastIndex;
  }
  return Number.isFinite(total) ? Math.round(total) : void 0;
}
function formatDuration(ms) {
  if (ms < 1e3) return `${Math.round(ms)}ms`;
  if (ms < 6e4) return `${Number((ms / 1e3).toFixed(1))}s`;
  let rest = Math.round(ms / 1e3);
  const parts = [];
  for (const [unit, size] of [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
    ["s", 1]
  ]) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join("");
}
function rangeHint(options) {
  if (options.min !== void 0 && options.max !== void 0) return `Use a value from ${options.min} to ${options.max}.`;
  if (options.min !== void 0) return `Use a value of at least ${options.min}.`;
  if (options.max !== void 0) return `Use a value of at most ${options.max}.`;
  return void 0;
}

// src/core/obj.ts
function isObj(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// src/core/state.ts
var actionsStateStore = {
  save: (name, value) => saveState(name, value),
  get: (name) => getState(name)
};
var STATE_VERSION = 1;
function jsonStateKey(name, check) {
  return {
    name,
    encode: (value) => JSON.stringify({ v: STATE_VERSION, value }),
    decode: (text) => {
      if (!text) return void 0;
      try {
        const parsed = JSON.parse(text);
        if (parsed?.v !== STATE_VERSION) return void 0;
        return check(parsed.value) ? parsed.value : void 0;
      } catch {
        return void 0;
      }
    }
  };
}
var isString = (v) => typeof v === "string" && v !== "";
var isTraffic = (v) => isObj(v) && Object.values(v).every((n) => typeof n === "number" && Number.isFinite(n));
function isWorkspaceState(v) {
  return isObj(v) && isString(v.subscriptionId) && isString(v.resourceGroup) && isString(v.workspaceName);
}
function isSubmittedJobState(v) {
  return isObj(v) && isWorkspaceState(v.workspace) && isString(v.jobName) && typeof v.settled === "boolean";
}
function isRolloutState(v) {
  return isObj(v) && isWorkspaceState(v.workspace) && isString(v.endpointName) && isTraffic(v.priorTraffic) && (v.priorMirrorTraffic === void 0 || isTraffic(v.priorMirrorTraffic)) && (v.deploymentName === void 0 || isString(v.deploymentName)) && typeof v.settled === "boolean";
}
function isFlowState(v) {
  return isObj(v) && isObj(v.forwarded) && Object.values(v.forwarded).every((inputs) => isObj(inputs) && Object.values(inputs).every((x) => typeof x === "string"));
}
var StateKeys = {
  isPost: "isPost",
  submittedJob: jsonStateKey("azureml-submitted-job", isSubmittedJobState),
  rollout: jsonStateKey("azureml-rollout", isRolloutState),
  flow: jsonStateKey("azureml-flow", isFlowState)
};
function createPostState(store = actionsStateStore) {
  const save = (key, value) => store.save(key.name, key.encode(value));
  const load = (key) => key.decode(store.get(key.name));
  return {
    markMain: () => store.save(StateKeys.isPost, "true"),
    isPost: () => store.get(StateKeys.isPost) === "true",
    save,
    load,
    clear: (key) => store.save(key.name, ""),
    saveSubmittedJob: (job) => save(StateKeys.submittedJob, job),
    loadSubmittedJob: () => load(StateKeys.submittedJob),
    saveRollout: (rollout) => save(StateKeys.rollout, rollout),
    loadRollout: () => load(StateKeys.rollout)
  };
}

// src/core/io.ts
function runnerIO(store = actionsStateStore) {
  return {
    info: (m) => info(m),
    debug: (m) => debug(m),
    notice: (m, p) => notice(m, p),
    warning: (m, p) => warning(m, p),
    error: (m, p) => error(m, p),
    group: (name, fn) => group(name, fn),
    setOutput: (n, v) => setOutput(n, v),
    appendSummary: async (markdown) => {
      if (!process.env.GITHUB_STEP_SUMMARY) return;
      await summary.addRaw(markdown, true).write();
    },
    setSecret: (s) => setSecret(s),
    markFailed: () => {
      process.exitCode = ExitCode.Failure;
    },
    state: createPostState(store)
  };
}
function stageIO(parent, outputs) {
  return {
    info: (m) => parent.info(m),
    debug: (m) => parent.debug(m),
    notice: (m, p) => parent.notice(m, p),
    warning: (m, p) => parent.warning(m, p),
    error: (m, p) => parent.error(m, p),
    group: (name, fn) => parent.group(name, fn),
    setOutput: (n, v) => void (outputs[n] = v),
    appendSummary: (markdown) => parent.appendSummary(markdown),
    setSecret: (s) => parent.setSecret(s),
    markFailed: () => parent.markFailed(),
    state: parent.state
  };
}

// src/core/runner.ts
async function runEntry(entry, io = runnerIO()) {
  const ctx = {
    source: actionsInputSource,
    reader: createInputReader(actionsInputSource, { debug: (m) => io.debug(m), setSecret: (s) => io.setSecret(s) }),
    io,
    env: process.env,
    abortSignal: cancellationSignal()
  };
  const { post } = entry;
  if (post && io.state.isPost()) {
    return runPost(entry.name, async () => void await post(ctx), { log: io });
  }
  return runAction(entry.name, async () => void await entry.main(ctx), { log: io, state: io.state });
}
async function runAction(name, main, options = {}) {
  const log = options.log ?? runnerIO();
  try {
    (options.state ?? createPostState()).markMain();
    await main();
    return "success";
  } catch (error2) {
    return report(name, error2, log, true);
  }
}
async function runPost(name, post, options = {}) {
  const log = options.log ?? runnerIO();
  try {
    await post();
    return "success";
  } catch (error2) {
    return report(`${name} (post)`, error2, log, options.failOnError ?? true);
  }
}
function report(name, error2, log, fail) {
  const kind = classifyError(error2);
  const where = errorLocation(error2);
  let message = formatError(error2);
  if (where.input && !where.file && !mentionsInput(message, where.input)) message = `Input '${where.input}': ${message}`;
  if (where.file && !message.includes(where.file)) {
    const position = [where.file, where.line, where.line ? where.column : void 0].filter((p) => p !== void 0);
    message = `${position.join(":")}: ${message}`;
  }
  message = redactSecrets(message);
  const properties = {
    title: kind === "user-error" ? `${name}: configuration error` : `${name} failed`
  };
  if (where.file) {
    properties.file = where.file;
    if (where.line) properties.startLine = where.line;
    if (where.line && where.column) properties.startColumn = where.column;
  }
  if (fail) {
    log.error(message, properties);
    log.markFailed();
  } else {
    log.warning(message, properties);
  }
  for (const line of describeForDebug(error2)) log.debug(redactSecrets(line));
  return kind;
}
function mentionsInput(message, input) {
  if (message.includes(`'${input}'`)) return true;
  if (!input.includes("-")) return false;
  const escaped = input.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^A-Za-z0-9-])${escaped}($|[^A-Za-z0-9-])`).test(message);
}
function describeForDebug(error2) {
  const lines = [];
  let current = error2;
  for (let depth = 0; current !== void 0 && current !== null && depth < 5; depth++) {
    const prefix = depth === 0 ? "" : "Caused by: ";
    if (current instanceof Error) {
      lines.push(prefix + (current.stack ?? `${current.name}: ${current.message}`));
      current = current.cause;
    } else {
      lines.push(prefix + String(current));
      break;
    }
  }
  return lines;
}
function cancellationSignal(target = process) {
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"]) {
    target.once(signal, () => controller.abort(new Error(`received ${signal}: the workflow was cancelled`)));
  }
  return controller.signal;
}

// src/core/workflow-run.ts
function readEvent(path) {
  if (!path || !existsSync2(path)) return {};
  try {
    const v = JSON.parse(readFileSync(path, "utf8"));
    return typeof v === "object" && v !== null ? v : {};
  } catch {
    return {};
  }
}
function prNumberOf(event) {
  const valid = (n) => typeof n === "number" && Number.isSafeInteger(n) && n > 0;
  const pr = event.pull_request;
  if (valid(pr?.number)) return pr.number;
  const wr = event.workflow_run;
  const first = Array.isArray(wr?.pull_requests) ? wr.pull_requests[0] : void 0;
  if (valid(first?.number)) return first.number;
  const issue2 = event.issue;
  if (issue2?.pull_request && valid(issue2.number)) return issue2.number;
  return void 0;
}
function readWorkflowRun(env = process.env) {
  const serverUrl = env.GITHUB_SERVER_URL ?? "https://github.com";
  const repository = env.GITHUB_REPOSITORY ?? "local/repository";
  const runId = env.GITHUB_RUN_ID ?? "local";
  const event = readEvent(env.GITHUB_EVENT_PATH);
  return {
    repository,
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? "1",
    runNumber: env.GITHUB_RUN_NUMBER,
    sha: env.GITHUB_SHA,
    ref: env.GITHUB_REF,
    workflow: env.GITHUB_WORKFLOW,
    job: env.GITHUB_JOB,
    eventName: env.GITHUB_EVENT_NAME,
    serverUrl,
    runUrl: env.GITHUB_RUN_ID ? `${serverUrl}/${repository}/actions/runs/${runId}` : void 0,
    prNumber: prNumberOf(event),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    runnerTemp: env.RUNNER_TEMP,
    event
  };
}
function lineageTags(run) {
  const tags = {
    "github.repository": run.repository,
    "github.run_id": run.runId,
    "github.run_attempt": run.runAttempt
  };
  if (run.sha) tags["github.commit"] = run.sha;
  if (run.ref) tags["github.ref"] = run.ref;
  if (run.runUrl) tags["github.run_url"] = run.runUrl;
  if (run.workflow) tags["github.workflow"] = run.workflow;
  if (run.prNumber !== void 0) tags["github.pr"] = String(run.prNumber);
  return tags;
}

// src/core/escape.ts
var ZWSP = "&#8203;";
var ENTITIES = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
  "*": "&#42;",
  _: "&#95;",
  "[": "&#91;",
  "]": "&#93;",
  "(": "&#40;",
  ")": "&#41;",
  "|": "&#124;",
  "\\": "&#92;",
  "~": "&#126;",
  "!": "&#33;",
  $: "&#36;",
  // followed by a zero-width space: mentions, e-mail autolinks
  "@": `&#64;${ZWSP}`
};
var INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/g;
var LINE_BREAKS = /[\r\n\t\u2028\u2029\u0085]+/g;
function cleanText(text) {
  return String(text ?? "").replace(LINE_BREAKS, " ").replace(INVISIBLE, "");
}
function truncateText(text, max) {
  if (max <= 0) return "";
  const points = [...text];
  if (points.length <= max) return text;
  return points.slice(0, Math.max(0, max - 1)).join("") + "\u2026";
}
function escapeText(text, maxLength) {
  let s = cleanText(text);
  if (maxLength !== void 0) s = truncateText(s, maxLength);
  return s.replace(/[&<>"'`*_[\]()|\\~!$@#]|:(?=\/\/)|\bwww\.|\bGH-(?=\d)/gi, (m, offset, all) => {
    if (m === "#") {
      return /\d/.test(all.charAt(offset + 1)) ? `&#35;${ZWSP}` : "&#35;";
    }
    if (m === ":") return `&#58;${ZWSP}`;
    if (m.length === 4 && m.endsWith(".")) return `${m.slice(0, 3)}${ZWSP}.`;
    if (m.length === 3) return `${m}${ZWSP}`;
    return ENTITIES[m];
  });
}
function code(text, maxLength = 200) {
  return `<code>${escapeText(text, maxLength)}</code>`;
}
function safeUrl(url) {
  if (typeof url !== "string" || url.trim() === "" || url.length > 4e3) return void 0;
  let parsed;
  try {
    parsed = new URL(url.trim());
  } catch {
    return void 0;
  }
  if (parsed.username || parsed.password) return void 0;
  const loopback = parsed.hostname === "localhost" || parsed.hostname === "127.0.0.1" || parsed.hostname === "[::1]";
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && loopback)) return void 0;
  return parsed.href.replace(/[()<>"'`\s\\|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}
function htmlTable(header, rows) {
  const row = (cells, tag) => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join("")}</tr>`;
  return `<table>${row(header, "th")}${rows.map((r) => row(r, "td")).join("")}</table>`;
}
function link(textHtml, url) {
  const href = safeUrl(url);
  return href ? `<a href="${href.replace(/&/g, "&amp;")}">${textHtml}</a>` : textHtml;
}
function mermaidLabel(text, maxLength = 60) {
  const s = cleanText(text).replace(/[^\p{L}\p{N} ._\-/+=:%,]/gu, " ").replace(/%{2,}/g, "%").replace(/\s+/g, " ").trim();
  return truncateText(s, maxLength) || "?";
}
function fencedBlock(content, info2 = "") {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${info2}
${content}
${fence}`;
}

// src/core/ledger.ts
function ledgerPath(env = process.env) {
  const dir = env.RUNNER_TEMP;
  return dir ? join(dir, "azureml-actions", "ledger.jsonl") : void 0;
}
function appendLedger(entry, env = process.env, now = () => /* @__PURE__ */ new Date()) {
  const path = ledgerPath(env);
  if (!path) return;
  mkdirSync(join(path, ".."), { recursive: true });
  appendFileSync2(path, JSON.stringify({ ...entry, at: entry.at ?? now().toISOString() }) + "\n");
}
function readLedger(env = process.env) {
  const path = ledgerPath(env);
  if (!path || !existsSync3(path)) return [];
  const out = [];
  for (const line of readFileSync2(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (isObj(entry) && typeof entry.kind === "string") out.push(entry);
  }
  return out;
}

export {
  ConfigurationError,
  isUserError,
  errorLocation,
  errorMessage,
  assertNever,
  getProxyUrl,
  setSecret,
  info,
  getIDToken,
  recordInputSource,
  createInputReader,
  parseDuration,
  formatDuration,
  isObj,
  StateKeys,
  stageIO,
  runEntry,
  readWorkflowRun,
  lineageTags,
  cleanText,
  truncateText,
  escapeText,
  code,
  safeUrl,
  htmlTable,
  link,
  mermaidLabel,
  fencedBlock,
  appendLedger,
  readLedger
};
