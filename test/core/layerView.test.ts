import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeModel } from '../../src/analysis/analyzeModel';
import { isFromWebview } from '../../src/shared/protocol';
import { checkFit, customTarget } from '../../src/targets/fit';
import { HEADER_LINES, layerAtLine, layerHoverMarkdown, layerLine, layerViewText } from '../../src/vscode/layerViewText';
import { controlFlowModel, tinyInt8ConvNet } from '../helpers/fixtures';
import { readModel, writeModel } from '../../src/model/io';

const bytes = writeModel(tinyInt8ConvNet());
const a = analyzeModel(readModel(bytes), bytes.length);
const verdict = checkFit(a, { ...customTarget(2048, 1 << 20), name: 'Test Board' });

describe('the layer view', () => {
  test('one line per layer after the header, each naming its op, shape and MACs', () => {
    const lines = layerViewText('tiny.tflite', a, verdict).trimEnd().split('\n');
    assert.equal(lines.length, HEADER_LINES + a.layers.length);
    assert.match(lines[HEADER_LINES]!, /^0\s+CONV_2D\s+1x8x8x4 int8\s+w 52 B\s+act 256 B\s+arena 320 B\s+2,304 MACs$/);
    assert.match(lines[2]!, /Test Board/);
  });

  test('lines and layers map both ways, across subgraphs', () => {
    const b = writeModel(controlFlowModel());
    const c = analyzeModel(readModel(b), b.length);
    for (const l of c.layers) {
      const line = layerLine(c, l.subgraph, l.index);
      assert.equal(layerAtLine(c, line), l);
    }
    assert.equal(layerAtLine(c, 0), undefined);
    assert.match(layerViewText('cf.tflite', c, undefined), /^2:0\s+ADD/m);
  });

  test('the hover gives weights, activations in and out, live arena with its share of SRAM, tensors alive, MACs', () => {
    const md = layerHoverMarkdown(a, a.layers[1]!, verdict);
    assert.match(md, /\*\*1 DEPTHWISE_CONV_2D\*\* — \*\*arena peak\*\*/);
    assert.match(md, /Weights \(flash\) \| 52 B/);
    assert.match(md, /Input activations \| 256 B/);
    assert.match(md, /Output activations \| 256 B/);
    assert.match(md, /Arena live at this step \| 512 B \(25\.0% of 2 KB SRAM on Test Board\)/);
    assert.match(md, /Tensors alive: `conv\/out`, `dw\/out`|Tensors alive: `dw\/out`, `conv\/out`/);
    assert.match(md, /MACs \| 2,304/);
  });

  test('the hover lists converter names short, so it fits on screen', () => {
    const long = `model/conv/Conv2D;${'model/conv/BiasAdd;'.repeat(20)}model/conv/Relu`;
    const layer = { ...a.layers[1]!, liveTensors: [long] };
    const md = layerHoverMarkdown(a, layer, verdict);
    assert.match(md, /Tensors alive: `model\/conv\/Conv2D…`$/m);
    assert.ok(!md.includes('BiasAdd'), md);
  });
});

describe('messages from the webview are validated', () => {
  test('well-formed messages pass', () => {
    assert.ok(isFromWebview({ type: 'ready' }));
    assert.ok(isFromWebview({ type: 'setTarget', targetId: 'rpi-pico' }));
    assert.ok(isFromWebview({ type: 'openLayerView' }));
    assert.ok(isFromWebview({ type: 'openLayerView', layer: { subgraph: 0, index: 3 } }));
    assert.ok(isFromWebview({ type: 'optimizeMemory' }));
  });
  test('anything else is refused', () => {
    for (const bad of [
      null,
      'ready',
      {},
      { type: 'eval', code: '1' },
      { type: 'ready', extra: 1 },
      { type: 'setTarget', targetId: '../../etc' },
      { type: 'setTarget' },
      { type: 'optimizeMemory', path: '/etc/passwd' },
      { type: 'openLayerView', layer: { subgraph: -1, index: 0 } },
      { type: 'openLayerView', layer: { subgraph: 0, index: 1.5 } },
    ]) {
      assert.equal(isFromWebview(bad), false, JSON.stringify(bad));
    }
  });
});
