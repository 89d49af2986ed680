// Contract test: the official @openrouter/sdk (generated from OpenRouter's OpenAPI spec, validating every
// response with zod) talks to the mock server. Any response the SDK cannot parse fails the run.
//
// usage: node sdk-contract.mjs http://127.0.0.1:PORT/api/v1
// (needs `npm ci --prefix tests/contract` once; the Rust test tests/tests/sdk_contract.rs starts the mock and runs this)

import { OpenRouter } from "@openrouter/sdk";
import * as errors from "@openrouter/sdk/models/errors";

const baseUrl = process.argv[2];
if (!baseUrl) {
  console.error("usage: node sdk-contract.mjs <mock base URL, e.g. http://127.0.0.1:PORT/api/v1>");
  process.exit(2);
}
const origin = new URL(baseUrl).origin;

const options = {
  serverURL: baseUrl,
  retryConfig: { strategy: "none" },
  httpReferer: "https://github.com/openrouter-desktop",
  appTitle: "OpenRouter Desktop contract test",
};
const sdk = new OpenRouter({ ...options, apiKey: "sk-or-v1-contract0000000000000000000000000000000000000000000000000000" });
const managementSdk = new OpenRouter({ ...options, apiKey: "sk-or-v1-mgmt00000000000000000000000000000000000000000000000000000000" });
const rejectedSdk = new OpenRouter({ ...options, apiKey: "sk-or-v1-bad000000000000000000000000000000000000000000000000000000000" });

const MODEL = "anthropic/claude-sonnet-4.5";

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function queue(scenario) {
  const response = await fetch(`${origin}/__mock/scenario`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(scenario),
  });
  assert(response.ok, `POST /__mock/scenario ${JSON.stringify(scenario)} -> ${response.status} ${await response.text()}`);
}

