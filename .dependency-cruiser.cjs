// The dependency rule of src/ (ARCHITECTURE.md, "Layers"), checked by `npm test` (`npm run deps`).
//
// From the top: entries (src/actions, src/cli) → flows (src/runs) → domain (src/specs, metrics,
// jobs, models, rollout, report — in that order, each may use the ones before it) → service
// clients (src/azure, src/github, src/notify, src/clouds) → core (src/core). No import goes up. The emulator
// (src/emulator) is apart: it imports nothing of the client, and only the command line starts it.
/** @type {import('dependency-cruiser').IConfiguration} */

const DOMAIN = ['specs', 'metrics', 'jobs', 'models', 'rollout', 'report'];
const below = (i) => DOMAIN.slice(0, i).join('|');

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module cycle: split the shared piece out, or inject it.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'core-is-the-bottom',
      severity: 'error',
      comment: 'src/core (inputs reader, errors, post state, IO, escape, hash) imports nothing else of src/.',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'clients-use-only-core',
      severity: 'error',
      comment:
        'A service client (src/azure, src/github, src/notify, src/clouds: S3 and GCS) knows its service and src/core, nothing of the domain or the flows.',
      from: { path: '^src/(azure|github|notify|clouds)/' },
      to: { path: '^src/', pathNot: '^src/(core|$1)/' },
    },
    ...DOMAIN.map((part, i) => ({
      name: `domain-order-${part}`,
      severity: 'error',
      comment: `src/${part} may use ${i === 0 ? 'no other domain part' : `src/{${below(i)}}`}, the clients and core; never a flow, an entry or a later domain part.`,
      from: { path: `^src/${part}/` },
      to: { path: '^src/', pathNot: `^src/(${[part, ...DOMAIN.slice(0, i), 'azure', 'github', 'notify', 'clouds', 'core'].join('|')})/` },
    })),
    {
      name: 'flows-not-entries',
      severity: 'error',
      comment: 'A flow (src/runs) is run by an entry; it never imports one, nor the emulator.',
      from: { path: '^src/runs/' },
      to: { path: '^src/(actions|cli|emulator)/' },
    },
    {
      name: 'entries-not-each-other',
      severity: 'error',
      comment: 'An action entry (src/actions) is one line over its flow; it imports no other entry, the command line or the emulator.',
      from: { path: '^src/actions/' },
      to: { path: '^src/(cli|emulator)/' },
    },
    {
      name: 'emulator-apart',
      severity: 'error',
      comment: 'The emulator and the client share no code: the emulator imports nothing outside src/emulator.',
      from: { path: '^src/emulator/' },
      to: { path: '^src/', pathNot: '^src/emulator/' },
    },
    {
      name: 'only-the-cli-starts-the-emulator',
      severity: 'error',
      comment: 'Nothing of the client imports the emulator (the actions talk to it over HTTP, as to Azure).',
      from: { path: '^src/', pathNot: '^src/(emulator|cli)/' },
      to: { path: '^src/emulator/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
