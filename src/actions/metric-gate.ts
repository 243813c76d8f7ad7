/** Entry of the metric-gate action. */
import { runEntry } from '../core/runner.js';
import { metricGateMain } from '../runs/metric-gate.js';

await runEntry({ name: 'metric-gate', main: metricGateMain });
