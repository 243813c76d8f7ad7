import { describe, expect, it } from 'vitest';
import { parseAnnotations, parseFileCommands } from './index.js';

describe('runner file commands', () => {
  it('reads k=v and heredoc entries as the runner writes them', () => {
    const text = 'a=1\nreport<<ghadelimiter_1\n{"x":\n1}\nghadelimiter_1\nempty=\n';
    expect(parseFileCommands(text)).toEqual({ a: '1', report: '{"x":\n1}', empty: '' });
  });

  it('reads annotations with escaped properties and masks', () => {
    const log = [
      '::add-mask::s3cr%25et',
      '::error title=submit-job,file=jobs/train.yml,line=4,col=3::bad%0Anext line',
      'plain line',
      '::warning::careful',
    ].join('\n');
    const { annotations, masked } = parseAnnotations(log);
    expect(masked).toEqual(['s3cr%et']);
    expect(annotations).toEqual([
      { level: 'error', message: 'bad\nnext line', properties: { title: 'submit-job', file: 'jobs/train.yml', line: '4', col: '3' } },
      { level: 'warning', message: 'careful', properties: {} },
    ]);
  });
});
