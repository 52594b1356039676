/**
 * Where the browser tests find a Chromium or Chrome, in this order:
 *   1. an environment variable: DESCENT_CHROMIUM, then CHROMIUM_PATH, then CHROME_PATH (a variable
 *      that names a missing file is an error, never skipped);
 *   2. the usual install paths of the platform (Debian/Ubuntu/Fedora/Arch, snap, Google Chrome;
 *      macOS application bundles; Windows Program Files);
 *   3. Playwright's browser cache (PLAYWRIGHT_BROWSERS_PATH, else ~/.cache/ms-playwright or
 *      ~/Library/Caches/ms-playwright), newest revision first, full Chromium before headless shell.
 * If none is found: on Debian as root, `ensureChromium` installs Debian's `chromium` with apt-get;
 * anywhere else it stops with a message that names the exact command to run.
 *
 * Every function takes the machine as an argument (`Machine`), so the tests can fake paths and env.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Machine {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
  /** An existing executable file. */
  isExecutable(path: string): boolean;
  /** Entries of a directory ([] when it does not exist). */
  list(dir: string): string[];
  /** /etc/os-release as text ('' when absent). */
  osRelease(): string;
  /** Effective user id (undefined on Windows). */
  uid(): number | undefined;
  /** Runs a shell command with inherited output; true on exit code 0. */
  run(command: string): boolean;
}

export interface Found {
  path: string;
  /** How it was found: the variable's name, 'install path' or 'playwright cache'. */
  source: string;
}

export const ENV_VARIABLES = ['DESCENT_CHROMIUM', 'CHROMIUM_PATH', 'CHROME_PATH'] as const;

/**
 * Flags for headless runs in a root container on a closed network: no sandbox (root), no GPU, no
 * /dev/shm (small in containers), and no background connections to Google's hosts (refused here).
 */
export const HEADLESS_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** The usual install paths of Chromium and Chrome on `platform`. */
export function installPaths(platform: NodeJS.Platform, home: string): string[] {
  if (platform === 'darwin') {
    const apps = [
      'Chromium.app/Contents/MacOS/Chromium',
      'Google Chrome.app/Contents/MacOS/Google Chrome',
      'Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
    ];
    return [...apps.map((a) => `/Applications/${a}`), ...apps.map((a) => join(home, 'Applications', a))];
  }
  if (platform === 'win32') {
    return [
      'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Program Files\\Chromium\\Application\\chrome.exe',
    ];
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
    '/opt/google/chrome/chrome',
    '/usr/local/bin/chromium',
  ];
}

/** Playwright's cache directory: PLAYWRIGHT_BROWSERS_PATH, else the platform's default. */
export function playwrightCache(m: Pick<Machine, 'env' | 'platform' | 'home'>): string {
  const custom = m.env.PLAYWRIGHT_BROWSERS_PATH;
  if (custom && custom !== '0') return custom;
  if (m.platform === 'darwin') return join(m.home, 'Library', 'Caches', 'ms-playwright');
  if (m.platform === 'win32')
    return join(m.env.LOCALAPPDATA ?? join(m.home, 'AppData', 'Local'), 'ms-playwright');
  return join(m.env.XDG_CACHE_HOME ?? join(m.home, '.cache'), 'ms-playwright');
}

/** Executables inside one Playwright browser directory (chromium-1187, chromium_headless_shell-1187). */
const playwrightExecutables = [
  'chrome-linux/chrome',
  'chrome-linux64/chrome',
  'chrome-mac/Chromium.app/Contents/MacOS/Chromium',
  'chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
  'chrome-mac-x64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
  'chrome-win/chrome.exe',
  'chrome-win64/chrome.exe',
  'chrome-linux/headless_shell',
  'chrome-headless-shell-linux64/chrome-headless-shell',
  'chrome-mac/headless_shell',
  'chrome-headless-shell-mac-arm64/chrome-headless-shell',
  'chrome-headless-shell-mac-x64/chrome-headless-shell',
  'chrome-headless-shell-win64/chrome-headless-shell.exe',
];

/** Candidates in Playwright's cache: full Chromium before the headless shell, newest revision first. */
export function playwrightCandidates(m: Pick<Machine, 'env' | 'platform' | 'home' | 'list'>): string[] {
  const cache = playwrightCache(m);
  const revision = (dir: string) => Number(/-(\d+)$/.exec(dir)?.[1] ?? -1);
  const dirs = m.list(cache).filter((d) => /^chromium(_headless_shell)?-\d+$/.test(d));
  dirs.sort((a, b) => {
    const shell = Number(a.includes('headless_shell')) - Number(b.includes('headless_shell'));
    return shell !== 0 ? shell : revision(b) - revision(a);
  });
  return dirs.flatMap((d) => playwrightExecutables.map((e) => join(cache, d, e)));
}

