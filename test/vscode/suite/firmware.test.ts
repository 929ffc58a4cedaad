/**
 * The firmware checker in VS Code, on the test workspace's `firmware/` folder
 * (scripts/vscode/workspace.mjs: the keyword spotter's exported array and a main.cc whose arena
 * is too small and whose resolver lacks SOFTMAX): its diagnostics on the right lines with the
 * model named, the hovers on the arena constant and on GetModel, and the quick fixes that make
 * each row go away; then a model array edited on disk is checked again by itself.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { until } from './until';
import { api } from './workspace';

async function firmwareFile(name: string): Promise<vscode.Uri> {
  const [uri] = await vscode.workspace.findFiles(`firmware/${name}`);
  assert.ok(uri, `firmware/${name} is not in the workspace`);
  return uri;
}

/** 0-based line of the first line containing `needle`. */
function lineOf(doc: vscode.TextDocument, needle: string): number {
  const at = doc.getText().indexOf(needle);
  assert.ok(at >= 0, `"${needle}" is not in ${doc.uri.fsPath}`);
  return doc.positionAt(at).line;
}

const ours = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'TinyML Lens');
const codes = (uri: vscode.Uri): string[] => ours(uri).map((d) => `${String(d.code)}@${d.range.start.line}`);

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

async function quickFix(uri: vscode.Uri, line: number, title: RegExp): Promise<vscode.CodeAction> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    uri,
    new vscode.Range(line, 0, line, 0),
    vscode.CodeActionKind.QuickFix.value,
  );
  const action = actions.find((a) => title.test(a.title));
  assert.ok(action, `no quick fix ${title} on line ${line}: ${actions.map((a) => a.title).join(' | ')}`);
  return action;
}

