/**
 * How AIGNE clients find the hub. They never take a hub URL at face value: they read the Blocklet document at
 * `<origin>/__blocklet__.js?type=json`, look up AIGNE Hub's component DID in `componentMountPoints`, and call
 * `<origin><mountPoint>/api/...`. So the hub describes itself as a Blocklet app with one component, AIGNE Hub,
 * mounted where the hub is served. Browser code loads the same document as a script (`window.blocklet`).
 *
 * Everything here is public and says nothing a visitor could not see anyway (name, version, URL).
 */
import { HUB_VERSION } from '../version';

/** AIGNE Hub's component DID, the one AIGNE clients search `componentMountPoints` for. */
export const AIGNE_HUB_COMPONENT_DID = 'z8ia3xzq2tMq8CRHfaXj1BTYJyYnEcHbqP8cJ';

const NAME = 'aigne-hub';
const TITLE = 'AIGNE Hub';

export interface ComponentMountPoint {
  did: string;
  name: string;
  title: string;
  mountPoint: string;
  status: 'running';
}

/** The subset of Blocklet Server's `window.blocklet` that clients of an AIGNE Hub read. */
export interface BlockletDocument {
  appName: string;
  appDescription: string;
  appUrl: string;
  /** The app's DID; known only when running under Blocklet Server. */
  appId?: string;
  appPid?: string;
  version: string;
  prefix: string;
  groupPrefix: string;
  componentId: string;
  componentMountPoints: ComponentMountPoint[];
  languages: { code: string; name: string }[];
}

/**
 * The mount point is the path of the hub's public URL (`/` at the root; `/hub` behind a proxy that serves the
 * hub under `https://example.com/hub`), so clients build their request URLs the way people reach the hub.
 */
export function mountPointOf(publicUrl: string): string {
  const path = new URL(publicUrl).pathname.replace(/\/+$/, '');
  return path === '' ? '/' : path;
}

export function blockletDocument(publicUrl: string, appDid?: string): BlockletDocument {
  const mountPoint = mountPointOf(publicUrl);
  return {
    appName: NAME,
    appDescription: 'Self-hosted AI gateway hub',
    appUrl: publicUrl,
    ...(appDid && { appId: appDid, appPid: appDid }),
    version: HUB_VERSION,
    prefix: mountPoint,
    groupPrefix: mountPoint,
    componentId: AIGNE_HUB_COMPONENT_DID,
    componentMountPoints: [
      { did: AIGNE_HUB_COMPONENT_DID, name: NAME, title: TITLE, mountPoint, status: 'running' },
    ],
    languages: [{ code: 'en', name: 'English' }],
  };
}

/**
 * The script form Blocklet Server serves at `/__blocklet__.js`. JSON is valid JavaScript; `<` is escaped so
 * the text can also be inlined into a `<script>` element without closing it early.
 */
export function blockletScript(document: BlockletDocument): string {
  const json = JSON.stringify(document)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `window.blocklet = ${json};\n`;
}
