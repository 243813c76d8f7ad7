// ESLint for src/ (typescript-eslint's type-checked rules), run by `npm test` (`npm run lint`).
// Prettier owns the layout (.prettierrc.json); ESLint the code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config({ ignores: ['dist/**', 'build/**', 'node_modules/**'] }, js.configs.recommended, ...tseslint.configs.recommendedTypeChecked, {
  files: ['src/**/*.ts'],
  languageOptions: {
    parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
  },
  rules: {
    // ARM, MLflow and YAML values are `unknown` until read; String(value) of them is deliberate
    // (a message shows what came, even an object).
    '@typescript-eslint/no-base-to-string': 'off',
    // async functions that implement Promise-returning interfaces without awaiting are fine.
    '@typescript-eslint/require-await': 'off',
    '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    // The strict ones that pay: floating promises and misused promises (recommendedTypeChecked),
    // plus these.
    '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    '@typescript-eslint/no-unnecessary-condition': 'off',
    eqeqeq: ['error', 'always', { null: 'ignore' }],
  },
});
