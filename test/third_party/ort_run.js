// Runs an ONNX model with ONNX Runtime's CPU provider (onnxruntime-node) on
// .npy inputs and writes every output as .npy: the reference kiln is
// compared with in test/third_party.
//
// Usage: NODE_PATH=<dir>/node_modules node ort_run.js MODEL OUT_DIR IN.npy...
//   Inputs bind to the model's inputs in order; outputs are written as
//   OUT_DIR/out_<i>.npy in the model's output order.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const DTYPES = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array],
  '<i8': ['int64', BigInt64Array], '<i4': ['int32', Int32Array],
  '<i2': ['int16', Int16Array], '|i1': ['int8', Int8Array],
  '|u1': ['uint8', Uint8Array], '|b1': ['bool', Uint8Array],
  '<u2': ['uint16', Uint16Array], '<f2': ['float16', Uint16Array],
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not .npy`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12);
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1]
      .split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const [type, Ctor] = DTYPES[descr] || [];
  if (!type) throw new Error(`${file}: dtype ${descr}`);
  const off = start + headerLen;
  const bytes = buf.subarray(off);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  let data = new Ctor(copy.buffer, 0, bytes.length / Ctor.BYTES_PER_ELEMENT);
  if (type === 'bool') data = Uint8Array.from(data);
  return new ort.Tensor(type, type === 'bool' ? Array.from(data, (v) => !!v) : data, shape);
}

function writeNpy(file, tensor) {
  const map = {
    float32: '<f4', float64: '<f8', int64: '<i8', int32: '<i4', int16: '<i2',
    int8: '|i1', uint8: '|u1', bool: '|b1', uint16: '<u2', float16: '<f2',
  };
  const descr = map[tensor.type];
  if (!descr) throw new Error(`output type ${tensor.type}`);
  const dims = tensor.dims.length === 1 ? `${tensor.dims[0]},` : tensor.dims.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  let data = tensor.data;
  if (tensor.type === 'bool') data = Uint8Array.from(data, (v) => (v ? 1 : 0));
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

async function main() {
  const [model, outDir, ...inputs] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'], graphOptimizationLevel: 'disabled',
  });
  const feeds = {};
  session.inputNames.forEach((name, i) => {
    if (i >= inputs.length) throw new Error(`no .npy for input '${name}'`);
    feeds[name] = readNpy(inputs[i]);
  });
  const results = await session.run(feeds);
  fs.mkdirSync(outDir, { recursive: true });
  session.outputNames.forEach((name, i) => {
    writeNpy(path.join(outDir, `out_${i}.npy`), results[name]);
  });
}

main().catch((e) => { console.error(`ort_run.js: ${e.message}`); process.exit(1); });