async function applyFix(action: vscode.CodeAction): Promise<void> {
  assert.ok(action.edit, `${action.title} has no edit`);
  assert.ok(await vscode.workspace.applyEdit(action.edit), `${action.title} did not apply`);
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

suite('firmware checker in VS Code', () => {
  const restore: { path: string; text: string }[] = [];
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const r of restore) writeFileSync(r.path, r.text);
  });

  test('Problems: the too-small arena and the missing op, on their lines, naming the model', async () => {
    const { firmware } = await api();
    const main = await firmwareFile('main.cc');
    const doc = await vscode.workspace.openTextDocument(main);
    await firmware.checkNow();
    const arenaLine = lineOf(doc, 'uint8_t tensor_arena[');
    const resolverLine = lineOf(doc, 'MicroMutableOpResolver<5>');
    await until(() => codes(main).length >= 2, 'the firmware diagnostics of main.cc');
    assert.deepEqual(codes(main).sort(), [`arena-too-small@${arenaLine}`, `op-missing@${resolverLine}`].sort());
    const arena = ours(main).find((d) => d.code === 'arena-too-small')!;
    assert.equal(arena.severity, vscode.DiagnosticSeverity.Error);
    assert.match(arena.message, /^Tensor arena tensor_arena has 10 KB \(10240 bytes\) but the model needs [\d.]+ KB \((\d+) bytes\)/);
    assert.match(arena.message, /\(model kws_model_data \(kws_ds_cnn_int8\.tflite\)\)$/);
    assert.match(arena.relatedInformation?.[0]?.location.uri.fsPath ?? '', /kws_ds_cnn_int8\.tflite$/);
    const op = ours(main).find((d) => d.code === 'op-missing')!;
    assert.match(op.message, /The model uses SOFTMAX \(first at layer \d+\) but resolver op_resolver never adds it: call AddSoftmax\(\)/);
    // The exported array is aligned and const: nothing on it.
    assert.deepEqual(ours(await firmwareFile('kws_model_data.cc')), []);
  });

  test('hovers: the arena constant shows the breakdown and the SRAM share; GetModel the model and a link to its panel', async () => {
    const { firmware, service } = await api();
    const main = await firmwareFile('main.cc');
    const doc = await vscode.workspace.openTextDocument(main);
    const check = firmware.reportFor(main);
    assert.ok(check, 'no firmware report for the workspace');
    const facts = check.report.details.models.find((m) => m.symbol === 'kws_model_data');
    assert.ok(facts, 'the kws array is a model of the report');
    // The breakdown is the panel's analysis plus the export's margin.
    const report = await service.report(vscode.Uri.file(facts.matches!));
    assert.ok(report.ok);
    assert.equal(facts.arena.plannedBytes + facts.arena.persistentBytes, report.report.analysis.arena.totalBytes);

    const constant = doc.positionAt(doc.getText().indexOf('kTensorArenaSize') + 3);
    const arena = await hoverText(main, constant);
    const n = (x: number): string => x.toLocaleString('en-US');
    assert.match(arena, /Tensor arena `tensor_arena`/);
    assert.ok(arena.includes(`Declared: ${n(10240)} B`), arena);
    assert.ok(arena.includes(`**${n(facts.arena.totalBytes)} B**`), arena);
    assert.ok(arena.includes(`planned (non-persistent head) | ${n(facts.arena.plannedBytes)} B`), arena);
    assert.ok(arena.includes(`persistent (tail) | ${n(facts.arena.persistentBytes)} B`), arena);
    assert.ok(arena.includes(`margin (AllocateTensors() while planning) | ${n(facts.arena.marginBytes)} B`), arena);
    const share = Math.round((100 * facts.arena.totalBytes) / (256 * 1024));
    assert.ok(arena.includes(`${share}% of the 256 KB SRAM of Arduino Nano 33 BLE Sense`), arena);

    const getModel = doc.positionAt(doc.getText().indexOf('GetModel(kws_model_data)') + 2);
    const model = await hoverText(main, getModel);
    // markdownText escapes the parentheses of the label; the underscores inside words stay.
    assert.match(model, /Model kws_model_data \\\(kws_ds_cnn_int8\.tflite\\\)/);
    assert.match(model, /AVERAGE_POOL_2D, CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, RESHAPE, SOFTMAX/);
    assert.match(model, /\(command:tinymlLens\.analyzeModel\?/);
  });

  test('quick fixes: the arena becomes what the model needs, the missing Add and N are written, and the rows leave Problems', async () => {
    const { firmware } = await api();
    const main = await firmwareFile('main.cc');
    restore.push({ path: main.fsPath, text: readFileSync(main.fsPath, 'utf8') });
    const doc = await vscode.workspace.openTextDocument(main);
    await vscode.window.showTextDocument(doc);
    await firmware.checkNow();
    const required = firmware.reportFor(main)!.report.details.models.find((m) => m.symbol === 'kws_model_data')!.arena.totalBytes;

    const setArena = await quickFix(main, lineOf(doc, 'uint8_t tensor_arena['), /^Set tensor arena tensor_arena to \d+ bytes$/);
    assert.equal(setArena.title, `Set tensor arena tensor_arena to ${required} bytes`);
    assert.equal(setArena.isPreferred, true);
    await applyFix(setArena);
    assert.match(doc.getText(), new RegExp(`constexpr int kTensorArenaSize = ${required};`));
    await until(() => !codes(main).some((c) => c.startsWith('arena-too-small')), 'the arena row to leave Problems');

    const addOps = await quickFix(main, lineOf(doc, 'MicroMutableOpResolver<5>'), /^Add AddSoftmax to resolver op_resolver$/);
    await applyFix(addOps);
    assert.match(doc.getText(), /if \(op_resolver\.AddReshape\(\) != kTfLiteOk\) return;\n {2}if \(op_resolver\.AddSoftmax\(\) != kTfLiteOk\) return;\n/);
    assert.match(doc.getText(), /MicroMutableOpResolver<6> op_resolver;/);
    await until(() => codes(main).length === 0 && codes(main), 'every firmware row of main.cc to leave Problems');

    // Saved, the fixed file stays clean; the unsaved text was what the last checks saw.
    await doc.save();
    await firmware.checkNow();
    assert.deepEqual(codes(main), []);
  });

  test('a model array rewritten on disk without alignas(16) and const is checked again by itself; both fixes clear it', async () => {
    await api();
    const data = await firmwareFile('kws_model_data.cc');
    const original = readFileSync(data.fsPath, 'utf8');
    restore.push({ path: data.fsPath, text: original });
    assert.match(original, /alignas\(16\) const unsigned char kws_model_data\[\] = \{/);
    writeFileSync(data.fsPath, original.replace('alignas(16) const unsigned char', 'unsigned char'));
    // The source watcher, not a command, starts this check.
    await until(() => codes(data).length === 2 && codes(data), 'the file watcher to check the rewritten array', 30_000);
    assert.deepEqual(
      ours(data)
        .map((d) => String(d.code))
        .sort(),
      ['model-not-const', 'model-unaligned'],
    );
    const doc = await vscode.workspace.openTextDocument(data);
    const line = lineOf(doc, 'unsigned char kws_model_data[]');
    await applyFix(await quickFix(data, line, /^Align model array kws_model_data to 16 bytes$/));
    await until(() => !codes(data).some((c) => c.startsWith('model-unaligned')), 'the alignment row to leave Problems');
    await applyFix(await quickFix(data, line, /^Make model array kws_model_data const/));
    assert.match(doc.getText(), /alignas\(16\) const unsigned char kws_model_data\[\] = \{/);
    await until(() => codes(data).length === 0 && codes(data), 'the const row to leave Problems');
    await doc.save();
  });
});