async function streamChat(prompt) {
  const stream = await sdk.chat.send({
    chatRequest: { model: MODEL, messages: [{ role: "user", content: prompt }], stream: true },
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const textOf = (chunks) => chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");

let generationId;

const checks = [
  ["chat.send non-streamed (ChatResult)", async () => {
    const result = await sdk.chat.send({
      chatRequest: { model: MODEL, messages: [{ role: "user", content: "contract ping 1" }], stream: false },
    });
    assert(result.object === "chat.completion", `object is ${result.object}`);
    assert(result.choices[0].message.content.includes("contract ping 1"), "reply does not quote the prompt");
    assert(result.choices[0].finishReason === "stop", `finishReason ${result.choices[0].finishReason}`);
    assert(typeof result.usage?.cost === "number", "usage.cost missing");
    generationId = result.id;
  }],
  ["chat.send streamed (ChatStreamChunk, every chunk)", async () => {
    const chunks = await streamChat("contract ping 2");
    assert(chunks.length > 3, `only ${chunks.length} chunks`);
    assert(textOf(chunks).includes("contract ping 2"), "streamed text does not quote the prompt");
    assert(textOf(chunks).includes("```"), "no fenced code block in the default reply");
    assert(chunks.some((c) => c.choices[0]?.finishReason === "stop"), "no finishReason stop");
    assert(typeof chunks.at(-1).usage?.cost === "number", "last chunk has no usage.cost");
  }],
  ["models.list (ModelsListResponse, all pages)", async () => {
    let count = 0;
    let total;
    for await (const page of await sdk.models.list()) {
      count += page.result.data.length;
      total = page.result.totalCount;
    }
    assert(count === 371 && total === 371, `got ${count} models, totalCount ${total}`);
  }],
  ["models.list paged (limit 100)", async () => {
    let count = 0;
    let pages = 0;
    for await (const page of await sdk.models.list({ limit: 100 })) {
      count += page.result.data.length;
      pages += 1;
    }
    assert(count === 371 && pages === 4, `got ${count} models in ${pages} pages`);
  }],
  ["endpoints.list (ListEndpointsResponse, PublicEndpoint with stats)", async () => {
    const result = await sdk.endpoints.list({ author: "deepseek", slug: "deepseek-r1" });
    const endpoints = result.data.endpoints;
    assert(result.data.id === "deepseek/deepseek-r1", `id ${result.data.id}`);
    assert(endpoints.length >= 2, `only ${endpoints.length} endpoints`);
    assert(endpoints.every((e) => typeof e.latencyLast30m?.p50 === "number"), "latency missing with a key");
    assert(endpoints.every((e) => typeof e.pricing.prompt === "string"), "prompt price missing");
  }],
  ["endpoints.list of a free variant's base, and a closed model", async () => {
    const free = await sdk.endpoints.list({ author: "openai", slug: "gpt-oss-120b" });
    assert(free.data.endpoints.some((e) => e.pricing.prompt === "0"), "no free endpoint");
    const closed = await sdk.endpoints.list({ author: "anthropic", slug: "claude-sonnet-4.5" });
    assert(closed.data.endpoints.every((e) => e.quantization === null), "first-party quantization");
  }],
  ["endpoints.list of an unknown model -> NotFoundResponseError", async () => {
    await expectError(() => sdk.endpoints.list({ author: "nobody", slug: "nothing" }), errors.NotFoundResponseError, 404);
  }],
  ["providers.list (GET /providers)", async () => {
    const result = await sdk.providers.list();
    assert(result.data.length >= 10, `only ${result.data.length} providers`);
    assert(result.data.some((p) => p.slug === "deepinfra" && p.name === "DeepInfra"), "no DeepInfra");
  }],
  ["apiKeys.getCurrentKeyMetadata (GET /key)", async () => {
    const key = await sdk.apiKeys.getCurrentKeyMetadata();
    assert(key.data.label.startsWith("sk-or-v1-con"), `label ${key.data.label}`);
    assert(key.data.label.includes("..."), "label is not masked");
    assert(typeof key.data.limitRemaining === "number", "limitRemaining missing");
  }],
  ["generations.getGeneration (GET /generation)", async () => {
    assert(generationId, "no generation id from the first chat");
    const generation = await sdk.generations.getGeneration({ id: generationId });
    assert(generation.data.id === generationId, `id ${generation.data.id} != ${generationId}`);
    assert(generation.data.model === MODEL, `model ${generation.data.model}`);
    assert(typeof generation.data.totalCost === "number", "totalCost missing");
  }],
  ["credits.getCredits with a management key", async () => {
    const credits = await managementSdk.credits.getCredits();
    assert(credits.data.totalCredits === 100.5 && credits.data.totalUsage === 25.75, JSON.stringify(credits.data));
  }],
  ["credits.getCredits with an ordinary key -> ForbiddenResponseError", async () => {
    await expectError(() => sdk.credits.getCredits(), errors.ForbiddenResponseError, 403);
  }],
  ["rejected key -> UnauthorizedResponseError", async () => {
    await expectError(() => rejectedSdk.apiKeys.getCurrentKeyMetadata(), errors.UnauthorizedResponseError, 401);
  }],
];

// Every generated stream scenario must parse chunk by chunk.
for (const scenario of [
  { scenario: "reasoning" },
  { scenario: "tool_calls" },
  { scenario: "mid_stream_error" },
  { scenario: "empty" },
  { scenario: "no_done" },
  { scenario: "slow", chunks: 3, delay_ms: 5 },
  { scenario: "huge", bytes: 300000 },
  { scenario: "huge", bytes: 300000, single_event: true },
  { scenario: "reply", text: "Plain **markdown** reply" },
  { scenario: "replay", fixture: "test_openrouter_streaming_reasoning" },
  { scenario: "replay", fixture: "test_openrouter_stream_error", chunk_size: 7 },
  { scenario: "replay", fixture: "test_openrouter_web_search_annotations_stream", chunk_size: 1 },
]) {
  checks.push([`stream scenario ${JSON.stringify(scenario)}`, async () => {
    await queue(scenario);
    const chunks = await streamChat("scenario check");
    assert(chunks.length > 0, "no chunks");
    if (scenario.scenario === "mid_stream_error" || scenario.fixture === "test_openrouter_stream_error") {
      assert(chunks.some((c) => c.error?.code), "no chunk with a top-level error");
    }
    if (scenario.scenario === "tool_calls") {
      assert(chunks.some((c) => c.choices[0]?.delta?.toolCalls?.length), "no tool-call deltas");
    }
    if (scenario.scenario === "reasoning") {
      assert(chunks.some((c) => c.choices[0]?.delta?.reasoning), "no reasoning deltas");
    }
  }]);
}

// Non-streamed variants of the generated scenarios.
for (const scenario of [{ scenario: "reasoning" }, { scenario: "tool_calls" }, { scenario: "mid_stream_error" }, { scenario: "empty" }]) {
  checks.push([`non-streamed scenario ${JSON.stringify(scenario)}`, async () => {
    await queue(scenario);
    const result = await sdk.chat.send({
      chatRequest: { model: MODEL, messages: [{ role: "user", content: "scenario check" }], stream: false },
    });
    assert(result.choices.length === 1, "no choice");
  }]);
}

// HTTP errors must map to the SDK's typed errors (a validation error means the body shape is wrong).
for (const [status, errorClass, extra] of [
  [401, errors.UnauthorizedResponseError, {}],
  [402, errors.PaymentRequiredResponseError, {}],
  [403, errors.ForbiddenResponseError, {}],
  [408, errors.RequestTimeoutResponseError, {}],
  [429, errors.TooManyRequestsResponseError, { retry_after: 2 }],
  [429, errors.TooManyRequestsResponseError, { variant: "free_models_per_day" }],
  [404, errors.NotFoundResponseError, { variant: "free_variant_ended" }],
  [500, errors.InternalServerResponseError, {}],
  [502, errors.BadGatewayResponseError, {}],
  [503, errors.ServiceUnavailableResponseError, {}],
]) {
  checks.push([`http_error ${status} ${JSON.stringify(extra)} -> ${errorClass.name}`, async () => {
    await queue({ scenario: "http_error", status, ...extra });
    await expectError(
      () => sdk.chat.send({ chatRequest: { model: MODEL, messages: [{ role: "user", content: "error check" }], stream: true } }),
      errorClass,
      status,
    );
  }]);
}

async function expectError(call, errorClass, status) {
  try {
    await call();
  } catch (error) {
    assert(
      error instanceof errorClass,
      `expected ${errorClass.name}, got ${error?.name}: ${error?.message}`,
    );
    assert(error.statusCode === status, `status ${error.statusCode}`);
    assert(typeof error.error?.message === "string" && error.error.message.length > 0, "error.message missing");
    return;
  }
  throw new Error(`expected ${errorClass.name}, but the call succeeded`);
}

let failed = 0;
for (const [name, check] of checks) {
  try {
    await check();
    console.log(`ok - ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`not ok - ${name}\n    ${String(error?.stack ?? error).split("\n").slice(0, 6).join("\n    ")}`);
    if (error?.rawValue !== undefined || error?.cause) {
      console.log(`    cause: ${String(error.cause ?? "").slice(0, 2000)}`);
    }
  }
}
console.log(`${checks.length - failed}/${checks.length} SDK contract checks passed (@openrouter/sdk against ${baseUrl})`);
process.exit(failed === 0 ? 0 : 1);
