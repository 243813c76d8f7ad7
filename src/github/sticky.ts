/**
 * The sticky comment: one comment per PR and header, found again by its hidden marker AND its
 * author (only a comment written by the token's own identity is ever touched: anyone can paste
 * the marker into a comment of theirs).
 *
 * Modes:
 * - `update` (default): edit our latest marked comment in place; create one when there is none;
 * - `recreate`: post a new comment (at the bottom of the conversation), then delete our old ones;
 * - `append`: add this run's report under the previous ones in the same comment (the oldest
 *   reports are dropped when the comment would pass GitHub's size limit);
 * - `hide-previous`: post a new comment, then minimize our old ones as outdated.
 *
 * New comments are created before old ones are removed or hidden, so a refused write (a fork's
 * read-only token) never loses the report that was there.
 */
import { assertNever } from '../core/errors.js';
import type { ActionLog } from '../core/io.js';
import type { CommentsApi, IssueComment } from './comments.js';

export const COMMENT_MODES = ['update', 'recreate', 'append', 'hide-previous'] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];

/** What was done: `create` when no earlier comment of ours was found, else the mode. */
export type ModeUsed = 'create' | CommentMode;

/** The lines the sticky comment prints: a slice of the one seam, {@link ActionLog}. */
export type StickyLog = Pick<ActionLog, 'info' | 'warning' | 'debug'>;

export interface StickyCommentOptions {
  issueNumber: number;
  /** The hidden first line that names the comment (see `commentMarker`). */
  marker: string;
  /** The full body, starting with the marker. */
  body: string;
  mode?: CommentMode;
  /** Longest body to write in `append` mode (default 65,000). */
  maxLength?: number;
  log?: StickyLog;
}

export interface StickyCommentResult {
  modeUsed: ModeUsed;
  comment: IssueComment;
  /** Our earlier marked comments (updated, deleted or hidden according to the mode). */
  previous: IssueComment[];
  /** Comments with the marker written by someone else: left alone. */
  ignored: IssueComment[];
  /** Whose comments count as ours. */
  identity: string;
  /** Comments read. */
  scanned: number;
}

/** Separates the reports of successive runs in `append` mode. */
export const APPEND_SEPARATOR = '\n\n---\n<!-- azureml-actions:pr-summary:next-run -->\n\n';

const silent: StickyLog = { info: () => {}, warning: () => {}, debug: () => {} };

/** True when the body's first line is the marker (GitHub may have turned line ends into CRLF). */
export function hasMarker(body: string, marker: string): boolean {
  return body.trimStart().startsWith(marker);
}

function withoutMarker(body: string, marker: string): string {
  const b = body.trimStart();
  return b.startsWith(marker) ? b.slice(marker.length).replace(/^\r?\n/, '') : b;
}

/** `append`: the earlier reports (without the marker), then this one; oldest dropped to fit. */
export function appendBody(previous: string, body: string, marker: string, maxLength: number): string {
  const sections = withoutMarker(previous.replace(/\r\n/g, '\n'), marker)
    .split(APPEND_SEPARATOR)
    .filter((s) => s.trim() !== '');
  sections.push(withoutMarker(body, marker));
  const compose = () => `${marker}\n${sections.join(APPEND_SEPARATOR)}`;
  while (sections.length > 1 && compose().length > maxLength) sections.shift();
  return compose();
}

export async function postStickyComment(api: CommentsApi, options: StickyCommentOptions): Promise<StickyCommentResult> {
  const log = options.log ?? silent;
  const mode = options.mode ?? 'update';
  const maxLength = options.maxLength ?? 65_000;
  const { marker, issueNumber } = options;
  if (!hasMarker(options.body, marker)) throw new RangeError('the comment body must start with its marker');

  const me = await api.identity();
  log.debug(
    `comment author to match: ${me.login} (from ${me.source === 'user' ? 'GET /user' : me.source === 'viewer' ? 'GraphQL viewer' : 'the GITHUB_TOKEN default'})`,
  );
  const mine: IssueComment[] = [];
  const ignored: IssueComment[] = [];
  let scanned = 0;
  let pages = 0;
  for await (const page of api.listComments(issueNumber)) {
    pages += 1;
    scanned += page.length;
    for (const c of page) {
      if (!hasMarker(c.body, marker)) continue;
      if (c.author !== undefined && c.author.toLowerCase() === me.login.toLowerCase()) mine.push(c);
      else ignored.push(c);
    }
  }
  log.info(`PR #${issueNumber}: ${scanned} comment(s) read in ${pages} page(s); ${mine.length} earlier report(s) by ${me.login}.`);
  for (const c of ignored) log.info(`Comment ${c.id} carries the marker but was written by ${c.author ?? 'an unknown user'}, not ${me.login}: left alone.`);

  const latest = mine[mine.length - 1];
  if (!latest) {
    const comment = await api.createComment(issueNumber, options.body);
    log.info(`Created comment ${comment.id}: ${comment.htmlUrl}`);
    return { modeUsed: 'create', comment, previous: [], ignored, identity: me.login, scanned };
  }

  switch (mode) {
    case 'update': {
      if (mine.length > 1) log.info(`${mine.length} earlier reports found: updating the latest (${latest.id}).`);
      const comment = latest.body === options.body ? latest : await api.updateComment(latest.id, options.body);
      log.info(`Updated comment ${comment.id}: ${comment.htmlUrl}`);
      return { modeUsed: 'update', comment, previous: mine, ignored, identity: me.login, scanned };
    }
    case 'append': {
      const body = appendBody(latest.body, options.body, marker, maxLength);
      const comment = await api.updateComment(latest.id, body);
      log.info(`Appended this run's report to comment ${comment.id}: ${comment.htmlUrl}`);
      return { modeUsed: 'append', comment, previous: mine, ignored, identity: me.login, scanned };
    }
    case 'recreate': {
      const comment = await api.createComment(issueNumber, options.body);
      for (const old of mine) await api.deleteComment(old.id);
      log.info(`Created comment ${comment.id} and deleted ${mine.length} earlier one(s): ${comment.htmlUrl}`);
      return { modeUsed: 'recreate', comment, previous: mine, ignored, identity: me.login, scanned };
    }
    case 'hide-previous': {
      const comment = await api.createComment(issueNumber, options.body);
      let hidden = 0;
      for (const old of mine) {
        try {
          await api.minimizeComment(old.nodeId, 'OUTDATED');
          hidden += 1;
        } catch (error) {
          log.warning(`Could not hide the earlier report ${old.id}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      log.info(`Created comment ${comment.id} and hid ${hidden} earlier one(s) as outdated: ${comment.htmlUrl}`);
      return { modeUsed: 'hide-previous', comment, previous: mine, ignored, identity: me.login, scanned };
    }
    default:
      return assertNever(mode, 'comment mode');
  }
}
