/**
 * The typed SDK client (`@azure/arm-machinelearning`, api-version 2022-10-01; a devDependency: no
 * action uses it) for an AzureContext, built as a caller of the context would build any other ARM
 * client: its credential, cloud and user agent, and its policies through `configurePipeline`.
 */
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { AzureContext } from '../../src/azure/context.js';

export function sdkClient(ctx: AzureContext): AzureMachineLearningWorkspaces {
  const client = new AzureMachineLearningWorkspaces(ctx.credential, ctx.workspace.subscriptionId, {
    endpoint: ctx.cloud.armEndpoint,
    credentialScopes: [ctx.cloud.armScope],
    allowInsecureConnection: ctx.cloud.armEndpoint.startsWith('http://'),
    userAgentOptions: { userAgentPrefix: ctx.userAgent },
  });
  ctx.configurePipeline(client.pipeline);
  return client;
}