/** The Chromium to use, or undefined; throws when an environment variable names a missing file. */
export function findChromium(m: Machine): Found | undefined {
  for (const name of ENV_VARIABLES) {
    const value = m.env[name];
    if (value === undefined || value === '') continue;
    if (!m.isExecutable(value)) {
      throw new Error(
        `${name}=${value}: no executable file there (unset it, or point it at chromium/chrome)`,
      );
    }
    return { path: value, source: name };
  }
  for (const path of installPaths(m.platform, m.home)) {
    if (m.isExecutable(path)) return { path, source: 'install path' };
  }
  for (const path of playwrightCandidates(m)) {
    if (m.isExecutable(path)) return { path, source: 'playwright cache' };
  }
  return undefined;
}

/** `ID` and `ID_LIKE` of /etc/os-release, as one list ('debian', 'ubuntu', ...). */
function distributions(osRelease: string): string[] {
  const ids: string[] = [];
  for (const line of osRelease.split('\n')) {
    const m = /^(ID|ID_LIKE)=(.*)$/.exec(line.trim());
    if (m) ids.push(...m[2].replace(/["']/g, '').split(/\s+/).filter(Boolean));
  }
  return ids;
}

/** The command that installs Debian's Chromium (as root, or with sudo). */
export const DEBIAN_INSTALL = 'apt-get update && apt-get install -y chromium';

/** True where `ensureChromium` installs Chromium itself: Debian (not Ubuntu, whose package is a snap), as root, with apt-get. */
export function canInstallDebianChromium(m: Machine): boolean {
  const ids = distributions(m.osRelease());
  return (
    m.platform === 'linux' &&
    ids[0] === 'debian' &&
    m.uid() === 0 &&
    (m.isExecutable('/usr/bin/apt-get') || m.isExecutable('/bin/apt-get'))
  );
}

/** What to tell a user who has no Chromium: the exact command for their system, and the variable. */
export function missingChromiumMessage(m: Machine): string {
  const ids = distributions(m.osRelease());
  let command: string;
  if (m.platform === 'darwin') command = 'brew install --cask chromium';
  else if (m.platform === 'win32') command = 'winget install Google.Chrome';
  else if (ids[0] === 'ubuntu') command = 'sudo snap install chromium';
  else if (ids.includes('debian')) command = `sudo sh -c '${DEBIAN_INSTALL}'`;
  else if (ids.includes('fedora') || ids.includes('rhel')) command = 'sudo dnf install -y chromium';
  else if (ids.includes('arch')) command = 'sudo pacman -S chromium';
  else command = 'npx playwright install chromium';
  return [
    'The browser tests of @descent/web need Chromium or Chrome, and none was found',
    `(looked at ${ENV_VARIABLES.join(', ')}, the usual install paths and ${playwrightCache(m)}).`,
    `Install one with:  ${command}`,
    'or point DESCENT_CHROMIUM at an existing chromium/chrome executable, then run the tests again.',
  ].join('\n');
}

/**
 * Finds Chromium; failing that, installs Debian's where it can (printing what it does), else throws
 * the message of `missingChromiumMessage`.
 */
export function ensureChromium(m: Machine, log: (line: string) => void = console.log): Found {
  const found = findChromium(m);
  if (found) return found;
  if (canInstallDebianChromium(m)) {
    log(`@descent/web browser tests: no Chromium found; installing Debian's: ${DEBIAN_INSTALL}`);
    if (!m.run(DEBIAN_INSTALL)) {
      throw new Error(`'${DEBIAN_INSTALL}' failed (its output is above).\n${missingChromiumMessage(m)}`);
    }
    const installed = findChromium(m);
    if (installed) return installed;
  }
  throw new Error(missingChromiumMessage(m));
}

/** This machine. */
export const thisMachine: Machine = {
  env: process.env,
  platform: process.platform,
  home: homedir(),
  isExecutable(path) {
    try {
      if (!statSync(path).isFile()) return false;
      if (process.platform !== 'win32') accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  list(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
  osRelease() {
    try {
      return readFileSync('/etc/os-release', 'utf8');
    } catch {
      return '';
    }
  },
  uid: () => process.getuid?.(),
  run(command) {
    return spawnSync('sh', ['-c', command], { stdio: 'inherit' }).status === 0;
  },
};
