import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { emulatorHost, resolveCloud, studioUrl } from '../../src/azure/cloud.js';
import { VERSION } from '../../src/azure/version.js';

const noEnv = {};

describe('resolveCloud', () => {
  it('defaults to the public cloud', () => {
    const cloud = resolveCloud({ env: noEnv });
    expect(cloud).toMatchObject({
      name: 'AzureCloud',
      armEndpoint: 'https://management.azure.com',
      authorityHost: 'https://login.microsoftonline.com',
      armScope: 'https://management.azure.com/.default',
      storageSuffix: 'core.windows.net',
      studioUrl: 'https://ml.azure.com',
    });
    expect(cloud.emulator).toBeUndefined();
  });

  it('knows China and US Government (names case-insensitive)', () => {
    expect(resolveCloud({ cloud: 'azurechinacloud', env: noEnv })).toMatchObject({
      name: 'AzureChinaCloud',
      armEndpoint: 'https://management.chinacloudapi.cn',
      authorityHost: 'https://login.chinacloudapi.cn',
      armScope: 'https://management.chinacloudapi.cn/.default',
      storageSuffix: 'core.chinacloudapi.cn',
      studioUrl: 'https://studio.ml.azure.cn',
    });
    expect(resolveCloud({ cloud: 'AzureUSGovernment', env: noEnv })).toMatchObject({
      armEndpoint: 'https://management.usgovcloudapi.net',
      authorityHost: 'https://login.microsoftonline.us',
      storageSuffix: 'core.usgovcloudapi.net',
      studioUrl: 'https://ml.azure.us',
    });
  });

  it('refuses an unknown cloud naming the input and the valid values', () => {
    try {
      resolveCloud({ cloud: 'AzureGermanCloud', env: noEnv });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigurationError);
      expect((e as ConfigurationError).input).toBe('cloud');
      expect((e as Error).message).toContain('AzureCloud, AzureChinaCloud, AzureUSGovernment');
    }
  });

  it('applies arm-endpoint and authority-host overrides (scope follows ARM)', () => {
    const cloud = resolveCloud({
      armEndpoint: 'https://arm.contoso.example/',
      authorityHost: 'https://login.contoso.example',
      env: noEnv,
    });
    expect(cloud.armEndpoint).toBe('https://arm.contoso.example');
    expect(cloud.armScope).toBe('https://arm.contoso.example/.default');
    expect(cloud.authorityHost).toBe('https://login.contoso.example');
  });

  it('refuses insecure or malformed overrides (http only on loopback)', () => {
    const input = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as ConfigurationError).input;
      }
      return 'no error';
    };
    expect(input(() => resolveCloud({ armEndpoint: 'http://arm.example', env: noEnv }))).toBe('arm-endpoint');
    expect(input(() => resolveCloud({ authorityHost: 'not a url', env: noEnv }))).toBe('authority-host');
    expect(input(() => resolveCloud({ armEndpoint: 'https://arm.example/?x=1', env: noEnv }))).toBe('arm-endpoint');
    expect(resolveCloud({ armEndpoint: 'http://127.0.0.1:8443', env: noEnv }).armEndpoint).toBe('http://127.0.0.1:8443');
  });

  it('AZUREML_EMULATOR_HOST points everything at the emulator, whatever else is set', () => {
    const cloud = resolveCloud({
      cloud: 'AzureChinaCloud',
      armEndpoint: 'https://management.chinacloudapi.cn',
      env: { AZUREML_EMULATOR_HOST: '127.0.0.1:8090' },
    });
    expect(cloud).toMatchObject({
      name: 'Emulator',
      armEndpoint: 'http://127.0.0.1:8090',
      authorityHost: 'http://127.0.0.1:8090',
      armScope: 'https://management.azure.com/.default',
      emulator: { host: '127.0.0.1:8090', baseUrl: 'http://127.0.0.1:8090' },
    });
  });

  it('accepts host:port with or without scheme and refuses garbage', () => {
    expect(emulatorHost({ AZUREML_EMULATOR_HOST: 'http://localhost:9000/' })).toBe('localhost:9000');
    expect(emulatorHost({ AZUREML_EMULATOR_HOST: '' })).toBeUndefined();
    expect(() => emulatorHost({ AZUREML_EMULATOR_HOST: 'localhost' })).toThrow(/host:port/);
    expect(() => emulatorHost({ AZUREML_EMULATOR_HOST: 'localhost:99999' })).toThrow(/host:port/);
  });
});

it('studio links carry the workspace id and tenant', () => {
  const url = new URL(
    studioUrl(resolveCloud({ env: noEnv }), '/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w', 'runs/job-1', 't1'),
  );
  expect(url.origin + url.pathname).toBe('https://ml.azure.com/runs/job-1');
  expect(url.searchParams.get('wsid')).toContain('/workspaces/w');
  expect(url.searchParams.get('tid')).toBe('t1');
});

it('the user-agent version matches package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(VERSION).toBe(pkg.version);
});
