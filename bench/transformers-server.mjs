// The alternative a user might deploy: the same ONNX model served by transformers.js on Node, behind a minimal
// HTTP server with aifunc's request and response shapes ({"text"} -> {"embedding"}, {"inputs":[{"text"}]} ->
// {"outputs":[{"embedding"}]}). Local files only (remote models off), one intra-op thread like aifunc's default.
// Usage: node bench/transformers-server.mjs MODELS_ROOT PORT   (MODELS_ROOT/minilm/{config.json,tokenizer.json,onnx/model.onnx})
import http from 'node:http';
import { env, pipeline } from '@huggingface/transformers';

const [root, port] = process.argv.slice(2);
env.allowRemoteModels = false;
env.localModelPath = root;
const extractor = await pipeline('feature-extraction', 'minilm', {
  dtype: 'fp32', session_options: { intraOpNumThreads: 1, interOpNumThreads: 1 },
});

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const texts = body.inputs ? body.inputs.map((i) => i.text) : [body.text];
      const vectors = (await extractor(texts, { pooling: 'mean', normalize: true })).tolist();
      const answer = body.inputs ? { outputs: vectors.map((embedding) => ({ embedding })) } : { embedding: vectors[0] };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer));
    } catch (e) {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e));
    }
  });
}).listen(Number(port), '127.0.0.1', () => console.log('ready'));
