const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
const { createHash } = require("node:crypto");
const { createReadStream } = require("node:fs");
const { mkdir, readdir, stat } = require("node:fs/promises");
const { dirname, join, relative, resolve, sep } = require("node:path");
const { createHash: createHash2 } = require("node:crypto");
const { existsSync, readFileSync } = require("node:fs");
const { open, readdir: readdir2, stat: stat2 } = require("node:fs/promises");
const { basename, join: join2, relative: relative2, sep: sep2 } = require("node:path");
import {
  mapWithConcurrency
} from "./azure.concurrency.js";
import {
  armPath
} from "./azure.arm.js";
import {
  withAzureOperation
} from "./azure.errors.js";
import {
  isObj
} from "./core.obj.js";
import {
  setSecret
} from "./actions.js";
import {
  ConfigurationError
} from "./core.errors.js";
import {
  __commonJS,
  __toESM
} from "./esbuild-runtime.js";

// node_modules/ignore/index.js
var require_ignore = __commonJS({
  "node_modules/ignore/index.js"(exports, module) {
    function makeArray(subject) {
      return Array.isArray(subject) ? subject : [subject];
    }
    var UNDEFINED = void 0;
    var EMPTY = "";
    var SPACE = " ";
    var ESCAPE = "\\";
    var REGEX_LITERAL_SPECIAL = /[.*+?()[\]{}^$|\\/]/;
    var BOM = "\uFEFF";
    var REGEX_ANCHORED_GLOBSTAR = /^\/\*{2,}$/;
    var REGEX_REPLACE_LEADING_EXCAPED_EXCLAMATION = /^\\!/;
    var REGEX_REPLACE_LEADING_EXCAPED_HASH = /^\\#/;
    var REGEX_SPLITALL_CRLF = /\r?\n/g;
    var DOUBLE_SLASH = "//";
    var SLASH_CODE = 47;
    var DOT_CODE = 46;
    var SLASH = "/";
    var TMP_KEY_IGNORE = "node-ignore";
    if (typeof Symbol !== "undefined") {
      TMP_KEY_IGNORE = /* @__PURE__ */ Symbol.for("node-ignore");
    }
    var KEY_IGNORE = TMP_KEY_IGNORE;
    var define = (object, key, value) => {
      Object.defineProperty(object, key, { value });
      return value;
    };
    var RETURN_FALSE = () => false;
    var POSIX_CLASSES = {
      alnum: "0-9A-Za-z",
      alpha: "A-Za-z",
      blank: " \\t",
      cntrl: "\\x00-\\x1f\\x7f",
      digit: "0-9",
      graph: "!-.0-~",
      lower: "a-z",
      print: " -.0-~",
      punct: "!-.:-@\\[-`{-~",
      // git's `sane-ctype.h` classifies \v and \f as control, not space,
      //   unlike C's `isspace`
      space: " \\t\\n\\r",
      upper: "A-Z",
      xdigit: "0-9A-Fa-f"
    };
    var CLASS_MEMBERS_TO_ESCAPE = "\\]^-[";
    var escapeMember = (char) => CLASS_MEMBERS_TO_ESCAPE.indexOf(char) < 0 ? char : ESCAPE + char;
    var NON_SLASH = "(?!\\/)";
    var classSource = (negated, body) => {
      if (negated) {
        return `[^\\/${body}]`;
      }
      const source = `[${body}]`;
      return new RegExp(source).test("/") ? NON_SLASH + source : source;
    };
    var scanBracket = (pattern, start) => {
      const { length } = pattern;
      let index = start + 1;
      let negated = EMPTY;
      const lead = pattern[index];
      if (lead === "!" || lead === "^") {
        negated = "^";
        index++;
      }
      let body = EMPTY;
      let prev = EMPTY;
      for (; ; ) {
        const char = pattern[index];
        if (char === UNDEFINED) {
          return null;
        }
        if (char === ESCAPE) {
          const escaped = pattern[++index];
          body += escapeMember(escaped);
          prev = escaped;
        } else if (char === "-" && prev && index + 1 < length && pattern[index + 1] !== "]") {
          index++;
          let to = pattern[index];
          if (to === ESCAPE) {
            to = pattern[index += 1];
          }
          if (prev <= to) {
            body += `-${escapeMember(to)}`;
          }
          prev = EMPTY;
        } else if (char === "[" && pattern[index + 1] === ":") {
          const nameStart = index + 2;
          let end = nameStart;
          while (end < length && pattern[end] !== "]") {
            end++;
          }
          if (end === length) {
            return null;
          }
          if (end > nameStart && pattern[end - 1] === ":") {
            const name = pattern.slice(nameStart, end - 1);
            if (!Object.prototype.hasOwnProperty.call(POSIX_CLASSES, name)) {
              return null;
            }
            body += POSIX_CLASSES[name];
            prev = EMPTY;
            index = end;
          } else {
            body += escapeMember("[");
            prev = "[";
            index = nameStart - 2;
          }
        } else {
          body += escapeMember(char);
          prev = char;
        }
        index++;
        if (pattern[index] === "]") {
          return {
            end: index,
            source: classSource(negated, body)
          };
        }
      }
    };
    var NEVER_MATCH = "[]";
    var PLACEHOLDER = "\0";
    var REGEX_RESTORE_PLACEHOLDER = new RegExp(
      `${PLACEHOLDER}(\\d+)${PLACEHOLDER}`,
      "g"
    );
    var TRAILING_WILDCARD = "\uE000";
    var TRAILING_DOUBLESTAR = "\uE001";
    var isReserved = (char) => char === PLACEHOLDER || char === TRAILING_WILDCARD || char === TRAILING_DOUBLESTAR;
    var extractBrackets = (pattern) => {
      const sources = [];
      const hold = (source) => `${PLACEHOLDER}${sources.push(source) - 1}${PLACEHOLDER}`;
      const { length } = pattern;
      let out = EMPTY;
      let index = 0;
      while (index < length) {
        const char = pattern[index];
        if (char === ESCAPE) {
          const escaped = pattern[index + 1];
          if (escaped === SLASH && index + 2 === length) {
            out += hold(NEVER_MATCH);
          } else if (escaped === "*" || escaped === "[" || escaped === SPACE) {
            out += pattern.slice(index, index + 2);
          } else {
            out += hold(
              REGEX_LITERAL_SPECIAL.test(escaped) ? ESCAPE + escaped : isReserved(escaped) ? `[${escaped}]` : escaped
            );
          }
          index += 2;
        } else if (isReserved(char)) {
          out += hold(`[${char}]`);
          index++;
        } else if (char === "[") {
          const scanned = scanBracket(pattern, index);
          if (scanned === null) {
            out += hold(NEVER_MATCH);
            index = length;
          } else {
            out += hold(scanned.source);
            index = scanned.end + 1;
          }
        } else {
          out += char;
          index++;
        }
      }
      return {
        source: out,
        sources
      };
    };
    var DIRECT = null;
    var REGEX_INNER_SLASH = /\/(?!$)/;
    var WILDCARD = "[^\\/]*";
    var REPLACERS = [
      // Replace (\ ) with ' '
      // Only a space: an escaped tab or other whitespace is already a literal by
      //   the time it reaches here, and a bare tab must be left as one, not turned
      //   into a space.
      // (\ ) -> ' '
      // (\\ ) -> '\\ '
      // (\\\ ) -> '\\ '
      [
        // A run of backslashes is taken whole, from its first one, so no match
        //   ever starts again inside it -- `(\\+?) ` did, which made a long run
        //   quadratic.
        /(\\+)( ?)/g,
        (_, run, space) => space ? run.slice(0, run.length - run.length % 2) + SPACE : run,
        ESCAPE + SPACE
      ],
      // git's wildmatch() reads a run of two or more asterisks as one globstar
      //   whenever the run fills a path segment: it starts the pattern or follows
      //   a `/`, and it ends the pattern or comes before a `/`. A run of two is
      //   already `**`; a longer one is folded into `**` here, so the steps
      //   below only ever have to know `**`.
      // `***/foo` -> `**/foo`, `a/***/b` -> `a/**/b`, `a/***` -> `a/**`
      // git also takes a run beside a literal prefix (`a***/b`) or beside an
      //   escaped slash (`***\/b`) as a globstar, and this does not; the README
      //   lists both, under "A run of asterisks".
      [
        /(^|\/)\*{3,}(?=\/|$)/g,
        (_, start) => `${start}**`,
        "*"
      ],
      // Escape metacharacters
      // which is written down by users but means special for regular expressions.
      // > There are 12 characters with special meanings:
      // > - the backslash \,
      // > - the caret ^,
      // > - the dollar sign $,
      // > - the period or dot .,
      // > - the vertical bar or pipe symbol |,
      // > - the question mark ?,
      // > - the asterisk or star *,
      // > - the plus sign +,
      // > - the opening parenthesis (,
      // > - the closing parenthesis ),
      // > - and the opening square bracket [,
      // > - the opening curly brace {,
      // > These special characters are often called "metacharacters".
      [
        /[\\$.|*+(){^]/g,
        (match) => `\\${match}`
      ],
      [
        // > a question mark (?) matches a single character
        /(?!\\)\?/g,
        () => "[^/]",
        "?"
      ],
      // leading slash
      [
        // > A leading slash matches the beginning of the pathname.
        // > For example, "/*.c" matches "cat-file.c" but not "mozilla-sha1/sha1.c".
        // A leading slash matches the beginning of the pathname
        /^\//,
        () => "^",
        SLASH
      ],
      // replace special metacharacter slash after the leading slash
      [
        /\//g,
        () => "\\/",
        SLASH
      ],
      [
        // > A leading "**" followed by a slash means match in all directories.
        // > For example, "**/foo" matches file or directory "foo" anywhere,
        // > the same as pattern "foo".
        // > "**/foo/bar" matches file or directory "bar" anywhere that is directly
        // >   under directory "foo".
        // Notice that the '*'s have been replaced as '\\*'
        /^\^*(?:\\\*\\\*\\\/)+/,
        // '**/foo' <-> 'foo'
        () => "(?:^|\\/)",
        "*"
      ],
      // starting
      [
        // there will be no leading '/'
        //   (which has been replaced by section "leading slash")
        // If starts with '**', adding a '^' to the regular expression also works
        DIRECT,
        (source, pattern) => {
          if (!source || source[0] === "^" || source[0] === "(") {
            return source;
          }
          const anchor = !REGEX_INNER_SLASH.test(pattern) ? "(?:^|\\/)" : "^";
          return anchor + source;
        }
      ],
      // two globstars
      [
        // Use lookahead assertions so that we could match more than one `'/**'`
        /\\\/\\\*\\\*(?=\\\/|$)/g,
        // Zero, one or several directories
        // should not use '*', or it will be replaced by the next replacer
        // Check if it is not the last `'/**'`
        (_, index, str) => index + 6 < str.length ? str.slice(index + 6) === "\\/" ? "(?:\\/[^\\/]+)+" : "(?:\\/[^\\/]+)*" : `\\/${TRAILING_DOUBLESTAR}`,
        "*"
      ],
      // normal intermediate wildcards
      [
        // Never replace escaped '*'
        // ignore rule '\*' will match the path '*'
        // 'abc.*/' -> go
        // 'abc.*'  -> skip this rule,
        //    coz trailing single wildcard will be handed by [trailing wildcard]
        /(^|[^\\])(?:\\\*)+(?!$)/g,
        // '*.js' matches '.js'
        // '*.js' doesn't match 'abc'
        // 1. An asterisk "*" matches anything except a slash.
        // 2. Other consecutive asterisks are considered regular asterisks
        //    and collapse into one non-slash wildcard run.
        (_, p1) => p1 + WILDCARD,
        "*"
      ],
      // trailing wildcard, held apart from a literal star
      [
        // The step above leaves a trailing `*` alone, so a single `\*` is all that
        //   can be left at the end here, and what stands in front of it says which
        //   kind it is. A wildcard arrives as the escaper wrote it, `\*` with
        //   nothing before it; a literal arrives as the user's own escape, which
        //   the escaper doubled, and then the star's own -- `\\` and then `\*`.
        //   There is no third case: every backslash still reaching the chain is
        //   one `\*`, `\[` or `\ ` carries itself, and each is followed by its
        //   own character, so a longer run can never form. This runs while the
        //   two are still distinct, before the unescape steps below collapse the
        //   literal onto the very `\*` a wildcard leaves behind.
        /(^|[^\\])((?:\\\\)*)\\\*$/,
        (match, p1, p2) => p2 === EMPTY ? p1 + TRAILING_WILDCARD : match,
        "*"
      ],
      [
        // unescape, revert step 3 except for back slash
        // For example, if a user escape a '\\*',
        // after step 3, the result will be '\\\\\\*'
        /\\\\\\(?=[$.|*+(){^])/g,
        () => ESCAPE,
        ESCAPE + ESCAPE
      ],
      [
        // '\\\\' -> '\\'
        /\\\\/g,
        () => ESCAPE,
        ESCAPE + ESCAPE
      ],
      [
        // Every real bracket expression -- POSIX classes included -- has already
        //   been held aside by `extractBrackets`, so the only `[` left in the
        //   pattern is an escaped, literal one.
        // A backslash could only stand at the end of the range if it quoted the
        //   `]`, and `\]` is held aside long before this.
        /\\\[([^\]/]*?)($|\])/g,
        // '\\[bar]' -> '\\\\[bar]'
        (match, range, close) => `\\[${range}${close}`,
        "["
      ],
      // ending
      [
        // 'js' will not match 'js.'
        // 'ab' will not match 'abc'
        DIRECT,
        // WTF!
        // https://git-scm.com/docs/gitignore
        // changes in [2.22.1](https://git-scm.com/docs/gitignore/2.22.1)
        // which re-fixes #24, #38
        // > If there is a separator at the end of the pattern then the pattern
        // > will only match directories, otherwise the pattern can match both
        // > files and directories.
        // 'js*' will not match 'a.js'
        // 'js/' will not match 'a.js'
        // 'js' will match 'a.js' and 'a.js/'
        (source) => {
          const last = source[source.length - 1];
          if (!last || last === TRAILING_WILDCARD || last === TRAILING_DOUBLESTAR) {
            return source;
          }
          return last === SLASH ? `${source}$` : `${source}(?=$|\\/$)`;
        }
      ]
    ];
    var REGEX_REPLACE_TRAILING_WILDCARD = /(^|\\\/)?\uE000$/;
    var MODE_IGNORE = "regex";
    var MODE_CHECK_IGNORE = "checkRegex";
    var UNDERSCORE = "_";
    var replaceTrailingWildcard = (_, p1) => {
      const prefix = p1 ? `${p1}[^/]+` : "[^/]*";
      return `${prefix}(?=$|\\/$)`;
    };
    var REGEX_REPLACE_TRAILING_DOUBLESTAR = /\uE001$/;
    var replaceTrailingDoublestar = () => "[\\s\\S]";
    var separatorAfter = (run, at) => {
      let separator = EMPTY;
      for (let index = at + 1; index < run.length && !run[index].wildcard; index++) {
        separator += run[index].single;
      }
      return separator;
    };
    var pinWildcards = (source) => {
      if (source.indexOf(WILDCARD) < 0) {
        return source;
      }
      const tokens = [];
      const { length } = source;
      let index = 0;
      while (index < length) {
        const char = source[index];
        if (source.startsWith(WILDCARD, index)) {
          tokens.push({ wildcard: true });
          index += WILDCARD.length;
        } else if (char === "[") {
          let end = index + 1;
          if (source[end] === "^") {
            end++;
          }
          if (source[end] === "]") {
            end++;
          }
          while (end < length && source[end] !== "]") {
            end += source[end] === ESCAPE ? 2 : 1;
          }
          end++;
          tokens.push({ single: source.slice(index, end) });
          index = end;
        } else if (char === ESCAPE) {
          tokens.push({ single: source.slice(index, index + 2) });
          index += 2;
        } else if (char === "(") {
          let depth = 0;
          let end = index;
          do {
            if (source[end] === ESCAPE) {
              end++;
            } else if (source[end] === "(") {
              depth++;
            } else if (source[end] === ")") {
              depth--;
            }
            end++;
          } while (end < length && depth > 0);
          if ("*+?".indexOf(source[end]) >= 0) {
            end++;
          }
          tokens.push({ boundary: source.slice(index, end) });
          index = end;
        } else if (char === "^" || char === "$") {
          tokens.push({ boundary: char });
          index++;
        } else {
          tokens.push({ single: char });
          index++;
        }
      }
      let out = EMPTY;
      let run = [];
      const flush = () => {
        let lastWildcard;
        run.forEach((token, at) => {
          if (token.wildcard) {
            lastWildcard = at;
          }
        });
        run.forEach((token, at) => {
          if (!token.wildcard) {
            out += token.single;
            return;
          }
          out += at === lastWildcard ? WILDCARD : `(?:(?!${separatorAfter(run, at)})[^\\/])*`;
        });
        run = [];
      };
      tokens.forEach((token) => {
        if (token.boundary === void 0) {
          run.push(token);
          return;
        }
        flush();
        out += token.boundary;
      });
      flush();
      return out;
    };
    var makeRegexPrefix = (pattern) => {
      if (REGEX_ANCHORED_GLOBSTAR.test(pattern)) {
        pattern = "**";
      }
      const { source, sources } = extractBrackets(pattern);
      const replaced = REPLACERS.reduce(
        // A pass whose matcher finds nothing hands back the very string it was
        //   given, so asking first costs a search and saves a rewrite. Ten of the
        //   fifteen passes never fire for a typical .gitignore line, and between
        //   them they were 45% of this chain.
        (prev, [matcher, replacer, required]) => {
          if (matcher === DIRECT) {
            return replacer(prev, pattern);
          }
          if (required !== UNDEFINED && prev.indexOf(required) < 0) {
            return prev;
          }
          return matcher.test(prev) ? prev.replace(matcher, replacer.bind(pattern)) : prev;
        },
        source
      );
      return sources.length ? replaced.replace(
        REGEX_RESTORE_PLACEHOLDER,
        (match, index) => sources[index]
      ) : replaced;
    };
    var checkSourceOf = (body, prefix) => {
      if (body[body.length - 1] === SLASH) {
        prefix = makeRegexPrefix(body.slice(0, -1));
      }
      const head = prefix.slice(0, -1);
      const last = prefix[prefix.length - 1];
      return last === TRAILING_WILDCARD ? `${head}$` : last === TRAILING_DOUBLESTAR ? head : NEVER_MATCH;
    };
    var matchesBasename = (body) => {
      const index = body.indexOf(SLASH);
      return index < 0 || index === body.length - 1;
    };
    var basenameOf = (path) => {
      const end = path.length - 1;
      const index = path.lastIndexOf(
        SLASH,
        path[end] === SLASH ? end - 1 : end
      );
      return index < 0 ? path : path.slice(index + 1);
    };
    var parentOf = (path) => {
      if (path.charCodeAt(0) === SLASH_CODE || path.indexOf(DOUBLE_SLASH) >= 0) {
        const slices = path.split(SLASH).filter(Boolean);
        slices.pop();
        return slices.length ? slices.join(SLASH) + SLASH : EMPTY;
      }
      const end = path.length - 1;
      const cut = path.lastIndexOf(
        SLASH,
        path.charCodeAt(end) === SLASH_CODE ? end - 1 : end
      );
      return cut < 0 ? EMPTY : path.slice(0, cut + 1);
    };
    var isString = (subject) => typeof subject === "string";
    var checkPattern = (pattern) => pattern && isString(pattern);
    var splitPattern = (pattern) => (pattern[pattern.length - 1] === "\r" ? pattern.slice(0, -1) : pattern).split(REGEX_SPLITALL_CRLF).filter(Boolean);
    var IgnoreRule = class {
      constructor(pattern, mark, body, ignoreCase, negative, prefix) {
        this.pattern = pattern;
        this.mark = mark;
        this.negative = negative;
        define(this, "body", body);
        define(this, "ignoreCase", ignoreCase);
        define(this, "regexPrefix", prefix);
      }
      // Worked out on first use and kept behind an own property, the way `regex`
      //   caches itself in `_regex`. Deciding it in the constructor instead would
      //   add a fourth `defineProperty` to every rule ever built, which cost 4% of
      //   every compile -- including the compiles of rules that are never matched
      //   against anything.
      get _basenameOnly() {
        return define(this, "_basenameOnly", matchesBasename(this.body));
      }
      get regex() {
        const key = UNDERSCORE + MODE_IGNORE;
        if (this[key]) {
          return this[key];
        }
        return this._make(MODE_IGNORE, key);
      }
      get checkRegex() {
        const key = UNDERSCORE + MODE_CHECK_IGNORE;
        if (this[key]) {
          return this[key];
        }
        return this._make(MODE_CHECK_IGNORE, key);
      }
      _make(mode, key) {
        const str = pinWildcards(
          mode === MODE_IGNORE ? this.regexPrefix.replace(REGEX_REPLACE_TRAILING_WILDCARD, replaceTrailingWildcard).replace(REGEX_REPLACE_TRAILING_DOUBLESTAR, replaceTrailingDoublestar) : checkSourceOf(this.body, this.regexPrefix)
        );
        const regex = this.ignoreCase ? new RegExp(str, "i") : new RegExp(str);
        return define(this, key, regex);
      }
    };
    var hasTrailingBackslash = (str) => {
      let count = 0;
      while (str[str.length - count - 1] === ESCAPE) {
        count++;
      }
      return count % 2 === 1;
    };
    var trimEnd = (body, stripLineEnd) => {
      let lineEnd = body.length;
      let end;
      for (; ; ) {
        if (stripLineEnd && body[lineEnd - 1] === "\r") {
          lineEnd--;
        }
        end = lineEnd;
        while (body[end - 1] === SPACE) {
          end--;
        }
        if (!stripLineEnd || body[end - 1] !== "\n") {
          break;
        }
        lineEnd = end - 1;
      }
      if (end === lineEnd) {
        return body.slice(0, lineEnd);
      }
      let backslashes = 0;
      while (body[end - backslashes - 1] === ESCAPE) {
        backslashes++;
      }
      return backslashes % 2 ? body.slice(0, end - 1) + SPACE : body.slice(0, end);
    };
    var createRule = (pattern, mark, ignoreCase, stripLineEnd, stripBOM) => {
      let body = stripBOM && pattern[0] === BOM ? pattern.slice(1) : pattern;
      if (body[0] === "#") {
        return;
      }
      let negative = false;
      if (body[0] === "!") {
        negative = true;
        body = body.slice(1);
      }
      const last = body[body.length - 1];
      if (last === SPACE || stripLineEnd && (last === "\r" || last === "\n")) {
        body = trimEnd(body, stripLineEnd);
      }
      if (!body || hasTrailingBackslash(body)) {
        return;
      }
      body = body.replace(REGEX_REPLACE_LEADING_EXCAPED_EXCLAMATION, "!").replace(REGEX_REPLACE_LEADING_EXCAPED_HASH, "#");
      const regexPrefix = makeRegexPrefix(body);
      return new IgnoreRule(
        pattern,
        mark,
        body,
        ignoreCase,
        negative,
        regexPrefix
      );
    };
    var RuleManager = class {
      constructor(ignoreCase) {
        this._ignoreCase = ignoreCase;
        this._rules = [];
        this._basenameCount = 0;
      }
      _add(pattern, index) {
        if (pattern && pattern[KEY_IGNORE]) {
          this._rules = this._rules.concat(pattern._rules._rules);
          this._basenameCount += pattern._rules._basenameCount;
          this._added = true;
          return;
        }
        const isStr = isString(pattern);
        const raw = isStr ? pattern : pattern.pattern;
        const rule = checkPattern(raw) && createRule(
          raw,
          isStr ? UNDEFINED : pattern.mark,
          this._ignoreCase,
          !this._split,
          this._stripBOM && !index
        );
        if (rule) {
          this._added = true;
          this._rules.push(rule);
          if (matchesBasename(rule.body)) {
            this._basenameCount++;
          }
        }
      }
      // @param {Array<string> | string | Ignore} pattern
      add(pattern) {
        this._added = false;
        this._split = isString(pattern);
        this._stripBOM = !this._split || pattern[0] === BOM;
        makeArray(
          this._split ? splitPattern(pattern) : pattern
        ).forEach(this._add, this);
        if (this._added) {
          this._literalRules = UNDEFINED;
        }
        return this._added;
      }
      // Match the literal 'abc/' for `checkIgnore`, last rule wins. Only a rule
      //   ending in a wildcard can match it (see `checkSourceOf`), so the rest
      //   are left out once, rather than tested or compiled for every path.
      testLiteral(path) {
        const rules = this._literalRules || (this._literalRules = this._rules.filter(
          ({ body }) => body[body.length - (body[body.length - 1] === SLASH ? 2 : 1)] === "*"
        ));
        let ignored = false;
        let unignored = false;
        let matchedRule;
        for (let index = rules.length - 1; index >= 0; index--) {
          const rule = rules[index];
          if (rule.checkRegex.test(path)) {
            ignored = !rule.negative;
            unignored = rule.negative;
            matchedRule = rule.negative ? UNDEFINED : rule;
            break;
          }
        }
        const ret = {
          ignored,
          unignored
        };
        if (matchedRule) {
          ret.rule = matchedRule;
        }
        return ret;
      }
      // Test one single path without recursively checking parent directories
      //
      // - mode `string` either `MODE_IGNORE` or `MODE_CHECK_IGNORE`
      // @returns {TestResult}
      test(path, mode) {
        const rules = this._rules;
        const { length } = rules;
        const shortcut = this._basenameCount * 2 >= length;
        const basename2 = shortcut ? basenameOf(path) : path;
        for (let index = length - 1; index >= 0; index--) {
          const rule = rules[index];
          if (rule[mode].test(
            shortcut && rule._basenameOnly ? basename2 : path
          )) {
            const { negative } = rule;
            const ret = {
              ignored: !negative,
              unignored: negative
            };
            if (!negative) {
              ret.rule = rule;
            }
            return ret;
          }
        }
        return {
          ignored: false,
          unignored: false
        };
      }
    };
    var throwError = (message, Ctor) => {
      throw new Ctor(message);
    };
    var checkPath = (path, originalPath, doThrow) => {
      if (!isString(path)) {
        return doThrow(
          `path must be a string, but got \`${originalPath}\``,
          TypeError
        );
      }
      if (!path) {
        return doThrow(`path must not be empty`, TypeError);
      }
      if (checkPath.isNotRelative(path)) {
        const r = "`path.relative()`d";
        return doThrow(
          `path should be a ${r} string, but got "${originalPath}"`,
          RangeError
        );
      }
      return true;
    };
    var isNotRelative = (path) => {
      const first = path.charCodeAt(0);
      if (first === SLASH_CODE) {
        return true;
      }
      if (first !== DOT_CODE) {
        return false;
      }
      if (path.length === 1) {
        return true;
      }
      const second = path.charCodeAt(1);
      if (second === SLASH_CODE) {
        return true;
      }
      if (second !== DOT_CODE) {
        return false;
      }
      return path.length === 2 || path.charCodeAt(2) === SLASH_CODE;
    };
    checkPath.isNotRelative = isNotRelative;
    checkPath.convert = (p) => p;
    var convertPath = (target) => isString(target) && checkPath.convert(target);
    var Ignore = class {
      constructor({
        ignorecase = true,
        ignoreCase = ignorecase,
        allowRelativePaths = false
      } = {}) {
        define(this, KEY_IGNORE, true);
        this._rules = new RuleManager(ignoreCase);
        this._strictPathCheck = !allowRelativePaths;
        this._initCache();
      }
      _initCache() {
        this._ignoreCache = /* @__PURE__ */ Object.create(null);
        this._testCache = /* @__PURE__ */ Object.create(null);
      }
      add(pattern) {
        if (this._rules.add(pattern)) {
          this._initCache();
        }
        return this;
      }
      // legacy
      addPattern(pattern) {
        return this.add(pattern);
      }
      // @returns {TestResult}
      _test(originalPath, cache, path) {
        checkPath(
          path,
          originalPath,
          this._strictPathCheck ? throwError : RETURN_FALSE
        );
        return path ? this._t(path, cache) : {
          ignored: false,
          unignored: false
        };
      }
      checkIgnore(target) {
        const path = convertPath(target);
        if (!path || path.charCodeAt(path.length - 1) !== SLASH_CODE) {
          return this._test(target, this._testCache, path);
        }
        const dir = this._t(path, this._testCache);
        if (dir.ignored) {
          return dir;
        }
        const literal = this._rules.testLiteral(path);
        return literal.ignored || literal.unignored ? literal : dir;
      }
      _t(path, cache) {
        if (path in cache) {
          return cache[path];
        }
        const parentPath = parentOf(path);
        const parent = parentPath ? this._t(parentPath, cache) : UNDEFINED;
        return cache[path] = parent && parent.ignored ? parent : this._rules.test(path, MODE_IGNORE);
      }
      ignores(path) {
        return this._test(path, this._ignoreCache, convertPath(path)).ignored;
      }
      createFilter() {
        return (path) => !this.ignores(path);
      }
      filter(paths) {
        return makeArray(paths).filter(this.createFilter());
      }
      // @returns {TestResult}
      test(path) {
        return this._test(path, this._testCache, convertPath(path));
      }
    };
    var factory = (options) => new Ignore(options);
    var isPathValid = (path) => checkPath(convertPath(path), path, RETURN_FALSE);
    var setupWindows = () => {
      const makePosix = (str) => /^\\\\\?\\/.test(str) || /["<>|\u0000-\u001F]+/u.test(str) ? str : str.replace(/\\/g, "/");
      checkPath.convert = makePosix;
      const REGEX_TEST_WINDOWS_PATH_ABSOLUTE = /^[a-z]:\//i;
      checkPath.isNotRelative = (path) => REGEX_TEST_WINDOWS_PATH_ABSOLUTE.test(path) || isNotRelative(path);
    };
    if (
      // Detect `process` so that it can run in browsers.
      typeof process !== "undefined" && process.platform === "win32"
    ) {
      setupWindows();
    }
    module.exports = factory;
    factory.default = factory;
    module.exports.isPathValid = isPathValid;
    define(module.exports, /* @__PURE__ */ Symbol.for("setupWindows"), setupWindows);
  }
});

// src/azure/blob.ts
var DEFAULT_DATASTORE_NAME = "workspaceblobstore";
async function createBlobStore(ctx, options = {}) {
  const setSecret2 = options.setSecret ?? ((s) => setSecret(s));
  const abortSignal = options.abortSignal;
  const datastore = await withAzureOperation(
    options.datastoreName ? `reading datastore '${options.datastoreName}'` : "finding the default datastore",
    () => findDatastore(ctx.arm, options.datastoreName, abortSignal)
  );
  const p = datastore.properties ?? {};
  if (p.datastoreType !== "AzureBlob") {
    throw new ConfigurationError(`Datastore '${datastore.name}' is of type ${p.datastoreType ?? "unknown"}; only AzureBlob datastores can hold uploads.`, {
      hint: "Name an Azure Blob datastore (e.g. workspaceblobstore)."
    });
  }
  if (!p.accountName || !p.containerName) {
    throw new Error(`Datastore '${datastore.name}' has no accountName or containerName.`);
  }
  const accountUrl = ctx.emulator ? ctx.emulator.blobEndpoint.replace(/\/+$/, "") : `${p.protocol || "https"}://${p.accountName}.blob.${p.endpoint || ctx.cloud.storageSuffix}`;
  const containerUrl = `${accountUrl}/${encodeURIComponent(p.containerName)}`;
  const credentialsType = p.credentials?.credentialsType ?? "None";
  const secrets = async () => withAzureOperation(
    `reading the secrets of datastore '${datastore.name}'`,
    () => ctx.arm.post(armPath`datastores/${datastore.name}/listSecrets`, void 0, { abortSignal })
  );
  const pipelineOptions = {
    retryOptions: {
      maxTries: (ctx.retry?.maxRetries ?? 5) + 1,
      retryDelayInMs: ctx.retry?.retryDelayInMs ?? 1e3,
      maxRetryDelayInMs: ctx.retry?.maxRetryDelayInMs ?? 6e4,
      // a block of several MiB needs longer than an ARM call
      tryTimeoutInMs: Math.max(ctx.retry?.tryTimeoutInMs ?? 0, 3e5)
    },
    userAgentOptions: ctx.userAgent ? { userAgentPrefix: ctx.userAgent } : void 0
  };
  const { AnonymousCredential, ContainerClient, StorageSharedKeyCredential } = await import("./azure-storage-blob.js");
  let container;
  switch (credentialsType) {
    case "AccountKey": {
      const { key } = await secrets();
      if (!key) throw new Error(`Datastore '${datastore.name}' returned no account key.`);
      setSecret2(key);
      container = new ContainerClient(containerUrl, new StorageSharedKeyCredential(p.accountName, key), pipelineOptions);
      break;
    }
    case "Sas": {
      const { sasToken } = await secrets();
      if (!sasToken) throw new Error(`Datastore '${datastore.name}' returned no SAS token.`);
      const sas = sasToken.replace(/^\?/, "");
      setSecret2(sas);
      const sig = new URLSearchParams(sas).get("sig");
      if (sig) setSecret2(sig);
      container = new ContainerClient(`${containerUrl}?${sas}`, new AnonymousCredential(), pipelineOptions);
      break;
    }
    case "ServicePrincipal": {
      const { clientSecret } = await secrets();
      const c = p.credentials ?? {};
      if (!clientSecret || !c.tenantId || !c.clientId) {
        throw new Error(`Datastore '${datastore.name}' has incomplete service principal credentials.`);
      }
      setSecret2(clientSecret);
      const authorityHost = c.authorityUrl || ctx.cloud.authorityHost;
      const { ClientSecretCredential } = await import("./azure-identity.js");
      container = new ContainerClient(containerUrl, new ClientSecretCredential(c.tenantId, c.clientId, clientSecret, { authorityHost }), pipelineOptions);
      break;
    }
    case "None":
      container = new ContainerClient(containerUrl, ctx.credential, pipelineOptions);
      break;
    default:
      throw new ConfigurationError(`Datastore '${datastore.name}' uses ${credentialsType} credentials, which this action cannot use for uploads.`, {
        hint: "Use a datastore with account key, SAS, service principal or identity-based access."
      });
  }
  return createBlobStoreOnContainer(container, {
    name: datastore.name,
    accountName: p.accountName,
    containerName: p.containerName,
    containerUrl,
    credentialsType
  });
}
async function findDatastore(arm, name, abortSignal) {
  if (name) return arm.get(armPath`datastores/${name}`, { abortSignal });
  for await (const ds of arm.list("datastores", { query: { isDefault: true }, abortSignal })) {
    if (ds.properties?.isDefault !== false) return ds;
  }
  return arm.get(armPath`datastores/${DEFAULT_DATASTORE_NAME}`, { abortSignal });
}
function createBlobStoreOnContainer(container, datastore) {
  async function uploadFile(localPath, blobName, options = {}) {
    const { size } = await stat(localPath);
    const maxSingleShot = options.maxSingleShotSizeInBytes ?? 8 * 1024 * 1024;
    await container.getBlockBlobClient(blobName).uploadFile(localPath, {
      blockSize: options.blockSizeInBytes ?? 8 * 1024 * 1024,
      concurrency: options.blockConcurrency ?? 4,
      maxSingleShotSize: maxSingleShot,
      blobHTTPHeaders: options.contentType ? { blobContentType: options.contentType } : void 0,
      metadata: options.metadata,
      abortSignal: options.abortSignal
    });
    return { path: blobName, blobName, size };
  }
  return {
    datastore,
    container,
    datastoreUri: (path) => `azureml://datastores/${datastore.name}/paths/${path.replace(/^\/+/, "")}`,
    uploadFile,
    async uploadFolder(localDir, prefix, options = {}) {
      const root = resolve(localDir);
      const all = await listFiles(root);
      const files = options.filter ? all.filter((f) => options.filter(f)) : all;
      const base = prefix.replace(/^\/+|\/+$/g, "");
      const limit = Math.min(Math.max(1, options.concurrency ?? 8), 32);
      let done = 0;
      const uploaded = await mapWithConcurrency(
        files,
        limit,
        async (rel) => {
          const blobName = base ? `${base}/${rel}` : rel;
          const result = await uploadFile(join(root, ...rel.split("/")), blobName, options);
          const file = { ...result, path: rel };
          done += 1;
          options.onFileUploaded?.(file, done, files.length);
          return file;
        },
        options.abortSignal
      );
      return { files: uploaded, totalBytes: uploaded.reduce((n, f) => n + f.size, 0) };
    },
    async exists(prefix, options = {}) {
      const name = prefix.replace(/^\/+/, "");
      if (!name.endsWith("/") && name !== "" && await container.getBlobClient(name).exists({ abortSignal: options.abortSignal })) {
        return true;
      }
      const under = name === "" || name.endsWith("/") ? name : `${name}/`;
      const page = await container.listBlobsFlat({ prefix: under, abortSignal: options.abortSignal }).byPage({ maxPageSize: 1 }).next();
      return !page.done && page.value.segment.blobItems.length > 0;
    },
    async downloadToFolder(prefix, localDir, options = {}) {
      const root = resolve(localDir);
      const name = prefix.replace(/^\/+/, "");
      const targets = [];
      if (name !== "" && !name.endsWith("/") && await container.getBlobClient(name).exists({ abortSignal: options.abortSignal })) {
        targets.push({ blobName: name, rel: name.split("/").pop() });
      } else {
        const under = name === "" || name.endsWith("/") ? name : `${name}/`;
        for await (const item of container.listBlobsFlat({ prefix: under, abortSignal: options.abortSignal })) {
          targets.push({ blobName: item.name, rel: item.name.slice(under.length) });
        }
      }
      const files = await mapWithConcurrency(
        targets,
        Math.max(1, options.concurrency ?? 8),
        async ({ blobName, rel }) => {
          const path = safeJoin(root, rel, blobName);
          await mkdir(dirname(path), { recursive: true });
          const response = await container.getBlobClient(blobName).downloadToFile(path, 0, void 0, {
            abortSignal: options.abortSignal
          });
          return { blobName, path, size: response.contentLength ?? (await stat(path)).size };
        },
        options.abortSignal
      );
      return { files, totalBytes: files.reduce((n, f) => n + f.size, 0) };
    }
  };
}
async function listFiles(root) {
  const out = [];
  async function walk2(dir) {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk2(full);
      else if (entry.isFile()) out.push(relative(root, full).split(sep).join("/"));
      else if (entry.isSymbolicLink()) {
        const target = await stat(full).catch(() => void 0);
        if (target?.isFile()) out.push(relative(root, full).split(sep).join("/"));
      }
    }
  }
  const rootStat = await stat(root).catch(() => void 0);
  if (!rootStat?.isDirectory()) throw new ConfigurationError(`'${root}' is not a folder.`);
  await walk2(root);
  return out.sort();
}
async function sha256File(path) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest("hex");
}
function safeJoin(root, rel, blobName) {
  const path = resolve(root, ...rel.split("/").filter((s) => s !== ""));
  if (path !== root && !path.startsWith(root + sep)) {
    throw new Error(`Blob '${blobName}' would be written outside ${root}; refusing to download it.`);
  }
  return path;
}

