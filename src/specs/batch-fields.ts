/**
 * The fields of `az ml batch-deployment` YAML, where both deployment kinds need them: the batch
 * spec (batch.ts) reads them, the online spec (deployment.ts) refuses those online deployments
 * lack. ModelBatchDeploymentSchema / BatchDeploymentSchema (azure-ai-ml _schema/_deployment/batch/
 * model_batch_deployment.py, batch_deployment.py) and PipelineComponentBatchDeploymentSchema
 * (pipeline_component_batch_deployment_schema.py).
 */

/** The run settings, at the top level or under `settings:` (ModelBatchDeploymentSettingsSchema). */
export const BATCH_RUN_SETTINGS = [
  'mini_batch_size',
  'max_concurrency_per_instance',
  'output_action',
  'output_file_name',
  'retry_settings',
  'error_threshold',
  'logging_level',
  'environment_variables',
] as const;

/** Fields of batch deployments that online deployments do not have (`environment_variables` they share). */
export const BATCH_ONLY_FIELDS: readonly string[] = [
  'compute',
  'settings',
  ...BATCH_RUN_SETTINGS.filter((k) => k !== 'environment_variables'),
  'component',
  'job_definition',
];
