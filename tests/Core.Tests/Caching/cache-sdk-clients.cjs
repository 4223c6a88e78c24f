// Reads streamed answers from the gateway's cache with the official SDKs: OpenAI (npm `openai`), the Vercel AI SDK
// (`ai` with `@ai-sdk/openai`) and Anthropic (`@anthropic-ai/sdk`). Each client streams the same prompt twice (a miss
// that is kept, then a hit replayed from the cache) and the Anthropic one asks once more without streaming. Prints
// one JSON line with what each SDK saw; any SDK error exits non-zero. Packages are found under NODE_TOOLS.
const path = require('path');
const tools = process.env.NODE_TOOLS;
const load = (name) => require(path.join(tools, name));
const url = process.env.GATEWAY_URL;
const key = process.env.GATEWAY_KEY;
const model = process.env.GATEWAY_MODEL;

async function openai(prompt) {
  const mod = load('openai');
  const OpenAI = mod.default ?? mod.OpenAI ?? mod;
  const client = new OpenAI({ apiKey: key, baseURL: url + '/v1', maxRetries: 0, timeout: 30000 });
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const stream = await client.chat.completions.create({
      model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: prompt }],
    });
    let text = '', finish = null, usage = null, chunks = 0, ids = new Set();
    for await (const chunk of stream) {
      chunks++;
      ids.add(chunk.id);
      for (const c of chunk.choices) {
        if (c.delta && c.delta.content) text += c.delta.content;
        if (c.finish_reason) finish = c.finish_reason;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    runs.push({ text, finish, usage, chunks, ids: [...ids] });
  }
  return runs;
}

async function vercel(prompt) {
  const { streamText } = load('ai');
  const { createOpenAI } = load('@ai-sdk/openai');
  const provider = createOpenAI({ apiKey: key, baseURL: url + '/v1' });
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const result = streamText({ model: provider.chat(model), prompt, maxRetries: 0 });
    let parts = 0;
    for await (const delta of result.textStream) { if (delta.length) parts++; }
    runs.push({ text: await result.text, finish: await result.finishReason, usage: await result.usage, parts });
  }
  return runs;
}

async function anthropic(prompt) {
  const mod = load('@anthropic-ai/sdk');
  const Anthropic = mod.default ?? mod.Anthropic ?? mod;
  const client = new Anthropic({ apiKey: key, baseURL: url, maxRetries: 0, timeout: 30000 });
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const stream = client.messages.stream({ model, max_tokens: 50, messages: [{ role: 'user', content: prompt }] });
    let text = '', deltas = 0;
    stream.on('text', (t) => { text += t; deltas++; });
    const final = await stream.finalMessage();
    runs.push({ text, deltas, final });
  }
  const whole = await client.messages.create({ model, max_tokens: 50, messages: [{ role: 'user', content: prompt }] });
  return { runs, whole };
}

(async () => {
  const out = {
    openai: await openai('openai sdk prompt'),
    vercel: await vercel('vercel sdk prompt'),
    anthropic: await anthropic('anthropic sdk prompt'),
  };
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