// src/azure/workspace.ts
var enc = encodeURIComponent;
function singular(kind) {
  return kind.replace(/s$/, "");
}
function assetPath(kind, name, version) {
  return `${kind}/${enc(name)}${version !== void 0 ? `/versions/${enc(version)}` : ""}`;
}
function setSecretOf(sasUri) {
  const q = sasUri.split("?")[1];
  if (!q) return;
  setSecret(q);
  const sig = new URLSearchParams(q).get("sig");
  if (sig) setSecret(sig);
}
function createWorkspaceApi(arm) {
  return {
    workspaceId: arm.workspaceId,
    getJob: (name) => withAzureOperation(`reading job '${name}'`, () => arm.tryGet(`jobs/${enc(name)}`)),
    createJob: (name, body) => withAzureOperation(`creating job '${name}'`, () => arm.put(`jobs/${enc(name)}`, body)),
    async cancelJob(name) {
      await withAzureOperation(`cancelling job '${name}'`, async () => {
        try {
          const poller = await arm.beginPost(`jobs/${enc(name)}/cancel`);
          await poller.pollUntilDone();
        } catch (err) {
          const e = err;
          if (e.statusCode === 400 && /terminal status/i.test(String(e.message ?? ""))) return;
          throw err;
        }
      });
    },
    getAssetVersion: (kind, name, version) => withAzureOperation(`reading ${singular(kind)} ${name}:${version}`, () => arm.tryGet(assetPath(kind, name, version))),
    putAssetVersion: (kind, name, version, body) => withAzureOperation(`creating ${singular(kind)} ${name}:${version}`, () => arm.put(assetPath(kind, name, version), body)),
    async startCodeUpload(name, version) {
      try {
        const res = await arm.post(
          `${assetPath("codes", name, version)}/startPendingUpload`,
          { pendingUploadType: "TemporaryBlobReference" },
          { apiVersion: "2024-10-01" }
        );
        const ref = res?.blobReferenceForConsumption;
        const sasUri = ref?.credential?.sasUri;
        if (!ref?.blobUri || !sasUri) return { refused: "the answer had no blobUri and SAS URI" };
        setSecretOf(sasUri);
        return { upload: { blobUri: ref.blobUri.split("?")[0], sasUri } };
      } catch (err) {
        const status = err.statusCode;
        if (status === 400 || status === 403 || status === 404 || status === 405 || status === 409 || status === 501) {
          const code = err.code;
          return { refused: `HTTP ${status}${code ? ` ${code}` : ""}` };
        }
        throw err;
      }
    },
    async resolveLabel(kind, name, label) {
      if (label !== "latest") throw new Error(`only the label 'latest' can be resolved for workspace ${kind} (got '${label}')`);
      const found = await withAzureOperation(`resolving azureml:${name}@${label}`, async () => {
        const container = await arm.tryGet(assetPath(kind, name));
        const latest = container?.properties?.latestVersion;
        if (typeof latest === "string" && latest) return latest;
        for await (const v of arm.list(`${assetPath(kind, name)}/versions`, { query: { $orderBy: "createdtime desc", $top: 1 } })) {
          if (v.name) return v.name;
        }
        return void 0;
      });
      if (found) return found;
      throw new Error(`no ${singular(kind)} named '${name}' exists in the workspace`);
    }
  };
}
function joinBlob(...parts) {
  return parts.map((p) => p.replace(/^\/+|\/+$/g, "")).filter((p) => p !== "").join("/");
}
function markerName(prefix) {
  const parent = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : prefix;
  return `${parent}/.azureml-actions-snapshot.json`;
}
async function uploadSnapshotFiles(store, prefix, snap, concurrency, onProgress) {
  if (snap.isFile) return (await store.uploadFile(snap.root, prefix)).size;
  const wanted = new Set(snap.files.map((f) => f.path));
  const r = await store.uploadFolder(snap.root, prefix, {
    concurrency,
    filter: (rel) => wanted.has(rel),
    onFileUploaded: (_f, done, total) => onProgress?.(done, total)
  });
  return r.totalBytes;
}
function createSnapshotUploader(store, options = {}) {
  let cached;
  const get = () => cached ??= store();
  return {
    async datastore() {
      const s = await get();
      return {
        name: s.datastore.name,
        accountName: s.datastore.accountName,
        containerName: s.datastore.containerName,
        blobUrl: (path) => `${s.datastore.containerUrl.replace(/\/$/, "")}/${path.split("/").map(enc).join("/")}`
      };
    },
    async hasSnapshot(prefix, snap) {
      const s = await get();
      const blob = s.container.getBlockBlobClient(markerName(prefix));
      try {
        const buf = await blob.downloadToBuffer();
        const marker = JSON.parse(buf.toString("utf8"));
        return marker.hash === snap.hash;
      } catch (err) {
        if (err.statusCode === 404) return false;
        throw err;
      }
    },
    async uploadWithSas(sasUri, snap, onProgress) {
      const u = new URL(sasUri);
      const [container, ...rest] = u.pathname.replace(/^\/+/, "").split("/");
      const base = joinBlob(...rest.map(decodeURIComponent), snap.name);
      const { AnonymousCredential, ContainerClient } = await import("./azure-storage-blob.js");
      const client = new ContainerClient(`${u.origin}/${container}${u.search}`, new AnonymousCredential(), {
        retryOptions: { maxTries: 6, retryDelayInMs: 1e3, maxRetryDelayInMs: 6e4, tryTimeoutInMs: 3e5 }
      });
      const store2 = createBlobStoreOnContainer(client, {
        name: "pending-upload",
        accountName: u.hostname.split(".")[0] ?? "",
        containerName: container ?? "",
        containerUrl: `${u.origin}/${container}`,
        credentialsType: "Sas"
      });
      const bytes = await uploadSnapshotFiles(store2, base, snap, options.concurrency, onProgress);
      return { files: snap.files.length, bytes, skipped: 0 };
    },
    async upload(prefix, snap, onProgress) {
      const s = await get();
      const bytes = await uploadSnapshotFiles(s, prefix, snap, options.concurrency, onProgress);
      const marker = JSON.stringify({ hash: snap.hash, files: snap.files.length, bytes: snap.bytes, name: snap.name });
      await s.container.getBlockBlobClient(markerName(prefix)).upload(marker, Buffer.byteLength(marker), { blobHTTPHeaders: { blobContentType: "application/json" } });
      return { files: snap.files.length, bytes, skipped: 0 };
    }
  };
}
function createDryRun(arm, datastoreName = "workspaceblobstore") {
  const requests = [];
  const record = (method, path, body = null) => requests.push({ method, url: arm.url(path), body });
  const api = {
    workspaceId: arm.workspaceId,
    async getJob(name) {
      record("GET", `jobs/${enc(name)}`);
      return void 0;
    },
    async createJob(name, body) {
      record("PUT", `jobs/${enc(name)}`, body);
      return { name, id: `${arm.workspaceId}/jobs/${name}`, properties: { ...body.properties, status: "NotStarted" } };
    },
    async cancelJob(name) {
      record("POST", `jobs/${enc(name)}/cancel`);
    },
    async getAssetVersion(kind, name, version) {
      record("GET", assetPath(kind, name, version));
      return void 0;
    },
    async putAssetVersion(kind, name, version, body) {
      record("PUT", assetPath(kind, name, version), body);
      return { name: version, properties: body.properties };
    },
    async resolveLabel(kind, name, label) {
      record("GET", assetPath(kind, name));
      return label;
    }
  };
  const uploader = {
    async datastore() {
      return { name: datastoreName, accountName: "", containerName: "", blobUrl: (path) => `azureml://datastores/${datastoreName}/paths/${path}` };
    },
    async hasSnapshot() {
      return false;
    },
    async upload(prefix, snap) {
      requests.push({ upload: `azureml://datastores/${datastoreName}/paths/${prefix}`, bytes: snap.bytes, sha256: snap.hash, files: snap.files.length });
      return { files: snap.files.length, bytes: snap.bytes, skipped: 0 };
    }
  };
  return { api, uploader, requests };
}

