// Drives the gateway's /v1/messages with the official @anthropic-ai/sdk (path in ANTHROPIC_SDK_PATH).
// Prints one JSON line with what the SDK saw; any SDK error makes the process exit non-zero.
const mod = require(process.env.ANTHROPIC_SDK_PATH);
const Anthropic = mod.default ?? mod.Anthropic ?? mod;
const client = new Anthropic({ apiKey: process.env.GATEWAY_KEY, baseURL: process.env.GATEWAY_URL, maxRetries: 0, timeout: 30000 });
const model = process.env.GATEWAY_MODEL;
(async () => {
  const message = await client.messages.create({ model, max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }] });
  const stream = client.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'Hello again' }] });
  let streamedText = '';
  stream.on('text', (t) => { streamedText += t; });
  const final = await stream.finalMessage();
  const tools = await client.messages.create({
    model, max_tokens: 100, messages: [{ role: 'user', content: 'Weather in Paris and Tokyo?' }],
    tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
  });
  const count = await client.messages.countTokens({ model, messages: [{ role: 'user', content: 'Count these words please' }] });
  console.log(JSON.stringify({ message, streamedText, final, tools, count }));
})().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
