// The response cache's costs, in-process:
//   1. a local hit's CPU in the cache hook: cache key (canonical rewrite + SHA-256 of a typical chat body), LRU lookup,
//      fresh id/created: per call, single thread;
//   2. a store hit: round trips to the store for an answer another instance cached (empty memory front), and for a
//      repeat (front hit), per store (SQLite always; Azurite and dynalite when BENCH_AZURITE_TABLES / BENCH_DYNALITE are set);
//   3. semantic search: brute force over 10,000 cached prompts of 1,536 dimensions, one search per call.
// Usage: dotnet run -c Release --project bench/CacheBench -- [iterations]
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Gateway.Caching;
using Gateway.Caching.Semantic;
using Gateway.Caching.Stores;
using System.Numerics;
using Gateway.Pipeline;

var n = args.Length > 0 ? int.Parse(args[0]) : 200_000;
var now = DateTimeOffset.UtcNow;

// ---- 1. local hit
var body = Encoding.UTF8.GetBytes("""{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Say hello to the team and wish them a good week."}],"max_tokens":64,"temperature":0}""");
var answer = Encoding.UTF8.GetBytes("""{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello team! Wishing you all a great week ahead.","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":28,"completion_tokens":12,"total_tokens":40},"service_tier":"default","system_fingerprint":"fp_06737a9306"}""");
var local = new LocalResponseCache(1000, 64L << 20);
using (var doc = JsonDocument.Parse(body)) local.Set(CacheKey.For(CallKind.ChatCompletion, "gpt-4o-mini", null, null, doc.RootElement), new CacheEntry(answer, now, now.AddHours(1), 0.0001m));
var hits = 0;
void LocalHit()
{
    using var doc = JsonDocument.Parse(body); // the pipeline parses once anyway; included to be conservative
    var key = CacheKey.For(CallKind.ChatCompletion, "gpt-4o-mini", null, null, doc.RootElement);
    if (local.Get(key, now) is { } e && FreshIdentity.Apply(e.Body, "chatcmpl-0193a0b1c2d3", now).Length > 0) hits++;
}
for (var i = 0; i < 20_000; i++) LocalHit();
var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
var sw = Stopwatch.StartNew();
for (var i = 0; i < n; i++) LocalHit();
var wall = sw.Elapsed;
var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
Console.WriteLine($"local hit (parse + key + lookup + fresh id), {body.Length} B body, {answer.Length} B answer: {wall.TotalMicroseconds / n:F2} us wall, {cpu.TotalMicroseconds / n:F2} us CPU per hit ({hits - 20_000} hits)");

