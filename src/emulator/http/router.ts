/**
 * The route table: patterns of `Route` (`/a/{param}/b`, trailing `{*rest}`) compiled once and
 * matched case-insensitively on literal segments. When several patterns match, the one with the
 * most literal segments wins (`.../jobs/{id}/cancel` beats a generic `.../{kind}/{name}/{x}`).
 */
import type { Route } from '../types.js';

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'rest'; name: string };

interface CompiledRoute {
  route: Route;
  segments: Segment[];
  literals: number;
  order: number;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export type DispatchResult = { kind: 'match'; match: RouteMatch } | { kind: 'method-not-allowed'; allowed: string[] } | { kind: 'not-found' };

function compile(pattern: string): Segment[] {
  const parts = pattern.split('/').filter((p) => p.length > 0);
  return parts.map((part, i) => {
    const rest = /^\{\*([A-Za-z_$][\w$]*)\}$/.exec(part);
    if (rest) {
      if (i !== parts.length - 1) throw new Error(`route pattern '${pattern}': {*${rest[1]}} must be the last segment`);
      return { kind: 'rest', name: rest[1] };
    }
    const param = /^\{([A-Za-z_$][\w$-]*)\}$/.exec(part);
    if (param) return { kind: 'param', name: param[1] };
    if (part.includes('{') || part.includes('}')) throw new Error(`route pattern '${pattern}': bad segment '${part}'`);
    return { kind: 'literal', value: part.toLowerCase() };
  });
}

function splitPath(path: string): string[] | undefined {
  const raw = path.split('/').filter((p) => p.length > 0);
  try {
    return raw.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
}

export class Router {
  private readonly compiled: CompiledRoute[] = [];

  constructor(routes: Iterable<Route> = []) {
    for (const r of routes) this.add(r);
  }

  add(route: Route): void {
    const segments = compile(route.pattern);
    this.compiled.push({
      route,
      segments,
      literals: segments.filter((s) => s.kind === 'literal').length,
      order: this.compiled.length,
    });
  }

  get routes(): Route[] {
    return this.compiled.map((c) => c.route);
  }

  dispatch(method: string, path: string): DispatchResult {
    const parts = splitPath(path);
    if (!parts) return { kind: 'not-found' };
    let best: { c: CompiledRoute; params: Record<string, string> } | undefined;
    const allowed = new Set<string>();
    for (const c of this.compiled) {
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      const m = method.toUpperCase();
      if (c.route.method !== m && !(m === 'HEAD' && c.route.method === 'GET')) {
        allowed.add(c.route.method);
        continue;
      }
      if (!best || c.literals > best.c.literals || (c.literals === best.c.literals && c.route.method === m && best.c.route.method !== m)) {
        best = { c, params };
      }
    }
    if (best) return { kind: 'match', match: { route: best.c.route, params: best.params } };
    if (allowed.size > 0) return { kind: 'method-not-allowed', allowed: [...allowed].sort() };
    return { kind: 'not-found' };
  }
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s.kind === 'rest') {
      params[s.name] = parts.slice(i).join('/');
      return params;
    }
    const p = parts[i];
    if (p === undefined) return undefined;
    if (s.kind === 'literal') {
      if (p.toLowerCase() !== s.value) return undefined;
    } else {
      params[s.name] = p;
    }
  }
  return parts.length === segments.length ? params : undefined;
}
