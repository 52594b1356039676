import { describe, expect, it } from 'vitest';
import {
  DEBIAN_INSTALL,
  ensureChromium,
  findChromium,
  type Machine,
  missingChromiumMessage,
} from './chromium.js';

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n';
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n';

/** A fake machine: `files` are the executables that exist; directories are derived from them. */
function machine(files: string[], over: Partial<Machine> = {}): Machine & { ran: string[] } {
  const present = new Set(files);
  const ran: string[] = [];
  return {
    env: {},
    platform: 'linux',
    home: '/home/u',
    isExecutable: (p) => present.has(p),
    list: (dir) => [
      ...new Set(
        [...present].filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1).split('/')[0]),
      ),
    ],
    osRelease: () => DEBIAN,
    uid: () => 1000,
    run: (c) => {
      ran.push(c);
      return false;
    },
    ran,
    ...over,
  };
}

describe('findChromium', () => {
  it('prefers DESCENT_CHROMIUM over every other place', () => {
    const m = machine(['/opt/my/chrome', '/usr/bin/chromium'], {
      env: { DESCENT_CHROMIUM: '/opt/my/chrome', CHROME_PATH: '/usr/bin/chromium' },
    });
    expect(findChromium(m)).toEqual({ path: '/opt/my/chrome', source: 'DESCENT_CHROMIUM' });
  });

  it('takes CHROMIUM_PATH, then CHROME_PATH, when DESCENT_CHROMIUM is unset', () => {
    expect(findChromium(machine(['/a', '/b'], { env: { CHROMIUM_PATH: '/a', CHROME_PATH: '/b' } }))).toEqual({
      path: '/a',
      source: 'CHROMIUM_PATH',
    });
    expect(findChromium(machine(['/b'], { env: { CHROME_PATH: '/b' } }))).toEqual({
      path: '/b',
      source: 'CHROME_PATH',
    });
  });

  it('refuses a variable that names a missing file instead of silently looking elsewhere', () => {
    const m = machine(['/usr/bin/chromium'], { env: { CHROME_PATH: '/nowhere/chrome' } });
    expect(() => findChromium(m)).toThrow('CHROME_PATH=/nowhere/chrome: no executable file there');
  });

  it("finds Debian's /usr/bin/chromium and Google Chrome's Linux path", () => {
    expect(findChromium(machine(['/usr/bin/chromium']))?.path).toBe('/usr/bin/chromium');
    expect(findChromium(machine(['/opt/google/chrome/chrome']))?.path).toBe('/opt/google/chrome/chrome');
  });

  it('finds Chrome and Chromium application bundles on macOS, in /Applications or ~/Applications', () => {
    const chrome = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    expect(findChromium(machine([chrome], { platform: 'darwin' }))?.path).toBe(chrome);
    const mine = '/home/u/Applications/Chromium.app/Contents/MacOS/Chromium';
    expect(findChromium(machine([mine], { platform: 'darwin' }))?.path).toBe(mine);
    // a Linux path means nothing on macOS
    expect(findChromium(machine(['/usr/bin/chromium'], { platform: 'darwin' }))).toBeUndefined();
  });

  it("takes Playwright's newest full Chromium before older ones and before the headless shell", () => {
    const cache = '/home/u/.cache/ms-playwright';
    const m = machine([
      `${cache}/chromium-1100/chrome-linux/chrome`,
      `${cache}/chromium-1187/chrome-linux64/chrome`,
      `${cache}/chromium_headless_shell-1200/chrome-linux/headless_shell`,
    ]);
    expect(findChromium(m)).toEqual({
      path: `${cache}/chromium-1187/chrome-linux64/chrome`,
      source: 'playwright cache',
    });
  });

  it('reads PLAYWRIGHT_BROWSERS_PATH, and the macOS cache under ~/Library/Caches', () => {
    const shell = '/pw/chromium_headless_shell-1187/chrome-headless-shell-linux64/chrome-headless-shell';
    expect(findChromium(machine([shell], { env: { PLAYWRIGHT_BROWSERS_PATH: '/pw' } }))?.path).toBe(shell);
    const mac =
      '/home/u/Library/Caches/ms-playwright/chromium-1187/chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing';
    expect(findChromium(machine([mac], { platform: 'darwin' }))?.path).toBe(mac);
  });

  it('prefers an install path to the Playwright cache', () => {
    const m = machine([
      '/usr/bin/google-chrome',
      '/home/u/.cache/ms-playwright/chromium-1187/chrome-linux/chrome',
    ]);
    expect(findChromium(m)).toEqual({ path: '/usr/bin/google-chrome', source: 'install path' });
  });

  it('returns undefined on a machine with none', () => {
    expect(findChromium(machine(['/usr/bin/firefox']))).toBeUndefined();
  });
});

describe('ensureChromium', () => {
  it("installs Debian's chromium with apt-get as root on Debian, then uses it", () => {
    const files = ['/usr/bin/apt-get'];
    const lines: string[] = [];
    const m = machine(files, { uid: () => 0 });
    m.run = (c) => {
      m.ran.push(c);
      files.push('/usr/bin/chromium');
      m.isExecutable = (p) => files.includes(p);
      return true;
    };
    m.isExecutable = (p) => files.includes(p);
    expect(ensureChromium(m, (l) => lines.push(l))).toEqual({
      path: '/usr/bin/chromium',
      source: 'install path',
    });
    expect(m.ran).toEqual([DEBIAN_INSTALL]);
    expect(lines.join('\n')).toContain(DEBIAN_INSTALL);
  });

  it('installs nothing when a Chromium is already there', () => {
    const m = machine(['/usr/bin/apt-get', '/usr/bin/chromium'], { uid: () => 0 });
    expect(ensureChromium(m, () => {}).path).toBe('/usr/bin/chromium');
    expect(m.ran).toEqual([]);
  });

  it('as a normal user on Debian, runs nothing and names the sudo command and DESCENT_CHROMIUM', () => {
    const m = machine(['/usr/bin/apt-get']);
    expect(() => ensureChromium(m, () => {})).toThrow(`sudo sh -c '${DEBIAN_INSTALL}'`);
    expect(() => ensureChromium(m, () => {})).toThrow('DESCENT_CHROMIUM');
    expect(m.ran).toEqual([]);
  });

  it('on Ubuntu (chromium is a snap there), even as root, runs nothing and names snap', () => {
    const m = machine(['/usr/bin/apt-get'], { uid: () => 0, osRelease: () => UBUNTU });
    expect(() => ensureChromium(m, () => {})).toThrow('sudo snap install chromium');
    expect(m.ran).toEqual([]);
  });

  it('says which command failed when the apt-get install fails', () => {
    const m = machine(['/usr/bin/apt-get'], { uid: () => 0 });
    expect(() => ensureChromium(m, () => {})).toThrow(`'${DEBIAN_INSTALL}' failed`);
  });
});

describe('missingChromiumMessage', () => {
  it('names brew on macOS and the Playwright cache it looked in', () => {
    const text = missingChromiumMessage(machine([], { platform: 'darwin', osRelease: () => '' }));
    expect(text).toContain('brew install --cask chromium');
    expect(text).toContain('/home/u/Library/Caches/ms-playwright');
  });

  it("falls back to Playwright's own download on an unknown Linux", () => {
    expect(missingChromiumMessage(machine([], { osRelease: () => 'ID=gentoo\n' }))).toContain(
      'npx playwright install chromium',
    );
  });
});
