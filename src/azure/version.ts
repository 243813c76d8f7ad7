/**
 * The package version, sent in the user agent (`azureml-actions/<version> (<action>)`).
 * Kept in step with package.json by a test (bundles cannot read package.json at run time).
 */
export const VERSION = '0.1.0';
export const PRODUCT = 'azureml-actions';
