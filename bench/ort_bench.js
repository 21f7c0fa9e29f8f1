// bench/ort_bench.js - times one ONNX model with ONNX Runtime's CPU provider.
// Usage: node ort_bench.js [--save=PREFIX] MODEL.onnx ITERATIONS THREADS INPUT.npy...
// Prints median_ms=<float> min_ms=<float> max_ms=<float> after one warm-up
// run, like kiln-run --bench. --save writes the warm-up's outputs, in the
// model's output order, to PREFIX0.npy, PREFIX1.npy, ... (the driver compares
// them with kiln's). ONNX Runtime comes from the cache directory in NODE_PATH
// (bench/run.sh installs it there).
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

// A float32 .npy (format 1.0/2.0, little-endian, C order).
function readNpy(path) {
  const buf = fs.readFileSync(path);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  if (!header.includes("'<f4'") || header.includes("'fortran_order': True"))
    throw new Error(`${path}: only C-order float32 .npy is supported`);
  const shape = header.match(/\(([^)]*)\)/)[1].split(',').map(s => s.trim())
      .filter(s => s.length).map(Number);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + start,
                                                 buf.byteOffset + buf.length));
  return new ort.Tensor('float32', data, shape);
}

// One output as a .npy (format 1.0, little-endian, C order).
function writeNpy(path, tensor) {
  const descr = {float32: '<f4', float64: '<f8', int32: '<i4', int64: '<i8',
                 uint8: '|u1', bool: '|b1'}[tensor.type];
  if (!descr) throw new Error(`${path}: cannot save a ${tensor.type} output`);
  const shape = tensor.dims.length === 1 ? `${tensor.dims[0]},` : tensor.dims.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(prefix);
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const data = tensor.data;
  fs.writeFileSync(path, Buffer.concat([prefix, Buffer.from(header, 'latin1'),
      Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

async function main() {
  const args = process.argv.slice(2);
  const save = args[0] && args[0].startsWith('--save=') ? args.shift().slice(7) : null;
  const [model, iterations, threads, ...inputs] = args;
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const feeds = {};
  session.inputNames.forEach((name, i) => { feeds[name] = readNpy(inputs[i]); });
  const warm = await session.run(feeds);
  if (save !== null)
    session.outputNames.forEach((name, i) => writeNpy(`${save}${i}.npy`, warm[name]));
  const times = [];
  for (let i = 0; i < Number(iterations); ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const n = times.length;
  const median = n % 2 ? times[(n - 1) / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  console.log(`median_ms=${median.toFixed(3)} min_ms=${times[0].toFixed(3)} ` +
              `max_ms=${times[n - 1].toFixed(3)}`);
}

main().catch(e => { console.error(e.message || e); process.exit(1); });
