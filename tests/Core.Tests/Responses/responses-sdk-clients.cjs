// Drives /v1/responses and /v1/completions with the official clients, unchanged: the `openai` npm SDK
// (responses.create, responses.stream, completions.create), the Vercel AI SDK's openai.responses() model, and the
// OpenAI Agents SDK (@openai/agents) running a two-turn agent with a function tool. Every model in GATEWAY_MODELS is
// asked streamed and not. Prints one JSON line with what each client saw; any client error exits non-zero.
const path = require('path');
const tools = process.env.NODE_TOOLS;
const load = (name) => require(path.join(tools, name));
const url = process.env.GATEWAY_URL;
const key = process.env.GATEWAY_KEY;
const models = process.env.GATEWAY_MODELS.split(',');

const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

function openaiClient() {
  const mod = load('openai');
  const OpenAI = mod.default ?? mod.OpenAI ?? mod;
  return new OpenAI({ apiKey: key, baseURL: url + '/v1', maxRetries: 0, timeout: 30000 });
}

// The text of a response's message items (finalResponse() carries no output_text helper in this SDK version).
const outputText = (r) => r.output.filter((i) => i.type === 'message').flatMap((i) => i.content).map((c) => c.text).join('');

async function openaiResponses(model) {
  const client = openaiClient();
  const created = await client.responses.create({ model, input: 'Hello' });
  const called = await client.responses.create({
    model, input: 'Weather in Paris?', tools: [{ type: 'function', name: 'get_weather', description: 'Weather in a city', parameters: weatherSchema, strict: true }],
  });
  const call = called.output.find((i) => i.type === 'function_call');
  const answered = await client.responses.create({
    model, previous_response_id: called.id,
    input: [{ type: 'function_call_output', call_id: call.call_id, output: '18C and sunny' }],
  });
  const stream = client.responses.stream({ model, input: 'Hello' });
  const deltas = [];
  const types = [];
  stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
  stream.on('event', (e) => types.push(e.type));
  const final = await stream.finalResponse();
  return {
    created: { id: created.id, text: created.output_text, status: created.status, usage: created.usage },
    call: { name: call.name, arguments: call.arguments, callId: call.call_id },
    answered: { text: answered.output_text, previous: answered.previous_response_id },
    stream: { deltas, types, text: outputText(final), usage: final.usage, status: final.status },
  };
}

async function vercel(model) {
  const { generateText, streamText } = load('ai');
  const { createOpenAI } = load('@ai-sdk/openai');
  const provider = createOpenAI({ apiKey: key, baseURL: url + '/v1' });
  const whole = await generateText({ model: provider.responses(model), prompt: 'Hello', maxRetries: 0 });
  const streamed = streamText({ model: provider.responses(model), prompt: 'Hello', maxRetries: 0 });
  let parts = 0;
  for await (const delta of streamed.textStream) if (delta.length) parts++;
  return {
    generate: { text: whole.text, finish: whole.finishReason, usage: whole.usage },
    stream: { text: await streamed.text, finish: await streamed.finishReason, usage: await streamed.usage, parts },
  };
}

async function agents(model, stream) {
  const { Agent, Runner, OpenAIProvider, tool, setTracingDisabled } = load('@openai/agents');
  setTracingDisabled(true);
  const calls = [];
  const getWeather = tool({
    name: 'get_weather', description: 'Weather in a city', parameters: weatherSchema, strict: true,
    execute: async ({ city }) => { calls.push(city); return `18C and sunny in ${city}`; },
  });
  const runner = new Runner({ modelProvider: new OpenAIProvider({ apiKey: key, baseURL: url + '/v1', useResponses: true }) });
  const agent = new Agent({ name: 'Weather', instructions: 'Be terse.', tools: [getWeather], model });
  const once = async (input, options) => {
    const result = await runner.run(agent, input, { ...options, stream });
    if (stream) { for await (const _ of result) { /* drain */ } await result.completed; }
    return result;
  };
  const first = await once('Weather in Paris?', {});
  const second = await once('And tomorrow?', { previousResponseId: first.lastResponseId });
  return { first: first.finalOutput, second: second.finalOutput, calls, firstId: first.lastResponseId, secondId: second.lastResponseId };
}

async function completions(model) {
  const client = openaiClient();
  const whole = await client.completions.create({ model, prompt: 'Say hi', max_tokens: 20 });
  const stream = await client.completions.create({ model, prompt: 'Say hi', max_tokens: 20, stream: true, stream_options: { include_usage: true } });
  let text = '', chunks = 0, usage = null, finish = null;
  for await (const c of stream) {
    chunks++;
    for (const ch of c.choices) { text += ch.text; if (ch.finish_reason) finish = ch.finish_reason; }
    if (c.usage) usage = c.usage;
  }
  return { whole: { text: whole.choices[0].text, object: whole.object, usage: whole.usage }, stream: { text, chunks, usage, finish } };
}

(async () => {
  const out = {};
  for (const model of models) {
    out[model] = {
      openai: await openaiResponses(model),
      vercel: await vercel(model),
      agents: { plain: await agents(model, false), streamed: await agents(model, true) },
      completions: await completions(model),
    };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
})().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
