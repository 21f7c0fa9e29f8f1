// bench/ort_bench.js - times one ONNX model with ONNX Runtime's CPU provider.
// Usage: node ort_bench.js MODEL.onnx ITERATIONS THREADS INPUT.npy...
// Prints median_ms=<float> min_ms=<float> max_ms=<float> after one warm-up
// run, like kiln-run --bench. ONNX Runtime comes from the cache directory in
// NODE_PATH (bench/run.sh installs it there).
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

async function main() {
  const [model, iterations, threads, ...inputs] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const feeds = {};
  session.inputNames.forEach((name, i) => { feeds[name] = readNpy(inputs[i]); });
  await session.run(feeds);
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