// src/core/hash.ts
var import_ignore = __toESM(require_ignore(), 1);
var ALWAYS_IGNORED = [".git/", ".amlignore", "__pycache__/", ".ipynb_checkpoints/", ".DS_Store"];
var BUFFER_BYTES = 1 << 20;
function loadIgnore(root) {
  const ig = (0, import_ignore.default)().add(ALWAYS_IGNORED);
  for (const name of [".amlignore", ".gitignore"]) {
    const p = join2(root, name);
    if (existsSync(p)) {
      ig.add(readFileSync(p, "utf8"));
      break;
    }
  }
  return ig;
}
function ignoredBy(rules) {
  const ig = (0, import_ignore.default)().add(ALWAYS_IGNORED);
  if (rules !== void 0) ig.add(rules);
  return (rel) => ig.ignores(rel);
}
async function walk(root, dir, ig, out) {
  for (const e of await readdir2(dir, { withFileTypes: true })) {
    const abs = join2(dir, e.name);
    const rel = relative2(root, abs).split(sep2).join("/");
    if (e.isDirectory()) {
      if (!ig.ignores(`${rel}/`)) await walk(root, abs, ig, out);
    } else if (e.isFile() && !ig.ignores(rel)) {
      out.push(rel);
    }
  }
}
async function hashFile(path, buffer) {
  const h = createHash2("sha256");
  const fh = await open(path, "r");
  let size = 0;
  try {
    for (; ; ) {
      const { bytesRead } = await fh.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      size += bytesRead;
      h.update(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return { size, sha256: h.digest("hex") };
}
function combine(files) {
  const h = createHash2("sha256");
  for (const f of files) h.update(`${f.path}\0${f.size}\0${f.sha256}
`);
  return h.digest("hex");
}
function localUploadPath(snap) {
  return `LocalUpload/${snap.hash.slice(0, 32)}/${snap.name}`;
}
async function snapshot(path, options = {}) {
  const st = await stat2(path);
  if (st.isFile()) {
    const { size, sha256 } = await hashFile(path, Buffer.allocUnsafeSlow(BUFFER_BYTES));
    const files2 = [{ path: basename(path), size, sha256 }];
    return { root: path, name: basename(path), isFile: true, files: files2, bytes: size, hash: combine(files2) };
  }
  const rels = [];
  await walk(path, path, loadIgnore(path), rels);
  rels.sort();
  const files = new Array(rels.length);
  let next = 0;
  const worker = async () => {
    const buffer = Buffer.allocUnsafeSlow(BUFFER_BYTES);
    while (next < rels.length) {
      const i = next++;
      const { size, sha256 } = await hashFile(join2(path, ...rels[i].split("/")), buffer);
      files[i] = { path: rels[i], size, sha256 };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, rels.length || 1)) }, worker));
  return { root: path, name: basename(path), isFile: false, files, bytes: files.reduce((n, f) => n + f.size, 0), hash: combine(files) };
}

