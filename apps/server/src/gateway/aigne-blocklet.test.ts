import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { HUB_VERSION } from '../version';
import {
  AIGNE_HUB_COMPONENT_DID,
  blockletDocument,
  blockletScript,
  mountPointOf,
  type BlockletDocument,
} from './aigne-blocklet';

describe('mountPointOf', () => {
  it.each([
    ['http://localhost:8090', '/'],
    ['https://hub.example.com/', '/'],
    ['https://example.com/hub', '/hub'],
    ['https://example.com/ai/hub/', '/ai/hub'],
  ])('%s is mounted at %s', (url, mountPoint) => {
    expect(mountPointOf(url)).toBe(mountPoint);
  });
});

describe('blockletDocument', () => {
  it('lists the hub as the AIGNE Hub component at its public path', () => {
    expect(blockletDocument('https://example.com/hub')).toEqual({
      appName: 'aigne-hub',
      appDescription: 'Self-hosted AI gateway hub',
      appUrl: 'https://example.com/hub',
      version: HUB_VERSION,
      prefix: '/hub',
      groupPrefix: '/hub',
      componentId: 'z8ia3xzq2tMq8CRHfaXj1BTYJyYnEcHbqP8cJ',
      componentMountPoints: [
        {
          did: 'z8ia3xzq2tMq8CRHfaXj1BTYJyYnEcHbqP8cJ',
          name: 'aigne-hub',
          title: 'AIGNE Hub',
          mountPoint: '/hub',
          status: 'running',
        },
      ],
      languages: [{ code: 'en', name: 'English' }],
    });
  });

  it('names the app by its DID only when it has one (under Blocklet Server)', () => {
    expect(blockletDocument('http://localhost:8090')).not.toHaveProperty('appId');
    expect(blockletDocument('http://localhost:8090', 'zNKappDid')).toMatchObject({
      appId: 'zNKappDid',
      appPid: 'zNKappDid',
      componentId: AIGNE_HUB_COMPONENT_DID,
    });
  });
});

describe('blockletScript', () => {
  it('sets window.blocklet to the document', () => {
    const document = blockletDocument('http://localhost:8090');
    const sandbox: { window: { blocklet?: BlockletDocument } } = { window: {} };
    vm.runInNewContext(blockletScript(document), sandbox);
    expect(sandbox.window.blocklet).toEqual(document);
  });

  it('cannot close a <script> element it is inlined into', () => {
    const document = { ...blockletDocument('http://localhost:8090'), appName: '</script><b>x\u2028' };
    const script = blockletScript(document);
    expect(script).not.toContain('</script>');
    expect(script).toContain('\\u003c/script>\\u003cb>x\\u2028');
    const sandbox: { window: { blocklet?: BlockletDocument } } = { window: {} };
    vm.runInNewContext(script, sandbox);
    expect(sandbox.window.blocklet?.appName).toBe('</script><b>x\u2028');
  });
});
