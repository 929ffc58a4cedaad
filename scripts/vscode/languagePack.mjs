// A display-language pack with no translations of its own, packaged as a .vsix. code-server's
// `--locale ko` alone falls back to English unless a pack for that language is installed; with
// this one VS Code runs in Korean: `vscode.env.language` is `ko` and extensions load their
// l10n/bundle.l10n.ko.json, while VS Code's own UI stays English (it has no strings here), so
// tests can still find its commands by their English titles.
//
//   const vsix = languagePackVsix('ko');   // a .vsix in a temp folder removed on exit
//   ... code-server --install-extension vsix ...
//   registerLanguagePack(userDataDir, extensionsDir, 'ko');
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeOnExit } from './cleanup.mjs';
import { ROOT } from './workspace.mjs';

const PUBLISHER = 'tinyml-lens-tests';
const VERSION = '1.0.0';
const packName = (locale) => `test-language-pack-${locale}`;

export function languagePackVsix(locale) {
  const dir = mkdtempSync(join(tmpdir(), `tinyml-language-pack-${locale}-`));
  removeOnExit(dir);
  const ext = join(dir, 'extension');
  mkdirSync(join(ext, 'translations'), { recursive: true });
  const manifest = {
    name: packName(locale),
    displayName: `Language pack ${locale} (test, no translations)`,
    description: `Switches VS Code's display language to ${locale} for tests.`,
    publisher: PUBLISHER,
    version: VERSION,
    license: 'Apache-2.0',
    engines: { vscode: '^1.100.0' },
    categories: ['Language Packs'],
    contributes: {
      localizations: [
        { languageId: locale, languageName: locale, localizedLanguageName: locale, translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] },
      ],
    },
  };
  writeFileSync(join(ext, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(ext, 'README.md'), `${manifest.description}\n`);
  // Keys missing here fall back to VS Code's English messages.
  writeFileSync(join(ext, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  const vsix = join(dir, `${manifest.name}.vsix`);
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--out', vsix],
    { cwd: ext, stdio: 'pipe' },
  );
  return vsix;
}

/**
 * Tells the server about the installed pack. VS Code keeps `languagepacks.json` in the user data
 * folder, but code-server's `--install-extension` does not write it (the running server's
 * language-pack service does, on install); without it `--locale` resolves to English.
 */
export function registerLanguagePack(userDataDir, extensionsDir, locale) {
  const id = `${PUBLISHER}.${packName(locale)}`;
  const translations = join(extensionsDir, `${id}-${VERSION}`, 'translations', 'main.i18n.json');
  if (!existsSync(translations)) throw new Error(`language pack ${id} is not installed in ${extensionsDir}`);
  const packs = {
    [locale]: {
      hash: `${id}-${VERSION}`,
      extensions: [{ extensionIdentifier: { id }, version: VERSION }],
      translations: { vscode: translations },
      label: locale,
    },
  };
  writeFileSync(join(userDataDir, 'languagepacks.json'), JSON.stringify(packs));
}
