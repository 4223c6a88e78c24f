// What the limit checks add to one call, per store: the admit (check + reserve) before the upstream call and the
// settle after it, timed sequentially on loopback, with the store round trips (HTTP requests, SQLite transactions)
// counted per request. Usage: dotnet run -c Release -- [N]   (env: BENCH_AZURITE_TABLES, BENCH_DYNALITE)
using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Gateway.Keys;
using Gateway.Stores.DynamoDb;
using Gateway.Stores.Sqlite;
using Gateway.Stores.Tables;

var n = args.Length > 0 ? int.Parse(args[0]) : 2000;
var counter = new CountingHandler();
var stores = new List<(string Name, IGovernanceStore Store, Func<long> RoundTrips)>();

var dbPath = Path.Combine(Path.GetTempPath(), "limits-bench-" + Guid.NewGuid().ToString("N"), "gateway.db");
var sqlite = new SqliteGovernanceStore(dbPath);
stores.Add(("sqlite", sqlite, () => sqlite.Transactions));

if (Environment.GetEnvironmentVariable("BENCH_AZURITE_TABLES") is { Length: > 0 } azurite)
{
    var cs = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint={azurite};";
    var options = new TableClientOptions { Transport = new HttpClientTransport(new HttpClient(counter.Wrap(new SocketsHttpHandler()))) };
    stores.Add(("azurite", new TableGovernanceStore(new TableServiceClient(cs, options), "bench" + Guid.NewGuid().ToString("N")[..8], cs), () => counter.Count));
}
if (Environment.GetEnvironmentVariable("BENCH_DYNALITE") is { Length: > 0 } dynalite)
{
    var config = new AmazonDynamoDBConfig { ServiceURL = dynalite, AuthenticationRegion = "us-east-1", HttpClientFactory = new CountingFactory(counter) };
    var client = new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), config);
    stores.Add(("dynalite", new DynamoGovernanceStore(client, "bench" + Guid.NewGuid().ToString("N")[..8]), () => counter.Count));
}

Console.WriteLine($"{n} sequential requests per store; one key with a budget, rpm and tpm, in a team with a budget (2 subjects).");
Console.WriteLine($"{"store",-9} {"admit p50",10} {"admit p99",10} {"settle p50",11} {"settle p99",11} {"added p50",10} {"trips/req",10} {"before",7} {"after",6}");
foreach (var (name, store, trips) in stores)
{
    await store.InitializeAsync();
    var key = new SubjectCharge(Subjects.Key(Guid.NewGuid().ToString("N")), new SubjectLimits(MaxBudget: 1_000_000m, Rpm: 10_000_000, Tpm: 10_000_000_000));
    var team = new SubjectCharge(Subjects.Team(Guid.NewGuid().ToString("N")), new SubjectLimits(MaxBudget: 1_000_000m));
    var admit = new double[n];
    var settle = new double[n];
    long before = 0, after = 0;
    for (var i = -200; i < n; i++) // the first 200 warm up
    {
        var now = DateTimeOffset.UtcNow;
        var request = new AdmitRequest("res_" + Guid.CreateVersion7().ToString("N"), [key, team], 1000, 100, now, now.AddMinutes(15));
        var t0 = trips();
        var sw = Stopwatch.StartNew();
        var result = await store.AdmitAsync(request);
        var a = sw.Elapsed.TotalMilliseconds;
        var t1 = trips();
        sw.Restart();
        await store.SettleAsync(SettleRequest.For(request, 800, 80, DateTimeOffset.UtcNow));
        var s = sw.Elapsed.TotalMilliseconds;
        if (!result.Admitted) throw new InvalidOperationException("refused: " + result.Refused);
        if (i < 0) continue;
        admit[i] = a;
        settle[i] = s;
        before += t1 - t0;
        after += trips() - t1;
    }
    var added = admit.Zip(settle, (x, y) => x + y).ToArray();
    Console.WriteLine($"{name,-9} {P(admit, 50),10:0.000} {P(admit, 99),10:0.000} {P(settle, 50),11:0.000} {P(settle, 99),11:0.000} {P(added, 50),10:0.000} {(before + after) / (double)n,10:0.00} {before / (double)n,7:0.00} {after / (double)n,6:0.00}");
}
Console.WriteLine("Times in ms. 'trips' are HTTP requests to the emulator (SQLite: transactions); per subject for Tables and DynamoDB.");

static double P(double[] xs, int p)
{
    var sorted = xs.Order().ToArray();
    return sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p / 100.0))];
}

/// <summary>Counts HTTP requests sent by a store client.</summary>
sealed class CountingHandler
{
    private long _count;
    public long Count => Interlocked.Read(ref _count);
    public HttpMessageHandler Wrap(HttpMessageHandler inner) => new Counting(this, inner);

    private sealed class Counting(CountingHandler owner, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Interlocked.Increment(ref owner._count);
            return base.SendAsync(request, ct);
        }
    }
}

sealed class CountingFactory(CountingHandler counter) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(counter.Wrap(new SocketsHttpHandler()));
}