// ---- 2. store hits
var counter = new Counting();
var stores = new List<(string Name, IResponseCacheStore Store, Func<long> Trips)>();
var sqlitePath = Path.Combine(Path.GetTempPath(), "cache-bench-" + Guid.NewGuid().ToString("N"), "gateway.db");
stores.Add(("sqlite", new SqliteResponseCache(sqlitePath), () => -1));
if (Environment.GetEnvironmentVariable("BENCH_AZURITE_TABLES") is { Length: > 0 } azurite)
{
    var cs = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint={azurite};";
    var options = new TableClientOptions { Transport = new HttpClientTransport(new HttpClient(counter.Wrap())) };
    stores.Add(("azurite", new TableResponseCache(new TableServiceClient(cs, options), "bench" + Guid.NewGuid().ToString("N")[..8], cs), () => counter.Count));
}
if (Environment.GetEnvironmentVariable("BENCH_DYNALITE") is { Length: > 0 } dynalite)
{
    var config = new AmazonDynamoDBConfig { ServiceURL = dynalite, AuthenticationRegion = "us-east-1", HttpClientFactory = new CountingFactory(counter) };
    stores.Add(("dynalite", new DynamoResponseCache(new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), config), "bench" + Guid.NewGuid().ToString("N")[..8]), () => counter.Count));
}
const int StoreN = 300;
Console.WriteLine($"store hits, {StoreN} keys each: an answer another instance cached (empty front), then a repeat (front)");
Console.WriteLine($"{"store",-9} {"cold p50 ms",12} {"cold p99 ms",12} {"trips/cold hit",15} {"front p50 us",13} {"trips/front hit",16}");
foreach (var (name, remote, trips) in stores)
{
    var writer = new StoreResponseCache(remote, new LocalResponseCache(200, 8L << 20), TimeProvider.System);
    var keys = Enumerable.Range(0, StoreN).Select(i => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)))).ToArray();
    foreach (var k in keys) await writer.SetAsync(k, new CacheEntry(answer, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), 0.0001m), default);
    var reader = new StoreResponseCache(remote, new LocalResponseCache(StoreN, 8L << 20), TimeProvider.System);
    var cold = new double[StoreN];
    var front = new double[StoreN];
    var t0 = trips();
    for (var i = 0; i < StoreN; i++)
    {
        sw.Restart();
        if (await reader.GetAsync(keys[i], DateTimeOffset.UtcNow, default) is null) throw new InvalidOperationException("miss");
        cold[i] = sw.Elapsed.TotalMilliseconds;
    }
    var t1 = trips();
    for (var i = 0; i < StoreN; i++)
    {
        sw.Restart();
        if (await reader.GetAsync(keys[i], DateTimeOffset.UtcNow, default) is null) throw new InvalidOperationException("miss");
        front[i] = sw.Elapsed.TotalMicroseconds;
    }
    var t2 = trips();
    Array.Sort(cold);
    Array.Sort(front);
    var coldTrips = t0 < 0 ? "1 (a SELECT)" : ((t1 - t0) / (double)StoreN).ToString("F2");
    var frontTrips = t0 < 0 ? "0" : ((t2 - t1) / (double)StoreN).ToString("F2");
    Console.WriteLine($"{name,-9} {cold[StoreN / 2],12:F3} {cold[StoreN * 99 / 100],12:F3} {coldTrips,15} {front[StoreN / 2],13:F2} {frontTrips,16}");
}

// ---- 3. semantic search
const int Entries = 10_000, Dims = 1536, Searches = 200;
var rng = new Random(42);
float[] RandomUnit()
{
    var v = new float[Dims];
    for (var d = 0; d < Dims; d++) v[d] = (float)(rng.NextDouble() * 2 - 1);
    return SemanticIndex.Normalize(v)!;
}
var index = new SemanticIndex(Entries);
for (var i = 0; i < Entries; i++) index.Add("g", RandomUnit(), "k" + i, now.AddHours(1));
var queries = Enumerable.Range(0, Searches).Select(_ => RandomUnit()).ToArray();
for (var i = 0; i < 20; i++) index.Search("g", queries[i], 0.95, now);
var times = new double[Searches];
for (var i = 0; i < Searches; i++)
{
    sw.Restart();
    index.Search("g", queries[i], 0.95, now);
    times[i] = sw.Elapsed.TotalMilliseconds;
}
Array.Sort(times);
Console.WriteLine($"semantic search, {Entries:N0} prompts x {Dims:N0} dims ({Entries * Dims * 4 / 1048576.0:F0} MB of float32): p50 {times[Searches / 2]:F2} ms, p99 {times[Searches * 99 / 100]:F2} ms per search ({Vector<float>.Count * 32}-bit SIMD)");

sealed class Counting
{
    private long _count;
    public long Count => Interlocked.Read(ref _count);
    public HttpMessageHandler Wrap() => new Handler(this) { InnerHandler = new SocketsHttpHandler() };

    private sealed class Handler(Counting c) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Interlocked.Increment(ref c._count);
            return base.SendAsync(request, ct);
        }
    }
}

sealed class CountingFactory(Counting counter) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(counter.Wrap());
}