// src/jobs/same-job.ts
var MUTABLE_JOB_FIELDS = ["description", "tags", "displayName", "properties", "isArchived"];
var AZURE_IMMUTABLE_JOB = "the existing job's Settings, Inputs, Outputs, Jobs, InputBindings, OutputBindings cannot be changed. Only description, tags, displayName, properties, and isArchived can be updated";
function jobContentDifference(existing, body) {
  const theirs = existing.properties ?? {};
  for (const [k, v] of Object.entries(body.properties)) {
    if (MUTABLE_JOB_FIELDS.includes(k)) continue;
    const d = difference(v, theirs[k], k);
    if (d !== void 0) return d;
  }
  return void 0;
}
function difference(ours, theirs, at) {
  if (ours === void 0 || ours === null) return void 0;
  if (Array.isArray(ours)) {
    if (!Array.isArray(theirs) || theirs.length !== ours.length) return at;
    for (let i = 0; i < ours.length; i++) {
      const d = difference(ours[i], theirs[i], `${at}[${i}]`);
      if (d !== void 0) return d;
    }
    return void 0;
  }
  if (isObj(ours)) {
    if (!isObj(theirs)) return at;
    for (const [k, v] of Object.entries(ours)) {
      const d = difference(v, theirs[k], `${at}.${k}`);
      if (d !== void 0) return d;
    }
    return void 0;
  }
  return sameScalar(ours, theirs) ? void 0 : at;
}
function sameScalar(ours, theirs) {
  if (ours === theirs) return true;
  if (typeof ours !== "string" || typeof theirs !== "string") return String(ours) === String(theirs) && typeof theirs !== "object";
  if (ours.startsWith("/subscriptions/") && ours.toLowerCase() === theirs.toLowerCase()) return true;
  const short = /^azureml:([^:/@]+)(?::([^:/@]+)|@[^:/@]+)?$/.exec(ours);
  if (short) {
    const [, name, version] = short;
    const id = /\/([^/]+)\/versions\/([^/]+)$/.exec(theirs);
    if (id && id[1].toLowerCase() === name.toLowerCase() && (version === void 0 || id[2] === version)) return true;
  }
  const a = durationSeconds(ours);
  return a !== void 0 && a === durationSeconds(theirs);
}
function durationSeconds(s) {
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(s);
  if (!m || s === "P" || s === "PT") return void 0;
  const [d, h, min, sec] = m.slice(1).map((x) => Number(x ?? 0));
  return ((d * 24 + h) * 60 + min) * 60 + sec;
}

// src/jobs/submit.ts
var RUN_TAGS = { runId: "github.run_id", runAttempt: "github.run_attempt", repository: "github.repository" };
function tagsOf(job) {
  return job.properties?.tags ?? {};
}
function sameRun(job, tags) {
  const t = tagsOf(job);
  return t[RUN_TAGS.runId] === tags[RUN_TAGS.runId] && t[RUN_TAGS.runAttempt] === tags[RUN_TAGS.runAttempt] && t[RUN_TAGS.repository] === tags[RUN_TAGS.repository];
}
async function ensureAsset(api, uploader, asset, log, stats) {
  const existing = await api.getAssetVersion(asset.kind, asset.name, asset.version);
  if (existing) {
    if (asset.upload) stats.reused++;
    log.debug(`${asset.kind} ${asset.name}:${asset.version} exists: reused`);
    return;
  }
  const body = structuredClone(asset.body);
  if (asset.upload && asset.kind === "codes" && api.startCodeUpload && uploader.uploadWithSas) {
    const pending = await api.startCodeUpload(asset.name, asset.version);
    if (pending.upload) {
      const snap = asset.upload.snapshot;
      log.info(
        `Uploading ${asset.upload.purpose}: ${snap.files.length} files, ${formatBytes(snap.bytes)} (content hash ${snap.hash.slice(0, 12)}) to a service-issued upload location`
      );
      const r = await uploader.uploadWithSas(pending.upload.sasUri, snap);
      stats.files += r.files - r.skipped;
      stats.bytes += r.bytes;
      body.properties.codeUri = `${pending.upload.blobUri.replace(/\/+$/, "")}/${snap.name.split("/").map(encodeURIComponent).join("/")}`;
      await putOrReuse(api, asset, body, log, stats);
      return;
    }
    log.info(`The workspace did not issue an upload location for the code (${pending.refused}); uploading with the datastore's credentials instead`);
  }
  if (asset.upload) {
    const ds = await uploader.datastore();
    const snap = asset.upload.snapshot;
    if (!await uploader.hasSnapshot(asset.upload.datastorePath, snap)) {
      log.info(`Uploading ${asset.upload.purpose}: ${snap.files.length} files, ${formatBytes(snap.bytes)} (content hash ${snap.hash.slice(0, 12)})`);
      const r = await uploader.upload(asset.upload.datastorePath, snap);
      stats.files += r.files - r.skipped;
      stats.bytes += r.bytes;
    } else {
      stats.reused++;
    }
    if (asset.kind === "codes") body.properties.codeUri = ds.blobUrl(asset.upload.datastorePath);
  }
  await putOrReuse(api, asset, body, log, stats);
}
async function putOrReuse(api, asset, body, log, stats) {
  try {
    await api.putAssetVersion(asset.kind, asset.name, asset.version, body);
    log.debug(`registered ${asset.kind} ${asset.name}:${asset.version}`);
  } catch (err) {
    if (!asset.upload || !isConflict(err) || !await api.getAssetVersion(asset.kind, asset.name, asset.version)) throw err;
    stats.reused++;
    log.debug(`${asset.kind} ${asset.name}:${asset.version} was registered meanwhile by another step: reused`);
  }
}
function isConflict(err) {
  for (let e = err; e !== void 0 && e !== null; e = e.cause) {
    if (e.statusCode === 409) return true;
  }
  return false;
}
function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
async function prepareJob(api, uploader, plan, log) {
  const stats = { files: 0, bytes: 0, reused: 0 };
  const assetUploads = new Set(plan.assets.map((a) => a.upload).filter(Boolean));
  for (const up of plan.uploads) {
    if (assetUploads.has(up)) continue;
    if (await uploader.hasSnapshot(up.datastorePath, up.snapshot)) {
      stats.reused++;
      log.info(`${up.purpose}: unchanged since an earlier upload (content hash ${up.snapshot.hash.slice(0, 12)}), reused`);
      continue;
    }
    log.info(`Uploading ${up.purpose}: ${up.snapshot.files.length} files, ${formatBytes(up.snapshot.bytes)}`);
    const r = await uploader.upload(up.datastorePath, up.snapshot);
    stats.files += r.files - r.skipped;
    stats.bytes += r.bytes;
  }
  const order = { codes: 0, environments: 1, models: 1, components: 2 };
  for (const asset of [...plan.assets].sort((a, b) => order[a.kind] - order[b.kind])) {
    await ensureAsset(api, uploader, asset, log, stats);
  }
  return stats;
}
async function submitPlannedJob(api, uploader, plan, name, tags, log) {
  const existing = await api.getJob(name);
  if (existing) {
    if (sameRun(existing, tags)) {
      log.info(`Job ${name} was already submitted by this run attempt: reattaching instead of submitting again`);
      return { job: existing, name, reattached: true, uploadedFiles: 0, uploadedBytes: 0, reusedUploads: 0 };
    }
    const t = tagsOf(existing);
    const by = t[RUN_TAGS.runId] ? `run ${t[RUN_TAGS.runId]} attempt ${t[RUN_TAGS.runAttempt]}` : "outside this workflow";
    const changed = jobContentDifference(existing, plan.body);
    if (changed === void 0) {
      log.info(`Job ${name} already exists with this content (submitted by ${by}): reattaching to it instead of submitting again`);
      return { job: existing, name, reattached: true, createdBy: by, uploadedFiles: 0, uploadedBytes: 0, reusedUploads: 0 };
    }
    throw new ConfigurationError(
      `a job named '${name}' already exists (submitted by ${by}) with another ${changed}: Azure ML refuses it, as ${AZURE_IMMUTABLE_JOB}`,
      {
        input: "name",
        hint: "job names are unique in a workspace: give the job file another name:, or leave the name input and the YAML name unset to get a name per run attempt"
      }
    );
  }
  const stats = await prepareJob(api, uploader, plan, log);
  const body = structuredClone(plan.body);
  body.properties.tags = { ...body.properties.tags ?? {}, ...tags };
  let job;
  try {
    job = await api.createJob(name, body);
  } catch (err) {
    if (err.statusCode === 409) {
      const again = await api.getJob(name);
      if (again && sameRun(again, tags)) {
        return { job: again, name, reattached: true, uploadedFiles: stats.files, uploadedBytes: stats.bytes, reusedUploads: stats.reused };
      }
    }
    throw err;
  }
  return { job, name, reattached: false, uploadedFiles: stats.files, uploadedBytes: stats.bytes, reusedUploads: stats.reused };
}

export {
  createBlobStore,
  sha256File,
  createWorkspaceApi,
  createSnapshotUploader,
  createDryRun,
  ignoredBy,
  combine,
  localUploadPath,
  snapshot,
  ensureAsset,
  formatBytes,
  prepareJob,
  submitPlannedJob
};
